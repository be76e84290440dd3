"""`climate-plugin meeting …`: the board members' meeting view."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from climate_plugin.cli.common import connector_by_id, database_ready
from climate_plugin.meetings.links import meeting_url


@click.group()
def meeting() -> None:
    """The meeting view for board members (embeddable in the agenda system)."""


@meeting.command("link")
@click.option("--connector", "connector_id", type=int, required=True, help="The connector's id.")
@click.option("--meeting", "name", required=True, help="The meeting's name exactly as the host sends it.")
@with_appcontext
def meeting_link(connector_id: int, name: str) -> None:
    """Print the signed link to a meeting's view; the host can link to it or show it in a frame."""
    database_ready()
    connector = connector_by_id(connector_id)
    try:
        url = meeting_url(connector.id, name, current_app.config["PUBLIC_URL"])
    except ValueError:
        raise click.ClickException(
            f"connector {connector.id} has no items in a meeting named {name!r} "
            "(the name must match the host's exactly; see `climate-plugin items list`)"
        ) from None
    click.echo(url)
