"""One version of a region's checklist overrides: inherited by the region's municipalities, each of which
may override it again with its own template (climate_plugin.checklist.store).

Rows are never edited or deleted, as with ``ChecklistTemplate``: an assessment's checklist version names
the region's version it was made with ("hollola-3+r-paijat-hame-2+default-1").
"""

from sqlalchemy import JSON, CheckConstraint, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from climate_plugin.db import db
from climate_plugin.models._types import UTCDateTime, utcnow
from climate_plugin.models.region import Region


class RegionChecklistTemplate(db.Model):
    __tablename__ = "region_checklist_template"
    __table_args__ = (
        UniqueConstraint("region_id", "version", name="uq_region_checklist_template_region_version"),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    version: Mapped[int] = mapped_column()
    #: validated overrides in the municipality template's format (climate_plugin.checklist.overrides)
    overrides: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    created_by: Mapped[str | None] = mapped_column(db.String(200))

    region: Mapped[Region] = relationship()
