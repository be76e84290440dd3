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

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, current_app, jsonify, redirect, request, url_for
from sqlalchemy import select

from climate_plugin.assessments.links import checklist_url
from climate_plugin.checklist import (
    CATEGORIES_BY_CODE,
    RATING_SCALE,
    checklist_for,
    describe_escalation,
)
from climate_plugin.commitments.service import (
    close_commitment,
    commitment_json,
)
from climate_plugin.dates import format_date, local_today, zone_of
from climate_plugin.db import db
from climate_plugin.i18n import language_links, request_language, t
from climate_plugin.items.store import item_language
from climate_plugin.models import Assessment, Commitment, Municipality, Review
from climate_plugin.models.commitment import OPEN
from climate_plugin.models.review import OUTCOMES
from climate_plugin.reviews.service import (
    PURPOSE,
    escalated_queue,
    escalation_of,
    record_review,
    review_sample,
)
from climate_plugin.web.errors import error_page, json_error, wants_json
from climate_plugin.web.form_token import FIELD as CSRF_FIELD
from climate_plugin.web.form_token import form_token, form_token_ok
from climate_plugin.web.render import render
from climate_plugin.web.signed_links import LinkExpired, read_token
from climate_plugin.writeback.plan import plan_write_back

bp = Blueprint("coordinator", __name__, template_folder="templates")


# --- web -------------------------------------------------------------------------------------------------
def _error(status: int, key: str, lang: str) -> Any:
    if wants_json():
        return json_error(status, t(key, lang))
    return error_page(status, t(key, lang), lang)


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
        "submitted_on": format_date(assessment.created_at, lang, zone_of(municipality)),
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
    today = local_today(zone_of(municipality))
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
    html = render(
        "coordinator/overview.html",
        lang,
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
        picture_url=url_for("reach.coordinator_picture", token=token, lang=lang),
        follow_ups_url=url_for("followups.page", token=token, lang=lang),
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
            "created_on": format_date(r.created_at, lang, zone_of(municipality)),
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
    html = render(
        "coordinator/assessment.html",
        lang,
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
    plan_write_back(commitment.item)  # the host's agenda item shows the result
    db.session.commit()
    body = commitment_json(commitment, lang)
    if as_json:
        return jsonify(body)
    return redirect(
        url_for("coordinator.overview", token=token, lang=lang, saved="commitment") + "#commitments", 303
    )
