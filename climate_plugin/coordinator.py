"""The climate coordinator's pages: escalated items, a daily random sample, reviews, and commitments.

Reached through a signed per-municipality link (`climate-plugin coordinator link --municipality SLUG`,
purpose "coordinator"); pages need no JavaScript, and every page is also JSON for
``Accept: application/json``.

The queue and the sample read what the preparer's form stores on a submitted revision:
``assessment.state == "submitted"`` and ``assessment.escalation`` (reason codes). Until those columns
exist they are read with getattr: a preparer revision counts as submitted, and its escalation is worked out
from its ratings with the municipality's rules.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, redirect, render_template, request, url_for
from sqlalchemy import and_, exists, func, select

from climate_plugin.checklist import (
    CATEGORIES_BY_CODE,
    RATING_SCALE,
    REASONS,
    checklist_for,
    describe_escalation,
    escalation_reasons,
)
from climate_plugin.climate_block import checklist_url, item_language
from climate_plugin.commitments import (
    close_commitment,
    commitment_json,
    format_date,
    local_day_start,
    local_today,
    refresh_host_block,
)
from climate_plugin.db import db
from climate_plugin.errors import json_error, wants_json
from climate_plugin.form_token import FIELD as CSRF_FIELD
from climate_plugin.form_token import form_token, form_token_ok
from climate_plugin.i18n import language_links, request_language, t
from climate_plugin.models import AgendaItem, Assessment, Commitment, Connector, Municipality, Review
from climate_plugin.models._types import utcnow
from climate_plugin.models.commitment import OPEN
from climate_plugin.models.review import OUTCOMES
from climate_plugin.signed_links import LinkExpired, make_token, read_token

bp = Blueprint("coordinator", __name__, template_folder="templates")

PURPOSE = "coordinator"
DEFAULT_LINK_DAYS = 90
MAX_NOTE = 4000
MAX_REVIEWER = 200

_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)


@bp.after_request
def _security_headers(response: Response) -> Response:
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Content-Security-Policy", _CSP)
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Robots-Tag", "noindex")
    response.headers.setdefault("Cache-Control", "no-store")
    return response


# --- the link --------------------------------------------------------------------------------------------
def coordinator_url(municipality: Municipality, base_url: str, days: int = DEFAULT_LINK_DAYS) -> str:
    expires = utcnow().replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=days + 1)
    token = make_token(PURPOSE, municipality.slug, expires)
    return base_url.rstrip("/") + f"/coordinator/{token}"


# --- reading the preparer's submitted revisions defensively ----------------------------------------------
def _submitted_filter():
    state = getattr(Assessment, "state", None)
    return Assessment.source == "preparer" if state is None else state == "submitted"


def escalation_of(assessment: Assessment, municipality: Municipality | None) -> list[str]:
    """The reason codes the form stored, else worked out from the stored ratings."""
    if hasattr(type(assessment), "escalation"):
        stored = assessment.escalation
        return [r for r in stored if r in REASONS] if isinstance(stored, list) else []
    answers = assessment.answers if isinstance(assessment.answers, Mapping) else {}
    ratings = answers.get("ratings")
    if not isinstance(ratings, Mapping):
        return []
    return escalation_reasons(checklist_for(municipality, answers.get("checklist_version")), ratings)


def _latest_submitted(municipality: Municipality):
    """Each live item's latest submitted preparer revision in the municipality (a statement)."""
    latest = (
        select(Assessment.item_id, func.max(Assessment.revision).label("revision"))
        .where(_submitted_filter())
        .group_by(Assessment.item_id)
        .subquery()
    )
    return (
        select(Assessment)
        .join(latest, and_(Assessment.item_id == latest.c.item_id, Assessment.revision == latest.c.revision))
        .join(AgendaItem, AgendaItem.id == Assessment.item_id)
        .join(Connector, Connector.id == AgendaItem.connector_id)
        .where(Connector.municipality_id == municipality.id, AgendaItem.deleted_at.is_(None))
    )


def _not_reviewed():
    return ~exists().where(Review.assessment_id == Assessment.id)


def escalated_queue(municipality: Municipality) -> list[tuple[Assessment, list[str]]]:
    """Escalated submitted assessments nobody has reviewed yet, oldest first."""
    stmt = (
        _latest_submitted(municipality).where(_not_reviewed()).order_by(Assessment.created_at, Assessment.id)
    )
    queue = []
    for assessment in db.session.scalars(stmt):
        reasons = escalation_of(assessment, municipality)
        if reasons:
            queue.append((assessment, reasons))
    return queue


def _rank(municipality: Municipality, day: date, assessment_id: int) -> str:
    # A hash rank, not random.sample: the same day gives the same sample, and reviewing one does not
    # reshuffle the others.
    return hashlib.sha256(f"{municipality.id}:{day.isoformat()}:{assessment_id}".encode()).hexdigest()


def review_sample(municipality: Municipality, day: date, size: int) -> list[tuple[Assessment, Review | None]]:
    """The day's random sample of submitted, not escalated assessments, with today's sample review if any.

    An assessment reviewed on an earlier day is not drawn again; one reviewed today stays in today's
    sample, marked done, so the sample does not refill as the coordinator works through it.
    """
    if size <= 0:
        return []
    start = local_day_start(day)
    reviewed_earlier = exists().where(Review.assessment_id == Assessment.id, Review.created_at < start)
    rows = [
        a
        for a in db.session.scalars(_latest_submitted(municipality).where(~reviewed_earlier))
        if not escalation_of(a, municipality)
    ]
    rows.sort(key=lambda a: _rank(municipality, day, a.id))
    chosen = rows[:size]
    reviews = _latest_reviews([a.id for a in chosen])
    return [(a, reviews.get(a.id)) for a in chosen]


def _latest_reviews(assessment_ids: list[int]) -> dict[int, Review]:
    if not assessment_ids:
        return {}
    found: dict[int, Review] = {}
    for review in db.session.scalars(
        select(Review).where(Review.assessment_id.in_(assessment_ids)).order_by(Review.id)
    ):
        found[review.assessment_id] = review
    return found


def record_review(
    assessment: Assessment, municipality: Municipality, data: Mapping[str, Any], lang: str
) -> tuple[Review | None, dict[str, str]]:
    """Store the coordinator's outcome; (review, {}) or (None, {field: message}). The caller commits."""
    errors: dict[str, str] = {}
    outcome = data.get("outcome")
    note = data.get("note") if isinstance(data.get("note"), str) else ""
    reviewer = data.get("reviewer") if isinstance(data.get("reviewer"), str) else ""
    if outcome not in OUTCOMES:
        errors["outcome"] = t("coordinator.error.outcome", lang)
    if outcome in ("needs_changes", "in_depth") and not note.strip():
        errors["note"] = t("coordinator.error.note_missing", lang)
    elif len(note.strip()) > MAX_NOTE:
        errors["note"] = t("commitment.error.too_long", lang, max=MAX_NOTE)
    if not reviewer.strip():
        errors["reviewer"] = t("coordinator.error.reviewer_missing", lang)
    elif len(reviewer.strip()) > MAX_REVIEWER or "\n" in reviewer.strip():
        errors["reviewer"] = t("commitment.error.too_long", lang, max=MAX_REVIEWER)
    if errors:
        return None, errors
    review = Review(
        assessment_id=assessment.id,
        municipality_id=municipality.id,
        outcome=str(outcome),
        reason="escalated" if escalation_of(assessment, municipality) else "sample",
        note=note.strip(),
        reviewer=reviewer.strip(),
    )
    db.session.add(review)
    db.session.flush()
    return review, {}


# --- web -------------------------------------------------------------------------------------------------
def _error(status: int, key: str, lang: str) -> Any:
    if wants_json():
        return json_error(status, t(key, lang))
    return Response(t(key, lang) + "\n", status=status, mimetype="text/plain")


def _municipality(token: str) -> tuple[Municipality | None, Any]:
    lang = request_language()
    try:
        slug = read_token(PURPOSE, token)
    except LinkExpired:
        return None, _error(410, "coordinator.error.link_expired", lang)
    found = None
    if slug is not None:
        found = db.session.scalar(select(Municipality).where(Municipality.slug == slug))
    if found is None:
        return None, _error(404, "coordinator.error.not_found", lang)
    return found, None


def _lang(municipality: Municipality) -> str:
    return request_language(municipality.language, browser=wants_json())


def _scope(municipality: Municipality) -> str:
    return f"coordinator:{municipality.slug}"


def _form_data() -> tuple[Mapping[str, Any] | None, bool]:
    """(data, is_json); data None when the body is neither a JSON object nor a form."""
    if request.is_json:
        data = request.get_json(silent=True)
        return (data if isinstance(data, Mapping) else None), True
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return request.form.to_dict(), False
    return None, False


def _assessment_summary(
    assessment: Assessment, municipality: Municipality, token: str, lang: str, reasons=None
):
    item = assessment.item
    answers = assessment.answers if isinstance(assessment.answers, Mapping) else {}
    checklist = checklist_for(municipality, answers.get("checklist_version"))
    reasons = escalation_of(assessment, municipality) if reasons is None else reasons
    return {
        "assessment_id": assessment.id,
        "item": item.external_id,
        "title": item.title,
        "meeting": item.meeting,
        "revision": assessment.revision,
        "submitted_at": assessment.created_at.isoformat() if assessment.created_at else None,
        "submitted_on": format_date(assessment.created_at.date(), lang) if assessment.created_at else "",
        "escalation": reasons,
        "reasons": describe_escalation(checklist, reasons, lang),
        "review_url": url_for(
            "coordinator.assessment_page", token=token, assessment_id=assessment.id, lang=lang
        ),
    }


def _commitment_rows(municipality: Municipality, lang: str) -> list[Commitment]:
    # Open ones by due date, then the 50 most recently closed, so a correction stays at hand.
    open_rows = db.session.scalars(
        select(Commitment)
        .where(Commitment.municipality_id == municipality.id, Commitment.status == OPEN)
        .order_by(Commitment.due_date, Commitment.id)
    ).all()
    closed = db.session.scalars(
        select(Commitment)
        .where(Commitment.municipality_id == municipality.id, Commitment.status != OPEN)
        .order_by(Commitment.closed_at.desc(), Commitment.id.desc())
        .limit(50)
    ).all()
    return list(open_rows) + list(closed)


@bp.get("/coordinator/<token>")
def overview(token: str) -> Any:
    municipality, error = _municipality(token)
    if error is not None:
        return error
    return _overview(municipality, token, _lang(municipality))


def _overview(
    municipality: Municipality,
    token: str,
    lang: str,
    errors: Mapping[str, str] | None = None,
    failed_commitment: int | None = None,
    values: Mapping[str, Any] | None = None,
    status: int = 200,
) -> Any:
    settings = current_app.extensions["climate_plugin.settings"]
    today = local_today()
    queue = [
        _assessment_summary(a, municipality, token, lang, reasons)
        for a, reasons in escalated_queue(municipality)
    ]
    sample = []
    for assessment, review in review_sample(municipality, today, settings.review_sample_size):
        entry = _assessment_summary(assessment, municipality, token, lang)
        entry["reviewed"] = review is not None
        entry["outcome"] = review.outcome if review is not None else None
        entry["outcome_label"] = (
            t(f"coordinator.outcome.{review.outcome}", lang) if review is not None else ""
        )
        sample.append(entry)
    commitments = []
    for c in _commitment_rows(municipality, lang):
        entry = commitment_json(c, lang)
        entry.update(
            {
                "item": c.item.external_id,
                "item_title": c.item.title,
                "due": format_date(c.due_date, lang),
                "overdue": c.status == OPEN and c.due_date < today,
                "action": url_for("coordinator.mark_commitment", token=token, commitment_id=c.id, lang=lang),
            }
        )
        commitments.append(entry)
    if wants_json():
        response = jsonify(
            {
                "municipality": municipality.slug,
                "day": today.isoformat(),
                "queue": queue,
                "sample": sample,
                "commitments": commitments,
            }
        )
        response.status_code = status
        return response
    html = render_template(
        "coordinator/overview.html",
        lang=lang,
        _=lambda key, **p: t(key, lang, **p),
        municipality=municipality,
        languages=language_links("coordinator.overview", lang, token=token),
        queue=queue,
        sample=sample,
        sample_size=settings.review_sample_size,
        commitments=commitments,
        errors=errors or {},
        failed_commitment=failed_commitment,
        values=values or {},
        saved=request.args.get("saved"),
        csrf_field=CSRF_FIELD,
        csrf_token=form_token(_scope(municipality)),
    )
    return html, status


def _assessment(municipality: Municipality, assessment_id: int) -> Assessment | None:
    assessment = db.session.get(Assessment, assessment_id)
    if assessment is None or assessment.item.deleted_at is not None:
        return None
    if assessment.item.connector.municipality_id != municipality.id:
        return None  # another municipality's link must not open it
    return assessment


@bp.get("/coordinator/<token>/assessments/<int:assessment_id>")
def assessment_page(token: str, assessment_id: int) -> Any:
    municipality, error = _municipality(token)
    if error is not None:
        return error
    lang = _lang(municipality)
    assessment = _assessment(municipality, assessment_id)
    if assessment is None:
        return _error(404, "coordinator.error.assessment_not_found", lang)
    return _assessment_view(municipality, assessment, token, lang)


def _assessment_view(
    municipality: Municipality,
    assessment: Assessment,
    token: str,
    lang: str,
    errors: Mapping[str, str] | None = None,
    values: Mapping[str, Any] | None = None,
    status: int = 200,
) -> Any:
    answers = assessment.answers if isinstance(assessment.answers, Mapping) else {}
    checklist = checklist_for(municipality, answers.get("checklist_version"))
    symbols = {r.code: (r.symbol, r.label[lang]) for r in RATING_SCALE}
    ratings = []
    stored = answers.get("ratings") if isinstance(answers.get("ratings"), Mapping) else {}
    for code, entry in stored.items():
        if not isinstance(entry, Mapping):
            continue
        category = checklist.category(code) or CATEGORIES_BY_CODE.get(code)
        symbol, label = symbols.get(str(entry.get("rating")), (str(entry.get("rating")), ""))
        ratings.append(
            {
                "code": code,
                "name": category.name[lang] if category is not None else code,
                "symbol": symbol,
                "label": label,
                "justification": str(entry.get("justification") or ""),
            }
        )
    questions = answers.get("questions") if isinstance(answers.get("questions"), Mapping) else {}
    cross = [
        {"id": q.id, "text": q.text[lang], "answer": str(questions.get(q.id) or "")}
        for q in checklist.cross_cutting
        if isinstance(questions.get(q.id), str) and questions.get(q.id).strip()
    ]
    reviews = db.session.scalars(
        select(Review).where(Review.assessment_id == assessment.id).order_by(Review.id)
    ).all()
    summary = _assessment_summary(assessment, municipality, token, lang)
    review_rows = [
        {
            "outcome": r.outcome,
            "outcome_label": t(f"coordinator.outcome.{r.outcome}", lang),
            "reason": r.reason,
            "note": r.note,
            "reviewer": r.reviewer,
            "created_at": r.created_at.isoformat(),
            "created_on": format_date(r.created_at.date(), lang),
        }
        for r in reviews
    ]
    if wants_json():
        response = jsonify(
            {
                **summary,
                "ratings": ratings,
                "no_impact_reason": answers.get("no_impact_reason"),
                "questions": {c["id"]: c["answer"] for c in cross},
                "reviews": review_rows,
            }
        )
        response.status_code = status
        return response
    values = values or {}
    html = render_template(
        "coordinator/assessment.html",
        lang=lang,
        _=lambda key, **p: t(key, lang, **p),
        municipality=municipality,
        languages=language_links(
            "coordinator.assessment_page", lang, token=token, assessment_id=assessment.id
        ),
        summary=summary,
        item=assessment.item,
        checklist_url=checklist_url(assessment.item, current_app.config["PUBLIC_URL"]),
        ratings=ratings,
        no_impact_reason=answers.get("no_impact_reason")
        if isinstance(answers.get("no_impact_reason"), str)
        else "",
        cross=cross,
        reviews=review_rows,
        outcomes=[{"code": o, "label": t(f"coordinator.outcome.{o}", lang)} for o in OUTCOMES],
        errors=errors or {},
        values={k: v for k, v in values.items() if isinstance(v, str)},
        back_url=url_for("coordinator.overview", token=token, lang=lang),
        action=url_for("coordinator.add_review", token=token, assessment_id=assessment.id, lang=lang),
        csrf_field=CSRF_FIELD,
        csrf_token=form_token(_scope(municipality)),
        item_lang=item_language(assessment.item),
    )
    return html, status


@bp.post("/coordinator/<token>/assessments/<int:assessment_id>/reviews")
def add_review(token: str, assessment_id: int) -> Any:
    municipality, error = _municipality(token)
    if error is not None:
        return error
    lang = _lang(municipality)
    assessment = _assessment(municipality, assessment_id)
    if assessment is None:
        return _error(404, "coordinator.error.assessment_not_found", lang)
    data, as_json = _form_data()
    if data is None:
        return json_error(415 if not request.is_json else 400, t("commitment.error.not_json", lang))
    if not as_json and not form_token_ok(_scope(municipality), data.get(CSRF_FIELD)):
        return _assessment_view(
            municipality, assessment, token, lang, {"_form": t("commitment.error.csrf", lang)}, data, 400
        )
    review, errors = record_review(assessment, municipality, data, lang)
    if errors:
        db.session.rollback()
        if as_json:
            return json_error(422, t("coordinator.error.invalid", lang), fields=errors)
        return _assessment_view(municipality, assessment, token, lang, errors, data, 422)
    db.session.commit()
    if as_json:
        response = jsonify(
            {
                "id": review.id,
                "assessment_id": assessment.id,
                "outcome": review.outcome,
                "reason": review.reason,
                "note": review.note,
                "reviewer": review.reviewer,
                "created_at": review.created_at.isoformat(),
            }
        )
        response.status_code = 201
        return response
    return redirect(url_for("coordinator.overview", token=token, lang=lang, saved="review"), 303)


@bp.post("/coordinator/<token>/commitments/<int:commitment_id>")
def mark_commitment(token: str, commitment_id: int) -> Any:
    municipality, error = _municipality(token)
    if error is not None:
        return error
    lang = _lang(municipality)
    commitment = db.session.get(Commitment, commitment_id)
    if commitment is None or commitment.municipality_id != municipality.id:
        return _error(404, "coordinator.error.commitment_not_found", lang)
    data, as_json = _form_data()
    if data is None:
        return json_error(415 if not request.is_json else 400, t("commitment.error.not_json", lang))
    if not as_json and not form_token_ok(_scope(municipality), data.get(CSRF_FIELD)):
        return _overview(
            municipality, token, lang, {"_form": t("commitment.error.csrf", lang)}, commitment_id, data, 400
        )
    errors = close_commitment(
        commitment, data.get("status"), data.get("result_note"), data.get("reviewer"), lang
    )
    if errors:
        db.session.rollback()
        if as_json:
            return json_error(422, t("coordinator.error.invalid", lang), fields=errors)
        return _overview(municipality, token, lang, errors, commitment_id, data, 422)
    db.session.commit()
    body = commitment_json(commitment, lang)
    refresh_host_block(commitment.item)  # the host's agenda item shows the result
    if as_json:
        return jsonify(body)
    return redirect(
        url_for("coordinator.overview", token=token, lang=lang, saved="commitment") + "#commitments", 303
    )


def commitments_for_listing(municipality: Municipality, status: str | None = None) -> list[Commitment]:
    stmt = select(Commitment).where(Commitment.municipality_id == municipality.id)
    if status:
        stmt = stmt.where(Commitment.status == status)
    return list(db.session.scalars(stmt.order_by(Commitment.due_date, Commitment.id)))
