"""An inbound webhook delivery: stored before it is processed, so none is lost."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, LargeBinary, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from climate_plugin.db import db
from climate_plugin.models._types import UTCDateTime, utcnow
from climate_plugin.models.connector import Connector

#: received → processing → done | failed; a duplicate delivery id never gets a second row
RECEIVED, PROCESSING, DONE, FAILED = "received", "processing", "done", "failed"


class Delivery(db.Model):
    __tablename__ = "delivery"
    # The unique constraint, not a check-then-insert, is what stops twin deliveries
    # that arrive at the same moment from being processed twice.
    __table_args__ = (UniqueConstraint("connector_id", "delivery_id", name="uq_delivery_connector_delivery"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    connector_id: Mapped[int] = mapped_column(ForeignKey("connector.id"), index=True)
    delivery_id: Mapped[str] = mapped_column(db.String(200))
    event_type: Mapped[str] = mapped_column(db.String(100))
    action: Mapped[str] = mapped_column(db.String(16))
    external_id: Mapped[str] = mapped_column(db.String(500))
    occurred_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: the raw body exactly as signed, for audit and redelivery
    body: Mapped[bytes] = mapped_column(LargeBinary)
    #: the headers that matter (signature headers, content type), never Authorization
    headers: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(db.String(16), default=RECEIVED, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(db.Text)
    received_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    #: when it was last handed to the queue; the sweeper re-enqueues old ones still waiting
    enqueued_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: the worker process that claimed it last (climate_plugin.claims.holder); a claim whose holder no
    #: longer beats its heartbeat is taken over (worker.liveness). None: claimed by a process without one
    claimed_by: Mapped[str | None] = mapped_column(db.String(300))

    connector: Mapped[Connector] = relationship()
