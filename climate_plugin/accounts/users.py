"""People and their roles: create, change role, (de)activate, set a password; each change audited.

The CLI, the API and the admin pages all go through these, so the rules (who may grant which role,
e-mail addresses stored lower-case, a platform admin belongs to no municipality) live in one place.
"""

from __future__ import annotations

import re

from sqlalchemy import func, select

from climate_plugin.accounts.audit import audit
from climate_plugin.accounts.passwords import hash_password
from climate_plugin.accounts.principal import PLATFORM_ADMIN, ROLES, Principal
from climate_plugin.accounts.tokens import TokenError, check_role_scope
from climate_plugin.db import db
from climate_plugin.models.municipality import Municipality
from climate_plugin.models.user import User

_EMAIL = re.compile(r"^[^@\s<>]{1,200}@[^@\s<>]{1,118}$")


class UserError(ValueError):
    """Input that cannot become a user; ``field`` names the input at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def check_grant(principal: Principal | None, role: str, municipality_id: int | None) -> None:
    """Raise PermissionError unless ``principal`` may give ``role`` in ``municipality_id``.

    A platform admin may grant anything; a municipality admin any role but platform_admin, only in
    their own municipality; nobody else grants roles. (None = the CLI, which runs as the operator.)
    """
    if principal is None or principal.role == PLATFORM_ADMIN:
        return
    if principal.role != "municipality_admin":
        raise PermissionError("only administrators manage users and tokens")
    if role == PLATFORM_ADMIN or municipality_id != principal.municipality_id:
        raise PermissionError("a municipality administrator grants roles only in their own municipality")


def _check_role(role: str, municipality: Municipality | None) -> None:
    try:
        check_role_scope(role, municipality)
    except TokenError as exc:
        raise UserError("role" if role not in ROLES else "municipality", str(exc)) from None


def normalise_email(email: str) -> str:
    email = (email or "").strip().lower()
    if not _EMAIL.match(email):
        raise UserError("email", "not an e-mail address")
    return email


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def create_user(
    municipality: Municipality | None, email: str, name: str, role: str, password: str | None = None
) -> User:
    """Add a user (password None: single sign-on only); the caller commits."""
    email = normalise_email(email)
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise UserError("name", "a name of 1 to 200 characters is needed")
    _check_role(role, municipality)
    if find_by_email(email) is not None:
        raise UserError("email", "a user with this e-mail address exists already")
    try:
        password_hash = hash_password(password) if password is not None else None
    except ValueError as exc:
        raise UserError("password", str(exc)) from None
    user = User(
        municipality_id=municipality.id if municipality is not None else None,
        email=email,
        name=name,
        role=role,
        password_hash=password_hash,
        active=True,
    )
    db.session.add(user)
    db.session.flush()
    audit("user.create", f"user:{user.id}", user.municipality_id,
          {"email": email, "role": role, "password_set": password is not None})
    return user


def set_role(user: User, role: str) -> None:
    municipality = db.session.get(Municipality, user.municipality_id) if user.municipality_id else None
    _check_role(role, municipality)
    if role != user.role:
        audit("user.role", f"user:{user.id}", user.municipality_id, {"from": user.role, "to": role})
        user.role = role


def set_active(user: User, active: bool) -> None:
    if active != user.active:
        user.active = active
        audit("user.activate" if active else "user.deactivate", f"user:{user.id}", user.municipality_id)


def set_password(user: User, password: str | None) -> None:
    """A new password (None: single sign-on only); other sessions of the user end with the old hash."""
    try:
        user.password_hash = hash_password(password) if password is not None else None
    except ValueError as exc:
        raise UserError("password", str(exc)) from None
    audit("user.password", f"user:{user.id}", user.municipality_id, {"password_set": password is not None})


def user_json(user: User) -> dict:
    """What may be shown about a user: never the password hash."""
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "role": user.role,
        "municipality_id": user.municipality_id,
        "active": user.active,
        "sso_only": user.password_hash is None,
        "created_at": user.created_at.isoformat() if user.created_at else None,
        "last_login_at": user.last_login_at.isoformat() if user.last_login_at else None,
    }
