"""`climate-plugin badges`: the published catalogue, and recomputing team and municipality levels."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from climate_plugin.badges import CATALOGUE


@click.group()
def badges() -> None:
    """Badges: the catalogue and its rules, team and municipality levels."""


@badges.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (the default prints a table).")
@click.option("--lang", type=click.Choice(("fi", "sv", "en")), default="en", show_default=True,
              help="Language of the table.")
def badges_list(as_json: bool, lang: str) -> None:
    """List every badge with its scope, names and rule in plain words."""
    if as_json:
        listing = [badge.as_listing() for badge in CATALOGUE.values()]
        click.echo(json.dumps(listing, ensure_ascii=False, indent=2))
        return
    for badge in CATALOGUE.values():
        click.echo(f"{badge.code:<32} {badge.scope:<13} {badge.name[lang]}")
        click.echo(f"{'':<47}{badge.rule[lang]}")


@badges.command("recompute")
@click.option("--municipality", "slug", help="Only this municipality (default: all).")
@with_appcontext
def badges_recompute(slug: str | None) -> None:
    """Count the records again and store every team and municipality level newly reached.

    Levels already stored are never lowered, so running this any number of times is safe.
    """
    from climate_plugin.badges.team import recompute_awards
    from climate_plugin.cli.common import database_ready, municipality_by_slug
    from climate_plugin.db import db
    from climate_plugin.models import BadgeAward, Municipality

    database_ready(BadgeAward)
    targets = [municipality_by_slug(slug)] if slug else list(
        db.session.scalars(select(Municipality).order_by(Municipality.slug))
    )
    report = []
    for municipality in targets:
        new = recompute_awards(municipality)
        db.session.commit()
        report.append(
            {
                "municipality": municipality.slug,
                "new_levels": [
                    {
                        "code": row.code,
                        "committee": row.committee or None,
                        "level": row.level,
                        "count": row.count,
                    }
                    for row in new
                ],
            }
        )
    click.echo(json.dumps(report, ensure_ascii=False, indent=2))
