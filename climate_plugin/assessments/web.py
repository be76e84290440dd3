"""Public pages: the preparer's checklist form (and its JSON API) behind a signed link.

The checklist link is ``/checklist/<token>``: a signed, expiring token naming the item (see
``climate_block.checklist_token``), so a preparer needs no account. A forged token is a 404, an expired one
a 410, both in the reader's language. The same URL serves

- the HTML form (GET), posted back without JavaScript (POST, CSRF-protected with a signed form token that
  needs no cookie, so the form also works inside a host system's frame: ``climate_plugin.web.form_token``),
- the JSON API for hosts that show the checklist in their own screens (GET with ``Accept:
  application/json``, PUT with a JSON body), authenticated by the signed link alone.

Everything that comes from the host system or from a preparer (titles, meetings, snippets, answers) is
rendered through Jinja autoescaping and never marked safe.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

from flask import Blueprint, current_app, jsonify, redirect, request, url_for
from markupsafe import Markup
from sqlalchemy.exc import IntegrityError

from climate_plugin.assessments.form import (
    Submission,
    as_api_answers,
    completeness_errors,
    for_storage,
    from_form,
    parse,
)
from climate_plugin.assessments.impact_section import impact_section
from climate_plugin.assessments.links import CHECKLIST_LINK
from climate_plugin.assessments.service import NotScreened, draft_answers, preparer_answers, submit_assessment
from climate_plugin.assessments.summary import block_categories, summary_text
from climate_plugin.badges import item_badges
from climate_plugin.badges.catalogue import badge_image_url
from climate_plugin.checklist import (
    RATING_CODES,
    RATING_SCALE,
    SCOPE_LABELS,
    Checklist,
    checklist_for,
    describe_escalation,
    prefill_stage0,
    tailored_prompts,
    triggered_categories,
)
from climate_plugin.dates import format_date, zone_of
from climate_plugin.db import db
from climate_plugin.i18n import LANGUAGES, MESSAGES, language_links, request_language, t
from climate_plugin.items.store import item_language
from climate_plugin.meetings.links import item_meeting_url
from climate_plugin.models import AgendaItem
from climate_plugin.teams.shown import alternatives_for
from climate_plugin.web.errors import wants_json
from climate_plugin.web.form_token import FIELD as FORM_TOKEN_FIELD
from climate_plugin.web.form_token import form_token, form_token_ok
from climate_plugin.web.render import render
from climate_plugin.web.signed_links import LinkExpired, read_token, token_expiry
from climate_plugin.writeback.plan import plan_write_back

log = logging.getLogger(__name__)

# template_folder makes the templates found whatever template folder the app itself uses.
bp = Blueprint("public", __name__, template_folder="templates")

_JSON = "application/json"


def highlight(snippet: str, term: str) -> list[tuple[str, bool]]:
    """Split ``snippet`` into (text, is_term) parts, matching ``term`` case-insensitively.

    The raw text is split and each part is escaped by the template: splitting already-escaped HTML could
    cut an entity in half (a term "amp" inside "&amp;"), and nothing here ever needs ``|safe``.
    """
    if not term or not snippet:
        return [(snippet, False)] if snippet else []
    pieces = re.split(f"({re.escape(term)})", snippet, flags=re.IGNORECASE)
    return [(piece, i % 2 == 1) for i, piece in enumerate(pieces) if piece]


def _location_label(location: str, lang: str) -> str:
    key = f"page.location.{location}"
    return t(key, lang) if key in MESSAGES else location


def _answers(assessment: Any | None) -> Mapping[str, Any]:
    answers = getattr(assessment, "answers", None)
    return answers if isinstance(answers, Mapping) else {}


def _prescreen(assessment: Any, checklist: Checklist) -> Mapping[str, Any]:
    stored = _answers(assessment).get("prescreen")
    if isinstance(stored, Mapping):
        return stored
    # Older or hand-made rows without stored suggestions: derive them the same way screening would.
    return prefill_stage0(
        assessment.categories or (),
        assessment.evidence or (),
        relevance=assessment.relevance,
        checklist=checklist,
    )


def _evidence_for(assessment: Any | None, code: str, lang: str) -> list[dict[str, Any]]:
    """The screening's evidence for one category: why it was flagged, the term highlighted."""
    rows = []
    for e in getattr(assessment, "evidence", None) or ():
        if isinstance(e, Mapping) and e.get("category") == code:
            rows.append(
                {
                    "term": str(e.get("term") or ""),
                    "location": _location_label(str(e.get("location") or ""), lang),
                    "parts": highlight(str(e.get("snippet") or ""), str(e.get("term") or "")),
                }
            )
    return rows


def _categories(
    checklist: Checklist, assessment: Any | None, lang: str, values: Mapping[str, Any]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(to rate, others): the flagged categories and any the preparer rated or opened, then the rest.

    The rest are collapsed on the page and confirmed "no effect" in one step; older drafts that answered
    stage 0 keep the categories their answers opened.
    """
    found = set(block_categories(assessment)) if assessment is not None else set()
    prompts = {p["category"]: p["prompt"] for p in tailored_prompts(checklist, assessment, lang)}
    ratings = values.get("ratings") if isinstance(values.get("ratings"), Mapping) else {}
    stage0 = values.get("stage0") if isinstance(values.get("stage0"), Mapping) else {}
    opened = set() if values.get("rated_only") else set(triggered_categories(checklist, stage0))
    to_rate, others = [], []
    for c in checklist.categories:
        entry = ratings.get(c.code) if isinstance(ratings.get(c.code), Mapping) else {}
        row = {
            "code": c.code,
            "name": c.name[lang],
            "question": c.question[lang],
            "found": c.code in found,
            "prompt": prompts.get(c.code),
            "evidence": _evidence_for(assessment, c.code, lang) if c.code in found else [],
            "rating": entry.get("rating") or "",
            "justification": entry.get("justification") or "",
            "scope": entry.get("scope") or "",
        }
        (to_rate if c.code in found or c.code in opened or entry else others).append(row)
    return to_rate, others


def _progress(
    to_rate: list[dict[str, Any]], others: list[dict[str, Any]], values: Mapping[str, Any], rest: bool
) -> dict[str, int]:
    """The progress line: each category to rate is a step, and so is confirming (or explaining) the rest."""
    done = sum(1 for c in to_rate if c["rating"] in RATING_CODES)
    total = len(to_rate)
    if not to_rate:  # nothing to rate: the one step is the "no assessable impact" reason
        total, done = 1, int(bool(values.get("no_impact_reason")))
    elif others:
        total += 1
        done += int(rest)
    return {"done": done, "total": total}


def _not_found(lang: str) -> tuple[str, int]:
    return render("public/not_found.html", lang), 404


# --- the signed link -------------------------------------------------------------------------------------


def _wants_json() -> bool:
    return request.method == "PUT" or wants_json()  # a PUT is always the JSON API


def _visitor_language(item: AgendaItem | None = None) -> str:
    if item is None:
        return request_language()
    # A host's API call: its user's language, else the item's; a page: the item's language.
    return request_language(item_language(item), browser=_wants_json())


def _link_error(status: int, code: str, lang: str, **params: Any) -> Any:
    message = t(f"form.{code}.text", lang, **params)
    if _wants_json():
        response = jsonify({"error": code, "message": message})
        response.status_code = status
        return response
    title = t(f"form.{code}.title", lang)
    page = render("public/not_found.html", lang, title=title, text=message)
    return page, status


def _item_for(token: str) -> AgendaItem | Any:
    """The item a checklist token names, or the 404 / 410 answer to return instead."""
    try:
        public_id = read_token(CHECKLIST_LINK, token)
    except LinkExpired:
        lang = _visitor_language()
        expired = token_expiry(CHECKLIST_LINK, token)
        return _link_error(410, "link_expired", lang, date=format_date(expired, lang))
    item = None
    if public_id is not None:
        item = db.session.execute(
            db.select(AgendaItem).where(AgendaItem.public_id == public_id)
        ).scalar_one_or_none()
    if item is None or item.deleted_at is not None:
        lang = _visitor_language()
        if _wants_json():
            return _link_error(404, "not_found", lang)
        return _not_found(lang)
    return item


def _checklist_of(item: AgendaItem) -> Checklist:
    # The checklist the assessment was made with, not the latest: its answers belong to those questions.
    municipality = getattr(item.connector, "municipality", None)
    return checklist_for(municipality, _answers(item.current_assessment).get("checklist_version"))


# --- the HTML form ---------------------------------------------------------------------------------------


def _field_id(name: str) -> str:
    """An HTML id for an answer field ("ratings.energy.justification" → "f-ratings-energy-justification")."""
    return "f-" + re.sub(r"[^A-Za-z0-9_-]", "-", name)


def _section_html(assessment: Any, checklist: Checklist, lang: str) -> Markup:
    # Built by impact_section with every preparer and host text escaped (markupsafe), exactly as the host
    # receives it; wrapping it keeps Jinja from escaping the markup a second time. No host text is marked
    # safe unescaped.
    return Markup(impact_section(assessment, checklist, lang)["html"])


def _render_form(
    token: str,
    item: AgendaItem,
    lang: str,
    *,
    posted: Submission | None = None,
    errors: Mapping[str, str] | None = None,
    problem: str = "",
    status: int = 200,
) -> tuple[str, int]:
    assessment = item.current_assessment
    municipality = getattr(item.connector, "municipality", None)
    checklist = _checklist_of(item)
    if posted is not None:
        values: Mapping[str, Any] = posted.answers
        name = posted.submitted_by or ""
    else:
        values = preparer_answers(assessment)
        draft = _answers(assessment).get("draft")
        saved_by = draft.get("saved_by") if isinstance(draft, Mapping) else None
        name = saved_by or getattr(assessment, "submitted_by", None) or ""
    to_rate, others = _categories(checklist, assessment, lang, values)
    errors = dict(errors or {})
    state = getattr(assessment, "state", None)
    # A submitted assessment already confirmed whatever it did not rate; a draft or a post says so itself.
    showing_submitted = posted is None and draft_answers(assessment) is None and state == "submitted"
    rest = values.get("rest_no_effect") is True or showing_submitted
    done = request.args.get("done")
    body = render(
        "public/checklist.html",
        lang,
        token=token,
        item=item,
        municipality=getattr(municipality, "name", None),
        assessment=assessment,
        state=state,
        needs_review=bool(getattr(assessment, "needs_review", False)),
        has_draft=draft_answers(assessment) is not None,
        submitted_on=format_date(getattr(assessment, "submitted_at", None), lang, zone_of(municipality)),
        submitted_by=getattr(assessment, "submitted_by", None) or "",
        escalation=describe_escalation(checklist, list(getattr(assessment, "escalation", None) or ()), lang)
        if state == "submitted"
        else [],
        section_html=_section_html(assessment, checklist, lang) if state == "submitted" else None,
        done=done if done in ("draft", "submitted") and posted is None else None,
        problem=problem,
        relevance_label=t(f"relevance.{assessment.relevance}", lang) if assessment is not None else "",
        summary=summary_text(item, assessment, lang),
        screened_on=format_date(getattr(assessment, "created_at", None), lang, zone_of(municipality)),
        languages=language_links("public.checklist_page", lang, token=token),
        badges=[
            {
                "name": b.name[lang],
                "rule": b.rule[lang],
                "url": badge_image_url(b.code, lang, request.script_root),
            }
            for b in item_badges(item, assessment)
        ],
        to_rate=to_rate,
        others=others,
        # The municipality's own prescreen questions stay in view as a guide to which other category to open.
        extra_questions=[
            {
                "id": q.id,
                "text": q.text[lang],
                "categories": ", ".join(
                    c.name[lang] for c in checklist.categories if c.code in checklist.opens.get(q.id, ())
                ),
            }
            for q in checklist.stage0
            if q.id in checklist.extra_ids
        ],
        rest_no_effect=rest,
        progress=_progress(to_rate, others, values, rest),
        scale=[{"code": r.code, "symbol": r.symbol, "label": r.label[lang]} for r in RATING_SCALE],
        scopes=[{"code": code, "label": label[lang]} for code, label in SCOPE_LABELS.items()],
        cross=[
            {
                "id": q.id,
                "text": q.text[lang],
                "extra": q.id in checklist.extra_ids,
                "value": (values.get("questions") or {}).get(q.id, ""),
            }
            for q in checklist.cross_cutting
        ],
        reason=values.get("no_impact_reason") or "",
        name=name,
        revision=getattr(assessment, "revision", ""),
        errors=errors,
        error_list=[{"field": _field_id(key), "message": message} for key, message in errors.items()],
        field_id=_field_id,
        csrf_token=form_token(_form_scope(item)) if assessment is not None else "",
        checklist_version=checklist.version,
        team_alternatives=alternatives_for(item, lang),  # a climate team's alternatives, shown at X1
        meeting_link=item_meeting_url(item, request.script_root, lang),
    )
    return body, status


@bp.get("/checklist/<token>")
def checklist_page(token: str) -> Any:
    item = _item_for(token)
    if not isinstance(item, AgendaItem):
        return item
    lang = _visitor_language(item)
    if _wants_json():
        return _api_response(item, lang)
    body, status = _render_form(token, item, lang)
    response = current_app.make_response((body, status))
    # The page holds the preparer's unsent answers and a CSRF token: never serve it from a shared cache.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/checklist/<token>")
def checklist_post(token: str) -> Any:
    item = _item_for(token)
    if not isinstance(item, AgendaItem):
        return item
    lang = _visitor_language(item)
    checklist = _checklist_of(item)
    submission = from_form(checklist, request.form, lang)
    if request.form.get("switch_lang") in LANGUAGES:
        # The language switch submits the form (no JavaScript needed): show the same unsaved answers in the
        # other language, saving nothing, so switching never costs the preparer what they typed.
        body, status = _render_form(token, item, lang, posted=submission)
        response = current_app.make_response((body, status))
        response.headers["Cache-Control"] = "no-store"
        return response
    if not form_token_ok(_form_scope(item), request.form.get(FORM_TOKEN_FIELD)):
        # Keep what was written: a stale page must not cost the preparer their justifications.
        return _render_form(token, item, lang, posted=submission, problem=t("form.csrf", lang), status=400)
    if item.current_assessment is None:
        return _render_form(token, item, lang, posted=submission, problem=t("form.pending", lang), status=409)
    outcome = _save(item, checklist, submission, lang)
    if isinstance(outcome, tuple):
        status, errors, problem = outcome
        return _render_form(
            token, item, lang, posted=submission, errors=errors, problem=problem, status=status
        )
    done = "submitted" if submission.submit else "draft"
    # Post/redirect/get: reloading the confirmation page must not submit again.
    return redirect(url_for("public.checklist_page", token=token, lang=lang, done=done) + "#status", code=303)


# --- saving (form and JSON alike) ------------------------------------------------------------------------


def _save(
    item: AgendaItem, checklist: Checklist, submission: Submission, lang: str
) -> Any | tuple[int, dict[str, str], str]:
    """Store a draft or a submission; (status, errors, problem) when it cannot be stored."""
    if submission.errors:
        return 422, submission.errors, t("form.has_errors", lang)
    current = item.current_assessment
    stale = current is not None and submission.revision not in (None, current.revision)
    if stale and current.content_hash != _content_hash_of(item, submission.revision):
        # The item's text changed while the preparer was writing: let them look before confirming.
        return 409, {}, t("form.changed_meanwhile", lang)
    answers = submission.answers
    if submission.submit:
        errors = completeness_errors(checklist, answers, lang, flagged=_flagged(current))
        if errors:
            return 422, errors, t("form.has_errors", lang)
        answers = for_storage(checklist, answers)
    try:
        assessment = submit_assessment(item, answers, submission.submitted_by, submission.submit)
        db.session.commit()
    except NotScreened:
        db.session.rollback()
        return 409, {}, t("form.pending", lang)
    except IntegrityError:
        # Two submits of one item at the same moment: the other one got the revision number.
        db.session.rollback()
        return 409, {}, t("form.conflict", lang)
    if submission.submit:
        _write_back(item, assessment)
    return assessment


def _flagged(assessment: Any | None) -> list[str]:
    """The categories the screening flagged: the ones the preparer must rate."""
    return block_categories(assessment) if assessment is not None else []


def _content_hash_of(item: AgendaItem, revision: int) -> str | None:
    return next((a.content_hash for a in item.assessments if a.revision == revision), None)


def _write_back(item: AgendaItem, assessment: Any) -> None:
    """Plan the block with the new section and hand it to the worker, after the submit is committed.

    A failure here never undoes the submit: the block is planned again by the next event or the sweeper.
    """
    try:
        plan_write_back(item, assessment)
        db.session.commit()  # hands the write-back to the worker
    except Exception:
        db.session.rollback()
        log.warning("could not plan the write-back of item %s", item.id, exc_info=True)


# --- the JSON API ----------------------------------------------------------------------------------------


def _api_body(item: AgendaItem, lang: str) -> dict[str, Any]:
    assessment = item.current_assessment
    checklist = _checklist_of(item)
    draft = draft_answers(assessment)
    state = getattr(assessment, "state", None)
    submitted_at = getattr(assessment, "submitted_at", None)
    body: dict[str, Any] = {
        "item": {
            "id": item.external_id,
            "title": item.title,
            "meeting": item.meeting,
            "language": item_language(item),
            "relevance": getattr(assessment, "relevance", None),
            "summary": summary_text(item, assessment, lang),
        },
        "checklist": checklist.as_json(),
        # What a submit must rate; the other switched-on categories may be rated or confirmed "no effect".
        "to_rate": [c for c in _flagged(assessment) if c in checklist.category_codes],
        "suggestions": {
            qid: {"suggestion": entry.get("suggestion"), "evidence": list(entry.get("evidence") or ())}
            for qid, entry in (_prescreen(assessment, checklist) if assessment is not None else {}).items()
            if isinstance(entry, Mapping)
        },
        "answers": as_api_answers(preparer_answers(assessment)),
        "has_draft": draft is not None,
        "state": state,
        "needs_review": bool(getattr(assessment, "needs_review", False)),
        "revision": getattr(assessment, "revision", None),
        "submitted_by": getattr(assessment, "submitted_by", None),
        "submitted_at": submitted_at.isoformat() if submitted_at else None,
        "escalation": list(getattr(assessment, "escalation", None) or ()),
        "badges": [
            {"code": b.code, "name": b.name[lang], "rule": b.rule[lang], "kind": b.kind}
            for b in item_badges(item, assessment)
        ],
    }
    if state == "submitted":
        body["impact_section"] = impact_section(assessment, checklist, item_language(item))
    return body


def _api_response(item: AgendaItem, lang: str, status: int = 200, **extra: Any) -> Any:
    response = jsonify({**_api_body(item, lang), **extra})
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Language"] = lang
    return response


def _form_scope(item: AgendaItem) -> str:
    return f"checklist:{item.public_id}"


# The JSON API needs no form token on purpose: it carries no cookie or other
# ambient credential, the signed link in its URL is its whole authentication (a site that knows the link
# can use it anyway), and a cross-site page cannot send a PUT with a JSON body without a CORS preflight,
# which this app never grants.
@bp.put("/checklist/<token>")
def checklist_put(token: str) -> Any:
    item = _item_for(token)
    if not isinstance(item, AgendaItem):
        return item
    lang = _visitor_language(item)
    if not request.is_json:
        return jsonify({"error": "unsupported_media_type", "message": t("form.api.json_only", lang)}), 415
    data = request.get_json(silent=True)
    if data is None:
        return jsonify({"error": "invalid_json", "message": t("form.api.invalid_json", lang)}), 400
    checklist = _checklist_of(item)
    if item.current_assessment is None:
        return jsonify({"error": "not_screened", "message": t("form.pending", lang)}), 409
    outcome = _save(item, checklist, parse(checklist, data, lang), lang)
    if isinstance(outcome, tuple):
        status, errors, problem = outcome
        error = "invalid" if status == 422 else "conflict"
        return _api_response(item, lang, status, error=error, message=problem, errors=errors)
    extra: dict[str, Any] = {}
    if not data.get("submit"):
        # A draft may be incomplete; say what a submit would still need.
        extra["to_complete"] = completeness_errors(
            checklist, preparer_answers(outcome), lang, flagged=_flagged(outcome)
        )
    return _api_response(item, lang, **extra)
