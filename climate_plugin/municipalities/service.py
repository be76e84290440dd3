"""Registering municipalities and changing them: the one place for the admin API and the CLI, each change
recorded in the audit log. Bad input raises ``marshmallow.ValidationError`` with a message per field; a
slug that is taken raises :class:`climate_plugin.services.NotPossible`. Every function commits."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import tzinfo
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import select

from climate_plugin.accounts.audit import audit
from climate_plugin.dates import DEFAULT_TIME_ZONE, is_time_zone, zone_of
from climate_plugin.db import db
from climate_plugin.i18n import LANGUAGES
from climate_plugin.models import Municipality
from climate_plugin.models.municipality import GAME_ELEMENTS, valid_frame_ancestor
from climate_plugin.services import NotPossible, check_name

#: a municipality's short name in URLs
SLUG = r"^[a-z0-9][a-z0-9-]{0,62}$"


def _target(row: Municipality) -> str:
    return f"municipality:{row.id}"


def _check_language(language: Any) -> str:
    if language not in LANGUAGES:
        raise ValidationError({"language": [f"must be one of: {', '.join(LANGUAGES)}"]})
    return language


def _check_time_zone(name: Any) -> str:
    if not is_time_zone(name):
        message = f"{str(name)[:64]!r} is not a time zone; use an IANA name such as {DEFAULT_TIME_ZONE}"
        raise ValidationError({"time_zone": [message]})
    return name


def find(slug: str) -> Municipality | None:
    return db.session.scalar(select(Municipality).where(Municipality.slug == slug))


def create_municipality(
    slug: Any, name: Any, language: Any = "fi", time_zone: Any = DEFAULT_TIME_ZONE
) -> Municipality:
    if not isinstance(slug, str) or not re.match(SLUG, slug):
        raise ValidationError({"slug": ["use lowercase letters, digits and hyphens (at most 63)"]})
    clean_name = check_name(name)
    _check_language(language)
    _check_time_zone(time_zone)
    if find(slug) is not None:
        raise NotPossible(f"a municipality with slug {slug!r} exists already")
    row = Municipality(slug=slug, name=clean_name, language=language, time_zone=time_zone)
    db.session.add(row)
    db.session.flush()
    details = {"slug": slug, "name": clean_name, "language": language, "time_zone": time_zone}
    audit("municipality.create", _target(row), row.id, details)
    db.session.commit()
    return row


def update_municipality(row: Municipality, changes: Mapping[str, Any]) -> Municipality:
    """Change the name, language and/or time zone."""
    clean: dict[str, Any] = {}
    if "name" in changes:
        clean["name"] = check_name(changes["name"])
    if "language" in changes:
        clean["language"] = _check_language(changes["language"])
    if "time_zone" in changes:
        clean["time_zone"] = _check_time_zone(changes["time_zone"])
    audited = {k: {"from": getattr(row, k), "to": v} for k, v in clean.items() if getattr(row, k) != v}
    for key, value in clean.items():
        setattr(row, key, value)
    if audited:
        audit("municipality.update", _target(row), row.id, audited)
    db.session.commit()
    return row


def change_settings(
    row: Municipality,
    game_off: Iterable[str] = (),
    game_on: Iterable[str] = (),
    frame_ancestors: list[str] | None = None,
    screening_sensitivity: str | None = None,
) -> Municipality:
    """Switch game elements off or on, set the origins that may embed the meeting view, and/or choose the
    screening's operating point (a change screens the municipality's items again on their next change)."""
    from climate_plugin.screening import DEFAULT_SENSITIVITY, sensitivities

    off, on = set(game_off), set(game_on)
    unknown = sorted((off | on) - set(GAME_ELEMENTS))
    if unknown:
        raise ValidationError({"game": [f"unknown game element(s) {', '.join(unknown)}"]})
    if off & on:
        raise ValidationError({"game": [f"{', '.join(sorted(off & on))} both on and off"]})
    if frame_ancestors is not None:
        bad = [origin for origin in frame_ancestors if not valid_frame_ancestor(origin)]
        if bad:
            raise ValidationError({"frame_ancestors": [f"not an origin: {', '.join(bad)}"]})
    points = [point["name"] for point in sensitivities()]
    if screening_sensitivity is not None and screening_sensitivity not in points:
        raise ValidationError(
            {"screening_sensitivity": [f"{screening_sensitivity!r} is not one of: {', '.join(points)}"]}
        )
    game = {**dict.fromkeys(off, False), **dict.fromkeys(on, True)}
    row.update_settings(game=game, frame_ancestors=frame_ancestors)
    details: dict[str, Any] = {}
    if game:
        details["game"] = game
    if frame_ancestors is not None:
        details["frame_ancestors"] = frame_ancestors
    if screening_sensitivity is not None:
        # the default is stored as NULL, so a municipality follows the default if it ever changes
        default = screening_sensitivity == DEFAULT_SENSITIVITY
        row.screening_sensitivity = None if default else screening_sensitivity
        details["screening_sensitivity"] = screening_sensitivity
    if details:
        audit("municipality.settings", _target(row), row.id, details)
    db.session.commit()
    return row


def time_zone(municipality_id: int | None) -> tzinfo:
    """The time zone of the municipality with this id (the default for None or an id not stored)."""
    return zone_of(db.session.get(Municipality, municipality_id) if municipality_id is not None else None)
