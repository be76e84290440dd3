"""The checklist data, the i18n catalogue and the stage 0 pre-fill."""

import re

import pytest

from climate_plugin import checklist
from climate_plugin.checklist import (
    CATEGORIES,
    CATEGORY_CODES,
    CATEGORY_TO_STAGE0,
    CHECKLIST_VERSION,
    CROSS_CUTTING,
    RATING_SCALE,
    STAGE0_QUESTIONS,
    build_stage0_answers,
    escalation_reasons,
    prefill_stage0,
)
from climate_plugin.i18n import LANGUAGES, MESSAGES, pick_language, t

SCREENING_CODES = {
    "energy", "transport", "buildings", "land_use", "procurement",
    "consumption", "waste", "carbon_sinks", "adaptation", "steering",
}


def ev(category, term="sana", snippet="teksti", location="body"):
    return {"category": category, "term": term, "snippet": snippet, "location": location}


# --- i18n ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_message_has_all_languages(key):
    assert set(MESSAGES[key]) == set(LANGUAGES)
    assert all(MESSAGES[key][lang].strip() for lang in LANGUAGES)


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_placeholders_agree_across_languages(key):
    # A translation that drops %(categories)s would silently lose information.
    fields = {lang: set(re.findall(r"%\((\w+)\)", MESSAGES[key][lang])) for lang in LANGUAGES}
    assert fields["fi"] == fields["sv"] == fields["en"]


def test_pick_language():
    assert pick_language(None, "sv-FI") == "sv"
    assert pick_language("de", "EN_gb") == "en"
    assert pick_language(None, "", "xx") == "fi"
    assert pick_language(None, default="en") == "en"
    assert pick_language("fi", "sv") == "fi"


def test_t_formats_and_unknown_key_raises():
    assert t("page.checklist_version", "sv", version="v") == "Checklistans version: v"
    assert t("page.item", "de") == "Asia"  # unsupported language → Finnish
    with pytest.raises(KeyError):
        t("no.such.key", "fi")


def test_checklist_texts_have_all_languages():
    texts = [q.text for q in STAGE0_QUESTIONS + CROSS_CUTTING]
    texts += [c.name for c in CATEGORIES] + [c.question for c in CATEGORIES]
    texts += [r.label for r in RATING_SCALE] + list(checklist.ANSWER_LABELS.values())
    for text in texts:
        assert set(text) == set(LANGUAGES) and all(text.values())


# --- checklist data ------------------------------------------------------------------------------------

def test_checklist_shape():
    assert CHECKLIST_VERSION == "default-1"
    assert [q.id for q in STAGE0_QUESTIONS] == [f"R{i}" for i in range(1, 9)]
    assert [q.id for q in CROSS_CUTTING] == [f"X{i}" for i in range(1, 7)]
    assert set(CATEGORY_CODES) == SCREENING_CODES and len(CATEGORY_CODES) == 10
    assert [r.code for r in RATING_SCALE] == ["++", "+", "0", "-", "--", "?"]
    assert checklist.ANSWER_LABELS["unknown"] == {"fi": "En tiedä", "sv": "Vet inte", "en": "Don't know"}


def test_category_mapping():
    assert CATEGORY_TO_STAGE0 == {
        "energy": "R1", "transport": "R2", "buildings": "R3", "land_use": "R4", "carbon_sinks": "R4",
        "procurement": "R5", "consumption": "R6", "waste": "R6", "adaptation": "R7", "steering": "R8",
    }


# --- stage 0 pre-fill ----------------------------------------------------------------------------------

def test_prefill_yes_where_found_with_its_evidence():
    evidence = [ev("energy", "kaukolämpö"), ev("carbon_sinks", "puiden kaato"), ev("land_use", "asemakaava")]
    result = prefill_stage0(["energy", "carbon_sinks", "land_use"], evidence, relevance="high")
    assert set(result) == {q.id for q in STAGE0_QUESTIONS}
    assert result["R1"] == {"suggestion": "yes", "evidence": [evidence[0]]}
    # two categories answer R4, and both their evidence is kept, in order
    assert result["R4"]["suggestion"] == "yes"
    assert [e["term"] for e in result["R4"]["evidence"]] == ["puiden kaato", "asemakaava"]
    # nothing found elsewhere on a high item: don't know, not no
    assert result["R2"] == {"suggestion": "unknown", "evidence": []}


def test_prefill_none_item_suggests_no():
    result = prefill_stage0([], [], relevance="none")
    assert {v["suggestion"] for v in result.values()} == {"no"}


def test_prefill_minor_item_without_categories_suggests_unknown():
    result = prefill_stage0([], [], relevance="minor")
    assert {v["suggestion"] for v in result.values()} == {"unknown"}


def test_prefill_cleans_evidence_and_ignores_unknown_categories():
    evidence = [{"category": "waste", "term": "jäte", "extra": 1}, ev("bogus")]
    result = prefill_stage0(["waste", "bogus"], evidence)
    assert result["R6"]["evidence"] == [{"category": "waste", "term": "jäte", "snippet": "", "location": ""}]
    assert all(e["category"] != "bogus" for v in result.values() for e in v["evidence"])


def test_build_stage0_answers():
    answers = build_stage0_answers("high", ["transport"], [ev("transport", "pyörätie")])
    assert answers["checklist_version"] == CHECKLIST_VERSION
    assert answers["prescreen"]["R2"]["suggestion"] == "yes"
    assert answers["prescreen"]["R1"]["suggestion"] == "unknown"
    assert build_stage0_answers("none", [], [])["prescreen"]["R1"]["suggestion"] == "no"


# --- escalation defaults ---------------------------------------------------------------------------------

def test_escalation_rules():
    assert escalation_reasons({"energy": "+", "transport": "0"}) == []
    assert escalation_reasons({"energy": "--"}) == ["strongly_negative"]
    assert escalation_reasons({"energy": "-", "waste": "-"}) == ["negative_count"]
    assert escalation_reasons({"energy": "?"}) == []
    assert escalation_reasons({"energy": "?"}, investment_eur=250_000) == ["unknown_in_key_category"]
    assert escalation_reasons({"waste": "?"}, land_use_plan=True) == []
    assert escalation_reasons({"steering": "+"}) == ["nonzero_steering"]
