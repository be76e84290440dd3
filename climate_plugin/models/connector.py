"""A configured link from one municipality to one host agenda system."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from climate_plugin.db import db
from climate_plugin.models._types import UTCDateTime, utcnow
from climate_plugin.models.municipality import Municipality


class Connector(db.Model):
    __tablename__ = "connector"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    #: the connector kind, a key of the entry-point group climate_plugin.connectors
    kind: Mapped[str] = mapped_column(db.String(64))
    name: Mapped[str] = mapped_column(db.String(200))
    #: validated config without its secret values
    config: Mapped[dict] = mapped_column(JSON, default=dict)
    #: the config's secret values (a JSON object), encrypted with climate_plugin.secrets
    secrets_encrypted: Mapped[str | None] = mapped_column(db.Text)
    #: the Standard Webhooks secret the host signs with, encrypted
    webhook_secret_encrypted: Mapped[str] = mapped_column(db.Text)
    #: the secret before the last rotation: still accepted until previous_secret_expires_at
    previous_webhook_secret_encrypted: Mapped[str | None] = mapped_column(db.Text)
    previous_secret_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    enabled: Mapped[bool] = mapped_column(default=True)
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    municipality: Mapped[Municipality] = relationship()
