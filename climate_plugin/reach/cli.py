"""`climate-plugin reach …`: the picture's figures, open data, and a year of history to look at."""

from __future__ import annotations

from datetime import date

import click
from flask.cli import with_appcontext

from climate_plugin.cli.common import database_ready, echo_json, municipality_by_slug


@click.group()
def reach() -> None:
    """What the climate work reaches: figures, open data, a seeded year of history."""


@reach.command("show")
@click.option("--municipality", "slug", required=True, help="The municipality's slug.")
@click.option("--from", "start", help="First day, YYYY-MM-DD (default: twelve months back).")
@click.option("--to", "end", help="Last day, YYYY-MM-DD (default: today).")
@click.option("--by", type=click.Choice(("body", "month", "quarter")), default="body", show_default=True)
@click.option("--csv", "as_csv", is_flag=True, help="CSV instead of JSON.")
@with_appcontext
def show(slug: str, start: str | None, end: str | None, by: str, as_csv: bool) -> None:
    """Print the figures of /api/v1/reach (JSON, or CSV with --csv)."""
    from climate_plugin.dates import local_today, zone_of
    from climate_plugin.reach import service
    from climate_plugin.reach.exports import to_csv

    database_ready()
    municipality = municipality_by_slug(slug)
    today = local_today(zone_of(municipality))
    try:
        filters = service.parse_filters({"from": start, "to": end, "by": by}, today)
    except service.BadFilter as exc:
        raise click.ClickException(str(exc)) from None
    result = service.reach(municipality, filters, today)
    if as_csv:
        rows = [service.flat_row(r) for r in [*result.rows, {**result.totals, "body": "TOTAL"}]]
        click.echo(to_csv(service.FLAT_KEYS, [[r[k] for k in service.FLAT_KEYS] for r in rows]), nl=False)
    else:
        echo_json(result.as_json())


@reach.command("publish")
@click.option("--municipality", "slug", required=True, help="The municipality's slug.")
@click.option("--off", is_flag=True, help="Stop publishing.")
@with_appcontext
def publish(slug: str, off: bool) -> None:
    """Publish (or with --off stop publishing) the municipality's assessed decisions and commitments as
    open data at /api/v1/open-data/<slug>/decisions and …/commitments."""
    from flask import current_app

    from climate_plugin.reach.service import publish_open_data

    database_ready()
    municipality = publish_open_data(municipality_by_slug(slug), not off)
    base = current_app.config["PUBLIC_URL"].rstrip("/")
    if municipality.publishes_open_data():
        for name in ("decisions", "commitments"):
            click.echo(f"{base}/api/v1/open-data/{municipality.slug}/{name}")
    else:
        click.echo(f"{municipality.slug} publishes no open data")


@reach.command("seed-history")
@click.option("--end", help="The year's last day, YYYY-MM-DD (default: today).")
@click.option("--months", type=click.IntRange(1, 24), default=12, show_default=True)
@click.option("--seed", type=int, default=2026, show_default=True, help="The same seed gives the same year.")
@with_appcontext
def seed_history_command(end: str | None, months: int, seed: int) -> None:
    """Fill an empty database with a year of activity for Hollola and Orimattila in Päijät-Häme: items
    screened by the product, assessments, commitments, reviews, decisions and follow-ups."""
    from climate_plugin.dates import local_today
    from climate_plugin.reach.history import seed_history

    database_ready()
    try:
        last = date.fromisoformat(end) if end else local_today()
    except ValueError:
        raise click.BadParameter("use YYYY-MM-DD", param_hint="--end") from None
    try:
        counts = seed_history(last, months, seed)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    echo_json(counts)
