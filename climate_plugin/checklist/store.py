"""Municipality templates in the database: the latest checklist, a stored version, a new version."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from sqlalchemy import func, select

from climate_plugin.checklist.overrides import validate_overrides
from climate_plugin.checklist.resolved import (
    DEFAULT_CHECKLIST,
    Checklist,
    resolve,
    template_number,
    template_version,
)
from climate_plugin.db import db
from climate_plugin.models import ChecklistTemplate, Municipality


def _template(municipality: Municipality, number: int | None) -> ChecklistTemplate | None:
    stmt = select(ChecklistTemplate).where(ChecklistTemplate.municipality_id == municipality.id)
    if number is not None:
        stmt = stmt.where(ChecklistTemplate.version == number)
    return db.session.scalar(stmt.order_by(ChecklistTemplate.version.desc()).limit(1))


@lru_cache(maxsize=256)
def _resolved(version: str, overrides_json: str) -> Checklist:
    # Stored overrides were validated when saved; validating again keeps a row edited by hand in the
    # database from breaking the page with a KeyError deep inside resolve(). Cached because assess() asks
    # on every delivery; the key is the content, so an edited row is never served stale.
    return resolve(validate_overrides(json.loads(overrides_json)), version)


def resolve_template(municipality: Municipality, template: ChecklistTemplate) -> Checklist:
    version = template_version(municipality.slug, template.version)
    return _resolved(version, json.dumps(template.overrides or {}, sort_keys=True))


def checklist_for(municipality: Municipality | None, version: str | None = None) -> Checklist:
    """The municipality's checklist: its latest template, or the stored ``version`` an assessment names.

    Falls back to the latest template (or the default) when the version is "default-1", unparseable or
    gone, so a page always renders.
    """
    if municipality is None:
        return DEFAULT_CHECKLIST
    if version == DEFAULT_CHECKLIST.version:
        return DEFAULT_CHECKLIST
    number = template_number(version)
    template = _template(municipality, number) if number is not None else None
    template = template or _template(municipality, None)
    return DEFAULT_CHECKLIST if template is None else resolve_template(municipality, template)


def save_template(
    municipality: Municipality, overrides: Any, created_by: str | None = None
) -> ChecklistTemplate:
    """Validate ``overrides`` and add them as the municipality's next version (the caller commits).

    Raises ``OverridesError``. Versions only go up: the next number is one more than the highest ever
    stored, and the unique constraint refuses a concurrent save that computed the same number.
    """
    clean = validate_overrides(overrides)
    highest = db.session.scalar(
        select(func.max(ChecklistTemplate.version)).where(
            ChecklistTemplate.municipality_id == municipality.id
        )
    )
    row = ChecklistTemplate(
        municipality_id=municipality.id,
        version=(highest or 0) + 1,
        overrides=clean,
        created_by=created_by,
    )
    db.session.add(row)
    db.session.flush()
    return row


def template_versions(municipality: Municipality) -> list[ChecklistTemplate]:
    stmt = (
        select(ChecklistTemplate)
        .where(ChecklistTemplate.municipality_id == municipality.id)
        .order_by(ChecklistTemplate.version)
    )
    return list(db.session.scalars(stmt))
