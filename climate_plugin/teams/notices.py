"""E-mail notices of a team: stored with the change they tell about (``queue_notice``, in the caller's
transaction), sent after it committed (``send_pending``). A notice the mail server did not take keeps its
error for the coordinator's team page and is tried again by `climate-plugin teams notices send` or the
page's button: nothing is lost, and a failure is never reported as sent."""

from __future__ import annotations

import logging

from sqlalchemy import select

from climate_plugin.db import db
from climate_plugin.mail import MailRefused, send_mail
from climate_plugin.models import Team, TeamNotice
from climate_plugin.models._types import utcnow
from climate_plugin.outbound import TransientError

log = logging.getLogger(__name__)


def queue_notice(team: Team, to: str | None, subject: str, text: str) -> TeamNotice | None:
    """Store a notice for ``to`` (nothing when there is no address); the caller commits, then sends."""
    if not to:
        return None
    notice = TeamNotice(team_id=team.id, to=to, subject=subject[:500], text=text)
    db.session.add(notice)
    return notice


def send_pending(team_id: int | None = None, limit: int = 200) -> dict[str, int]:
    """Send the notices not sent yet (of one team, or all); ``{"sent", "failed"}``. Commits each."""
    stmt = select(TeamNotice).where(TeamNotice.sent_at.is_(None)).order_by(TeamNotice.id).limit(limit)
    if team_id is not None:
        stmt = stmt.where(TeamNotice.team_id == team_id)
    counts = {"sent": 0, "failed": 0}
    for notice in db.session.scalars(stmt).all():
        notice.attempts += 1
        try:
            send_mail(notice.to, notice.subject, notice.text)
        except (TransientError, MailRefused) as exc:
            notice.last_error = str(exc)[:1000]
            counts["failed"] += 1
            log.warning("team notice %s to the team's member not sent: %s", notice.id, exc)
        else:
            notice.sent_at, notice.last_error = utcnow(), None
            counts["sent"] += 1
        db.session.commit()
    return counts


def unsent(team: Team) -> list[TeamNotice]:
    stmt = select(TeamNotice).where(TeamNotice.team_id == team.id, TeamNotice.sent_at.is_(None))
    return list(db.session.scalars(stmt.order_by(TeamNotice.id)))
