"""Reading values the way hosts send them: times with or without an offset, language codes."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from typing import Any

LANGUAGES = ("fi", "sv", "en")


def parse_time(value: Any, zone: tzinfo = UTC) -> datetime | None:
    """An ISO-8601 date-time as an aware datetime, in ``zone`` when it carries no offset; None if unusable."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment


def normalise_language(value: Any) -> str | None:
    """fi, sv or en from values like "fi-FI", "SV", "svenska"; None for anything else."""
    if not isinstance(value, str):
        return None
    code = value.strip()[:2].lower()
    return code if code in LANGUAGES else None
