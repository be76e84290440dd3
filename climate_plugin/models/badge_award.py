"""A team or municipality badge level once reached: stored so that levels only go up.

Team badges are recomputed from records (climate_plugin.badges.team), and a count can fall, e.g. when an
assessment is marked for review after the item changed. The checklist reference warns that a badge whose
level bounces up and down confuses people, so every level reached is kept as a row and never deleted; the
level shown is the highest stored one.
"""

from sqlalchemy import CheckConstraint, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from climate_plugin.db import db
from climate_plugin.models._types import UTCDateTime, utcnow
from climate_plugin.models.municipality import Municipality

#: the committee value of a municipality-wide award (not NULL: NULLs never collide in a unique constraint)
WHOLE_MUNICIPALITY = ""


class BadgeAward(db.Model):
    __tablename__ = "badge_award"
    # The unique constraint, not a read-then-write, stops two recomputations at the same moment from both
    # storing the same level.
    __table_args__ = (
        UniqueConstraint("municipality_id", "committee", "code", "level", name="uq_badge_award_scope_level"),
        CheckConstraint("level >= 1", name="level_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    #: the board or committee (AgendaItem.committee); WHOLE_MUNICIPALITY for municipality badges
    committee: Mapped[str] = mapped_column(db.String(500), default=WHOLE_MUNICIPALITY)
    code: Mapped[str] = mapped_column(db.String(64))
    level: Mapped[int] = mapped_column()
    #: the record count that reached the level, for the audit trail
    count: Mapped[int] = mapped_column(default=0)
    awarded_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    municipality: Mapped[Municipality] = relationship()
