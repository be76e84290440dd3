"""A climate assessment of an agenda item; every change is a new revision."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from climate_plugin.db import db
from climate_plugin.models._types import UTCDateTime, utcnow

SCREENED, DRAFT, SUBMITTED = "screened", "draft", "submitted"


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
    #: "screened" (screening only), "draft" (the preparer saved without submitting) or "submitted"
    state: Mapped[str] = mapped_column(db.String(16), default=SCREENED, server_default=SCREENED)
    #: the item's text changed after the preparer submitted: the answers are carried forward, but the
    #: preparer has to confirm or revise them, and quality badges are withheld meanwhile
    needs_review: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: who submitted (as the preparer wrote it; no accounts) and when
    submitted_by: Mapped[str | None] = mapped_column(db.String(200))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: stage 2 reason codes (climate_plugin.checklist.REASONS); non-empty sends the item to the coordinator
    escalation: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")

    item = relationship("AgendaItem", back_populates="assessments")
