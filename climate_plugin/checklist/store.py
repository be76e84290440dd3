"""Templates in the database: the latest checklist, a stored version, a new version.

A municipality's checklist is the default, overridden by its region's template (if it belongs to a region
that has one), overridden again by its own template: a region writes the shared wording once and each
member changes what it needs. The version names both: "hollola-3+paijat-hame-r2+default-1" (municipality
template 3 on region template 2; "hollola-0+…" when the municipality has none of its own), so stored
answers keep pointing at the questions they answered.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

from sqlalchemy import func, select

from climate_plugin.checklist.data import CHECKLIST_VERSION
from climate_plugin.checklist.overrides import validate_overrides
from climate_plugin.checklist.resolved import (
    DEFAULT_CHECKLIST,
    Checklist,
    resolve,
    template_number,
    template_version,
)
from climate_plugin.db import db
from climate_plugin.models import ChecklistTemplate, Municipality, Region, RegionChecklistTemplate


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


def _region_template(region: Region, number: int | None) -> RegionChecklistTemplate | None:
    stmt = select(RegionChecklistTemplate).where(RegionChecklistTemplate.region_id == region.id)
    if number is not None:
        stmt = stmt.where(RegionChecklistTemplate.version == number)
    return db.session.scalar(stmt.order_by(RegionChecklistTemplate.version.desc()).limit(1))


def region_template_number(version: str | None) -> int | None:
    """The region's template number in "<slug>-<n>+<region>-r<m>+default-1"; None when it names none."""
    if not isinstance(version, str):
        return None
    for part in version.split("+")[1:-1]:
        match = re.fullmatch(r".+-r([1-9][0-9]*)", part)
        if match:
            return int(match.group(1))
    return None


def merge_overrides(region: dict[str, Any], own: dict[str, Any]) -> dict[str, Any]:
    """The region's overrides with the municipality's on top: texts and escalation rules key by key, extra
    questions by id (the municipality's replace the region's of the same id), and the switched-off
    categories as the municipality lists them, if it does."""
    merged: dict[str, Any] = {**region, **{k: v for k, v in own.items() if k == "disabled_categories"}}
    for key in ("questions", "escalation"):
        if key in region or key in own:
            merged[key] = {**region.get(key, {}), **own.get(key, {})}
    if "categories" in region or "categories" in own:
        codes = {**region.get("categories", {}), **own.get("categories", {})}
        merged["categories"] = {
            code: {**region.get("categories", {}).get(code, {}), **own.get("categories", {}).get(code, {})}
            for code in codes
        }
    if "extra_questions" in region or "extra_questions" in own:
        mine = {e["id"] for e in own.get("extra_questions", ())}
        merged["extra_questions"] = [
            *(e for e in region.get("extra_questions", ()) if e["id"] not in mine),
            *own.get("extra_questions", ()),
        ]
    return merged


def _region_of(municipality: Municipality) -> Region | None:
    region_id = getattr(municipality, "region_id", None)
    return db.session.get(Region, region_id) if region_id is not None else None


def inherited_overrides(municipality: Municipality) -> dict[str, Any]:
    """The overrides a municipality's own template starts from: its region's latest ({} outside a region)."""
    region = _region_of(municipality)
    template = _region_template(region, None) if region is not None else None
    overrides = template.overrides if template is not None else None
    return overrides if isinstance(overrides, dict) else {}


def checklist_for(municipality: Municipality | None, version: str | None = None) -> Checklist:
    """The municipality's checklist: its latest templates (its region's and its own), or the stored
    ``version`` an assessment names.

    Falls back to the latest templates (or the default) when the version is "default-1", unparseable or
    gone, so a page always renders.
    """
    if municipality is None:
        return DEFAULT_CHECKLIST
    if version == DEFAULT_CHECKLIST.version:
        return DEFAULT_CHECKLIST
    region = _region_of(municipality)
    number, region_number = template_number(version), region_template_number(version)
    template = _template(municipality, number) if number is not None else None
    region_template = _region_template(region, region_number) if region and region_number else None
    stored = template is not None or region_template is not None
    if not stored:
        template = _template(municipality, None)
        region_template = _region_template(region, None) if region is not None else None
    if region_template is None:
        return DEFAULT_CHECKLIST if template is None else resolve_template(municipality, template)
    own = template.overrides if template is not None and isinstance(template.overrides, dict) else {}
    inherited = region_template.overrides if isinstance(region_template.overrides, dict) else {}
    version = (
        f"{municipality.slug}-{template.version if template is not None else 0}"
        f"+{region.slug}-r{region_template.version}+{CHECKLIST_VERSION}"
    )
    return _resolved(version, json.dumps(merge_overrides(inherited, own), sort_keys=True))


def save_region_template(
    region: Region, overrides: Any, created_by: str | None = None
) -> RegionChecklistTemplate:
    """Validate ``overrides`` and add them as the region's next version (the caller commits); every member
    without its own wording for a text takes the region's. Raises ``OverridesError``."""
    clean = validate_overrides(overrides)
    highest = db.session.scalar(
        select(func.max(RegionChecklistTemplate.version)).where(
            RegionChecklistTemplate.region_id == region.id
        )
    )
    row = RegionChecklistTemplate(
        region_id=region.id, version=(highest or 0) + 1, overrides=clean, created_by=created_by
    )
    db.session.add(row)
    db.session.flush()
    return row


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
