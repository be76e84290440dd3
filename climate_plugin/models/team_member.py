"""A member of a climate team. Stakeholders have no account: a signed invitation link naming the member
(``public_id``) opens the team's page; revoking the member ends the link."""

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from climate_plugin.db import db
from climate_plugin.models._types import UTCDateTime, utcnow

FACILITATOR, DECISION_MAKER, OFFICIAL, STAKEHOLDER = (
    "facilitator",
    "decision_maker",
    "official",
    "stakeholder",
)
ROLES: tuple[str, ...] = (FACILITATOR, DECISION_MAKER, OFFICIAL, STAKEHOLDER)
#: who a stakeholder speaks for (optional): the youth council, a business, an expert, a resident
GROUPS: tuple[str, ...] = ("youth", "business", "expert", "resident", "other")


def _public_id() -> str:
    return uuid.uuid4().hex


class TeamMember(db.Model):
    __tablename__ = "team_member"
    __table_args__ = (
        CheckConstraint(
            "role IN ('facilitator', 'decision_maker', 'official', 'stakeholder')", name="member_role_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"), index=True)
    #: unguessable: the subject of the member's signed link
    public_id: Mapped[str] = mapped_column(db.String(32), unique=True, default=_public_id)
    name: Mapped[str] = mapped_column(db.String(200))
    role: Mapped[str] = mapped_column(db.String(16))
    group: Mapped[str | None] = mapped_column("stakeholder_group", db.String(16))
    #: where the invitation and notices go; optional (the link can be handed over in person)
    email: Mapped[str | None] = mapped_column(db.String(320))
    language: Mapped[str] = mapped_column(db.String(2), default="fi")
    invited_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    #: the first time the member opened the link
    joined_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    team = relationship("Team", back_populates="members")
