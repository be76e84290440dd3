"""Start-up checks of the processes that run for long (`serve`, `worker`, `beat`).

They refuse to start on a database that is not at the newest migration (every page and task would fail on
a missing table), and name the stored secrets that no configured key decrypts: when none can be read the
key is wrong and nothing would work, so they refuse; when only some cannot, the rest of the service works
and each one is named with what to do. Unknown CLIMATE_PLUGIN_* variables are reported by the app factory,
for every command (see climate_plugin.config.unknown_variables).
"""

from __future__ import annotations

import logging

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from climate_plugin.db import db
from climate_plugin.web.errors import UPGRADE_COMMAND

log = logging.getLogger(__name__)


class NotReady(Exception):
    """The process must not start; the message is one line that says what to do."""


def check() -> list[str]:
    """Run every check inside the app context; return warnings, raise NotReady to refuse."""
    check_database()
    return check_secrets() + check_password_hashing()


def check_password_hashing() -> list[str]:
    """Test suites hash passwords with argon2's cheapest parameters to stay fast; a long-running process
    with that setting would store passwords an attacker with the database cracks in no time, so it is said
    at every start (not refused: a developer may run `serve` against a test setup on purpose)."""
    if current_app.extensions["climate_plugin.settings"].password_hashing != "insecure-fast":
        return []
    return [
        "CLIMATE_PLUGIN_PASSWORD_HASHING=insecure-fast is for test suites only: passwords set now are "
        "hashed with argon2's cheapest parameters; unset it in production"
    ]


def _where() -> str:
    return db.engine.url.render_as_string(hide_password=True)


def check_database() -> None:
    """Refuse a database that cannot be reached or whose schema is not at the migrations' head."""
    from climate_plugin.app import MIGRATIONS_DIR

    script = ScriptDirectory(MIGRATIONS_DIR)
    heads = set(script.get_heads())
    quiet = logging.getLogger("alembic.runtime.migration")  # "Context impl …" lines say nothing here
    level, quiet.level = quiet.level, logging.WARNING
    try:
        with db.engine.connect() as conn:
            current = set(MigrationContext.configure(conn).get_current_heads())
    except SQLAlchemyError as exc:
        reason = type(getattr(exc, "orig", None) or exc).__name__
        raise NotReady(
            f"the database {_where()} cannot be reached ({reason}): check CLIMATE_PLUGIN_DATABASE_URL "
            "and that the database is running"
        ) from None
    finally:
        quiet.setLevel(level)
    if current == heads:
        return
    if not current:
        raise NotReady(f"the database {_where()} has no tables yet: run `{UPGRADE_COMMAND}` first")
    unknown = sorted(r for r in current if not _known(script, r))
    if unknown:
        raise NotReady(
            f"the database {_where()} is at revision {', '.join(unknown)}, which this version of "
            "climate-plugin does not know (a newer version migrated it): run that version"
        )
    raise NotReady(
        f"the database {_where()} is at revision {', '.join(sorted(current))}, this version needs "
        f"{', '.join(sorted(heads))}: run `{UPGRADE_COMMAND}` first"
    )


def _known(script: ScriptDirectory, revision: str) -> bool:
    try:
        return script.get_revision(revision) is not None
    except CommandError:
        return False


def check_secrets() -> list[str]:
    """One warning per connector or sign-in configuration whose stored secret no key decrypts; NotReady
    when there are stored secrets and not one of them decrypts (the keys are wrong, not one secret)."""
    from climate_plugin.accounts.sso import client_secret_readable
    from climate_plugin.hosts.connector import secrets_readable, unreadable_message
    from climate_plugin.models import Connector, Municipality

    warnings: list[str] = []
    readable = 0  # stored secrets that some key decrypts
    for row in db.session.scalars(select(Connector).order_by(Connector.id)):
        found = secrets_readable(row)
        readable += sum(found.values())
        unreadable = [name for name, ok in found.items() if not ok]
        if unreadable:
            warnings.append(unreadable_message(row, unreadable))
    for town in db.session.scalars(select(Municipality).order_by(Municipality.id)):
        sso_readable = client_secret_readable(town)
        readable += bool(sso_readable)
        if sso_readable is False:
            warnings.append(
                f"municipality {town.slug}: its single sign-on client secret cannot be decrypted with the "
                "keys in CLIMATE_PLUGIN_ENCRYPTION_KEYS; add the key it was encrypted with, or enter the "
                "secret again in /admin"
            )
    if warnings and readable == 0:
        settings = current_app.extensions["climate_plugin.settings"]
        keys = (
            "the keys in CLIMATE_PLUGIN_ENCRYPTION_KEYS"
            if settings.encryption_keys
            else "the development key in the instance folder (CLIMATE_PLUGIN_ENCRYPTION_KEYS is not set)"
        )
        raise NotReady(
            f"{keys} decrypt none of the stored secrets ({len(warnings)} found, first: {warnings[0]}); "
            "set CLIMATE_PLUGIN_ENCRYPTION_KEYS to the key they were encrypted with (newest first)"
        )
    return warnings
