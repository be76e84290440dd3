"""Item badges and the catalogue, without a database: rules, withholding, game switches, images."""

from __future__ import annotations

import re
from types import SimpleNamespace
from xml.etree import ElementTree

import pytest

from climate_plugin.badges import (
    BADGES,
    CATALOGUE,
    MUNICIPALITY_BADGES,
    TEAM_BADGES,
    THRESHOLDS,
    item_badges,
    render_badge_svg,
)
from climate_plugin.i18n import LANGUAGES, MESSAGES

ASSESSED = {
    "ratings": {"energy": {"rating": "-", "justification": "Lisää autoliikennettä."}},
    "questions": {"X1": "Puurakenne selvitettiin.", "X5": "Ajoneuvomäärä, seuranta 2027"},
}


def make_item(game: dict | None = None, assessments=()):
    settings = {"game": game or {}}

    def game_enabled(name: str) -> bool:
        return settings["game"].get(name, True)

    municipality = SimpleNamespace(language="fi", game_enabled=game_enabled)
    return SimpleNamespace(
        connector=SimpleNamespace(municipality=municipality), assessments=list(assessments)
    )


def make_assessment(answers=None, relevance="high", **extra):
    return SimpleNamespace(relevance=relevance, answers=answers or {}, **extra)


def codes(item, assessment) -> list[str]:
    return [b.code for b in item_badges(item, assessment)]


def test_quality_badges_from_a_submitted_assessment():
    assessment = make_assessment(ASSESSED, state="submitted", needs_review=False)
    assert codes(make_item(), assessment) == ["climate_assessed", "alternatives_considered", "indicator_set"]


def test_review_withholds_the_badges_and_brings_back_the_to_do_marker():
    assessment = make_assessment(ASSESSED, state="submitted", needs_review=True)
    assert codes(make_item(), assessment) == ["climate_check_recommended"]
    assert codes(make_item(), make_assessment(ASSESSED, relevance="minor", needs_review=True)) == []


def test_a_draft_shows_the_badges_of_the_last_submitted_revision():
    submitted = make_assessment(ASSESSED, state="submitted")
    draft = make_assessment({"ratings": {}}, state="draft")
    assert codes(make_item(assessments=[submitted, draft]), draft) == [
        "climate_assessed",
        "alternatives_considered",
        "indicator_set",
    ]
    # a first draft with nothing submitted before earns nothing, however complete it looks
    lone = make_assessment(ASSESSED, state="draft")
    assert codes(make_item(assessments=[lone]), lone) == ["climate_check_recommended"]


def test_item_badges_switched_off_leave_only_status_markers():
    item = make_item(game={"item_badges": False})
    assert codes(item, make_assessment(ASSESSED)) == []
    assert codes(item, make_assessment({})) == ["climate_check_recommended"]


@pytest.mark.parametrize(
    "ratings",
    [
        {"energy": {"rating": "0", "justification": "Ei vaikutusta."}},
        {"energy": {"rating": "0", "justification": ""}, "waste": {"rating": "0", "justification": ""}},
        {"energy": {"rating": "?", "justification": "Ei tiedossa."}},
    ],
)
def test_no_impact_verdicts_earn_no_badge(ratings):
    got = codes(make_item(), make_assessment({"ratings": ratings}, relevance="minor"))
    assert "climate_assessed" not in got


def test_catalogue_is_complete_in_three_languages():
    assert list(CATALOGUE) == [*BADGES, *TEAM_BADGES, *MUNICIPALITY_BADGES]
    assert {b.scope for b in TEAM_BADGES.values()} == {"team"}
    assert {b.scope for b in MUNICIPALITY_BADGES.values()} == {"municipality"}
    for badge in CATALOGUE.values():
        for lang in LANGUAGES:
            assert badge.name[lang].strip() and badge.rule[lang].strip(), (badge.code, lang)
            assert f"badge.{badge.code}.name" in MESSAGES
        assert badge.as_listing() == {
            "code": badge.code,
            "scope": badge.scope,
            "name": badge.name,
            "rule": badge.rule,
        }
    # no two badges share a name in any language: people tell them apart by name
    for lang in LANGUAGES:
        names = [b.name[lang] for b in CATALOGUE.values()]
        assert len(set(names)) == len(names)


def test_levelled_rules_name_the_published_thresholds():
    # "one" is written as a word; the others as the numbers THRESHOLDS holds
    for badge in (*TEAM_BADGES.values(), *MUNICIPALITY_BADGES.values()):
        for lang in LANGUAGES:
            numbers = [
                int(n)
                for n in re.findall(r"\b(\d+)\b", badge.rule[lang])
                if n not in ("1", "2", "3", "4", "5")
            ]
            assert tuple(numbers) == THRESHOLDS[3:], (badge.code, lang)


@pytest.mark.parametrize(
    "lang,title",
    [
        ("fi", "Toimielin arvioi ilmastovaikutukset, taso 3/5"),
        ("sv", "Organet bedömer klimatkonsekvenser, nivå 3/5"),
        ("en", "Committee assesses climate impacts, level 3 of 5"),
    ],
)
def test_level_image_has_an_accessible_title(lang, title):
    root = ElementTree.fromstring(render_badge_svg("team_climate_assessed", lang, level=3))
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("role") == "img"
    assert root.find(f"{ns}title").text == title
    assert root.find(f"{ns}text").text.endswith("3/5")


def test_level_zero_is_drawn_differently_and_item_badges_ignore_levels():
    assert 'fill="#4d4d4d"' in render_badge_svg("municipality_commitments_kept", "fi", level=0)
    assert 'fill="#4d4d4d"' not in render_badge_svg("municipality_commitments_kept", "fi", level=1)
    assert render_badge_svg("climate_assessed", "fi", level=4) == render_badge_svg("climate_assessed", "fi")


def test_users_guide_publishes_every_rule_as_the_service_does():
    from pathlib import Path

    guide = (Path(__file__).resolve().parent.parent / "docs" / "users.md").read_text(encoding="utf-8")
    for badge in CATALOGUE.values():
        for lang in LANGUAGES:
            assert f"- **{badge.name[lang]}**: {badge.rule[lang]}" in guide, (badge.code, lang)
