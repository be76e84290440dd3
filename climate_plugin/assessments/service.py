"""Turning a screening into a stored assessment revision, and a preparer's answers into the next one.

Revisions: screening makes one when the item's text, the screening or the municipality's checklist
changed; the preparer makes one on every submit. A draft is not a revision: it is kept inside the current
revision's answers (``answers["draft"]``), so saving work in progress changes nothing the host or the
board sees, and a submitted assessment stays published while its next version is being written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from climate_plugin.badges.team import recompute_awards
from climate_plugin.checklist import build_stage0_answers, checklist_for, escalation_reasons
from climate_plugin.db import db
from climate_plugin.followups.service import sync_follow_up
from climate_plugin.items.store import attachment_texts
from climate_plugin.models import AgendaItem, Assessment
from climate_plugin.models._types import utcnow
from climate_plugin.models.assessment import DRAFT, SCREENED, SUBMITTED
from climate_plugin.screening import screen, screening_version

#: the keys of ``Assessment.answers`` the preparer writes (screening writes checklist_version, prescreen)
PREPARER_KEYS: tuple[str, ...] = (
    "stage0", "rated_only", "no_impact_reason", "ratings", "questions", "commitment"
)
DRAFT_KEY = "draft"


class NotScreened(Exception):
    """The item has no assessment yet: screening has not run, so there is nothing to confirm."""


def _preparer_part(answers: Mapping[str, Any] | None) -> dict[str, Any]:
    answers = answers if isinstance(answers, Mapping) else {}
    return {key: answers[key] for key in (*PREPARER_KEYS, DRAFT_KEY) if key in answers}


def assess(item: AgendaItem) -> Assessment:
    """The item's current assessment, screening it again only when its text, the screening or the
    municipality's checklist template changed.

    Keeping the revision when nothing changed is what makes a repeated event write nothing back. A
    re-screen keeps the preparer's answers (and draft); when the text or the checklist changed under a
    submitted assessment, the new revision is marked for review until the preparer confirms or revises it.
    """
    current = item.current_assessment
    municipality = item.connector.municipality
    checklist = checklist_for(municipality)
    # The municipality's sensitivity is part of the version: choosing another one screens items again.
    sensitivity = municipality.screening_sensitivity
    version = screening_version(sensitivity)
    if (
        current is not None
        and current.content_hash == item.content_hash
        and current.screening_version == version
        and current.answers.get("checklist_version") == checklist.version
    ):
        return current
    result = screen(
        item.title, item.body, item.language, attachments=attachment_texts(item), sensitivity=sensitivity
    )
    evidence = [asdict(e) for e in result.evidence]
    answers = build_stage0_answers(result.relevance, list(result.categories), evidence, checklist=checklist)
    assessment = Assessment(
        item=item,
        revision=(current.revision + 1) if current else 1,
        source="screening",
        relevance=result.relevance,
        categories=list(result.categories),
        evidence=evidence,
        answers=answers,
        screening_version=version,
        content_hash=item.content_hash,
        state=SCREENED,
        needs_review=False,
        escalation=[],
    )
    if current is not None:
        _carry_forward(current, assessment, checklist.version)
    if item.language is None:
        item.language = result.language  # detected: the summary and the page use it
    db.session.add(assessment)
    db.session.flush()
    return assessment


def _carry_forward(current: Assessment, assessment: Assessment, checklist_version: str) -> None:
    """Keep the preparer's work on a re-screen; a material change puts a submitted assessment under review.

    Material: the item's text (title, body, language) or the checklist the answers belong to changed.
    A new screening version alone is not: the preparer assessed the same text with the same questions.
    """
    carried = _preparer_part(current.answers)
    if not carried:
        return
    assessment.answers = {**assessment.answers, **carried}
    assessment.state = current.state if current.state in (DRAFT, SUBMITTED) else SCREENED
    if current.state == SUBMITTED:
        material = (
            current.content_hash != assessment.content_hash
            or current.answers.get("checklist_version") != checklist_version
        )
        assessment.needs_review = bool(current.needs_review or material)
        assessment.submitted_by = current.submitted_by
        assessment.submitted_at = current.submitted_at
        assessment.escalation = list(current.escalation or ())


def save_draft(item: AgendaItem, answers: Mapping[str, Any], saved_by: str | None) -> Assessment:
    """Keep work in progress on the current revision; no new revision, nothing written back."""
    current = item.current_assessment
    if current is None:
        raise NotScreened(item.public_id)
    draft: dict[str, Any] = {"answers": dict(answers)}
    if saved_by:
        draft["saved_by"] = saved_by
    # A new dict, not an in-place change: the JSON column only notices assignment.
    current.answers = {**current.answers, DRAFT_KEY: draft}
    if current.state == SCREENED:
        current.state = DRAFT
    db.session.flush()
    return current


def submit_assessment(
    item: AgendaItem, answers: Mapping[str, Any], submitted_by: str | None, submit: bool = True
) -> Assessment:
    """A new revision with the preparer's (already validated) answers; ``submit=False`` saves a draft.

    The screening result (relevance, categories, evidence, suggestions) and the checklist version stay
    those of the current revision: the answers belong to those questions. A commitment recorded earlier is
    kept. Confirming clears ``needs_review``; escalation is computed from the ratings.
    """
    if not submit:
        return save_draft(item, answers, submitted_by)
    current = item.current_assessment
    if current is None:
        raise NotScreened(item.public_id)
    checklist = checklist_for(item.connector.municipality, current.answers.get("checklist_version"))
    stored: dict[str, Any] = {
        key: value for key, value in current.answers.items() if key in ("checklist_version", "prescreen")
    }
    if "commitment" in current.answers:
        stored["commitment"] = current.answers["commitment"]
    stored.update({key: value for key, value in answers.items() if key in PREPARER_KEYS})
    ratings = stored.get("ratings") if isinstance(stored.get("ratings"), Mapping) else {}
    assessment = Assessment(
        item=item,
        revision=current.revision + 1,
        source="preparer",
        relevance=current.relevance,
        categories=list(current.categories or ()),
        evidence=list(current.evidence or ()),
        answers=stored,
        screening_version=current.screening_version,
        content_hash=current.content_hash,
        state=SUBMITTED,
        needs_review=False,
        submitted_by=submitted_by or None,
        submitted_at=utcnow(),
        escalation=escalation_reasons(checklist, ratings, relevance=current.relevance),
    )
    db.session.add(assessment)
    db.session.flush()
    sync_follow_up(item, assessment)  # X5's indicator and date: the coordinator's follow-up task
    # Store any team level this submit reached now, so it shows (and never falls) without a recompute.
    recompute_awards(item.connector.municipality)
    return assessment


def draft_answers(assessment: Assessment | None) -> dict[str, Any] | None:
    """The saved draft's answers, if the preparer left one on this revision."""
    if assessment is None or not isinstance(assessment.answers, Mapping):
        return None
    draft = assessment.answers.get(DRAFT_KEY)
    if isinstance(draft, Mapping) and isinstance(draft.get("answers"), Mapping):
        return dict(draft["answers"])
    return None


def preparer_answers(assessment: Assessment | None) -> dict[str, Any]:
    """What the form shows: the draft if there is one, else the submitted answers (may be empty)."""
    draft = draft_answers(assessment)
    if draft is not None:
        return draft
    return {k: v for k, v in _preparer_part(getattr(assessment, "answers", None)).items() if k != DRAFT_KEY}
