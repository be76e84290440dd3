"""The records behind the picture, one row each, for export: assessments, commitments and reviews of the
items in the picture's filters (first screened in the period, of the body if one is chosen), and the open
data a municipality publishes (no person's name but a commitment's named owner, and nothing unsubmitted)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import select

from climate_plugin.checklist import CROSS_CUTTING
from climate_plugin.db import db
from climate_plugin.models import AgendaItem, Assessment, Commitment, Municipality, Review
from climate_plugin.reach.service import Filters, ItemFacts, item_facts

QUESTION_IDS: tuple[str, ...] = tuple(q.id for q in CROSS_CUTTING)

ASSESSMENT_COLUMNS: tuple[str, ...] = (
    "item",
    "title",
    "body",
    "relevance",
    "first_screened",
    "submitted_at",
    "submitted_by",
    "ratings",
    *QUESTION_IDS,
    "escalation",
    "meeting_date",
    "decision_state",
    "decided_on",
    "changed_after_assessment",
)
COMMITMENT_COLUMNS: tuple[str, ...] = (
    "id",
    "item",
    "title",
    "body",
    "what",
    "target",
    "indicator",
    "due_date",
    "owner",
    "challenged_committee",
    "status",
    "result_note",
    "created_at",
    "closed_at",
)
REVIEW_COLUMNS: tuple[str, ...] = (
    "id",
    "item",
    "title",
    "body",
    "revision",
    "reason",
    "outcome",
    "note",
    "reviewer",
    "created_at",
)
OPEN_DECISION_COLUMNS: tuple[str, ...] = (
    "item",
    "title",
    "body",
    "url",
    "relevance",
    "categories",
    "ratings",
    "alternatives",
    "indicator",
    "assessed_on",
    "meeting_date",
    "decision_state",
    "decided_on",
    "changed_after_assessment",
)
OPEN_COMMITMENT_COLUMNS: tuple[str, ...] = (
    "item",
    "title",
    "body",
    "what",
    "target",
    "indicator",
    "due_date",
    "owner",
    "status",
    "result_note",
)


def _ratings(answers: Mapping[str, Any]) -> str:
    ratings = answers.get("ratings") if isinstance(answers.get("ratings"), Mapping) else {}
    return "; ".join(
        f"{code}: {entry.get('rating')}" for code, entry in ratings.items() if isinstance(entry, Mapping)
    )


def _question(answers: Mapping[str, Any], qid: str) -> str:
    questions = answers.get("questions") if isinstance(answers.get("questions"), Mapping) else {}
    value = questions.get(qid)
    return value.strip() if isinstance(value, str) else ""


def _latest_submitted(item_ids: list[int]) -> dict[int, Assessment]:
    found: dict[int, Assessment] = {}
    for start in range(0, len(item_ids), 500):
        stmt = (
            select(Assessment)
            .where(Assessment.item_id.in_(item_ids[start : start + 500]), Assessment.state == "submitted")
            .order_by(Assessment.revision)
        )
        for assessment in db.session.scalars(stmt):
            found[assessment.item_id] = assessment
    return found


def assessments(municipality: Municipality, filters: Filters, today: date) -> list[dict[str, Any]]:
    facts = [f for f in item_facts(municipality, filters, today) if f.assessed]
    latest = _latest_submitted([f.id for f in facts])
    rows = []
    for fact in facts:
        assessment = latest[fact.id]
        answers = assessment.answers if isinstance(assessment.answers, Mapping) else {}
        rows.append(
            {
                "item": fact.external_id,
                "title": fact.title,
                "body": fact.body,
                "relevance": fact.relevance,
                "first_screened": fact.first_screened,
                "submitted_at": assessment.submitted_at or assessment.created_at,
                "submitted_by": assessment.submitted_by or "",
                "ratings": _ratings(answers),
                **{qid: _question(answers, qid) for qid in QUESTION_IDS},
                "escalation": " ".join(assessment.escalation or ()),
                "meeting_date": fact.meeting_date,
                "decision_state": fact.decision_state or "",
                "decided_on": fact.decided_on,
                "changed_after_assessment": fact.changed_after_assessment,
            }
        )
    return rows


def _facts_by_id(municipality: Municipality, filters: Filters, today: date) -> dict[int, ItemFacts]:
    return {f.id: f for f in item_facts(municipality, filters, today)}


def commitments(municipality: Municipality, filters: Filters, today: date) -> list[dict[str, Any]]:
    facts = _facts_by_id(municipality, filters, today)
    rows = []
    stmt = select(Commitment).where(Commitment.municipality_id == municipality.id).order_by(Commitment.id)
    for c in db.session.scalars(stmt):
        fact = facts.get(c.item_id)
        if fact is None:
            continue
        rows.append(
            {
                "id": c.id,
                "item": fact.external_id,
                "title": fact.title,
                "body": fact.body,
                "what": c.what,
                "target": c.target,
                "indicator": c.indicator,
                "due_date": c.due_date,
                "owner": c.owner,
                "challenged_committee": c.challenged_committee or "",
                "status": c.status,
                "result_note": c.result_note or "",
                "created_at": c.created_at,
                "closed_at": c.closed_at,
            }
        )
    return rows


def reviews(municipality: Municipality, filters: Filters, today: date) -> list[dict[str, Any]]:
    facts = _facts_by_id(municipality, filters, today)
    rows = []
    stmt = (
        select(Review, Assessment.item_id, Assessment.revision)
        .join(Assessment, Assessment.id == Review.assessment_id)
        .where(Review.municipality_id == municipality.id)
        .order_by(Review.id)
    )
    for review, item_id, revision in db.session.execute(stmt):
        fact = facts.get(item_id)
        if fact is None:
            continue
        rows.append(
            {
                "id": review.id,
                "item": fact.external_id,
                "title": fact.title,
                "body": fact.body,
                "revision": revision,
                "reason": review.reason,
                "outcome": review.outcome,
                "note": review.note,
                "reviewer": review.reviewer,
                "created_at": review.created_at,
            }
        )
    return rows


# --- open data ---------------------------------------------------------------------------------------------
def open_decisions(municipality: Municipality, filters: Filters, today: date) -> list[dict[str, Any]]:
    """Assessed items (with a submitted assessment), without anyone's name."""
    facts = [f for f in item_facts(municipality, filters, today) if f.assessed]
    latest = _latest_submitted([f.id for f in facts])
    urls: dict[int, str | None] = {}
    ids = [f.id for f in facts]
    for start in range(0, len(ids), 500):
        stmt = select(AgendaItem.id, AgendaItem.url).where(AgendaItem.id.in_(ids[start : start + 500]))
        urls.update({item_id: url for item_id, url in db.session.execute(stmt)})
    rows = []
    for fact in facts:
        assessment = latest[fact.id]
        answers = assessment.answers if isinstance(assessment.answers, Mapping) else {}
        rows.append(
            {
                "item": fact.external_id,
                "title": fact.title,
                "body": fact.body,
                "url": urls.get(fact.id) or "",
                "relevance": fact.relevance,
                "categories": " ".join(assessment.categories or ()),
                "ratings": _ratings(answers),
                "alternatives": _question(answers, "X1"),
                "indicator": _question(answers, "X5"),
                "assessed_on": (assessment.submitted_at or assessment.created_at).date(),
                "meeting_date": fact.meeting_date,
                "decision_state": fact.decision_state or "",
                "decided_on": fact.decided_on,
                "changed_after_assessment": fact.changed_after_assessment,
            }
        )
    return rows


def open_commitments(municipality: Municipality, filters: Filters, today: date) -> list[dict[str, Any]]:
    return [
        {key: row[key] for key in OPEN_COMMITMENT_COLUMNS}
        for row in commitments(municipality, filters, today)
    ]
