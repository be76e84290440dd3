"""A commitment tied to an agenda item: what will be done, the target, its indicator, a due date, an owner.

Follows Finland's Sitoumus2050 criteria (new, concrete, measurable: its own target, an indicator and a
timetable); ``climate_plugin.commitments.service`` refuses vague ones before a row is ever stored.
"""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from climate_plugin.db import db
from climate_plugin.models._types import UTCDateTime, utcnow

OPEN, KEPT, NOT_KEPT = "open", "kept", "not_kept"
STATUSES: tuple[str, ...] = (OPEN, KEPT, NOT_KEPT)


class Commitment(db.Model):
    __tablename__ = "commitment"
    __table_args__ = (CheckConstraint("status IN ('open', 'kept', 'not_kept')", name="status_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_item.id"), index=True)
    #: kept on the row (not only through the item) so the coordinator's lists need no join through connectors
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    what: Mapped[str] = mapped_column(db.Text)
    target: Mapped[str] = mapped_column(db.Text)
    indicator: Mapped[str] = mapped_column(db.Text)
    due_date: Mapped[date] = mapped_column(Date, index=True)
    #: the named person or body responsible (a name, not an account)
    owner: Mapped[str] = mapped_column(db.String(200))
    #: where reminders go; optional, the host's agenda item carries the reminder too
    owner_email: Mapped[str | None] = mapped_column(db.String(320))
    #: another board or committee this commitment challenges to do the same
    challenged_committee: Mapped[str | None] = mapped_column(db.String(500))
    #: the language it was written in: its reminders are sent in that language
    language: Mapped[str] = mapped_column(db.String(2), default="fi")
    status: Mapped[str] = mapped_column(db.String(16), default=OPEN, index=True)
    #: what the follow-up found, written by the coordinator when marking it kept or not kept
    result_note: Mapped[str | None] = mapped_column(db.Text)
    closed_by: Mapped[str | None] = mapped_column(db.String(200))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    #: when the reminder before the due date went out; None: not yet (claimed atomically, see reminders.py)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    item = relationship("AgendaItem")
