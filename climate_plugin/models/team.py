"""A climate team: decision-makers, officials and invited stakeholders who look for a municipality's climate
solutions together, on a theme (a sector, a programme measure), a body's agenda, or one agenda item.

A team belongs to a municipality, whose coordinator facilitates it. A team may work for the municipality's
whole region (``region_id``, the region the municipality belonged to when the team was made): a regional
council has no accounts of its own here, so one member municipality runs the team on the region's behalf,
its members may come from anywhere in the region, and the region's page lists it.
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
    #: the municipality that runs the team (its coordinator facilitates; its scope decides who sees it)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    #: the region the team works for, if it works for the whole region (see the module's docstring)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
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
    region = relationship("Region")
    item = relationship("AgendaItem")
    measure = relationship("Measure", foreign_keys=[measure_id])
    members = relationship("TeamMember", back_populates="team", order_by="TeamMember.id")
