"""The fitted screening model: its data, operating points, evidence for every flag, the corpus it needs.

Quality figures are measured by bench/screening_quality.py (cross-validated), not asserted here; these tests
pin the properties the figures rest on.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from climate_plugin.screening import CATEGORIES, SCREENING_VERSION, learned, screen, sensitivities
from climate_plugin.screening.learned import UnknownSensitivity, kind_of

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "bench" / "corpus"
SETS = ("fi_text", "fi_titles", "sv", "en")


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_corpus_is_in_the_repository() -> None:
    for name in ("README.md", "SOURCES.md", "LABELING_GUIDE.md", "score.py"):
        assert (CORPUS / name).is_file()
    for name in SETS:
        items, labels = _jsonl(CORPUS / f"{name}.jsonl"), _jsonl(CORPUS / f"{name}.labels.jsonl")
        assert [i["id"] for i in items] == [label["id"] for label in labels]


def test_model_was_fitted_on_the_corpus_as_it_is() -> None:
    about = learned.load().about
    assert about["fitted_on"] == {name: len(_jsonl(CORPUS / f"{name}.jsonl")) for name in SETS}
    assert about["command"] == "python bench/screening_fit.py"
    # Fitted by the method of this version (a lexicon or matcher change bumps the version, then refits).
    stored = json.loads(learned.MODEL_PATH.read_text(encoding="utf-8"))
    assert stored["version"] == SCREENING_VERSION


def test_score_py_scores_screen_output() -> None:
    spec = importlib.util.spec_from_file_location("score", CORPUS / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    labels = {r["id"]: r for r in _jsonl(CORPUS / "en.labels.jsonl")[:40]}
    items = {i["id"]: i for i in _jsonl(CORPUS / "en.jsonl")[:40]}
    preds = {}
    for item_id, item in items.items():
        result = screen(item["title"], item["body"], item["language"])
        preds[item_id] = {"relevance": result.relevance, "categories": list(result.categories)}
    figures = module.score(labels, preds)
    assert figures["missing_predictions"] == 0 and 0 <= figures["category_f1"] <= 1


def test_sensitivities_are_listed_with_their_figures() -> None:
    points = sensitivities()
    assert points[0]["name"] == learned.load().default == "recall"
    assert [p["name"] for p in points] == ["recall", "balanced", "strict"]
    for point in points:
        assert set(point["thresholds"]) == set(learned.KINDS)
        assert set(point["figures"]) == set(SETS)
        for figures in point["figures"].values():
            assert set(figures) >= {"recall_high", "flag_rate_on_none", "false_alarm_high_on_none"}


def test_stricter_points_have_higher_thresholds() -> None:
    points = {p["name"]: p["thresholds"] for p in sensitivities()}
    for kind in learned.KINDS:
        for looser, stricter in (("recall", "balanced"), ("balanced", "strict")):
            assert points[stricter][kind]["high"] >= points[looser][kind]["high"]
            assert points[stricter][kind]["flag"] >= points[looser][kind]["flag"]


_ORDER = {"none": 0, "minor": 1, "high": 2}


def test_a_stricter_sensitivity_never_raises_a_level() -> None:
    items = _jsonl(CORPUS / "fi_text.jsonl")[:60] + _jsonl(CORPUS / "sv.jsonl")[:40]
    lowered = 0
    for item in items:
        levels = [
            _ORDER[screen(item["title"], item["body"], item["language"], sensitivity=s).relevance]
            for s in ("recall", "balanced", "strict")
        ]
        assert levels == sorted(levels, reverse=True), item["id"]
        lowered += levels[0] > levels[-1]
    assert lowered  # the points differ on real items


def test_unknown_sensitivity_is_a_clear_error() -> None:
    with pytest.raises(UnknownSensitivity, match="unknown sensitivity 'loud'.*recall, balanced, strict"):
        screen("Asemakaava", "", "fi", sensitivity="loud")


def test_kinds() -> None:
    assert kind_of("fi", True) == "fi_titles" and kind_of("fi", False) == "fi_text"
    assert kind_of("sv", True) == "sv" and kind_of("en", False) == "en"


def test_every_flag_has_evidence_on_real_items() -> None:
    """Whatever decides, each named category shows at least one word and the sentence it stands in."""
    items = [item for name in SETS for item in _jsonl(CORPUS / f"{name}.jsonl")[::6]]
    flagged = 0
    for item in items:
        result = screen(item["title"], item["body"], item["language"])
        assert set(result.categories) <= set(CATEGORIES)
        if result.relevance == "none":
            assert not result.categories and not result.evidence
            continue
        flagged += 1
        assert result.categories
        assert {e.category for e in result.evidence} == set(result.categories), item["id"]
        for ev in result.evidence:
            assert ev.term and ev.term in ev.snippet and ev.location in ("title", "body", "attachment")
    assert flagged >= 20


def test_demo_expected_levels_agree_with_the_screening_or_say_why_not() -> None:
    from climate_plugin.demo.items import DEMO_ITEMS

    for item in DEMO_ITEMS:
        level = screen(item["title"], item["body"], item.get("language")).relevance
        if level == item["expected"]:
            assert "screening_differs" not in item, item["id"]  # a note that is no longer true goes
        else:
            assert item.get("screening_differs"), item["id"]


def test_a_demo_note_on_why_the_screening_differs_is_in_every_catalogue_and_only_while_true() -> None:
    """The demo shows the note to people in their language (demo/run.py): fi, sv and en catalogues hold it for
    every item whose screening differs, and a note the screening no longer needs is gone from them too."""
    from climate_plugin.demo.items import DEMO_ITEMS
    from climate_plugin.i18n import MESSAGES

    for item in DEMO_ITEMS:
        key = f"demo.differs.{item['id']}"
        if screen(item["title"], item["body"], item.get("language")).relevance == item["expected"]:
            assert key not in MESSAGES, key
        else:
            assert {lang for lang, text in MESSAGES.get(key, {}).items() if text} >= {"fi", "sv", "en"}, key
            assert MESSAGES[key]["en"] == item["screening_differs"], key


def test_screening_version_names_a_non_default_sensitivity() -> None:
    from climate_plugin.screening import SCREENING_VERSION, screening_version

    assert screening_version(None) == screening_version("recall") == SCREENING_VERSION
    assert screening_version("strict") == f"{SCREENING_VERSION}:strict"
    assert len(screening_version("balanced")) <= 16  # the column's width
