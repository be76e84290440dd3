"""The climate coordinator's work: escalated submitted assessments, a daily random sample, reviews, and the
per-municipality link to their pages (``reviews.web``).

The queue and the sample read what the preparer's form stores on a submitted revision:
``assessment.state == "submitted"`` and ``assessment.escalation`` (reason codes).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, exists, func, select

from climate_plugin.checklist import (
    REASONS,
    checklist_for,
    escalation_reasons,
)
from climate_plugin.dates import local_day_start, zone_of
from climate_plugin.db import db
from climate_plugin.i18n import t
from climate_plugin.models import AgendaItem, Assessment, Commitment, Connector, Municipality, Review
from climate_plugin.models._types import utcnow
from climate_plugin.models.review import OUTCOMES
from climate_plugin.web.signed_links import make_token, read_token

PURPOSE = "coordinator"
DEFAULT_LINK_DAYS = 90
MAX_NOTE = 4000
MAX_REVIEWER = 200


# --- the link --------------------------------------------------------------------------------------------
def coordinator_url(municipality: Municipality, base_url: str, days: int = DEFAULT_LINK_DAYS) -> str:
    expires = utcnow().replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=days + 1)
    token = make_token(PURPOSE, municipality.slug, expires)
    return base_url.rstrip("/") + f"/coordinator/{token}"


def municipality_for_link(token: str) -> Municipality | None:
    """The municipality a coordinator link opens; None for a forged one (LinkExpired when it ran out)."""
    slug = read_token(PURPOSE, token)
    return db.session.scalar(select(Municipality).where(Municipality.slug == slug)) if slug else None


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
    return escalation_reasons(
        checklist_for(municipality, answers.get("checklist_version")), ratings, relevance=assessment.relevance
    )


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
    start = local_day_start(day, zone_of(municipality))
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


def commitments_for_listing(municipality: Municipality, status: str | None = None) -> list[Commitment]:
    stmt = select(Commitment).where(Commitment.municipality_id == municipality.id)
    if status:
        stmt = stmt.where(Commitment.status == status)
    return list(db.session.scalars(stmt.order_by(Commitment.due_date, Commitment.id)))
