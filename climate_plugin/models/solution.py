"""A climate solution a team member proposed: what, its expected effect and that effect's category, a rough
cost, who could do it; optionally on one agenda item. What became of it is kept on the row: a commitment
(``commitment_id``), an alternative the preparer's checklist shows at question X1 (``alternative_at``), a
measure proposed for the climate programme (``proposed_measure_id``)."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from climate_plugin.db import db
from climate_plugin.models._types import UTCDateTime, utcnow

#: rough cost: none, under 10 000 €, 10 000–100 000 €, over 100 000 €, not known
COSTS: tuple[str, ...] = ("none", "low", "medium", "high", "unknown")


class Solution(db.Model):
    __tablename__ = "solution"
    __table_args__ = (
        CheckConstraint("cost IN ('none', 'low', 'medium', 'high', 'unknown')", name="solution_cost_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"), index=True)
    #: kept on the row so lists and the API are scoped without a join
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("team_member.id"), index=True)
    what: Mapped[str] = mapped_column(db.Text)
    effect: Mapped[str] = mapped_column(db.Text)
    #: a checklist category code (climate_plugin.checklist.CATEGORIES_BY_CODE)
    effect_category: Mapped[str] = mapped_column(db.String(32))
    cost: Mapped[str] = mapped_column(db.String(16), default="unknown")
    who: Mapped[str] = mapped_column(db.String(500), default="")
    #: the session round it was proposed in (0: asynchronously)
    session_round: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: what became of it
    commitment_id: Mapped[int | None] = mapped_column(ForeignKey("commitment.id"))
    alternative_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    proposed_measure_id: Mapped[int | None] = mapped_column(ForeignKey("measure.id"))

    team = relationship("Team")
    item = relationship("AgendaItem")
    author = relationship("TeamMember")
    commitment = relationship("Commitment")
    proposed_measure = relationship("Measure", foreign_keys=[proposed_measure_id])
    comments = relationship("SolutionComment", order_by="SolutionComment.id", back_populates="solution")
    supports = relationship("SolutionSupport", back_populates="solution")
