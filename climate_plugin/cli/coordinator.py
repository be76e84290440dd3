"""Commands for the climate coordinator's work: the coordinator link, the mail outbox, commitments."""

from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import with_appcontext

from climate_plugin.cli.admin import _database_ready, _municipality
from climate_plugin.models import Commitment
from climate_plugin.models.commitment import STATUSES


def register(main: click.Group) -> None:
    """Add this module's command groups to the `climate-plugin` command."""
    main.add_command(coordinator)
    main.add_command(outbox)
    main.add_command(commitments)


def _echo_json(value) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))


@click.group()
def coordinator() -> None:
    """The climate coordinator's queue, sample and reviews."""


@coordinator.command("link")
@click.option("--municipality", "slug", required=True, help="The municipality's slug.")
@click.option(
    "--days",
    type=click.IntRange(1, 366),
    default=90,
    show_default=True,
    help="How many days the link stays valid.",
)
@with_appcontext
def coordinator_link(slug: str, days: int) -> None:
    """Print the signed link to the municipality's coordinator pages (give it only to the coordinator)."""
    from climate_plugin.coordinator import coordinator_url

    _database_ready()
    click.echo(coordinator_url(_municipality(slug), current_app.config["PUBLIC_URL"], days))


@click.group()
def outbox() -> None:
    """The development mail outbox (used when CLIMATE_PLUGIN_SMTP_URL is not set)."""


@outbox.command("list")
@click.option("--full", is_flag=True, help="Print each message's text too.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@with_appcontext
def outbox_list(full: bool, as_json: bool) -> None:
    """List the messages in the outbox, oldest first (each is an .eml file any mail program opens)."""
    from climate_plugin.mail import outbox_path, read_outbox

    messages = read_outbox()
    if as_json:
        _echo_json(
            [
                {
                    "file": str(m.path),
                    "date": m.sent_at.isoformat() if m.sent_at else None,
                    "to": m.to,
                    "subject": m.subject,
                    **({"text": m.text} if full else {}),
                }
                for m in messages
            ]
        )
        return
    if not messages:
        click.echo(f"the outbox is empty ({outbox_path()})")
        return
    for m in messages:
        click.echo(f"{m.sent_at.isoformat() if m.sent_at else '?'}  {m.to}  {m.subject}")
        click.echo(f"    {m.path}")
        if full:
            click.echo("")
            click.echo("\n".join("    " + line for line in m.text.rstrip().splitlines()))
            click.echo("")


@click.group()
def commitments() -> None:
    """Commitments recorded for agenda items."""


@commitments.command("list")
@click.option("--municipality", "slug", required=True, help="The municipality's slug.")
@click.option("--status", type=click.Choice(STATUSES), help="Only commitments with this status.")
@with_appcontext
def commitments_list(slug: str, status: str | None) -> None:
    """List a municipality's commitments as JSON, by due date."""
    from climate_plugin.coordinator import commitments_for_listing

    _database_ready(Commitment)
    rows = commitments_for_listing(_municipality(slug), status)
    _echo_json(
        [
            {
                "id": c.id,
                "item": c.item.external_id,
                "item_title": c.item.title,
                "what": c.what,
                "target": c.target,
                "indicator": c.indicator,
                "due_date": c.due_date.isoformat(),
                "owner": c.owner,
                "owner_email": c.owner_email,
                "challenged_committee": c.challenged_committee,
                "status": c.status,
                "result_note": c.result_note,
                "reminded_at": c.reminded_at,
                "closed_at": c.closed_at,
                "closed_by": c.closed_by,
            }
            for c in rows
        ]
    )
