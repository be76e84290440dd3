"""A climate assessment of an agenda item; every change is a new revision."""

from sqlalchemy import JSON, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from climate_plugin.db import db
from climate_plugin.models._types import UTCDateTime, utcnow


class Assessment(db.Model):
    __tablename__ = "assessment"
    __table_args__ = (UniqueConstraint("item_id", "revision", name="uq_assessment_item_revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_item.id"), index=True)
    revision: Mapped[int] = mapped_column()
    #: what the revision was made from: "screening" or "preparer"
    source: Mapped[str] = mapped_column(db.String(16), default="screening")
    relevance: Mapped[str] = mapped_column(db.String(8))
    categories: Mapped[list] = mapped_column(JSON, default=list)
    evidence: Mapped[list] = mapped_column(JSON, default=list)
    #: checklist answers (stage 0 suggestions now; the preparer's answers later)
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    #: the screening version and the item content hash this revision was computed from
    screening_version: Mapped[str] = mapped_column(db.String(16))
    content_hash: Mapped[str] = mapped_column(db.String(64))
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    item = relationship("AgendaItem", back_populates="assessments")
