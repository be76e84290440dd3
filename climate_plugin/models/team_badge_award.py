"""A climate team's badge level once reached: stored so that levels only go up (as BadgeAward does for
committees)."""

from sqlalchemy import CheckConstraint, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from climate_plugin.db import db
from climate_plugin.models._types import UTCDateTime, utcnow


class TeamBadgeAward(db.Model):
    __tablename__ = "team_badge_award"
    __table_args__ = (
        UniqueConstraint("team_id", "code", "level", name="uq_team_badge_level"),
        CheckConstraint("level >= 1", name="team_badge_level_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"), index=True)
    code: Mapped[str] = mapped_column(db.String(64))
    level: Mapped[int] = mapped_column()
    count: Mapped[int] = mapped_column(default=0)
    awarded_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
