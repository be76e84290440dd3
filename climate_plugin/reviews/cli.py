"""`climate-plugin coordinator link`: the signed link to the climate coordinator's pages."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from climate_plugin.cli.common import database_ready, municipality_by_slug


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
    from climate_plugin.reviews.service import coordinator_url

    database_ready()
    click.echo(coordinator_url(municipality_by_slug(slug), current_app.config["PUBLIC_URL"], days))
