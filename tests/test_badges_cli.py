"""`climate-plugin badges list|recompute` and `climate-plugin municipality set`."""

from __future__ import annotations

import json

import pytest

from climate_plugin.badges import CATALOGUE
from climate_plugin.db import db
from climate_plugin.models import BadgeAward
from tests.factories import MunicipalityFactory, SubmittedItemFactory
from tests.support.cli import assert_clean_failure, invoke

TECH = "Tekninen lautakunta"
#: the climate teams' game elements (issue 14): on by default, the leaderboard opt-in
TEAM_GAME = {"team_challenges": True, "climate_team_badges": True, "team_leaderboard": False}


def test_list_json_is_exactly_the_published_shape(runner):
    result = invoke(runner, "badges", "list", "--json")
    assert result.exit_code == 0, result.output
    listing = json.loads(result.stdout)
    assert [entry["code"] for entry in listing] == list(CATALOGUE)
    for entry in listing:
        assert set(entry) == {"code", "scope", "name", "rule"}
        assert entry["scope"] in ("item", "team", "municipality")
        assert set(entry["name"]) == set(entry["rule"]) == {"fi", "sv", "en"}
        assert all(isinstance(v, str) and v for v in (*entry["name"].values(), *entry["rule"].values()))
    by_code = {e["code"]: e for e in listing}
    assert by_code["climate_assessed"]["name"]["sv"] == "Klimatkonsekvenserna bedömda"
    assert by_code["team_commitments_kept"]["scope"] == "team"


def test_list_table(runner):
    result = invoke(runner, "badges", "list", "--lang", "fi")
    assert result.exit_code == 0, result.output
    assert "Ilmastovaikutukset arvioitu" in result.stdout
    assert "municipality_indicators_set" in result.stdout
    assert not result.stdout.lstrip().startswith("[")


def test_recompute_stores_new_levels_once(app, runner):
    with app.app_context():
        SubmittedItemFactory(committee=TECH)
    first = json.loads(invoke(runner, "badges", "recompute", "--municipality", "hollola").stdout)
    levels = {(n["code"], n["committee"], n["level"]) for n in first[0]["new_levels"]}
    assert ("team_climate_assessed", TECH, 1) in levels
    assert ("municipality_climate_assessed", None, 1) in levels
    again = json.loads(invoke(runner, "badges", "recompute").stdout)
    assert again == [{"municipality": "hollola", "new_levels": []}]
    with app.app_context():
        assert db.session.query(BadgeAward).count() == len(levels)
    assert_clean_failure(
        invoke(runner, "badges", "recompute", "--municipality", "nowhere"), "no municipality"
    )


def test_municipality_set(app, runner):
    with app.app_context():
        MunicipalityFactory()
    result = invoke(
        runner,
        "municipality",
        "set",
        "--slug",
        "hollola",
        "--game-off",
        "team_badges, progress",
        "--frame-ancestors",
        "https://agenda.hollola.fi https://*.kuntaportaali.fi:8443",
    )
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    # the screening's default operating point (tests/test_screening_sensitivity.py)
    assert shown["screening_sensitivity"]["name"] == "recall"
    del shown["screening_sensitivity"]
    assert shown == {
        "slug": "hollola",
        "game": {"item_badges": True, "team_badges": False, "progress": False, **TEAM_GAME},
        "frame_ancestors": ["https://agenda.hollola.fi", "https://*.kuntaportaali.fi:8443"],
        "time_zone": "Europe/Helsinki",
    }
    # only what is given changes
    result = invoke(runner, "municipality", "set", "--slug", "hollola", "--game-on", "progress")
    assert json.loads(result.stdout)["game"] == {
        "item_badges": True, "team_badges": False, "progress": True, **TEAM_GAME
    }
    assert json.loads(result.stdout)["frame_ancestors"] == [
        "https://agenda.hollola.fi",
        "https://*.kuntaportaali.fi:8443",
    ]
    result = invoke(runner, "municipality", "set", "--slug", "hollola", "--frame-ancestors", "")
    assert json.loads(result.stdout)["frame_ancestors"] == []
    with app.app_context():
        row = MunicipalityFactory()
        assert row.game_enabled("team_badges") is False and row.frame_ancestors() == []


@pytest.mark.parametrize(
    "args,fragment",
    [
        (["--game-off", "leaderboard"], "unknown game element(s) leaderboard"),
        (["--game-off", "progress", "--game-on", "progress"], "both on and off"),
        (["--frame-ancestors", "https://a.fi; script-src *"], "not an origin"),
        (["--frame-ancestors", "'self'"], "not an origin"),
        (["--frame-ancestors", "https://a.fi/path"], "not an origin"),
    ],
)
def test_municipality_set_refuses_bad_values(app, runner, args, fragment):
    with app.app_context():
        MunicipalityFactory()
    assert_clean_failure(invoke(runner, "municipality", "set", "--slug", "hollola", *args), fragment)


def test_municipality_set_unknown_slug(runner):
    result = invoke(runner, "municipality", "set", "--slug", "nowhere", "--game-off", "progress")
    assert_clean_failure(result, "no municipality with slug 'nowhere'")
