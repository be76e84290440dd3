"""`climate-plugin screen [FILE]`: screen JSON Lines without a database or a server; and `climate-plugin
screening …`: the operating points, the lemma dictionaries, and preparers' labels."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from climate_plugin.cli.common import database_ready, echo_json, municipality_by_slug
from climate_plugin.db import db
from climate_plugin.models import AgendaItem, Connector
from climate_plugin.models.assessment import SUBMITTED


@click.command()
@click.argument("file", type=click.File("rb"), default="-")
def screen(file) -> None:
    """Screen agenda items given as JSON Lines in FILE (default: standard input).

    Each line: {"id", "title", "body", "language"}. Writes one JSON line per item; a bad line gets a
    message on standard error naming it, and the other lines are still screened (exit status 1).
    """
    from climate_plugin.screening import screen_jsonl

    undecodable: list[int] = []
    bad = screen_jsonl(_utf8_lines(file, undecodable), sys.stdout, sys.stderr)
    if bad or undecodable:
        sys.exit(1)


def _utf8_lines(raw: Iterable[bytes], undecodable: list[int]) -> Iterator[str]:
    """Decode line by line, so one line that is not UTF-8 is reported by number instead of ending the run
    with a UnicodeDecodeError; in its place an empty line keeps the line numbers of the others."""
    for number, line in enumerate(raw, start=1):
        try:
            yield line.decode("utf-8")
        except UnicodeDecodeError:
            undecodable.append(number)
            sys.stderr.write(f"line {number}: not valid UTF-8\n")
            sys.stderr.flush()
            yield "\n"


@click.group()
def screening() -> None:
    """Climate screening: sensitivities, dictionaries, labels from preparers."""


@screening.command("sensitivities")
def sensitivities_command() -> None:
    """The operating points a municipality can choose, with their cross-validated figures per corpus set."""
    from climate_plugin.screening import sensitivities

    echo_json(sensitivities())


@screening.command("prepare")
def prepare_command() -> None:
    """Build the lemma dictionaries' tries on this machine now (workers otherwise do it on start-up)."""
    from climate_plugin.screening import lemmas

    ready = lemmas.prepare()
    echo_json({"cache": str(lemmas.cache_dir()), "ready": ready})
    if not all(ready.values()):
        raise click.ClickException("a trie could not be built: screening uses the low-memory dictionaries")


@screening.command("export-labels")
@click.option("--municipality", "slug", required=True, help="The municipality's slug.")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="Folder for SLUG.jsonl (items) and SLUG.labels.jsonl (labels), in the corpus format.",
)
@with_appcontext
def export_labels(slug: str, out_dir: Path) -> None:
    """Write preparers' submitted stage 0 answers as labels in the corpus format (bench/corpus/README.md).

    Each item with a submitted assessment whose answers decide a level becomes one line of items and one
    line of labels; score.py scores `climate-plugin screen` against them, so a municipality can measure the
    screening on its own decisions.
    """
    from climate_plugin.checklist import checklist_for
    from climate_plugin.screening.labels import corpus_body, preparer_label, why

    database_ready()
    municipality = municipality_by_slug(slug)
    items = db.session.scalars(
        select(AgendaItem)
        .join(Connector, AgendaItem.connector_id == Connector.id)
        .where(Connector.municipality_id == municipality.id, AgendaItem.deleted_at.is_(None))
        .order_by(AgendaItem.id)
    )
    records: list[tuple[dict, dict]] = []
    undecided = 0
    for item in items:
        submitted = [a for a in item.assessments if a.state == SUBMITTED]
        if not submitted:
            continue
        assessment = submitted[-1]
        checklist = checklist_for(municipality, assessment.answers.get("checklist_version"))
        label = preparer_label(assessment.answers, checklist.opens, [q.id for q in checklist.stage0])
        if label is None:
            undecided += 1
            continue
        label = {**label, "why": why(label, assessment.relevance)}
        record = {
            "id": item.public_id,
            "title": item.title,
            "body": corpus_body(item.body),
            "language": item.language or municipality.language,
            "municipality": municipality.name,
            "body_name": item.committee or "",
            "date": item.updated_at.date().isoformat() if item.updated_at else "",
            "source_url": item.url or "",
        }
        records.append((record, {"id": item.public_id, "a": label, "b": label}))
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        items_path, labels_path = out_dir / f"{slug}.jsonl", out_dir / f"{slug}.labels.jsonl"
        with items_path.open("w", encoding="utf-8") as item_lines:
            item_lines.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r, _ in records)
        with labels_path.open("w", encoding="utf-8") as label_lines:
            label_lines.writelines(json.dumps(labels, ensure_ascii=False) + "\n" for _, labels in records)
    except OSError as exc:
        raise click.ClickException(f"cannot write to {out_dir}: {exc.strerror or exc}") from None
    echo_json(
        {"items": len(records), "undecided": undecided, "files": [str(items_path), str(labels_path)]}
    )
