"""`climate-plugin commitments …` and `climate-plugin outbox …`: commitments and the reminder e-mail's
development outbox."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from climate_plugin.cli.common import database_ready, echo_json, municipality_by_slug
from climate_plugin.models import Commitment
from climate_plugin.models.commitment import STATUSES


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
        echo_json(
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
    from climate_plugin.reviews.service import commitments_for_listing

    database_ready(Commitment)
    rows = commitments_for_listing(municipality_by_slug(slug), status)
    echo_json(
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
