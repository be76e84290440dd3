"""Signed, expiring links: how people without an account reach an item's checklist or a meeting view.

A token names what it opens and until when, signed with the app's secret key. It is deterministic for the
same subject and expiry, so a climate block that carries the link stays byte-identical while nothing
changed (and is then not written back again).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

#: how long a link stays valid after the content it points to last changed
LINK_LIFETIME = timedelta(days=120)


class LinkExpired(Exception):
    """The signature is right but the link's time is over (answered 410 with a plain message)."""


def _serializer(purpose: str) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=f"climate-plugin:{purpose}")


def link_expiry(changed_at: datetime) -> datetime:
    """When a link to content last changed at ``changed_at`` expires: LINK_LIFETIME later, rounded up to
    the next midnight UTC.

    Rounding keeps the expiry (and so the token and the block that carries it) identical however often the
    same content is looked at; a whole day also reads better in a "link expired" message than a second.
    """
    if changed_at.tzinfo is None:
        raise ValueError("naive datetime given to link_expiry")
    end = (changed_at + LINK_LIFETIME).astimezone(UTC)
    midnight = end.replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight if midnight == end else midnight + timedelta(days=1)


def token_expiry(purpose: str, token: str) -> datetime | None:
    """The expiry written into a genuine token (expired or not); None for a forged or malformed one."""
    try:
        subject, expires = _serializer(purpose).loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(subject, str) or not isinstance(expires, int):
        return None
    return datetime.fromtimestamp(expires, UTC)


def make_token(purpose: str, subject: str, expires_at: datetime) -> str:
    """A token for ``subject`` (e.g. an item's public id) valid until ``expires_at`` (UTC)."""
    return _serializer(purpose).dumps([subject, int(expires_at.timestamp())])


def read_token(purpose: str, token: str, now: datetime | None = None) -> str | None:
    """The subject of a valid token; None for a forged or malformed one; LinkExpired when it ran out."""
    try:
        subject, expires = _serializer(purpose).loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(subject, str) or not isinstance(expires, int):
        return None
    if (now or datetime.now(UTC)).timestamp() > expires:
        raise LinkExpired(subject)
    return subject
