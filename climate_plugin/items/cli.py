"""`climate-plugin items …`: agenda items and their screening."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from climate_plugin.cli.common import (
    database_ready,
    echo_json,
    municipality_by_slug,
)
from climate_plugin.db import db
from climate_plugin.models import AgendaItem, Connector, WriteBack


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
    database_ready()
    owner = municipality_by_slug(slug)
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
        echo_json(rows)
        return
    for row in rows:
        click.echo(
            f"{row['external_id']:<14} {row['relevance'] or '-':<6} {','.join(row['categories']):<32} "
            f"{row['write_back'] or '-':<10} {row['title'][:60]}"
        )
