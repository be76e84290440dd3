"""An e-mail notice to a team member or facilitator (an invitation, a new solution, what became of one).

Stored in the same transaction as the change it tells about, then sent; a notice the mail server did not
take keeps its error and is shown on the coordinator's team page, and `climate-plugin teams notices send`
(or the page's button) tries it again. Nothing is lost, and nothing fails silently."""

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from climate_plugin.db import db
from climate_plugin.models._types import UTCDateTime, utcnow


class TeamNotice(db.Model):
    __tablename__ = "team_notice"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"), index=True)
    to: Mapped[str] = mapped_column(db.String(320))
    subject: Mapped[str] = mapped_column(db.String(500))
    text: Mapped[str] = mapped_column(db.Text)
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(db.String(1000))
