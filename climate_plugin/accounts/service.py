"""What administrators do to people and API tokens: one implementation for the admin pages and the REST
API (the CLI, which runs as the operator, calls ``users`` and ``tokens`` with no principal). Each change is
audited by ``users`` / ``tokens``; every function here commits.
"""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError

from climate_plugin.accounts.audit import audit
from climate_plugin.db import db
from climate_plugin.models import ApiToken, Municipality, User
from climate_plugin.services import NotAllowed, NotPossible, check_name

#: how long an API token lives when its creator does not say (climate_plugin.accounts.tokens.DEFAULT_DAYS)
TOKEN_DAYS_DEFAULT = 90


def _grant(principal, role: str, municipality_id: int | None) -> None:
    """A role may only be handed out within the granter's reach
    (climate_plugin.accounts.users.check_grant)."""
    from climate_plugin.accounts import ROLES
    from climate_plugin.accounts.users import check_grant

    if role not in ROLES:
        raise ValidationError({"role": [f"must be one of: {', '.join(ROLES)}"]})
    try:
        check_grant(principal, role, municipality_id)
    except PermissionError as exc:
        raise NotAllowed(str(exc)) from None


def _user_error(exc) -> ValidationError:
    field = {"municipality": "municipality_id"}.get(exc.field, exc.field)
    return ValidationError({field: [str(exc)]})


def create_user(principal, email: str, name: str, role: str, municipality_id: int | None) -> User:
    """A person for the admin pages, without a password (set by `climate-plugin user` or single sign-on)."""
    from climate_plugin.accounts import users

    _grant(principal, role, municipality_id)
    municipality = db.session.get(Municipality, municipality_id) if municipality_id is not None else None
    try:
        user = users.create_user(municipality, email, name, role)  # audits "user.create"
    except users.UserError as exc:
        db.session.rollback()
        raise _user_error(exc) from None
    db.session.commit()
    return user


def invite_user(principal, user: User, lang: str) -> None:
    """Mail ``user`` a signed, expiring link to set their password (an invitation; again for a person
    who lost it). Audited; raises ``password_links.MailNotSent`` when the mail cannot go out."""
    from climate_plugin.accounts import password_links

    _grant(principal, user.role, user.municipality_id)
    if not user.active:
        raise NotPossible("the user is deactivated; activate them first")
    invited_by = getattr(principal, "name", None) or "climate-plugin"
    password_links.send_invitation(user, lang, invited_by)


def update_user(
    principal, user: User, role: str | None = None, active: bool | None = None, name: str | None = None
) -> User:
    """Change a person's role, name or whether they may sign in (never the password: see the CLI)."""
    from climate_plugin.accounts import users

    if name is not None:
        clean = check_name(name)
        if clean != user.name:
            change = {"name": {"from": user.name, "to": clean}}
            audit("user.update", f"user:{user.id}", user.municipality_id, change)
            user.name = clean
    if role is not None and role != user.role:
        _grant(principal, role, user.municipality_id)
        try:
            users.set_role(user, role)  # audits "user.role"
        except users.UserError as exc:
            db.session.rollback()
            raise _user_error(exc) from None
    if active is not None and bool(active) != user.active:
        if principal is not None and principal.kind == "user" and principal.id == user.id and not active:
            db.session.rollback()
            raise NotPossible("you cannot deactivate yourself")
        users.set_active(user, bool(active))  # audits "user.activate" / "user.deactivate"
    db.session.commit()
    return user


def create_token(
    principal, name: str, role: str, municipality_id: int | None, days: int = TOKEN_DAYS_DEFAULT
) -> tuple[ApiToken, str]:
    """A new API token: the row and the token itself (shown once; only its SHA-256 is stored)."""
    from climate_plugin.accounts import tokens

    clean_name = check_name(name)
    if not isinstance(days, int) or not 1 <= days <= tokens.MAX_DAYS:
        raise ValidationError({"expires_in_days": [f"from 1 to {tokens.MAX_DAYS}"]})
    _grant(principal, role, municipality_id)
    municipality = db.session.get(Municipality, municipality_id) if municipality_id is not None else None
    try:
        row, token = tokens.create_token(municipality, role, clean_name, days)
    except tokens.TokenError as exc:
        db.session.rollback()
        field = "municipality_id" if "municipality" in str(exc) else "role"
        raise ValidationError({field: [str(exc)]}) from None
    # tokens.create_token records "token.create" in the audit log itself
    db.session.commit()
    return row, token


def revoke_token(token_row) -> Any:
    from climate_plugin.accounts import tokens

    tokens.revoke(token_row)  # records "token.revoke" in the audit log, once
    db.session.commit()
    return token_row
