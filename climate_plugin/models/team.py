"""A climate team: decision-makers, officials and invited stakeholders who look for a municipality's climate
solutions together, on a theme (a sector, a programme measure), a body's agenda, or one agenda item.

A team belongs to a municipality. Regions (issue 13) are being added in parallel: a team owned by a region
would get a nullable ``region_id`` next to ``municipality_id`` here (and ``municipality_id`` would become
nullable); nothing else in the teams package reads the owner except through ``municipality_id``.
"""

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from climate_plugin.db import db
from climate_plugin.models._types import UTCDateTime, utcnow

#: the facilitated session's rounds (None: the team works asynchronously)
PROPOSE, DISCUSS, PRIORITISE = "propose", "discuss", "prioritise"
SESSION_PHASES: tuple[str, ...] = (PROPOSE, DISCUSS, PRIORITISE)


class Team(db.Model):
    __tablename__ = "team"

    id: Mapped[int] = mapped_column(primary_key=True)
    # (a region owner would go here: region_id, nullable, see the module's docstring)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    name: Mapped[str] = mapped_column(db.String(200))
    #: what the team works on, in its own words (a sector, a measure, a question)
    theme: Mapped[str] = mapped_column(db.String(500))
    #: the board or committee whose agenda the team follows (AgendaItem.committee), if any
    body: Mapped[str | None] = mapped_column(db.String(500), index=True)
    #: the one agenda item the team works on, if any
    item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id"), index=True)
    #: the programme measure the team works on, if any
    measure_id: Mapped[int | None] = mapped_column(ForeignKey("measure.id"), index=True)
    #: where notices of new solutions go (the facilitator, usually the climate coordinator)
    facilitator_email: Mapped[str | None] = mapped_column(db.String(320))
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    created_by: Mapped[str] = mapped_column(db.String(400), default="")
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: the facilitated session: the current round (None: asynchronous work), its number and its end
    session_phase: Mapped[str | None] = mapped_column(db.String(16))
    session_round: Mapped[int] = mapped_column(default=0, server_default="0")
    session_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    municipality = relationship("Municipality")
    item = relationship("AgendaItem")
    measure = relationship("Measure", foreign_keys=[measure_id])
    members = relationship("TeamMember", back_populates="team", order_by="TeamMember.id")
