"""Stage 0 suggestions from screening: what the checklist page shows pre-filled, with its evidence."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from climate_plugin.checklist.data import NO, STAGE0_QUESTIONS, UNKNOWN, YES
from climate_plugin.checklist.resolved import DEFAULT_CHECKLIST, Checklist


def _clean_evidence(entry: Mapping[str, Any]) -> dict[str, str]:
    # Only the four documented keys, always strings: the result is stored as JSON and hashed.
    return {key: str(entry.get(key) or "") for key in ("category", "term", "snippet", "location")}


def prefill_stage0(
    categories: Iterable[str],
    evidence: Iterable[Mapping[str, Any]],
    relevance: str | None = None,
    checklist: Checklist = DEFAULT_CHECKLIST,
) -> dict[str, dict[str, Any]]:
    """Stage 0 suggestions: ``{R-id: {"suggestion": "yes"|"no"|"unknown", "evidence": [...]}}``.

    "yes" where screening found a category that maps to the question. Where nothing was found, the
    suggestion is "no" only for items screened ``none``, and "unknown" (En tiedä) otherwise. Why: on a
    none item the screening looked and found nothing, and "no" everywhere lets the preparer confirm "no
    assessable climate impact" in one step. On a minor or high item the screening already saw a climate
    link, and a missing keyword is weak evidence (inflected words, indirect effects); suggesting "no"
    there would let a machine quietly close a question a person should answer, and a missed effect is the
    costliest error. ``relevance=None`` (not given) is treated like a non-none item.

    Only R1–R8 get suggestions: screening knows nothing about a municipality's extra questions, so the
    preparer answers those unprompted. Categories the municipality switched off count as not found.
    """
    found = set(categories).intersection(checklist.category_codes)
    entries = [_clean_evidence(e) for e in evidence]
    fallback = NO if relevance == "none" else UNKNOWN
    result: dict[str, dict[str, Any]] = {}
    for question in STAGE0_QUESTIONS:
        mapped = checklist.opens.get(question.id, ())
        result[question.id] = {
            "suggestion": YES if found.intersection(mapped) else fallback,
            "evidence": [e for e in entries if e["category"] in mapped],
        }
    return result


def build_stage0_answers(
    relevance: str,
    categories: Iterable[str],
    evidence: Iterable[Mapping[str, Any]],
    checklist: Checklist = DEFAULT_CHECKLIST,
) -> dict[str, Any]:
    """The ``answers`` dict to store on a screening assessment, tied to ``checklist.version``."""
    return {
        "checklist_version": checklist.version,
        "prescreen": prefill_stage0(categories, evidence, relevance=relevance, checklist=checklist),
    }
