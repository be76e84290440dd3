"""A measure of a municipality's climate programme, imported from CSV or Kausal Watch, or proposed by a
climate team. ``identifier`` is the programme's own code (unique per municipality): imports match on it."""

from datetime import datetime

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from climate_plugin.db import db
from climate_plugin.models._types import UTCDateTime, utcnow

CSV, KAUSAL, TEAM = "csv", "kausal", "team"
SOURCES: tuple[str, ...] = (CSV, KAUSAL, TEAM)


class Measure(db.Model):
    __tablename__ = "measure"
    __table_args__ = (UniqueConstraint("municipality_id", "identifier", name="uq_measure_identifier"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    identifier: Mapped[str] = mapped_column(db.String(100))
    title: Mapped[str] = mapped_column(db.String(1000))
    sector: Mapped[str] = mapped_column(db.String(200), default="")
    responsible_body: Mapped[str] = mapped_column(db.String(500), default="")
    indicator: Mapped[str] = mapped_column(db.String(1000), default="")
    target: Mapped[str] = mapped_column(db.String(1000), default="")
    status: Mapped[str] = mapped_column(db.String(100), default="")
    #: where it came from: csv, kausal (source_ref "<endpoint>#<plan>"), team (proposed by a team)
    source: Mapped[str] = mapped_column(db.String(16), default=CSV)
    source_ref: Mapped[str | None] = mapped_column(db.String(1000))
    #: the measure's page at its source (Kausal Watch's action page), if any
    url: Mapped[str | None] = mapped_column(db.Text)
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    synced_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: the source no longer lists it (kept, never deleted: decisions may be linked to it)
    missing_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
