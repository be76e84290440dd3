"""`climate-plugin checklist …`: a municipality's checklist template (docs/checklist.md)."""

from __future__ import annotations

import json
from typing import IO, Any

import click
from flask.cli import with_appcontext
from sqlalchemy.exc import IntegrityError

from climate_plugin.checklist import (
    RATING_SCALE,
    Checklist,
    OverridesError,
    checklist_for,
    save_template,
    template_versions,
)
from climate_plugin.checklist.resolved import template_version
from climate_plugin.cli.common import database_ready, echo_json, municipality_by_slug
from climate_plugin.db import db
from climate_plugin.i18n import LANGUAGES, pick_language
from climate_plugin.models import ChecklistTemplate, Municipality

#: an overrides file is a few kilobytes; refuse a wrong file (a PDF, a dump) before parsing it
MAX_FILE_BYTES = 1_000_000


@click.group()
def checklist() -> None:
    """Municipality checklist templates: wording, extra questions, categories, escalation."""


def _owner(slug: str) -> Municipality:
    database_ready(ChecklistTemplate)  # the templates table came with a later migration
    return municipality_by_slug(slug)


def _text(cl: Checklist, lang: str) -> list[str]:
    lines = [f"version: {cl.version}", "", "stage 0:"]
    lines += [f"  {q.id}{' *' if q.id in cl.extra_ids else ''}  {q.text[lang]}" for q in cl.stage0]
    lines += ["", "stage 1 categories:"]
    lines += [f"  {c.code:<13} {c.name[lang]}: {c.question[lang]}" for c in cl.categories]
    if cl.disabled_categories:
        lines += [f"  switched off: {', '.join(cl.disabled_categories)}"]
    lines += ["  scale: " + "  ".join(f"{r.symbol} {r.label[lang]}" for r in RATING_SCALE)]
    lines += ["", "stage 1b:"]
    lines += [f"  {q.id}{' *' if q.id in cl.extra_ids else ''}  {q.text[lang]}" for q in cl.cross_cutting]
    rules = cl.escalation
    lines += [
        "",
        "stage 2 escalation:",
        f"  strongly negative (--): {'on' if rules['strongly_negative'] else 'off'}",
        f"  negative (-) count: {rules['negative_count'] if rules['negative_count'] is not None else 'off'}",
        f"  unknown (?) in: {', '.join(rules['unknown_categories']) or '-'}; investment over "
        f"{rules['unknown_investment_over_eur']} EUR"
        f"{' or a land-use plan' if rules['unknown_on_land_use_plan'] else ''}",
        f"  non-zero steering: {'on' if rules['nonzero_steering'] else 'off'}",
    ]
    if cl.extra_ids:
        lines += ["", "* the municipality's own question"]
    return lines


@checklist.command("show")
@click.option("--municipality", "slug", required=True, help="The municipality's slug.")
@click.option("--json", "as_json", is_flag=True, help="Print the resolved checklist as JSON (all languages).")
@click.option("--lang", type=click.Choice(LANGUAGES), help="Language of the text output [municipality's].")
@with_appcontext
def checklist_show(slug: str, as_json: bool, lang: str | None) -> None:
    """Show a municipality's current checklist: the default with its overrides applied."""
    owner = _owner(slug)
    resolved = checklist_for(owner)
    if as_json:
        echo_json(resolved.as_json())
        return
    click.echo("\n".join(_text(resolved, pick_language(lang, owner.language))))


def _load(file: IO[bytes], name: str) -> Any:
    raw = file.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        raise click.ClickException(f"{name}: larger than {MAX_FILE_BYTES} bytes; is this the overrides file?")
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise click.ClickException(f"{name}: not valid JSON: the file is not UTF-8") from None
    except json.JSONDecodeError as exc:
        raise click.ClickException(f"{name}: not valid JSON: {exc}") from None
    except RecursionError:
        raise click.ClickException(f"{name}: not valid JSON: nested too deeply") from None


@checklist.command("set")
@click.option("--municipality", "slug", required=True, help="The municipality's slug.")
@click.option(
    "--file",
    "file",
    required=True,
    type=click.File("rb"),
    help="JSON file with the overrides ('-' for standard input); see docs/checklist.md.",
)
@click.option("--by", "created_by", help="Who made the change, for the record.")
@with_appcontext
def checklist_set(slug: str, file: IO[bytes], created_by: str | None) -> None:
    """Validate overrides and store them as the municipality's next template version."""
    name = getattr(file, "name", "-")
    overrides = _load(file, name)
    owner = _owner(slug)
    try:
        row = save_template(owner, overrides, created_by=(created_by or "").strip()[:200] or None)
        db.session.commit()
    except OverridesError as exc:
        db.session.rollback()
        raise click.ClickException(f"{name}: {exc}") from None
    except IntegrityError:
        db.session.rollback()
        raise click.ClickException(
            "another change to this checklist was saved at the same time; try again"
        ) from None
    echo_json({"version": template_version(owner.slug, row.version), "template": row.version})


@checklist.command("versions")
@click.option("--municipality", "slug", required=True, help="The municipality's slug.")
@with_appcontext
def checklist_versions(slug: str) -> None:
    """List a municipality's template versions, oldest first, as JSON."""
    owner = _owner(slug)
    echo_json(
        [
            {
                "template": row.version,
                "version": template_version(owner.slug, row.version),
                "created_at": row.created_at,
                "created_by": row.created_by,
            }
            for row in template_versions(owner)
        ]
    )
