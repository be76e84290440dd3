"""One version of a municipality's checklist overrides (docs/checklist.md).

Rows are never edited or deleted: a change is a new row with the next version, so every stored
assessment can still find the wording it was made with ("hollola-3+default-1" → version 3).
"""

from sqlalchemy import JSON, CheckConstraint, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from climate_plugin.db import db
from climate_plugin.models._types import UTCDateTime, utcnow
from climate_plugin.models.municipality import Municipality


class ChecklistTemplate(db.Model):
    __tablename__ = "checklist_template"
    # The unique constraint, not a read-then-write, is what stops two saves at the same moment from both
    # becoming version n+1.
    __table_args__ = (
        UniqueConstraint("municipality_id", "version", name="uq_checklist_template_municipality_version"),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    version: Mapped[int] = mapped_column()
    #: validated overrides (climate_plugin.checklist.overrides), applied on top of the default checklist
    overrides: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    #: who saved it (an administrator's name or account), for the audit trail
    created_by: Mapped[str | None] = mapped_column(db.String(200))

    municipality: Mapped[Municipality] = relationship()
