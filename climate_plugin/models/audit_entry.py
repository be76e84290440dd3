"""One line of the audit log: who changed what, and when. Never holds a secret value."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from climate_plugin.db import db
from climate_plugin.models._types import UTCDateTime, utcnow


class AuditEntry(db.Model):
    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False, index=True)
    #: "user:3 (anna@hollola.fi)", "token:7 (deploy)", "cli" or "system"
    actor: Mapped[str] = mapped_column(db.String(400))
    #: None for platform-wide changes; kept as a plain column (no cascade) so history outlives its subject
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id"), index=True)
    #: a dotted verb such as "connector.create", "connector.rotate_secret", "delivery.redeliver"
    action: Mapped[str] = mapped_column(db.String(100), index=True)
    #: what it was done to, e.g. "connector:12"
    target: Mapped[str] = mapped_column(db.String(200))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
