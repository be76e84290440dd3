"""`climate-plugin connector …`: a municipality's connectors to its host systems."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import click
from flask.cli import with_appcontext
from marshmallow import ValidationError
from sqlalchemy import select

from climate_plugin.cli.common import (
    check_name_option,
    connector_by_id,
    database_ready,
    echo_json,
    flatten_messages,
    municipality_by_slug,
)
from climate_plugin.db import db
from climate_plugin.hosts import service
from climate_plugin.models import Connector


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
    from climate_plugin.hosts.connector import webhook_url

    check_name_option(name)
    try:
        config = json.load(config_file)
    except json.JSONDecodeError as exc:
        raise click.ClickException(f"{config_file.name}: not valid JSON: {exc}") from None
    except UnicodeDecodeError:
        raise click.ClickException(f"{config_file.name}: not valid JSON: the file is not UTF-8") from None
    if not isinstance(config, dict):
        raise click.ClickException(f"{config_file.name}: the configuration must be a JSON object")
    database_ready()
    owner = municipality_by_slug(slug)
    try:
        # the same rules and audit entry as the admin pages and the API (the CLI acts as the operator)
        row, secret = service.create_connector_for(None, owner, kind, name, config)
    except ValidationError as exc:
        messages = exc.messages if isinstance(exc.messages, dict) else {"config": exc.messages}
        if "kind" in messages:  # the message also lists the installed kinds
            raise click.ClickException(" ".join(messages["kind"])) from None
        raise click.ClickException(
            f"invalid configuration for kind {kind!r}: {flatten_messages(messages.get('config', messages))}"
        ) from None
    echo_json({"id": row.id, "webhook_url": webhook_url(row), "webhook_secret": secret})


@connector.command("list")
@click.option("--municipality", "slug", help="Only this municipality's connectors.")
@with_appcontext
def connector_list(slug: str | None) -> None:
    """List connectors as JSON (never with secret values), with their sync health."""
    from climate_plugin.hosts.connector import webhook_url
    from climate_plugin.hosts.polling import sync_health

    database_ready()
    stmt = select(Connector).order_by(Connector.id)
    if slug:
        stmt = stmt.where(Connector.municipality_id == municipality_by_slug(slug).id)
    echo_json(
        [
            {
                "id": c.id,
                "municipality": c.municipality.slug,
                "kind": c.kind,
                "name": c.name,
                "enabled": c.enabled,
                "webhook_url": webhook_url(c),
                "webhook_rate_limit": c.webhook_rate_limit,
                "config": c.config,
                "sync": sync_health(c),
            }
            for c in db.session.scalars(stmt)
        ]
    )


@connector.command("rate-limit")
@click.argument("connector_id", type=click.IntRange(1, 2**31 - 1))
@click.argument("limit", required=False)
@click.option("--default", "use_default", is_flag=True, help="Go back to CLIMATE_PLUGIN_WEBHOOK_RATE_LIMIT.")
@with_appcontext
def connector_rate_limit(connector_id: int, limit: str | None, use_default: bool) -> None:
    """Set the webhook rate this connector's host may send at, e.g. 6000/minute to replay a backlog.

    Prints the connector's limit as JSON (null: the deployment's default).
    """
    if (limit is None) == (not use_default):
        raise click.UsageError("give a LIMIT such as 6000/minute, or --default")
    database_ready()
    row = connector_by_id(connector_id)
    try:
        service.set_webhook_rate_limit(row, None if use_default else limit)
    except ValidationError as exc:
        raise click.ClickException(f"webhook_rate_limit: {exc.messages['webhook_rate_limit'][0]}") from None
    echo_json({"id": row.id, "webhook_rate_limit": row.webhook_rate_limit})


@connector.command("rotate-secret")
@click.argument("connector_id", type=int)
@with_appcontext
def connector_rotate_secret(connector_id: int) -> None:
    """Issue a new webhook secret; the previous one stays valid for 24 hours."""
    database_ready()
    row = connector_by_id(connector_id)
    secret = service.rotate_secret(row)  # audited
    echo_json(
        {"id": row.id, "webhook_secret": secret, "previous_valid_until": row.previous_secret_expires_at}
    )


@connector.command("sync")
@click.argument("connector_id", type=int)
@with_appcontext
def connector_sync(connector_id: int) -> None:
    """Poll the host now, from where the last poll stopped; prints what changed as JSON."""
    from climate_plugin.connectors.registry import UnknownConnectorKind
    from climate_plugin.hosts.polling import CannotPoll, PollBusy, run_poll

    database_ready(Connector)
    row = connector_by_id(connector_id)
    try:
        result = run_poll(row)
    except (CannotPoll, PollBusy, UnknownConnectorKind) as exc:
        raise click.ClickException(str(exc)) from None
    echo_json(result.counts())
    if result.stopped:
        raise click.ClickException(
            f"the poll stopped early: {result.stopped}. What came before is stored; the next poll "
            "continues from there."
        )


@connector.command("test")
@click.argument("connector_id", type=int)
@click.option(
    "--item", "external_id", help="The host's id of the item to read (default: the newest stored, or polled)."
)
@with_appcontext
def connector_test(connector_id: int, external_id: str | None) -> None:
    """Reach the host and read one real item with the stored configuration; prints what was read (title,
    language, the start of the body), or what is wrong and which setting to change."""
    database_ready(Connector)
    row = connector_by_id(connector_id)
    result = service.test_connector(row, external_id)  # audited, with secrets blanked out of the words
    if not result.ok:
        what = "cannot reach its host" if result.external_id is None else "cannot read an item"
        raise click.ClickException(f"connector {row.id} ({row.kind}) {what}: {result.message('en')}")
    click.echo("ok")
    if result.preview is None:
        click.echo(result.message("en"))
        return
    found = result.preview
    click.echo(f"item:     {found.external_id} ({result.sample_source})")
    click.echo(f"title:    {found.title}")
    click.echo(f"language: {found.language or 'not given'} (the text reads as {found.detected_language})")
    click.echo(f"body:     {found.excerpt or '(empty)'}")


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

    from climate_plugin.connectors.registry import UnknownConnectorKind
    from climate_plugin.hosts.polling import (
        BackfillConflict,
        CannotPoll,
        PollBusy,
        cancel_backfill,
        run_backfill,
        start_backfill,
        windows_left,
    )
    from climate_plugin.models._types import utcnow

    since = _aware_date(since)
    if since > utcnow():
        raise click.BadParameter("must not be in the future", param_hint="--since")
    database_ready(Connector)
    row = connector_by_id(connector_id)
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
    echo_json(result.counts())
    if result.stopped:
        raise click.ClickException(
            f"the backfill stopped early: {result.stopped}. Run the same command again to continue it."
        )


@connector.command("kinds")
def connector_kinds() -> None:
    """List the installed connector kinds."""
    from climate_plugin.connectors.registry import load_connectors

    echo_json(sorted(load_connectors()))
