"""A link between a programme measure and a decision (an agenda item and its assessment), a commitment or a
solution: it advances the measure or conflicts with it. Exactly one subject per row; the service keeps one
link per measure and subject (a unique constraint cannot: NULLs never collide)."""

from sqlalchemy import CheckConstraint, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from climate_plugin.db import db
from climate_plugin.models._types import UTCDateTime, utcnow

ADVANCES, CONFLICTS = "advances", "conflicts"
EFFECTS: tuple[str, ...] = (ADVANCES, CONFLICTS)
DECISION, COMMITMENT, SOLUTION = "decision", "commitment", "solution"
KINDS: tuple[str, ...] = (DECISION, COMMITMENT, SOLUTION)


class MeasureLink(db.Model):
    __tablename__ = "measure_link"
    __table_args__ = (
        CheckConstraint("effect IN ('advances', 'conflicts')", name="measure_link_effect_known"),
        CheckConstraint(
            "(CASE WHEN item_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN commitment_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN solution_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="measure_link_one_subject",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measure.id"), index=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    #: a decision: the agenda item (its current assessment says how it was weighed)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id"), index=True)
    commitment_id: Mapped[int | None] = mapped_column(ForeignKey("commitment.id"), index=True)
    solution_id: Mapped[int | None] = mapped_column(ForeignKey("solution.id"), index=True)
    effect: Mapped[str] = mapped_column(db.String(16))
    note: Mapped[str] = mapped_column(db.Text, default="")
    created_by: Mapped[str] = mapped_column(db.String(400), default="")
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    measure = relationship("Measure")
    item = relationship("AgendaItem")
    commitment = relationship("Commitment")
    solution = relationship("Solution")

    @property
    def kind(self) -> str:
        if self.item_id is not None:
            return DECISION
        return COMMITMENT if self.commitment_id is not None else SOLUTION
