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
    #: webhook requests per sending address this connector's host may make (Flask-Limiter notation, e.g.
    #: "6000/minute" for a host that replays a backlog); None: CLIMATE_PLUGIN_WEBHOOK_RATE_LIMIT
    webhook_rate_limit: Mapped[str | None] = mapped_column(db.String(100))
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    # --- polling (see climate_plugin/hosts/polling.py) ---
    #: host changes up to this time are stored; the next poll asks from here
    poll_cursor: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: the connector's opaque next page inside the window ending at poll_page_until, when a poll
    #: stopped between pages: the next poll resumes there instead of asking the whole window again
    poll_page: Mapped[str | None] = mapped_column(db.Text)
    poll_page_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: a poll holds the connector until then (renewed per window), so two polls never overlap
    poll_lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: who holds the lease: "host:pid" of the polling process (a lease of a dead process on the same host
    #: is taken over at once instead of after it runs out)
    poll_lease_holder: Mapped[str | None] = mapped_column(db.String(300))
    #: when a poll last started or was scheduled; the scheduler polls again after poll_interval
    last_poll_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(db.Text)
    last_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: a backfill in progress: {"since", "until", "cursor", "page", "page_until"} (ISO times), else None
    backfill: Mapped[dict | None] = mapped_column(JSON)

    municipality: Mapped[Municipality] = relationship()
