"""A region: municipalities that coordinate their climate work together (a regional council such as
Päijät-Häme's coordinates the climate plans of its members).

A municipality belongs to at most one region (``Municipality.region_id``). The regional coordinator sees
the picture of each member that opted in (``Municipality.shares_with_region``); a region's checklist
template is inherited by its members, each of which may override it (``RegionChecklistTemplate``).
"""

from sqlalchemy.orm import Mapped, mapped_column

from climate_plugin.db import db
from climate_plugin.models._types import UTCDateTime, utcnow


class Region(db.Model):
    __tablename__ = "region"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(db.String(64), unique=True)
    name: Mapped[str] = mapped_column(db.String(200))
    #: the language the region's pages open in (fi, sv or en)
    language: Mapped[str] = mapped_column(db.String(2), default="fi")
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
