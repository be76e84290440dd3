"""A team challenge over a period: bodies (or a municipality's teams) compete on a quality measure counted
from records, e.g. the most highly relevant items assessed with alternatives considered."""

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from climate_plugin.db import db
from climate_plugin.models._types import UTCDateTime, utcnow

#: what a challenge counts (climate_plugin.teams.game.COUNTERS)
KINDS: tuple[str, ...] = ("alternatives_on_high_items", "commitments_kept", "solutions_adopted")


class TeamChallenge(db.Model):
    __tablename__ = "team_challenge"
    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="challenge_period_ordered"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    kind: Mapped[str] = mapped_column(db.String(32))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    created_by: Mapped[str] = mapped_column(db.String(400), default="")
