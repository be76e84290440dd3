"""The climate coordinator's review of one assessment revision, from the escalation queue or the sample.

Reviews are only ever added: a second look at the same revision is a new row, so the record shows who
said what and when.
"""

from sqlalchemy import CheckConstraint, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from climate_plugin.db import db
from climate_plugin.models._types import UTCDateTime, utcnow

#: ok: sound as it is; needs_changes: the preparer should revise it; in_depth: it needs an in-depth
#: (stage 2) climate assessment before the decision
OUTCOMES: tuple[str, ...] = ("ok", "needs_changes", "in_depth")
#: why the coordinator looked at it: an escalation rule fired, or the random sample drew it
REASONS: tuple[str, ...] = ("escalated", "sample")


class Review(db.Model):
    __tablename__ = "coordinator_review"
    __table_args__ = (
        CheckConstraint("outcome IN ('ok', 'needs_changes', 'in_depth')", name="outcome_known"),
        CheckConstraint("reason IN ('escalated', 'sample')", name="reason_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id"), index=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    outcome: Mapped[str] = mapped_column(db.String(16))
    reason: Mapped[str] = mapped_column(db.String(16))
    note: Mapped[str] = mapped_column(db.Text, default="")
    #: the coordinator's name as they typed it (no accounts: the signed link is the access)
    reviewer: Mapped[str] = mapped_column(db.String(200))
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    assessment = relationship("Assessment")
