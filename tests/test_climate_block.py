"""The write-back block, its summary text and the item badges (no database needed)."""

import copy
from datetime import UTC, datetime
from types import SimpleNamespace
from xml.etree import ElementTree

import pytest
from flask import Flask

from climate_plugin.assessments.links import checklist_url
from climate_plugin.assessments.summary import summary_text
from climate_plugin.badges import BADGES, item_badges, render_badge_svg
from climate_plugin.badges.catalogue import badge_image_url
from climate_plugin.checklist import build_stage0_answers
from climate_plugin.web.signed_links import read_token, token_expiry
from climate_plugin.writeback.block import build_climate_block

BASE = "https://climate.example.fi/"
EVIDENCE = [
    {"category": "buildings", "term": "peruskorjaus", "snippet": "koulun peruskorjaus", "location": "title"},
    {"category": "energy", "term": "maalämpö", "snippet": "lämmitys maalämpöön", "location": "body"},
]


FETCHED = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)
#: FETCHED + 120 days, rounded up to midnight UTC; the links are read "now" = FETCHED so they never expire
EXPIRES = datetime(2027, 3, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def app_context():
    # The checklist link is signed with the app's secret key (in the worker, the real app's).
    app = Flask(__name__)
    app.config["SECRET_KEY"] = "test-secret"
    with app.app_context():
        yield


def link_subject(url: str, base: str = BASE) -> str | None:
    prefix = base.rstrip("/") + "/checklist/"
    assert url.startswith(prefix)
    return read_token("checklist", url[len(prefix):], now=FETCHED)


def make_item(language="fi", municipality_language="fi"):
    municipality = SimpleNamespace(language=municipality_language, name="Lahti", slug="lahti")
    return SimpleNamespace(
        fetched_at=FETCHED,
        content_hash="h",
        assessments=[],
        public_id="abc123",
        external_id="ext-42",
        title="Koulun peruskorjaus",
        body="",
        language=language,
        meeting="Tekninen lautakunta 3/2026",
        connector=SimpleNamespace(municipality=municipality),
    )


def make_assessment(relevance="high", categories=("buildings", "energy"), evidence=EVIDENCE, answers=None):
    categories, evidence = list(categories), copy.deepcopy(list(evidence))
    return SimpleNamespace(
        relevance=relevance,
        categories=categories,
        evidence=evidence,
        answers=answers if answers is not None else build_stage0_answers(relevance, categories, evidence),
        revision=3,
        created_at=None,
    )


def test_urls():
    item = make_item()
    url = checklist_url(item, BASE)
    assert link_subject(url) == "abc123"
    assert checklist_url(item, "https://x.fi") == "https://x.fi/" + url.removeprefix(BASE)
    assert checklist_url(item, BASE) == url  # deterministic: the block stays the same
    token = url.rsplit("/", 1)[1]
    assert token_expiry("checklist", token) == EXPIRES
    assert badge_image_url("climate_assessed", "sv", BASE) == (
        "https://climate.example.fi/badges/climate_assessed.svg?lang=sv"
    )


def test_block_shape_and_values():
    block = build_climate_block(make_item(), make_assessment(), BASE)
    assert set(block) == {
        "item", "revision", "relevance", "categories", "evidence", "summary", "checklist_url", "badges",
    }
    assert block["item"] == "ext-42" and block["revision"] == 3 and block["relevance"] == "high"
    assert block["categories"] == ["energy", "buildings"]  # checklist order
    assert block["evidence"] == EVIDENCE
    assert link_subject(block["checklist_url"]) == "abc123"
    assert block["badges"] == [
        {
            "code": "climate_check_recommended",
            "label": "Ilmastovaikutukset arvioitava",
            "image_url": "https://climate.example.fi/badges/climate_check_recommended.svg?lang=fi",
        }
    ]


def test_block_is_deterministic():
    item, assessment = make_item(), make_assessment()
    first = build_climate_block(item, assessment, BASE)
    second = build_climate_block(make_item(), make_assessment(), BASE)
    assert first == second
    assert repr(first) == repr(second)  # key order too, so a JSON hash is stable


def test_block_uses_item_language_then_municipality():
    block = build_climate_block(make_item(language="sv"), make_assessment(), BASE)
    assert block["summary"].startswith("Enligt den automatiska förhandsbedömningen")
    assert "energi; byggnader och byggande" in block["summary"]
    assert block["badges"][0]["label"] == "Klimatkonsekvenserna ska bedömas"
    assert block["badges"][0]["image_url"].endswith("?lang=sv")
    block = build_climate_block(make_item(language=None, municipality_language="en"), make_assessment(), BASE)
    assert block["summary"].startswith("The automatic screening")


def test_none_item_has_no_categories_and_no_marker():
    assessment = make_assessment(relevance="none", categories=("energy",), evidence=EVIDENCE[1:])
    block = build_climate_block(make_item(), assessment, BASE)
    assert block["categories"] == [] and block["evidence"] == []
    assert block["badges"] == []
    assert "ei löytynyt arvioitavia ilmastovaikutuksia" in block["summary"]


def test_summary_minor_without_categories():
    text = summary_text(make_item(), make_assessment("minor", (), ()), "fi")
    assert text == (
        "Automaattisen esiarvioinnin mukaan asialla voi olla vähäisiä ilmastovaikutuksia. "
        "Valmistelija voi tarkentaa arviota ilmastovaikutusten tarkistuslistalla."
    )
    assert "{" not in summary_text(make_item(), make_assessment("high"), "en")


# --- badges --------------------------------------------------------------------------------------------

def codes(item, assessment):
    return [b.code for b in item_badges(item, assessment)]


def preparer_answers(**extra):
    answers = {
        "ratings": {
            "energy": {"rating": "+", "justification": "Maalämpö korvaa öljylämmityksen."},
            "transport": {"rating": "0", "justification": ""},
        },
    }
    answers.update(extra)
    return answers


def test_marker_only_for_high_screening():
    assert codes(make_item(), make_assessment("high")) == ["climate_check_recommended"]
    assert codes(make_item(), make_assessment("minor")) == []
    assert codes(make_item(), None) == []


def test_quality_badges():
    answers = preparer_answers(
        questions={"X1": "Puurakenne selvitettiin, mutta se oli kalliimpi.", "X5": " ", "X6": "arvio"},
        commitment={"target": "-30 % energiaa", "indicator": "MWh/v", "deadline": "2028"},
    )
    got = codes(make_item(), make_assessment("high", answers=answers))
    # assessed, so the to-do marker is gone; X5 is blank, so no indicator badge
    assert got == ["climate_assessed", "alternatives_considered", "commitment_made"]
    answers["questions"]["X5"] = "Kiinteistön lämmitysenergia (MWh), seuranta 2028"
    answers["commitment"].update(kept=True, follow_up="Toteuma -34 % vuonna 2028")
    assert codes(make_item(), make_assessment("minor", answers=answers)) == [
        "climate_assessed", "alternatives_considered", "indicator_set", "commitment_made", "commitment_kept",
    ]


@pytest.mark.parametrize(
    "ratings",
    [
        {"energy": {"rating": "0", "justification": "Ei vaikutusta."}},  # a "no impact" verdict earns nothing
        {"energy": {"rating": "?", "justification": "Ei tiedossa."}},  # nor does "unknown" alone
        {"energy": {"rating": "+", "justification": "Hyvä."}, "waste": {"rating": "-", "justification": ""}},
        {"energy": {"rating": "+++", "justification": "x"}},
        {},
    ],
)
def test_climate_assessed_not_awarded(ratings):
    assert "climate_assessed" not in codes(make_item(), make_assessment(answers={"ratings": ratings}))


def test_commitment_kept_needs_recorded_follow_up():
    answers = {"commitment": {"target": "a", "indicator": "b", "deadline": "c", "kept": True}}
    assert codes(make_item(), make_assessment("none", answers=answers)) == ["commitment_made"]


def test_catalogue_entries_complete():
    for badge in BADGES.values():
        assert badge.scope == "item"
        assert set(badge.name) == set(badge.rule) == {"fi", "sv", "en"}
    assert BADGES["climate_check_recommended"].kind == "status"


@pytest.mark.parametrize("lang,title", [("fi", "Vaihtoehdot punnittu"), ("sv", "Alternativ övervägda")])
def test_badge_svg_is_accessible_and_well_formed(lang, title):
    svg = render_badge_svg("alternatives_considered", lang)
    root = ElementTree.fromstring(svg)  # raises on malformed XML
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("role") == "img"
    assert root.find(f"{ns}title").text == title
    assert root.find(f"{ns}text").text == title


def test_badge_svg_escapes_text(monkeypatch):
    badge = BADGES["indicator_set"]
    monkeypatch.setitem(badge.name, "en", 'A <b>&"x"')
    svg = render_badge_svg("indicator_set", "en")
    assert "<b>" not in svg and "&lt;b&gt;&amp;" in svg
    ElementTree.fromstring(svg)


def test_badge_svg_unknown_code():
    with pytest.raises(KeyError):
        render_badge_svg("top_gun", "fi")
