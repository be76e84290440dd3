"""A member's support for a solution, and whether the member counts it among their priorities (each member
has at most ``climate_plugin.teams.solutions.MAX_PRIORITIES``). One row per member and solution."""

from sqlalchemy import ForeignKey, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from climate_plugin.db import db
from climate_plugin.models._types import UTCDateTime, utcnow


class SolutionSupport(db.Model):
    __tablename__ = "solution_support"
    # the constraint, not a read-then-write, keeps a double click from counting twice
    __table_args__ = (UniqueConstraint("solution_id", "member_id", name="uq_support_solution_member"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    solution_id: Mapped[int] = mapped_column(ForeignKey("solution.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("team_member.id"), index=True)
    priority: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    solution = relationship("Solution", back_populates="supports")
