"""Reminders before a commitment's due date: by e-mail to its owner, and through the host system.

Run daily by Celery beat (``climate_plugin.worker.tasks.send_reminders``) and by the embedded worker's
sweeper. Each
commitment is claimed with a conditional UPDATE before anything is sent, so two schedulers running at once
(two beat processes by mistake, a sweep overlapping a beat) never send the same reminder twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from sqlalchemy import select, update

from climate_plugin.commitments.service import commitment_text
from climate_plugin.dates import DueWithin, format_date
from climate_plugin.db import db
from climate_plugin.i18n import t
from climate_plugin.mail import MailRefused, send_mail
from climate_plugin.models import AgendaItem, Commitment
from climate_plugin.models._types import utcnow
from climate_plugin.models.commitment import OPEN
from climate_plugin.municipalities.service import time_zone
from climate_plugin.outbound import TransientError
from climate_plugin.writeback.plan import plan_write_back

log = logging.getLogger(__name__)

#: commitments handled per run; the next run takes the rest
BATCH = 500


@dataclass
class ReminderRun:
    reminded: list[int] = field(default_factory=list)  #: commitment ids whose reminder was recorded
    mailed: list[int] = field(default_factory=list)  #: … of which an e-mail went out
    failed: list[int] = field(default_factory=list)  #: mail server unavailable: tried again next run
    write_backs: list[int] = field(default_factory=list)  #: climate blocks planned for hosts


def send_due_reminders(now: datetime | None = None) -> ReminderRun:
    """Remind every open commitment due within CLIMATE_PLUGIN_REMINDER_DAYS days and not yet reminded."""
    now = now or utcnow()
    days = current_app.extensions["climate_plugin.settings"].reminder_days
    # "Due within 14 days" by the commitment's municipality's calendar, not the server's.
    due_within = DueWithin(days, now, time_zone)
    candidates = db.session.execute(
        select(Commitment.id, Commitment.municipality_id, Commitment.due_date)
        .where(
            Commitment.status == OPEN,
            Commitment.reminded_at.is_(None),
            Commitment.due_date <= due_within.widest,
        )
        .order_by(Commitment.due_date, Commitment.id)
        .limit(BATCH)
    ).all()
    run = ReminderRun()
    items: set[int] = set()
    for commitment_id, municipality_id, due_date in candidates:
        if not due_within(due_date, municipality_id):
            continue  # due tomorrow there, not yet today
        if not _claim(commitment_id, now):
            continue  # another scheduler took it
        commitment = db.session.get(Commitment, commitment_id)
        if commitment.owner_email:
            try:
                _mail(commitment)
            except TransientError as exc:
                log.warning("reminder for commitment %s not sent, trying next run: %s", commitment_id, exc)
                _release(commitment_id)
                run.failed.append(commitment_id)
                continue
            except MailRefused as exc:
                # The address is wrong: the reminder still reaches the host; repeating it would not help.
                log.warning("reminder for commitment %s: %s", commitment_id, exc)
            else:
                run.mailed.append(commitment_id)
        run.reminded.append(commitment_id)
        items.add(commitment.item_id)
    for item_id in sorted(items):
        item = db.session.get(AgendaItem, item_id)
        if item is not None:
            planned = plan_write_back(item)
            db.session.commit()
            if planned is not None:
                run.write_backs.append(planned)
    return run


def _claim(commitment_id: int, now: datetime) -> bool:
    result = db.session.execute(
        update(Commitment)
        .where(Commitment.id == commitment_id, Commitment.reminded_at.is_(None), Commitment.status == OPEN)
        .values(reminded_at=now)
    )
    db.session.commit()
    return result.rowcount == 1


def _release(commitment_id: int) -> None:
    db.session.execute(update(Commitment).where(Commitment.id == commitment_id).values(reminded_at=None))
    db.session.commit()


def _mail(commitment: Commitment) -> None:
    from climate_plugin.assessments.links import checklist_url

    lang = commitment.language
    item = commitment.item
    meeting = t("reminder.mail.meeting", lang, meeting=item.meeting) if item.meeting else ""
    text = t(
        "reminder.mail.body",
        lang,
        title=item.title,
        meeting=meeting,
        commitment=commitment_text(commitment, lang),
        due=format_date(commitment.due_date, lang),
        url=checklist_url(item, current_app.config["PUBLIC_URL"]),
    )
    subject = t("reminder.mail.subject", lang, due=format_date(commitment.due_date, lang))
    send_mail(commitment.owner_email, subject, text)
