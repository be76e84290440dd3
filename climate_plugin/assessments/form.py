"""The preparer's answers as they arrive (an HTML form or the JSON API) → stored answers, draft or submit.

Both ways in share one shape, the JSON API's::

    {"ratings": {"<category>": {"rating": "++"|"+"|"0"|"-"|"--"|"?", "justification": "…", "scope": "…"}},
     "rest_no_effect": true|false, "questions": {"X1": "…", …}, "reason": "…", "submit": true|false,
     "submitted_by": "…", "revision": n, "prescreen": {"R1": "yes"|"no"|"unknown", …}}

Only the categories the screening flagged must be rated (plus any others the preparer chooses to rate);
``rest_no_effect`` confirms in one step that the others have no effect (left out, the API takes the
submission itself as that confirmation; the form's checkbox must be ticked). ``prescreen`` is optional:
given, the older rule applies (every stage 0 question answered, exactly what it opens rated).

The form posts the same names flattened (``prescreen.R1``, ``ratings.energy.rating``, …). ``parse`` checks
the shape and the values (what a draft may hold); on submit, ``checklist.validate_answers`` then checks
completeness (the flagged categories rated, justifications, the "all no" reason). Errors are keyed by
the API's field names, so a host can put each message next to its own field.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from climate_plugin.checklist import (
    ANSWER_LABELS,
    NO,
    RATING_CODES,
    SCOPE_LABELS,
    Checklist,
    derived_stage0,
    validate_answers,
)
from climate_plugin.checklist.answers import MAX_JUSTIFICATION, MAX_REASON, MAX_TEXT
from climate_plugin.i18n import pick_language, t

MAX_NAME = 200
TOP_LEVEL = (
    "prescreen", "ratings", "rest_no_effect", "questions", "reason", "submit", "submitted_by", "revision"
)
# People type the scale as it is printed (typographic minus) or as ASCII; both mean the same rating.
_RATING_ALIASES = {"−": "-", "−−": "--", "–": "-", "––": "--", "+ +": "++"}


@dataclass
class Submission:
    """What the preparer sent, as stored answers, plus what it asks for."""

    answers: dict[str, Any] = field(default_factory=dict)
    submit: bool = False
    submitted_by: str | None = None
    #: the revision the preparer was looking at, to notice that the item changed meanwhile
    revision: int | None = None
    errors: dict[str, str] = field(default_factory=dict)


def api_field(key: str) -> str:
    """A ``validate_answers`` field ("stage0.R1", "no_impact_reason") under its API name."""
    if key.startswith("stage0."):
        return "prescreen." + key.removeprefix("stage0.")
    return {"stage0": "prescreen", "no_impact_reason": "reason"}.get(key, key)


def _text(value: Any, name: str, limit: int, errors: dict[str, str], lang: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        errors[name] = t("validation.malformed", lang)
        return None
    value = value.replace("\r\n", "\n").strip()
    if len(value) > limit:
        errors[name] = t("validation.text_too_long", lang, max=limit)
    return value or None


def _mapping(data: Mapping[str, Any], key: str, errors: dict[str, str], lang: str) -> Mapping[str, Any]:
    value = data.get(key)
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        errors[key] = t("form.error.object", lang)
        return {}
    return value


def _parse_prescreen(
    checklist: Checklist, data: Mapping[str, Any], errors: dict[str, str], lang: str
) -> dict[str, str]:
    known = {q.id for q in checklist.stage0}
    stage0: dict[str, str] = {}
    for qid, answer in _mapping(data, "prescreen", errors, lang).items():
        name = f"prescreen.{str(qid)[:40]}"
        if qid not in known:
            errors[name] = t("validation.unknown_question", lang, id=str(qid)[:40])
        elif answer in (None, ""):
            continue  # not answered yet: allowed in a draft, reported on submit
        elif answer not in ANSWER_LABELS:
            errors[name] = t("validation.stage0_answer", lang)
        else:
            stage0[qid] = answer
    return stage0


def _parse_rating(
    checklist: Checklist, code: Any, entry: Any, errors: dict[str, str], lang: str
) -> dict[str, str] | None:
    name = f"ratings.{str(code)[:40]}"
    if code in checklist.disabled_categories:
        errors[name] = t("validation.category_off", lang, category=str(code))
        return None
    category = checklist.category(code) if isinstance(code, str) else None
    if category is None:
        errors[name] = t("validation.unknown_category", lang, category=str(code)[:40])
        return None
    if not isinstance(entry, Mapping):
        errors[name] = t("form.error.object", lang)
        return None
    rating = entry.get("rating")
    rating = _RATING_ALIASES.get(rating, rating) if isinstance(rating, str) else rating
    if rating not in (None, "", *RATING_CODES):
        errors[name] = t("validation.rating_invalid", lang, category=category.name[lang])
    justification = _text(
        entry.get("justification"), f"{name}.justification", MAX_JUSTIFICATION, errors, lang
    )
    scope = entry.get("scope")
    if scope not in (None, "", *SCOPE_LABELS):
        errors[f"{name}.scope"] = t("validation.scope", lang)
    result = {"rating": rating, "justification": justification, "scope": scope}
    cleaned = {k: v for k, v in result.items() if v not in (None, "")}
    return cleaned or None  # an untouched category is not an answer


def _parse_questions(
    checklist: Checklist, data: Mapping[str, Any], errors: dict[str, str], lang: str
) -> dict[str, str]:
    known = {q.id for q in checklist.cross_cutting}
    questions: dict[str, str] = {}
    for qid, value in _mapping(data, "questions", errors, lang).items():
        name = f"questions.{str(qid)[:40]}"
        if qid not in known:
            errors[name] = t("validation.unknown_question", lang, id=str(qid)[:40])
            continue
        text = _text(value, name, MAX_TEXT, errors, lang)
        if text:
            questions[qid] = text
    return questions


def parse(checklist: Checklist, data: Any, lang: str) -> Submission:
    """Shape and values of a JSON body (or a form turned into one); see the module docstring."""
    lang = pick_language(lang)
    submission = Submission()
    errors = submission.errors
    if not isinstance(data, Mapping):
        errors["body"] = t("form.error.object", lang)
        return submission
    for key in data:
        if key not in TOP_LEVEL:
            errors[str(key)[:40]] = t("form.error.unknown_field", lang, fields=", ".join(TOP_LEVEL))
    stage0 = _parse_prescreen(checklist, data, errors, lang)
    ratings = {}
    for code, entry in _mapping(data, "ratings", errors, lang).items():
        parsed = _parse_rating(checklist, code, entry, errors, lang)
        if parsed:
            ratings[code] = parsed
    questions = _parse_questions(checklist, data, errors, lang)
    reason = _text(data.get("reason"), "reason", MAX_REASON, errors, lang)
    rest = data.get("rest_no_effect")
    if rest is not None and not isinstance(rest, bool):
        errors["rest_no_effect"] = t("form.error.boolean", lang)
    submit = data.get("submit", False)
    if not isinstance(submit, bool):
        errors["submit"] = t("form.error.boolean", lang)
    submission.submit = submit is True
    submission.submitted_by = _text(data.get("submitted_by"), "submitted_by", MAX_NAME, errors, lang)
    revision = data.get("revision")
    if revision is not None and (not isinstance(revision, int) or isinstance(revision, bool)):
        errors["revision"] = t("form.error.revision", lang)
    else:
        submission.revision = revision
    answers: dict[str, Any] = {"stage0": stage0, "ratings": ratings, "questions": questions}
    if reason:
        answers["no_impact_reason"] = reason
    if isinstance(rest, bool):
        answers["rest_no_effect"] = rest
    submission.answers = answers
    return submission


def from_form(checklist: Checklist, form: Mapping[str, str], lang: str) -> Submission:
    """A posted HTML form → the JSON shape → ``parse``. Unknown form fields are ignored (a browser or a
    proxy may add its own); the "action" button says draft or submit."""
    data: dict[str, Any] = {"prescreen": {}, "ratings": {}, "questions": {}}
    for name, value in form.items():
        head, _, rest = name.partition(".")
        if head == "prescreen" and rest:
            data["prescreen"][rest] = value
        elif head == "questions" and rest:
            data["questions"][rest] = value
        elif head == "ratings" and rest.count(".") == 1:
            code, _, part = rest.partition(".")
            if part in ("rating", "justification", "scope"):
                data["ratings"].setdefault(code, {})[part] = value
    for name in ("reason", "submitted_by"):
        if name in form:
            data[name] = form[name]
    # An unticked checkbox sends nothing: on the form, only a tick confirms the other categories.
    data["rest_no_effect"] = form.get("rest_no_effect") == "yes"
    data["submit"] = form.get("action") == "submit"
    revision = form.get("revision", "")
    data["revision"] = int(revision) if revision.isdigit() else None
    return parse(checklist, data, lang)


def completeness_errors(
    checklist: Checklist, answers: Mapping[str, Any], lang: str, flagged: Iterable[str] = ()
) -> dict[str, str]:
    """What still stands between these answers and a submit, under the API's field names."""
    errors = validate_answers(checklist, answers, lang, flagged=flagged)
    return {api_field(key): message for key, message in errors.items()}


def for_storage(checklist: Checklist, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Submitted answers as stored: stage 0 derived from the ratings when the preparer rated only, the
    "all no" reason only when every stage 0 answer is no, and only the parts that hold something."""
    stage0 = answers.get("stage0") or {}
    stored: dict[str, Any] = {"stage0": dict(stage0)}
    if not stage0:
        stored["stage0"] = stage0 = derived_stage0(checklist, answers.get("ratings") or {})
        stored["rated_only"] = True
    if stage0 and all(stage0.get(q.id) == NO for q in checklist.stage0):
        stored["no_impact_reason"] = answers.get("no_impact_reason")
    for key in ("ratings", "questions"):
        if answers.get(key):
            stored[key] = dict(answers[key])
    return stored


def as_api_answers(answers: Mapping[str, Any]) -> dict[str, Any]:
    """Stored answers in the JSON API's shape, so a host can send back what it got."""
    # Derived stage 0 answers are not the preparer's: sent back, they would switch to the older rule.
    stage0 = {} if answers.get("rated_only") else answers.get("stage0")
    return {
        "prescreen": dict(stage0 or {}),
        "ratings": dict(answers.get("ratings") or {}),
        "questions": dict(answers.get("questions") or {}),
        "reason": answers.get("no_impact_reason") or "",
    }
