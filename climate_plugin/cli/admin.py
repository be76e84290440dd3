"""Administrator commands: municipalities, connectors, items, keys."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import click
from flask.cli import with_appcontext
from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from climate_plugin.db import db
from climate_plugin.i18n import LANGUAGES
from climate_plugin.models import AgendaItem, Connector, Municipality, WriteBack

SLUG = r"^[a-z0-9][a-z0-9-]{0,62}$"
NAME_MAX = 200  # Municipality.name and Connector.name


def _echo_json(value) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def _municipality(slug: str) -> Municipality:
    found = db.session.scalar(select(Municipality).where(Municipality.slug == slug))
    if found is None:
        raise click.ClickException(
            f"no municipality with slug {slug!r} (see `climate-plugin municipality list`)"
        )
    return found


def _connector(connector_id: int) -> Connector:
    found = db.session.get(Connector, connector_id)
    if found is None:
        raise click.ClickException(
            f"no connector with id {connector_id} (see `climate-plugin connector list`)"
        )
    return found


def _database_ready(model=Municipality) -> None:
    """Say plainly that the schema is missing or behind, rather than a database traceback."""
    try:
        db.session.execute(select(model.id).limit(1))
    except SQLAlchemyError:
        raise click.ClickException(
            "the database has no tables yet or cannot be reached: run `climate-plugin db upgrade` first"
        ) from None


def _check_name(name: str) -> None:
    if not name.strip():
        raise click.BadParameter("must not be empty", param_hint="--name")
    # the column is VARCHAR(200): PostgreSQL would refuse a longer name with a database error
    if len(name.strip()) > NAME_MAX:
        raise click.BadParameter(f"at most {NAME_MAX} characters", param_hint="--name")


# --- municipality ---------------------------------------------------------------------------------
@click.group()
def municipality() -> None:
    """Municipalities (tenants)."""


@municipality.command("create")
@click.option("--slug", required=True, help="Short lowercase name used in URLs, e.g. hollola.")
@click.option("--name", required=True, help="Display name, e.g. 'Hollolan kunta'.")
@click.option("--language", type=click.Choice(LANGUAGES), default="fi", show_default=True)
@with_appcontext
def municipality_create(slug: str, name: str, language: str) -> None:
    """Register a municipality."""
    import re

    if not re.match(SLUG, slug):
        raise click.BadParameter(
            "use lowercase letters, digits and hyphens (at most 63)", param_hint="--slug"
        )
    _check_name(name)
    _database_ready()
    if db.session.scalar(select(Municipality).where(Municipality.slug == slug)) is not None:
        raise click.ClickException(f"a municipality with slug {slug!r} exists already")
    row = Municipality(slug=slug, name=name.strip(), language=language)
    db.session.add(row)
    db.session.commit()
    _echo_json({"id": row.id, "slug": row.slug, "name": row.name, "language": row.language})


@municipality.command("list")
@with_appcontext
def municipality_list() -> None:
    """List municipalities as JSON."""
    _database_ready()
    rows = db.session.scalars(select(Municipality).order_by(Municipality.slug))
    _echo_json([{"id": m.id, "slug": m.slug, "name": m.name, "language": m.language} for m in rows])


# --- connector ------------------------------------------------------------------------------------
@click.group()
def connector() -> None:
    """Connectors to host agenda systems."""


@connector.command("create")
@click.option("--municipality", "slug", required=True, help="The municipality's slug.")
@click.option("--kind", required=True, help="Connector kind, e.g. rest (see `connector kinds`).")
@click.option("--name", required=True, help="A name for administrators.")
@click.option(
    "--config",
    "config_file",
    required=True,
    type=click.File("r", encoding="utf-8"),
    help="JSON file with the kind's configuration ('-' for standard input).",
)
@with_appcontext
def connector_create(slug: str, kind: str, name: str, config_file) -> None:
    """Create a connector; prints its id, webhook URL and webhook secret (shown only now)."""
    from climate_plugin.connector_service import create_connector, webhook_url
    from connectors.registry import UnknownConnectorKind

    _check_name(name)
    try:
        config = json.load(config_file)
    except json.JSONDecodeError as exc:
        raise click.ClickException(f"{config_file.name}: not valid JSON: {exc}") from None
    except UnicodeDecodeError:
        raise click.ClickException(f"{config_file.name}: not valid JSON: the file is not UTF-8") from None
    if not isinstance(config, dict):
        raise click.ClickException(f"{config_file.name}: the configuration must be a JSON object")
    _database_ready()
    owner = _municipality(slug)
    try:
        row, secret = create_connector(owner, kind, name, config)
    except UnknownConnectorKind as exc:
        # str(), not args[0]: the args hold only the kind, str() also lists the installed kinds
        raise click.ClickException(str(exc)) from None
    except ValidationError as exc:
        raise click.ClickException(
            f"invalid configuration for kind {kind!r}: {_messages(exc.messages)}"
        ) from None
    _echo_json({"id": row.id, "webhook_url": webhook_url(row), "webhook_secret": secret})


def _messages(messages, prefix: str = "") -> str:
    """Flatten marshmallow's nested messages to 'auth.token: Missing data…; base_url: …'."""
    if isinstance(messages, dict):
        return "; ".join(
            _messages(v, f"{prefix}{k}." if not isinstance(v, list) else f"{prefix}{k}")
            for k, v in messages.items()
        )
    if isinstance(messages, list):
        return f"{prefix.rstrip('.')}: " + " ".join(str(m) for m in messages)
    return f"{prefix.rstrip('.')}: {messages}"


@connector.command("list")
@click.option("--municipality", "slug", help="Only this municipality's connectors.")
@with_appcontext
def connector_list(slug: str | None) -> None:
    """List connectors as JSON (never with secret values), with their sync health."""
    from climate_plugin.connector_service import webhook_url
    from climate_plugin.polling import sync_health

    _database_ready()
    stmt = select(Connector).order_by(Connector.id)
    if slug:
        stmt = stmt.where(Connector.municipality_id == _municipality(slug).id)
    _echo_json(
        [
            {
                "id": c.id,
                "municipality": c.municipality.slug,
                "kind": c.kind,
                "name": c.name,
                "enabled": c.enabled,
                "webhook_url": webhook_url(c),
                "config": c.config,
                "sync": sync_health(c),
            }
            for c in db.session.scalars(stmt)
        ]
    )


@connector.command("rotate-secret")
@click.argument("connector_id", type=int)
@with_appcontext
def connector_rotate_secret(connector_id: int) -> None:
    """Issue a new webhook secret; the previous one stays valid for 24 hours."""
    from climate_plugin.connector_service import rotate_webhook_secret

    _database_ready()
    row = _connector(connector_id)
    secret = rotate_webhook_secret(row)
    _echo_json(
        {"id": row.id, "webhook_secret": secret, "previous_valid_until": row.previous_secret_expires_at}
    )


@connector.command("sync")
@click.argument("connector_id", type=int)
@with_appcontext
def connector_sync(connector_id: int) -> None:
    """Poll the host now, from where the last poll stopped; prints what changed as JSON."""
    from climate_plugin.polling import CannotPoll, PollBusy, run_poll
    from connectors.registry import UnknownConnectorKind

    _database_ready(Connector)
    row = _connector(connector_id)
    try:
        result = run_poll(row)
    except (CannotPoll, PollBusy, UnknownConnectorKind) as exc:
        raise click.ClickException(str(exc)) from None
    _echo_json(result.counts())
    if result.stopped:
        raise click.ClickException(
            f"the poll stopped early: {result.stopped}. What came before is stored; the next poll "
            "continues from there."
        )


@connector.command("test")
@click.argument("connector_id", type=int)
@with_appcontext
def connector_test(connector_id: int) -> None:
    """Check that the host can be reached with the stored configuration; prints "ok" or the problem."""
    from climate_plugin.connector_service import build_connector
    from connectors.registry import UnknownConnectorKind

    _database_ready(Connector)
    row = _connector(connector_id)
    try:
        build_connector(row).test_connection()
    except UnknownConnectorKind as exc:
        raise click.ClickException(str(exc)) from None
    except Exception as exc:  # whatever the connector raised, the administrator gets one plain line
        raise click.ClickException(
            f"connector {row.id} ({row.kind}) cannot reach its host: {exc or type(exc).__name__}"
        ) from None
    click.echo("ok")


def _aware_date(value: datetime) -> datetime:
    """click.DateTime gives a naive value: read it as UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


@connector.command("backfill")
@click.argument("connector_id", type=int)
@click.option(
    "--since",
    required=True,
    type=click.DateTime(formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"]),
    help="Fetch history changed since this date (UTC), e.g. 2025-01-01.",
)
@click.option("--restart", is_flag=True, help="Forget an unfinished backfill and start from --since.")
@with_appcontext
def connector_backfill(connector_id: int, since, restart: bool) -> None:
    """Fetch the host's history through the poll path; an interrupted backfill continues where it stopped."""
    import sys

    from climate_plugin.models._types import utcnow
    from climate_plugin.polling import (
        BackfillConflict,
        CannotPoll,
        PollBusy,
        cancel_backfill,
        run_backfill,
        start_backfill,
        windows_left,
    )
    from connectors.registry import UnknownConnectorKind

    since = _aware_date(since)
    if since > utcnow():
        raise click.BadParameter("must not be in the future", param_hint="--since")
    _database_ready(Connector)
    row = _connector(connector_id)
    try:
        if restart:
            cancel_backfill(row)
        state = start_backfill(row, since)
        total = windows_left(row, state["cursor"], state["until"])
        if state["cursor"] > since:
            click.echo(f"continuing the backfill from {state['cursor'].isoformat()}", err=True)
        if sys.stdout.isatty():
            with click.progressbar(length=total, label="backfill", file=sys.stderr) as bar:
                result = run_backfill(row, on_window=lambda _end: bar.update(1))
        else:
            result = run_backfill(row)
    except (BackfillConflict, CannotPoll, PollBusy, UnknownConnectorKind) as exc:
        raise click.ClickException(str(exc)) from None
    _echo_json(result.counts())
    if result.stopped:
        raise click.ClickException(
            f"the backfill stopped early: {result.stopped}. Run the same command again to continue it."
        )


@connector.command("kinds")
def connector_kinds() -> None:
    """List the installed connector kinds."""
    from connectors.registry import load_connectors

    _echo_json(sorted(load_connectors()))


# --- items ----------------------------------------------------------------------------------------
@click.group()
def items() -> None:
    """Agenda items and their screening."""


@items.command("list")
@click.option("--municipality", "slug", required=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (the default prints a table).")
@with_appcontext
def items_list(slug: str, as_json: bool) -> None:
    """List a municipality's items with relevance, categories and write-back status."""
    _database_ready()
    owner = _municipality(slug)
    stmt = (
        select(AgendaItem)
        .join(Connector)
        .where(Connector.municipality_id == owner.id)
        .order_by(AgendaItem.id)
    )
    rows = []
    for item in db.session.scalars(stmt):
        assessment = item.current_assessment
        latest = db.session.scalar(
            select(WriteBack).where(WriteBack.item_id == item.id).order_by(WriteBack.id.desc()).limit(1)
        )
        rows.append(
            {
                "external_id": item.external_id,
                "connector": item.connector_id,
                "title": item.title,
                "relevance": assessment.relevance if assessment else None,
                "categories": assessment.categories if assessment else [],
                "write_back": latest.status if latest else None,
                "deleted": item.deleted_at is not None,
            }
        )
    if as_json:
        _echo_json(rows)
        return
    for row in rows:
        click.echo(
            f"{row['external_id']:<14} {row['relevance'] or '-':<6} {','.join(row['categories']):<32} "
            f"{row['write_back'] or '-':<10} {row['title'][:60]}"
        )


# --- secrets --------------------------------------------------------------------------------------
@click.group()
def secrets() -> None:
    """Encryption keys for secrets at rest."""


@secrets.command("new-key")
def secrets_new_key() -> None:
    """Print a new key for CLIMATE_PLUGIN_ENCRYPTION_KEYS (put it first; keep the old ones after it)."""
    from cryptography.fernet import Fernet

    click.echo(Fernet.generate_key().decode())


# --- municipality settings (game elements, framing) -----------------------------------------------
def _game_elements(value: str | None, option: str) -> set[str]:
    from climate_plugin.models.municipality import GAME_ELEMENTS

    names = {part.strip() for part in (value or "").split(",") if part.strip()}
    unknown = sorted(names - set(GAME_ELEMENTS))
    if unknown:
        raise click.BadParameter(
            f"unknown game element(s) {', '.join(unknown)}; use {', '.join(GAME_ELEMENTS)}", param_hint=option
        )
    return names


@municipality.command("set")
@click.option("--slug", required=True, help="The municipality's slug.")
@click.option("--game-off", help="Game elements to switch off: item_badges,team_badges,progress.")
@click.option("--game-on", help="Game elements to switch on, comma-separated.")
@click.option(
    "--frame-ancestors",
    help="Origins that may embed the meeting view, space-separated, e.g. 'https://agenda.example.fi'; "
    "'' clears the list.",
)
@click.option(
    "--screening-sensitivity",
    help="The screening's operating point: recall (the default: fewest missed items), balanced or strict "
    "(fewer flags); each with its measured recall and flag rate in `climate-plugin screening sensitivities`.",
)
@with_appcontext
def municipality_set(
    slug: str,
    game_off: str | None,
    game_on: str | None,
    frame_ancestors: str | None,
    screening_sensitivity: str | None,
) -> None:
    """Change a municipality's settings; prints them all."""
    from climate_plugin.models.municipality import GAME_ELEMENTS, valid_frame_ancestor
    from climate_plugin.screening import DEFAULT_SENSITIVITY, sensitivities

    off, on = _game_elements(game_off, "--game-off"), _game_elements(game_on, "--game-on")
    if off & on:
        raise click.BadParameter(f"{', '.join(sorted(off & on))} both on and off", param_hint="--game-on")
    origins = None
    if frame_ancestors is not None:
        origins = frame_ancestors.split()
        bad = [o for o in origins if not valid_frame_ancestor(o)]
        if bad:
            raise click.BadParameter(
                f"not an origin: {', '.join(bad)} (use scheme://host[:port], e.g. https://agenda.example.fi)",
                param_hint="--frame-ancestors",
            )
    points = {point["name"]: point for point in sensitivities()}
    if screening_sensitivity is not None and screening_sensitivity not in points:
        raise click.BadParameter(
            f"{screening_sensitivity!r} is not one of: {', '.join(points)}",
            param_hint="--screening-sensitivity",
        )
    _database_ready()
    row = _municipality(slug)
    game = {**dict.fromkeys(off, False), **dict.fromkeys(on, True)}
    row.update_settings(game=game, frame_ancestors=origins)
    if screening_sensitivity is not None:
        # the default is stored as NULL, so a municipality follows the default if it ever changes
        default = screening_sensitivity == DEFAULT_SENSITIVITY
        row.screening_sensitivity = None if default else screening_sensitivity
    db.session.commit()
    chosen = points.get(row.screening_sensitivity or DEFAULT_SENSITIVITY, {})
    _echo_json(
        {
            "slug": row.slug,
            "game": {name: row.game_enabled(name) for name in GAME_ELEMENTS},
            "frame_ancestors": row.frame_ancestors(),
            "screening_sensitivity": {"name": chosen.get("name"), "figures": chosen.get("figures", {})},
        }
    )
