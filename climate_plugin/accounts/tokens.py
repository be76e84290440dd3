"""API tokens: "cpt_" + 32 random bytes, shown once; only the SHA-256 is stored.

A fast hash is right here (unlike passwords): 256 random bits cannot be guessed, so a stolen table of
hashes is useless, and the lookup must be cheap on every API request.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import select

from climate_plugin.accounts.audit import audit
from climate_plugin.accounts.principal import PLATFORM_ADMIN, ROLES, hash_token
from climate_plugin.db import db
from climate_plugin.models._types import utcnow
from climate_plugin.models.api_token import ApiToken
from climate_plugin.models.municipality import Municipality

PREFIX = "cpt_"
DEFAULT_DAYS = 90
#: a token that never expires is a token nobody remembers to revoke
MAX_DAYS = 730


class TokenError(ValueError):
    """A token request that cannot be honoured; the message says why."""


def new_token() -> str:
    return PREFIX + secrets.token_urlsafe(32)


def check_role_scope(role: str, municipality: Municipality | None) -> None:
    """A platform admin belongs to no municipality; every other role belongs to exactly one."""
    if role not in ROLES:
        raise TokenError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
    if role == PLATFORM_ADMIN and municipality is not None:
        raise TokenError("a platform_admin belongs to no municipality")
    if role != PLATFORM_ADMIN and municipality is None:
        raise TokenError(f"a {role} needs a municipality")


def create_token(
    municipality: Municipality | None, role: str, name: str, days: int = DEFAULT_DAYS
) -> tuple[ApiToken, str]:
    """Add a token row to the session and return it with the token itself (the only time it is known)."""
    check_role_scope(role, municipality)
    if not 1 <= days <= MAX_DAYS:
        raise TokenError(f"days must be from 1 to {MAX_DAYS}")
    name = name.strip()
    if not name or len(name) > 200:
        raise TokenError("a name of 1 to 200 characters is needed")
    token = new_token()
    row = ApiToken(
        municipality_id=municipality.id if municipality is not None else None,
        role=role,
        name=name,
        token_hash=hash_token(token),
        expires_at=utcnow() + timedelta(days=days),
    )
    db.session.add(row)
    db.session.flush()
    audit("token.create", f"token:{row.id}", row.municipality_id,
          {"name": name, "role": role, "expires_at": row.expires_at.isoformat()})
    return row, token


def revoke(row: ApiToken) -> None:
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        audit("token.revoke", f"token:{row.id}", row.municipality_id, {"name": row.name})


def token_json(row: ApiToken) -> dict:
    """What may be shown about a token: everything but the token (and its hash)."""
    return {
        "id": row.id,
        "name": row.name,
        "role": row.role,
        "municipality_id": row.municipality_id,
        "created_at": row.created_at.isoformat() if row.created_at else None,
        "expires_at": row.expires_at.isoformat(),
        "revoked_at": row.revoked_at.isoformat() if row.revoked_at else None,
        "last_used_at": row.last_used_at.isoformat() if row.last_used_at else None,
    }


def find_token(token: str) -> ApiToken | None:
    return db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
