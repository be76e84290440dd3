"""`climate-plugin programme …`: importing a climate programme (CSV or Kausal Watch), keeping Kausal Watch
plans in sync, listing measures and linking decisions, commitments and solutions to them."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from climate_plugin.cli.common import database_ready, echo_json, municipality_by_slug
from climate_plugin.db import db
from climate_plugin.models import AgendaItem, Commitment, Measure, Solution
from climate_plugin.models.measure import KAUSAL
from climate_plugin.models.measure_link import EFFECTS
from climate_plugin.programme.csv_import import read_csv
from climate_plugin.programme.kausal import fetch_plan
from climate_plugin.programme.picture import measure_json, measure_picture
from climate_plugin.programme.service import ProgrammeInputError, import_measures, link_measure, measures_of
from climate_plugin.services import NotPossible

#: a programme file larger than this is a mistake
MAX_CSV_BYTES = 20 * 1024 * 1024


@click.group()
def programme() -> None:
    """The municipality's climate programme: measures and what advances them."""


def _kausal(town, url: str, plan: str):
    try:
        found = fetch_plan(current_app.extensions["climate_plugin.outbound"], url, plan, town.language)
    except ProgrammeInputError as exc:
        raise click.ClickException(str(exc)) from None
    return import_measures(town, found.rows, source=KAUSAL, source_ref=found.source_ref, urls=found.urls)


@programme.command("import")
@click.option("--municipality", "slug", required=True, help="The municipality's slug.")
@click.option(
    "--csv",
    "csv_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A UTF-8 CSV with the header identifier,title,sector,responsible_body,indicator,target,status.",
)
@click.option(
    "--kausal", "kausal_url", help="A Kausal Watch API's address, e.g. https://api.watch.kausal.tech."
)
@click.option("--plan", help="The Kausal Watch plan's identifier (with --kausal).")
@with_appcontext
def programme_import(slug: str, csv_file: Path | None, kausal_url: str | None, plan: str | None) -> None:
    """Import measures (matched on identifier); prints {"created", "updated"}. Importing the same file again
    creates and changes nothing."""
    if bool(csv_file) == bool(kausal_url):
        raise click.UsageError("give either --csv FILE or --kausal URL --plan IDENTIFIER")
    if kausal_url and not plan:
        raise click.BadParameter("--kausal needs --plan IDENTIFIER", param_hint="--plan")
    if plan and not kausal_url:
        raise click.BadParameter("--plan goes with --kausal URL", param_hint="--plan")
    database_ready(Measure)
    town = municipality_by_slug(slug)
    if csv_file is not None:
        try:
            with csv_file.open("rb") as handle:
                data = handle.read(MAX_CSV_BYTES + 1)
        except OSError as exc:
            raise click.ClickException(f"cannot read {csv_file}: {exc.strerror or exc}") from None
        if len(data) > MAX_CSV_BYTES:
            raise click.ClickException(f"{csv_file} is larger than {MAX_CSV_BYTES // (1024 * 1024)} MiB")
        try:
            rows = read_csv(data)
        except ProgrammeInputError as exc:
            raise click.ClickException(f"{csv_file}: {exc}") from None
        result = import_measures(town, rows)
    else:
        result = _kausal(town, str(kausal_url), str(plan))
    echo_json(result.as_json())


@programme.command("sync")
@click.option("--municipality", "slug", required=True, help="The municipality's slug.")
@with_appcontext
def programme_sync(slug: str) -> None:
    """Import again every Kausal Watch plan the municipality's measures came from; prints each plan's
    {"created", "updated"}."""
    database_ready(Measure)
    town = municipality_by_slug(slug)
    sources = sorted({m.source_ref for m in measures_of(town) if m.source == KAUSAL and m.source_ref})
    results = {}
    for ref in sources:
        endpoint, _, plan = ref.rpartition("#")
        results[ref] = _kausal(town, endpoint, plan).as_json()
    echo_json(results)


@programme.command("list")
@click.option("--municipality", "slug", required=True, help="The municipality's slug.")
@with_appcontext
def programme_list(slug: str) -> None:
    """The municipality's measures as JSON."""
    database_ready(Measure)
    echo_json([measure_json(m) for m in measures_of(municipality_by_slug(slug))])


def _measure(town, identifier: str) -> Measure:
    found = db.session.scalar(
        select(Measure).where(Measure.municipality_id == town.id, Measure.identifier == identifier)
    )
    if found is None:
        raise click.ClickException(f"no measure {identifier!r} in {town.slug}'s programme")
    return found


@programme.command("show")
@click.option("--municipality", "slug", required=True, help="The municipality's slug.")
@click.option("--identifier", required=True, help="The measure's identifier.")
@click.option("--language", type=click.Choice(("fi", "sv", "en")), default="en", show_default=True)
@with_appcontext
def programme_show(slug: str, identifier: str, language: str) -> None:
    """A measure with its decisions, commitments and solutions."""
    database_ready(Measure)
    measure = _measure(municipality_by_slug(slug), identifier)
    echo_json({**measure_json(measure), **measure_picture(measure, language)})


@programme.command("link")
@click.option("--municipality", "slug", required=True, help="The municipality's slug.")
@click.option("--identifier", required=True, help="The measure's identifier.")
@click.option("--item", "item_id", type=int, help="A decision: the agenda item's id.")
@click.option("--commitment", "commitment_id", type=int, help="A commitment's id.")
@click.option("--solution", "solution_id", type=int, help="A team solution's id.")
@click.option("--effect", type=click.Choice(EFFECTS), required=True)
@click.option("--note", default="", help="Why (optional).")
@with_appcontext
def programme_link(
    slug: str,
    identifier: str,
    item_id: int | None,
    commitment_id: int | None,
    solution_id: int | None,
    effect: str,
    note: str,
) -> None:
    """Link a decision, a commitment or a solution to a measure as advancing it or conflicting with it."""
    given = [
        (k, v) for k, v in (("item", item_id), ("commitment", commitment_id), ("solution", solution_id)) if v
    ]
    if len(given) != 1:
        raise click.UsageError("give exactly one of --item, --commitment, --solution")
    database_ready(Measure)
    town = municipality_by_slug(slug)
    measure = _measure(town, identifier)
    kind, row_id = given[0]
    row = db.session.get({"item": AgendaItem, "commitment": Commitment, "solution": Solution}[kind], row_id)
    if row is None:
        raise click.ClickException(f"no {kind} with id {row_id}")
    try:
        link = link_measure(measure, effect=effect, note=note, actor="cli", **{kind: row})
    except NotPossible as exc:
        raise click.ClickException(str(exc)) from None
    echo_json({"link_id": link.id, "measure": measure.identifier, "kind": link.kind, "effect": link.effect})
