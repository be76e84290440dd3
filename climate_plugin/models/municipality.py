"""A municipality: the tenant that owns connectors, items and assessments."""

from sqlalchemy.orm import Mapped, mapped_column

from climate_plugin.db import db
from climate_plugin.models._types import UTCDateTime, utcnow


class Municipality(db.Model):
    __tablename__ = "municipality"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(db.String(64), unique=True)
    name: Mapped[str] = mapped_column(db.String(200))
    #: the language people of this municipality read by default (fi, sv or en)
    language: Mapped[str] = mapped_column(db.String(2), default="fi")
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
