"""One climate block sent (or to be sent) to the host system."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from climate_plugin.db import db
from climate_plugin.models._types import UTCDateTime, utcnow

#: pending → sending (claimed by one sender) → sent | failed | superseded; a send that fails transiently
#: goes back to pending for its retry
PENDING, SENDING, SENT, FAILED, SUPERSEDED = "pending", "sending", "sent", "failed", "superseded"


class WriteBack(db.Model):
    __tablename__ = "write_back"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_item.id"), index=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id"))
    body: Mapped[dict] = mapped_column(JSON)
    body_hash: Mapped[str] = mapped_column(db.String(64))
    #: sent as the Idempotency-Key header, the same on every retry of this block
    idempotency_key: Mapped[str] = mapped_column(db.String(64), unique=True)
    status: Mapped[str] = mapped_column(db.String(16), default=PENDING, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(db.Text)
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    enqueued_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: the worker process that claimed it last (climate_plugin.claims.holder); a claim whose holder no
    #: longer beats its heartbeat is taken over (worker.liveness). None: claimed by a process without one
    claimed_by: Mapped[str | None] = mapped_column(db.String(300))

    item = relationship("AgendaItem")
    assessment = relationship("Assessment")
