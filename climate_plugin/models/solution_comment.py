"""A member's comment on a solution."""

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from climate_plugin.db import db
from climate_plugin.models._types import UTCDateTime, utcnow


class SolutionComment(db.Model):
    __tablename__ = "solution_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    solution_id: Mapped[int] = mapped_column(ForeignKey("solution.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("team_member.id"), index=True)
    text: Mapped[str] = mapped_column(db.Text)
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    solution = relationship("Solution", back_populates="comments")
    member = relationship("TeamMember")
