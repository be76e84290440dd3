"""A person who signs in to the admin pages, with a role in one municipality (or on the whole platform)."""

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from climate_plugin.db import db
from climate_plugin.models._types import UTCDateTime, utcnow


class User(db.Model):
    __tablename__ = "app_user"  # "user" is a reserved word in PostgreSQL

    id: Mapped[int] = mapped_column(primary_key=True)
    #: None only for a platform administrator, who sees every municipality
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id"), index=True)
    #: stored lower-case, so that sign-in and single sign-on match whatever case a person types
    email: Mapped[str] = mapped_column(db.String(320), unique=True)
    name: Mapped[str] = mapped_column(db.String(200))
    role: Mapped[str] = mapped_column(db.String(32))
    #: an argon2id hash; None for a person who signs in only through single sign-on
    password_hash: Mapped[str | None] = mapped_column(db.Text)
    active: Mapped[bool] = mapped_column(default=True)
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
