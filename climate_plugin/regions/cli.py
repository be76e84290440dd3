"""`climate-plugin region …`: regions, their members, sharing, the regional coordinator's link and the
region's checklist template."""

from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import with_appcontext
from marshmallow import ValidationError

from climate_plugin.cli.common import database_ready, echo_json, municipality_by_slug


def _region(slug: str):
    from climate_plugin.regions import service

    found = service.find(slug)
    if found is None:
        raise click.ClickException(f"no region with slug {slug!r} (see `climate-plugin region list`)")
    return found


@click.group()
def region() -> None:
    """Regions: municipalities that coordinate their climate work together."""


@region.command("create")
@click.option("--slug", required=True)
@click.option("--name", required=True)
@click.option("--language", type=click.Choice(("fi", "sv", "en")), default="fi", show_default=True)
@with_appcontext
def create(slug: str, name: str, language: str) -> None:
    """Register a region."""
    from climate_plugin.regions import service
    from climate_plugin.services import NotPossible

    database_ready()
    try:
        row = service.create_region(slug, name, language)
    except ValidationError as exc:
        raise click.ClickException(
            "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.messages.items())
        ) from None
    except NotPossible as exc:
        raise click.ClickException(str(exc)) from None
    echo_json({"id": row.id, "slug": row.slug, "name": row.name})


@region.command("list")
@with_appcontext
def list_regions() -> None:
    """Regions with their members and whether each shares its picture."""
    from sqlalchemy import select

    from climate_plugin.db import db
    from climate_plugin.models import Region
    from climate_plugin.regions import service

    database_ready()
    echo_json(
        [
            {
                "slug": r.slug,
                "name": r.name,
                "members": [{"slug": m.slug, "shares": m.shares_with_region()} for m in service.members(r)],
            }
            for r in db.session.scalars(select(Region).order_by(Region.slug))
        ]
    )


@region.command("add")
@click.option("--region", "region_slug", required=True)
@click.option("--municipality", "slug", required=True)
@with_appcontext
def add(region_slug: str, slug: str) -> None:
    """Make a municipality a member of a region (it still decides whether to share its picture)."""
    from climate_plugin.regions import service

    database_ready()
    service.set_region(municipality_by_slug(slug), _region(region_slug))
    click.echo(f"{slug} is a member of {region_slug}")


@region.command("share")
@click.option("--municipality", "slug", required=True)
@click.option("--off", is_flag=True, help="Stop sharing.")
@with_appcontext
def share(slug: str, off: bool) -> None:
    """The municipality shares (or with --off stops sharing) its picture with its region's coordinator."""
    from climate_plugin.regions import service

    database_ready()
    municipality = municipality_by_slug(slug)
    if municipality.region_id is None and not off:
        raise click.ClickException(f"{slug} belongs to no region (`climate-plugin region add`)")
    service.share_with_region(municipality, not off)
    click.echo(f"{slug} {'does not share' if off else 'shares'} its picture with its region")


@region.command("link")
@click.option("--region", "region_slug", required=True)
@click.option("--days", type=click.IntRange(1, 366), default=90, show_default=True)
@with_appcontext
def link(region_slug: str, days: int) -> None:
    """Print the signed link to the region's pages (give it only to the regional coordinator)."""
    from climate_plugin.regions import service

    database_ready()
    click.echo(service.region_url(_region(region_slug), current_app.config["PUBLIC_URL"], days))


@region.command("checklist-set")
@click.option("--region", "region_slug", required=True)
@click.option("--file", "path", required=True, type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def checklist_set(region_slug: str, path: str) -> None:
    """Save the region's checklist overrides (the municipality template's format); members inherit them."""
    from climate_plugin.checklist import OverridesError
    from climate_plugin.checklist.store import save_region_template
    from climate_plugin.db import db

    database_ready()
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError) as exc:
        raise click.ClickException(f"{path}: not valid JSON ({exc})") from None
    try:
        row = save_region_template(_region(region_slug), data, created_by="cli")
    except OverridesError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"{region_slug}: checklist template version {row.version}")
