"""X5 follow-ups: the one place that makes, moves, reminds and records them.

Question X5 asks "Which indicator will follow the effect up, and when?". When a submitted assessment
answers it with a date ("31.12.2027", "2027-12-31", "12/2027") or a year ("seuranta 2028"), the item gets a
follow-up due then (a month or year alone means its last day): the climate coordinator is reminded before
it is due and records what the indicator showed. A result feeds the commitment rules: "met" closes the
item's open commitments as kept and "not met" as not kept, with the result as their note (and so the
commitment badges and the team levels); "unclear" closes none.
"""

from __future__ import annotations

import calendar
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask import current_app
from sqlalchemy import select, update

from climate_plugin.commitments.service import close_commitment
from climate_plugin.dates import DueWithin, format_date, local_today
from climate_plugin.db import db
from climate_plugin.i18n import t
from climate_plugin.mail import MailRefused, send_mail
from climate_plugin.models import AgendaItem, Assessment, Commitment, FollowUp, Municipality, User
from climate_plugin.models._types import utcnow
from climate_plugin.models.commitment import KEPT, NOT_KEPT
from climate_plugin.models.commitment import OPEN as COMMITMENT_OPEN
from climate_plugin.models.follow_up import MET, NOT_MET, OPEN, RESULTS
from climate_plugin.municipalities.service import time_zone
from climate_plugin.outbound import TransientError

log = logging.getLogger(__name__)

MAX_NOTE = 2000
MAX_YEARS_AHEAD = 30

_DAY = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b")
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_MONTH = re.compile(r"\b(\d{1,2})\s*/\s*(\d{4})\b")
_YEAR = re.compile(r"\b(20\d{2})\b")


def follow_up_date(text: Any, today: date | None = None) -> date | None:
    """The date an X5 answer names (the first one that is a real day within 30 years), else None."""
    if not isinstance(text, str):
        return None
    today = today or local_today()
    candidates: list[date] = []
    for match in _DAY.finditer(text):
        candidates.append(_day(int(match.group(3)), int(match.group(2)), int(match.group(1))))
    for match in _ISO.finditer(text):
        candidates.append(_day(int(match.group(1)), int(match.group(2)), int(match.group(3))))
    for match in _MONTH.finditer(text):
        year, month = int(match.group(2)), int(match.group(1))
        if 1 <= month <= 12:
            candidates.append(_day(year, month, calendar.monthrange(year, month)[1]))
    if not candidates:
        for match in _YEAR.finditer(text):
            candidates.append(date(int(match.group(1)), 12, 31))
    limit = date(today.year + MAX_YEARS_AHEAD, 12, 31)
    # a date in the past is still a follow-up to do (overdue); only nonsense is dropped
    return next((d for d in candidates if d is not None and date(2000, 1, 1) <= d <= limit), None)


def _day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def sync_follow_up(item: AgendaItem, assessment: Assessment) -> FollowUp | None:
    """Make or move the item's follow-up from a submitted revision's X5 answer (the caller commits).

    A recorded follow-up is never changed; an open one whose X5 no longer names a date is removed.
    """
    answers = assessment.answers if isinstance(assessment.answers, Mapping) else {}
    questions = answers.get("questions") if isinstance(answers.get("questions"), Mapping) else {}
    text = questions.get("X5") if isinstance(questions.get("X5"), str) else ""
    due = follow_up_date(text)
    existing = db.session.scalar(select(FollowUp).where(FollowUp.item_id == item.id))
    if existing is not None and existing.status != OPEN:
        return existing
    if due is None:
        if existing is not None:
            db.session.delete(existing)
            db.session.flush()
        return None
    if existing is None:
        existing = FollowUp(item_id=item.id, municipality_id=item.connector.municipality_id, status=OPEN)
        db.session.add(existing)
    if existing.due_date != due:
        existing.reminded_at = None  # a new date gets its own reminder
    existing.assessment_id = assessment.id
    existing.indicator = text.strip()
    existing.due_date = due
    db.session.flush()
    return existing


def follow_ups(municipality: Municipality, status: str | None = OPEN) -> list[FollowUp]:
    stmt = select(FollowUp).where(FollowUp.municipality_id == municipality.id)
    if status is not None:
        stmt = stmt.where(FollowUp.status == status)
    return list(db.session.scalars(stmt.order_by(FollowUp.due_date, FollowUp.id)))


def record_result(follow_up: FollowUp, data: Mapping[str, Any], lang: str) -> dict[str, str]:
    """The coordinator records what the indicator showed; {} or {field: message}. The caller commits and
    plans the item's write-back (its commitments may have closed)."""
    errors: dict[str, str] = {}
    status, note, by = data.get("status"), data.get("result_note"), data.get("reviewer")
    if status not in RESULTS:
        errors["status"] = t("followup.error.status", lang)
    if not isinstance(note, str) or not note.strip():
        errors["result_note"] = t("commitment.error.result_note_missing", lang)
    elif len(note.strip()) > MAX_NOTE:
        errors["result_note"] = t("commitment.error.too_long", lang, max=MAX_NOTE)
    if not isinstance(by, str) or not by.strip():
        errors["reviewer"] = t("coordinator.error.reviewer_missing", lang)
    elif len(by.strip()) > 200 or "\n" in by.strip():
        errors["reviewer"] = t("commitment.error.too_long", lang, max=200)
    if follow_up.status != OPEN:
        errors["status"] = t("followup.error.recorded", lang)
    if errors:
        return errors
    follow_up.status = str(status)
    follow_up.result_note = note.strip()
    follow_up.recorded_by = by.strip()
    follow_up.recorded_at = utcnow()
    db.session.flush()
    closing = {MET: KEPT, NOT_MET: NOT_KEPT}.get(follow_up.status)
    if closing is not None:
        for commitment in db.session.scalars(
            select(Commitment).where(
                Commitment.item_id == follow_up.item_id, Commitment.status == COMMITMENT_OPEN
            )
        ):
            note_text = t("followup.commitment_note", commitment.language, result=follow_up.result_note)
            close_commitment(commitment, closing, note_text, follow_up.recorded_by, lang)
    return {}


def follow_up_json(follow_up: FollowUp, lang: str, today: date | None = None) -> dict[str, Any]:
    # Overdue by the municipality's calendar: just after midnight there it is already the next day.
    today = today or local_today(time_zone(follow_up.municipality_id))
    return {
        "id": follow_up.id,
        "item": follow_up.item.external_id,
        "title": follow_up.item.title,
        "indicator": follow_up.indicator,
        "due_date": follow_up.due_date.isoformat(),
        "due": format_date(follow_up.due_date, lang),
        "overdue": follow_up.status == OPEN and follow_up.due_date < today,
        "status": follow_up.status,
        "status_label": t(f"followup.status.{follow_up.status}", lang),
        "result_note": follow_up.result_note,
        "recorded_by": follow_up.recorded_by,
        "recorded_at": follow_up.recorded_at.isoformat() if follow_up.recorded_at else None,
    }


# --- reminders ---------------------------------------------------------------------------------------------
@dataclass
class FollowUpReminders:
    reminded: list[int] = field(default_factory=list)
    mailed: list[str] = field(default_factory=list)  #: addresses
    failed: list[int] = field(default_factory=list)


def _coordinators(municipality_id: int) -> list[User]:
    """Who is reminded: the municipality's active coordinators, else its administrators."""
    for roles in (("coordinator",), ("municipality_admin",)):
        found = list(
            db.session.scalars(
                select(User).where(
                    User.municipality_id == municipality_id, User.active.is_(True), User.role.in_(roles)
                )
            )
        )
        if found:
            return found
    return []


def send_follow_up_reminders(now: datetime | None = None) -> FollowUpReminders:
    """Remind the coordinators of each open follow-up due within CLIMATE_PLUGIN_REMINDER_DAYS days, once.

    Claimed with a conditional UPDATE first, as commitment reminders are, so two schedulers never send the
    same reminder; a mail server that cannot be reached releases the claim for the next run.
    """
    now = now or utcnow()
    days = current_app.extensions["climate_plugin.settings"].reminder_days
    due_within = DueWithin(days, now, time_zone)
    due = db.session.execute(
        select(FollowUp.id, FollowUp.municipality_id, FollowUp.due_date)
        .where(
            FollowUp.status == OPEN, FollowUp.reminded_at.is_(None), FollowUp.due_date <= due_within.widest
        )
        .order_by(FollowUp.due_date, FollowUp.id)
        .limit(500)
    ).all()
    run = FollowUpReminders()
    for follow_up_id, municipality_id, due_date in due:
        if not due_within(due_date, municipality_id):
            continue  # due by the municipality's calendar only tomorrow
        claimed = db.session.execute(
            update(FollowUp)
            .where(FollowUp.id == follow_up_id, FollowUp.reminded_at.is_(None))
            .values(reminded_at=now)
        ).rowcount
        db.session.commit()
        if not claimed:
            continue
        follow_up = db.session.get(FollowUp, follow_up_id)
        municipality = db.session.get(Municipality, follow_up.municipality_id)
        try:
            for user in _coordinators(follow_up.municipality_id):
                lang = municipality.language
                entry = follow_up_json(follow_up, lang)
                send_mail(
                    user.email,
                    t("followup.mail.subject", lang, title=entry["title"][:120]),
                    t(
                        "followup.mail.body",
                        lang,
                        title=entry["title"],
                        indicator=entry["indicator"],
                        due=entry["due"],
                    ),
                )
                run.mailed.append(user.email)
        except TransientError as exc:
            log.warning("follow-up %s reminder not sent, trying next run: %s", follow_up_id, exc)
            db.session.execute(update(FollowUp).where(FollowUp.id == follow_up_id).values(reminded_at=None))
            db.session.commit()
            run.failed.append(follow_up_id)
            continue
        except MailRefused as exc:
            log.warning("follow-up %s reminder: %s", follow_up_id, exc)
        run.reminded.append(follow_up_id)
    return run
