"""Operator commands for API tokens, users and single sign-on.

Passwords and client secrets are never command-line arguments (they would land in the shell history
and in `ps` output): they are prompted for, or read from standard input with --…-stdin.
"""

from __future__ import annotations

import json
import sys

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from climate_plugin.accounts import ROLES
from climate_plugin.accounts.principal import PLATFORM_ADMIN
from climate_plugin.accounts.tokens import (
    DEFAULT_DAYS,
    MAX_DAYS,
    TokenError,
    create_token,
    revoke,
    token_json,
)
from climate_plugin.accounts.users import (
    UserError,
    create_user,
    find_by_email,
    set_active,
    set_password,
    set_role,
    user_json,
)
from climate_plugin.cli.common import database_ready, echo_json, municipality_by_slug
from climate_plugin.db import db
from climate_plugin.models.api_token import ApiToken
from climate_plugin.models.municipality import Municipality
from climate_plugin.models.user import User


def _scope(slug: str | None, platform: bool, role: str) -> Municipality | None:
    if platform or role == PLATFORM_ADMIN:
        if slug:
            raise click.BadParameter(
                "a platform_admin belongs to no municipality", param_hint="--municipality"
            )
        if role != PLATFORM_ADMIN:
            raise click.BadParameter("--platform goes with --role platform_admin", param_hint="--platform")
        return None
    if not slug:
        raise click.BadParameter(f"a {role} needs a municipality", param_hint="--municipality")
    return municipality_by_slug(slug)


def _secret_from_stdin(what: str) -> str:
    value = sys.stdin.readline().rstrip("\r\n")
    if not value:
        raise click.ClickException(f"no {what} on standard input")
    return value


# --- tokens ---------------------------------------------------------------------------------------
@click.group()
def token() -> None:
    """API tokens (shown once; only a hash is stored)."""


@token.command("create")
@click.option("--municipality", "slug", help="The municipality's slug (omit for platform_admin).")
@click.option("--platform", is_flag=True, help="A platform_admin token for every municipality.")
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--name", help="What the token is for, e.g. 'deploy pipeline'.")
@click.option("--days", type=click.IntRange(1, MAX_DAYS), default=DEFAULT_DAYS, show_default=True)
@with_appcontext
def token_create(slug: str | None, platform: bool, role: str, name: str | None, days: int) -> None:
    """Make a token; prints {"token", "expires_at"}. The token is not shown again."""
    database_ready(ApiToken)
    municipality = _scope(slug, platform, role)
    try:
        row, value = create_token(municipality, role, name or f"{role} (cli)", days)
    except TokenError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(json.dumps({"token": value, "expires_at": row.expires_at.isoformat()}))


@token.command("list")
@click.option("--municipality", "slug", help="Only this municipality's tokens.")
@with_appcontext
def token_list(slug: str | None) -> None:
    """List tokens as JSON (never the tokens themselves)."""
    database_ready(ApiToken)
    stmt = select(ApiToken).order_by(ApiToken.id)
    if slug:
        stmt = stmt.where(ApiToken.municipality_id == municipality_by_slug(slug).id)
    echo_json([token_json(row) for row in db.session.scalars(stmt)])


@token.command("revoke")
@click.argument("token_id", type=int)
@with_appcontext
def token_revoke(token_id: int) -> None:
    """Revoke a token at once."""
    database_ready(ApiToken)
    row = db.session.get(ApiToken, token_id)
    if row is None:
        raise click.ClickException(f"no token with id {token_id} (see `climate-plugin token list`)")
    revoke(row)
    db.session.commit()
    echo_json(token_json(row))


# --- users ----------------------------------------------------------------------------------------
@click.group()
def user() -> None:
    """People who sign in to the admin pages."""


def _user(email: str) -> User:
    found = find_by_email(email)
    if found is None:
        raise click.ClickException(f"no user with e-mail {email!r} (see `climate-plugin user list`)")
    return found


def _new_password(from_stdin: bool) -> str:
    if from_stdin:
        return _secret_from_stdin("password")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


def _user_error(exc: UserError) -> click.ClickException:
    # the password comes from a prompt or stdin, not from an option of that name
    hint = "password" if exc.field == "password" else f"--{exc.field.replace('_', '-')}"
    return click.BadParameter(str(exc), param_hint=hint)


@user.command("create")
@click.option("--municipality", "slug", help="The municipality's slug (omit for platform_admin).")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--sso-only", is_flag=True, help="No password: the person signs in through single sign-on.")
@with_appcontext
def user_create(
    slug: str | None, email: str, name: str, role: str, password_stdin: bool, sso_only: bool
) -> None:
    """Add a user; asks for the password twice (or reads it with --password-stdin)."""
    database_ready(User)
    municipality = _scope(slug, False, role)
    password = None if sso_only else _new_password(password_stdin)
    try:
        row = create_user(municipality, email, name, role, password)
    except UserError as exc:
        raise _user_error(exc) from None
    db.session.commit()
    echo_json(user_json(row))


@user.command("set-password")
@click.option("--email", required=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--sso-only", is_flag=True, help="Remove the password: single sign-on only.")
@with_appcontext
def user_set_password(email: str, password_stdin: bool, sso_only: bool) -> None:
    """Set a new password (ends the person's other sessions)."""
    database_ready(User)
    row = _user(email)
    try:
        set_password(row, None if sso_only else _new_password(password_stdin))
    except UserError as exc:
        raise _user_error(exc) from None
    db.session.commit()
    click.echo(f"password of {row.email} changed")


@user.command("set-role")
@click.option("--email", required=True)
@click.option("--role", required=True, type=click.Choice(ROLES))
@with_appcontext
def user_set_role(email: str, role: str) -> None:
    """Change a user's role (within their municipality)."""
    database_ready(User)
    row = _user(email)
    try:
        set_role(row, role)
    except UserError as exc:
        raise _user_error(exc) from None
    db.session.commit()
    echo_json(user_json(row))


@user.command("deactivate")
@click.option("--email", required=True)
@with_appcontext
def user_deactivate(email: str) -> None:
    """Stop a user from signing in (their sessions end at once)."""
    database_ready(User)
    row = _user(email)
    set_active(row, False)
    db.session.commit()
    echo_json(user_json(row))


@user.command("activate")
@click.option("--email", required=True)
@with_appcontext
def user_activate(email: str) -> None:
    """Let a deactivated user sign in again."""
    database_ready(User)
    row = _user(email)
    set_active(row, True)
    db.session.commit()
    echo_json(user_json(row))


@user.command("list")
@click.option("--municipality", "slug", help="Only this municipality's users.")
@with_appcontext
def user_list(slug: str | None) -> None:
    """List users as JSON."""
    database_ready(User)
    stmt = select(User).order_by(User.email)
    if slug:
        stmt = stmt.where(User.municipality_id == municipality_by_slug(slug).id)
    echo_json([user_json(row) for row in db.session.scalars(stmt)])


# --- single sign-on -------------------------------------------------------------------------------
@click.group()
def sso() -> None:
    """OpenID Connect single sign-on per municipality."""


@sso.command("set")
@click.option("--municipality", "slug", required=True)
@click.option("--issuer", required=True, help="The provider's issuer, exactly as in its id tokens.")
@click.option("--client-id", required=True)
@click.option("--client-secret-stdin", is_flag=True, help="Read the client secret from standard input.")
@click.option("--authorization-endpoint", required=True)
@click.option("--token-endpoint", required=True)
@click.option("--userinfo-endpoint")
@click.option("--jwks-uri", help="Verify id token signatures with these keys (recommended).")
@click.option("--scopes", default="openid email profile", show_default=True)
@with_appcontext
def sso_set(slug: str, client_secret_stdin: bool, **fields: str | None) -> None:
    """Configure single sign-on; the client secret is stored encrypted. Prints the configuration."""
    from climate_plugin.accounts import sso as sso_service
    from climate_plugin.accounts.audit import audit

    municipality = municipality_by_slug(slug)
    if client_secret_stdin:
        secret = _secret_from_stdin("client secret")
    else:
        secret = click.prompt("Client secret", hide_input=True)
    try:
        sso_service.save_config(municipality, {**fields, "client_secret": secret})
    except ValueError as exc:
        problems = exc.args[0]
        raise click.ClickException(
            "; ".join(f"--{k.replace('_', '-')}: {v}" for k, v in problems.items())
        ) from None
    shown = sso_service.shown_config(municipality)
    audit("sso.set", f"municipality:{municipality.id}", municipality.id, shown)
    db.session.commit()
    echo_json(sso_service.shown_config(municipality))


@sso.command("show")
@click.option("--municipality", "slug", required=True)
@with_appcontext
def sso_show(slug: str) -> None:
    """Show the configuration (without the client secret)."""
    from climate_plugin.accounts import sso as sso_service

    echo_json(sso_service.shown_config(municipality_by_slug(slug)))


@sso.command("remove")
@click.option("--municipality", "slug", required=True)
@with_appcontext
def sso_remove(slug: str) -> None:
    """Switch single sign-on off for a municipality."""
    from climate_plugin.accounts import sso as sso_service
    from climate_plugin.accounts.audit import audit

    municipality = municipality_by_slug(slug)
    sso_service.remove_config(municipality)
    audit("sso.remove", f"municipality:{municipality.id}", municipality.id)
    db.session.commit()
    click.echo(f"single sign-on of {slug} removed")


#: the command groups of this module, for the `climate-plugin` command
commands = (token, user, sso)
