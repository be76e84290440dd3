"""A follow-up of an assessment's indicator (checklist question X5: "Which indicator will follow the
effect up, and when?"): a task for the climate coordinator on the date the preparer named.

Made when a submitted assessment answers X5 with a date or a year (climate_plugin.followups.service);
the coordinator is reminded before it is due and records what the indicator showed. A result feeds the
commitment rules (the item's open commitments are closed with it) and so the badges.
"""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from climate_plugin.db import db
from climate_plugin.models._types import UTCDateTime, utcnow

OPEN, MET, NOT_MET, UNCLEAR = "open", "met", "not_met", "unclear"
STATUSES: tuple[str, ...] = (OPEN, MET, NOT_MET, UNCLEAR)
RESULTS: tuple[str, ...] = (MET, NOT_MET, UNCLEAR)


class FollowUp(db.Model):
    __tablename__ = "follow_up"
    __table_args__ = (
        # one follow-up per item: a later submit moves its date or indicator instead of adding a second
        UniqueConstraint("item_id", name="uq_follow_up_item"),
        CheckConstraint("status IN ('open', 'met', 'not_met', 'unclear')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_item.id"), index=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    #: the submitted revision whose X5 answer made (or last moved) it
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id"))
    #: the X5 answer as the preparer wrote it
    indicator: Mapped[str] = mapped_column(db.Text)
    due_date: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(db.String(16), default=OPEN, index=True)
    #: what the indicator showed, as the coordinator wrote it
    result_note: Mapped[str | None] = mapped_column(db.Text)
    recorded_by: Mapped[str | None] = mapped_column(db.String(200))
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: when the coordinator's reminder went out (claimed atomically, as commitment reminders are)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    item = relationship("AgendaItem")
