"""An agenda item as last fetched from its host system."""

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from climate_plugin.db import db
from climate_plugin.models._types import UTCDateTime, utcnow
from climate_plugin.models.connector import Connector


def _public_id() -> str:
    return uuid.uuid4().hex


class AgendaItem(db.Model):
    __tablename__ = "agenda_item"
    __table_args__ = (UniqueConstraint("connector_id", "external_id", name="uq_item_connector_external"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    connector_id: Mapped[int] = mapped_column(ForeignKey("connector.id"), index=True)
    external_id: Mapped[str] = mapped_column(db.String(500))
    #: unguessable id used in public links (checklist page), so item numbers cannot be enumerated
    public_id: Mapped[str] = mapped_column(db.String(32), unique=True, default=_public_id)
    title: Mapped[str] = mapped_column(db.Text)
    body: Mapped[str] = mapped_column(db.Text, default="")
    language: Mapped[str | None] = mapped_column(db.String(2))
    meeting: Mapped[str | None] = mapped_column(db.String(500))
    #: the board or committee deciding the item, as the host names it; team badges are counted per committee
    committee: Mapped[str | None] = mapped_column(db.String(500))
    url: Mapped[str | None] = mapped_column(db.Text)
    #: what was read from the item's attachments: [{"url", "name", "text", "error", …}] (see attachments.py)
    attachments: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")
    #: the host's modification time; an event older than this changes nothing
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: sha256 of what screening reads (title, body, language)
    content_hash: Mapped[str] = mapped_column(db.String(64))
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: the day of the meeting that handles the item, where the host says (the picture's "before the meeting")
    meeting_date: Mapped[date | None] = mapped_column(Date)
    #: how the host says the item was decided (climate_plugin.connectors.base.DECISION_STATES); None: not yet
    decision_state: Mapped[str | None] = mapped_column(db.String(16))
    #: the decision's wording as the host gives it (plain text or HTML), and its day
    decision_text: Mapped[str | None] = mapped_column(db.Text)
    decided_on: Mapped[date | None] = mapped_column(Date)
    fetched_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    connector: Mapped[Connector] = relationship()
    assessments = relationship("Assessment", back_populates="item", order_by="Assessment.revision")

    @property
    def current_assessment(self):
        return self.assessments[-1] if self.assessments else None
