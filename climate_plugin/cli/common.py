"""What the commands share: JSON output, finding a municipality or a connector with a one-line error, and
saying plainly when the database schema is missing.

Every feature keeps its own commands (``climate_plugin/<feature>/cli.py``); ``climate_plugin.cli`` puts
them together into the `climate-plugin` command.
"""

from __future__ import annotations

import json

import click
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from climate_plugin.db import db
from climate_plugin.models import Connector, Municipality
from climate_plugin.web.edge import MAX_ID

NAME_MAX = 200  # Municipality.name and Connector.name


def echo_json(value) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def municipality_by_slug(slug: str) -> Municipality:
    found = db.session.scalar(select(Municipality).where(Municipality.slug == slug))
    if found is None:
        raise click.ClickException(
            f"no municipality with slug {slug!r} (see `climate-plugin municipality list`)"
        )
    return found


def connector_by_id(connector_id: int) -> Connector:
    # an id the integer column cannot hold is no connector, not a database error
    found = db.session.get(Connector, connector_id) if 1 <= connector_id <= MAX_ID else None
    if found is None:
        raise click.ClickException(
            f"no connector with id {connector_id} (see `climate-plugin connector list`)"
        )
    return found


def database_ready(model=Municipality) -> None:
    """Say plainly that the schema is missing or behind, rather than a database traceback."""
    try:
        db.session.execute(select(model.id).limit(1))
    except SQLAlchemyError:
        raise click.ClickException(
            "the database has no tables yet or cannot be reached: run `climate-plugin db upgrade` first"
        ) from None


def check_name_option(name: str) -> None:
    if not name.strip():
        raise click.BadParameter("must not be empty", param_hint="--name")
    # the column is VARCHAR(200): PostgreSQL would refuse a longer name with a database error
    if len(name.strip()) > NAME_MAX:
        raise click.BadParameter(f"at most {NAME_MAX} characters", param_hint="--name")


def flatten_messages(messages, prefix: str = "") -> str:
    """Flatten marshmallow's nested messages to 'auth.token: Missing data…; base_url: …'."""
    if isinstance(messages, dict):
        return "; ".join(
            flatten_messages(v, f"{prefix}{k}." if not isinstance(v, list) else f"{prefix}{k}")
            for k, v in messages.items()
        )
    if isinstance(messages, list):
        return f"{prefix.rstrip('.')}: " + " ".join(str(m) for m in messages)
    return f"{prefix.rstrip('.')}: {messages}"
