"""Regions and their members: the one place that changes them, each change in the audit log.

A region groups municipalities. Its coordinator reaches the region's pages through a signed link (as the
municipal coordinator does), and sees the picture of each member that chose to share it
(``Municipality.shares_with_region``, off by default: a municipality decides what leaves it).
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import select

from climate_plugin.accounts.audit import audit
from climate_plugin.db import db
from climate_plugin.i18n import LANGUAGES
from climate_plugin.models import Municipality, Region
from climate_plugin.models._types import utcnow
from climate_plugin.services import NotPossible, check_name
from climate_plugin.web.signed_links import make_token

PURPOSE = "region"
DEFAULT_LINK_DAYS = 90
SLUG = r"^[a-z0-9][a-z0-9-]{0,62}$"


def find(slug: str) -> Region | None:
    return db.session.scalar(select(Region).where(Region.slug == slug))


def create_region(slug: Any, name: Any, language: Any = "fi") -> Region:
    if not isinstance(slug, str) or not re.match(SLUG, slug):
        raise ValidationError({"slug": ["use lowercase letters, digits and hyphens (at most 63)"]})
    if language not in LANGUAGES:
        raise ValidationError({"language": [f"must be one of: {', '.join(LANGUAGES)}"]})
    clean = check_name(name)
    if find(slug) is not None:
        raise NotPossible(f"a region with slug {slug!r} exists already")
    region = Region(slug=slug, name=clean, language=language)
    db.session.add(region)
    db.session.flush()
    audit("region.create", f"region:{region.id}", None, {"slug": slug, "name": clean, "language": language})
    db.session.commit()
    return region


def set_region(municipality: Municipality, region: Region | None) -> Municipality:
    """Make the municipality a member of ``region`` (None: of no region). Sharing stays as it was chosen."""
    before = municipality.region_id
    municipality.region_id = region.id if region is not None else None
    if before != municipality.region_id:
        audit(
            "municipality.region",
            f"municipality:{municipality.id}",
            municipality.id,
            {"from": before, "to": municipality.region_id},
        )
    db.session.commit()
    return municipality


def share_with_region(municipality: Municipality, on: bool) -> Municipality:
    """The municipality opts in (or out) of showing its picture to its region's coordinator."""
    if municipality.shares_with_region() != on:
        municipality.set_flag("share_with_region", on)
        audit(
            "municipality.share_with_region", f"municipality:{municipality.id}", municipality.id, {"on": on}
        )
    db.session.commit()
    return municipality


def members(region: Region) -> list[Municipality]:
    return list(
        db.session.scalars(
            select(Municipality).where(Municipality.region_id == region.id).order_by(Municipality.name)
        )
    )


def shared_member(region: Region, slug: str) -> Municipality | None:
    """A member that shares its picture with the region; None for anyone else (answered 404)."""
    found = db.session.scalar(
        select(Municipality).where(Municipality.slug == slug, Municipality.region_id == region.id)
    )
    return found if found is not None and found.shares_with_region() else None


def region_url(region: Region, base_url: str, days: int = DEFAULT_LINK_DAYS) -> str:
    expires = utcnow().replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=days + 1)
    return base_url.rstrip("/") + f"/region/{make_token(PURPOSE, region.slug, expires)}"
