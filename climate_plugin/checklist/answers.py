"""Checking a preparer's answers against a checklist, for the form and the JSON API.

``validate_answers`` returns ``{field: message}`` in the reader's language, empty when the answers can be
stored. Fields are dotted paths into ``answers``: ``stage0.R1``, ``no_impact_reason``, ``ratings.energy``,
``ratings.energy.justification``, ``ratings.energy.scope``, ``questions.X1``, ``rest_no_effect``. Every
message says what is missing or wrong, not just that something is: the point is a better assessment, not a
rejected form.

Two ways to answer:

- **Rated only** (the form, and the JSON API without ``prescreen``): the categories the screening flagged
  must be rated; any other switched-on category may be rated too (the preparer opened it); the rest are
  confirmed "no effect" in one step (``rest_no_effect``, which the JSON API may leave out). Nothing
  flagged and nothing rated is the "all no" case, which needs the one-line reason. On storage the stage 0
  answers are derived from what was rated (``derived_stage0``), so every reader of ``stage0`` still works.
- **With stage 0** (``stage0`` given, as older clients send): every stage 0 question answered, exactly
  the categories they open rated.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from climate_plugin.checklist.data import ANSWER_LABELS, NO, RATING_CODES, RATING_SCALE, SCOPE_LABELS, YES
from climate_plugin.checklist.resolved import Checklist
from climate_plugin.i18n import pick_language, t

MAX_REASON = 300  # the one-line "no assessable climate impact" reason
MAX_JUSTIFICATION = 1200  # three long sentences
MAX_TEXT = 2000  # a cross-cutting answer
MAX_SENTENCES = 3

_SYMBOLS = {r.code: r.symbol for r in RATING_SCALE}
# Abbreviations that end in a full stop without ending a sentence (fi, sv, en), so "esim. Hinku" is one.
_ABBREVIATIONS = re.compile(
    r"(?<!\w)(esim|mm|ns|ts|jne|yms|ym|vrt|n|ca|noin|milj|mrd|t\.ex|bl\.a|s\.k|d\.v\.s|e\.g|i\.e|etc|approx|"
    r"vs|cf|no|nr|kpl)\.",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?…]+(?=\s|$)|\n+")


def count_sentences(text: str) -> int:
    """Sentences in ``text``: a ., ! or ? before a space or the end, or a line break ("- kohta" lists)."""
    masked = _ABBREVIATIONS.sub(lambda m: m.group(0).replace(".", "_"), text.strip())
    return len([part for part in _SENTENCE_END.split(masked) if re.search(r"\w", part)])


def triggered_categories(checklist: Checklist, stage0: Mapping[str, Any]) -> tuple[str, ...]:
    """Categories opened in stage 1 by "yes" or "don't know" answers, in checklist order."""
    opened = {
        c
        for qid, answer in stage0.items()
        if answer in ("yes", "unknown")
        for c in checklist.opens.get(qid, ())
    }
    return tuple(c for c in checklist.category_codes if c in opened)


def derived_stage0(checklist: Checklist, rated: Iterable[str]) -> dict[str, str]:
    """Stage 0 as the rated categories imply it: "yes" where a question opens a rated category, else "no"."""
    rated = set(rated)
    return {q.id: YES if rated.intersection(checklist.opens.get(q.id, ())) else NO for q in checklist.stage0}


def _mapping(answers: Mapping[str, Any], key: str, errors: dict[str, str], lang: str) -> Mapping[str, Any]:
    value = answers.get(key)
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        errors[key] = t("validation.malformed", lang)
        return {}
    return value


def _check_stage0(checklist: Checklist, stage0: Mapping[str, Any], errors: dict[str, str], lang: str) -> None:
    known = {q.id for q in checklist.stage0}
    for qid in stage0:
        if qid not in known:
            errors[f"stage0.{qid}"] = t("validation.unknown_question", lang, id=str(qid)[:40])
    for question in checklist.stage0:
        if stage0.get(question.id) not in ANSWER_LABELS:
            errors[f"stage0.{question.id}"] = t("validation.stage0_answer", lang)


def _check_reason(answers: Mapping[str, Any], errors: dict[str, str], lang: str) -> None:
    reason = answers.get("no_impact_reason")
    if not isinstance(reason, str) or not reason.strip():
        errors["no_impact_reason"] = t("validation.no_impact_reason", lang)
    elif "\n" in reason.strip() or len(reason.strip()) > MAX_REASON:
        errors["no_impact_reason"] = t("validation.one_line", lang, max=MAX_REASON)


def _too_long(text: str, lang: str) -> str | None:
    sentences = count_sentences(text)
    if sentences > MAX_SENTENCES or len(text) > MAX_JUSTIFICATION:
        return t("validation.justification_too_long", lang, count=sentences)
    return None


def _check_justification(text: Any, rating: str, name: str, lang: str) -> str | None:
    symbol = _SYMBOLS[rating]
    if rating == "0":  # optional for "no or minor effect", but still no essay
        if text in (None, ""):
            return None
        return _too_long(text, lang) if isinstance(text, str) else t("validation.malformed", lang)
    if not isinstance(text, str) or not text.strip():
        return t("validation.justification_required", lang, rating=symbol, category=name)
    if len(text.split()) < 2:  # "ok", "+": a word is not a reason
        return t("validation.justification_too_short", lang, rating=symbol, category=name)
    return _too_long(text, lang)


def _check_rating(checklist: Checklist, code: str, entry: Any, errors: dict[str, str], lang: str) -> None:
    category = checklist.category(code)
    assert category is not None  # callers pass opened codes, which are switched-on categories
    entry = entry if isinstance(entry, Mapping) else {}
    rating = entry.get("rating")
    if rating not in RATING_CODES:
        key = "validation.rating_required" if rating in (None, "") else "validation.rating_invalid"
        errors[f"ratings.{code}"] = t(key, lang, category=category.name[lang])
        return
    problem = _check_justification(entry.get("justification"), rating, category.name[lang], lang)
    if problem:
        errors[f"ratings.{code}.justification"] = problem
    if entry.get("scope") not in (None, "", *SCOPE_LABELS):
        errors[f"ratings.{code}.scope"] = t("validation.scope", lang)


def _check_ratings(
    checklist: Checklist,
    ratings: Mapping[str, Any],
    opened: tuple[str, ...],
    errors: dict[str, str],
    lang: str,
) -> None:
    for code in ratings:
        if code in opened:
            continue
        field = f"ratings.{str(code)[:40]}"
        if code in checklist.disabled_categories:
            errors[field] = t("validation.category_off", lang, category=str(code))
        elif checklist.category(code) is None:
            errors[field] = t("validation.unknown_category", lang, category=str(code)[:40])
        else:
            questions = ", ".join(q for q, codes in checklist.opens.items() if code in codes)
            name = checklist.category(code).name[lang]  # type: ignore[union-attr]
            errors[field] = t("validation.category_not_opened", lang, category=name, questions=questions)
    for code in opened:
        _check_rating(checklist, code, ratings.get(code), errors, lang)


def _check_questions(
    checklist: Checklist, questions: Mapping[str, Any], errors: dict[str, str], lang: str
) -> None:
    known = {q.id for q in checklist.cross_cutting}
    for qid, text in questions.items():
        field = f"questions.{str(qid)[:40]}"
        if qid not in known:
            errors[field] = t("validation.unknown_question", lang, id=str(qid)[:40])
        elif text is not None and not isinstance(text, str):
            errors[field] = t("validation.malformed", lang)
        elif text and len(text) > MAX_TEXT:
            errors[field] = t("validation.text_too_long", lang, max=MAX_TEXT)


def _check_rated_only(
    checklist: Checklist,
    answers: Mapping[str, Any],
    ratings: Mapping[str, Any],
    flagged: Iterable[str],
    errors: dict[str, str],
    lang: str,
) -> None:
    """Rated-only answers: the flagged categories rated, others optional, the rest confirmed in one step."""
    enabled = checklist.category_codes
    required = [c for c in enabled if c in set(flagged)]
    for code in ratings:
        field = f"ratings.{str(code)[:40]}"
        if code in checklist.disabled_categories:
            errors[field] = t("validation.category_off", lang, category=str(code))
        elif code not in enabled:
            errors[field] = t("validation.unknown_category", lang, category=str(code)[:40])
    rated = [c for c in enabled if c in ratings or c in required]
    for code in rated:
        _check_rating(checklist, code, ratings.get(code), errors, lang)
    if not rated:
        _check_reason(answers, errors, lang)  # nothing flagged, nothing rated: "no assessable impact"
    elif len(rated) < len(enabled) and answers.get("rest_no_effect") is False:
        errors["rest_no_effect"] = t("validation.rest_no_effect", lang)


def validate_answers(
    checklist: Checklist, answers: Any, lang: str = "fi", flagged: Iterable[str] = ()
) -> dict[str, str]:
    """``{field: message}`` for everything wrong with ``answers``; empty when they can be stored.

    ``flagged``: the categories the screening found, which rated-only answers must rate (module
    docstring). With stage 0: every question (the municipality's extra ones too) answered yes, no or
    unknown; all "no" needs a one-line ``no_impact_reason``; exactly the categories stage 0 opened are
    rated. Either way each rating other than 0 is justified in one to three sentences; stage 1b is free text.
    """
    lang = pick_language(lang)
    if not isinstance(answers, Mapping):
        return {"answers": t("validation.malformed", lang)}
    errors: dict[str, str] = {}
    stage0 = _mapping(answers, "stage0", errors, lang)
    ratings = _mapping(answers, "ratings", errors, lang)
    if stage0:
        _check_stage0(checklist, stage0, errors, lang)
        if all(stage0.get(q.id) == NO for q in checklist.stage0):
            _check_reason(answers, errors, lang)
        opened = triggered_categories(checklist, stage0)
        _check_ratings(checklist, ratings, opened, errors, lang)
    elif "stage0" not in errors:
        _check_rated_only(checklist, answers, ratings, flagged, errors, lang)
    _check_questions(checklist, _mapping(answers, "questions", errors, lang), errors, lang)
    return errors
