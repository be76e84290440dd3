"""An API token: only its SHA-256 is stored; the token itself is shown once, when it is made."""

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from climate_plugin.db import db
from climate_plugin.models._types import UTCDateTime, utcnow


class ApiToken(db.Model):
    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: None only for a platform administrator's token
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id"), index=True)
    role: Mapped[str] = mapped_column(db.String(32))
    name: Mapped[str] = mapped_column(db.String(200))
    #: hex SHA-256 of the token; a fast hash is enough because the token is 32 random bytes, not a password
    token_hash: Mapped[str] = mapped_column(db.String(64), unique=True)
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
