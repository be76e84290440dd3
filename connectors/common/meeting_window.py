"""Which meetings a poll over ``(since, until]`` reads, when the host gives no change times.

Public decision sites (Dynasty, Tweb, CaseM's pages) date meetings, not changes: an agenda is published
days before the meeting and the minutes days or weeks after, under the same meeting. So a poll reads the
meetings held from ``revisit_days`` before its window to ``ahead_days`` after it, and the service's content
hash tells what really changed. The cost is a page per such item per poll; the connectors' docs say so.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

#: Finnish hosts date meetings in Finnish wall-clock time
HELSINKI = ZoneInfo("Europe/Helsinki")
_DAY = re.compile(r"(?<!\d)(\d{1,2})\.(\d{1,2})\.(\d{4})(?!\d)")


def finnish_date(text: str) -> date | None:
    """The first ``d.m.yyyy`` (zero-padded or not) in ``text``, or None."""
    found = _DAY.search(text or "")
    if not found:
        return None
    day, month, year = (int(g) for g in found.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def held_in_window(
    day: date, since: datetime | None, until: datetime, revisit_days: int, ahead_days: int
) -> bool:
    """True when a meeting held on ``day`` is read by a poll over ``(since, until]``."""
    first = date.min if since is None else since.astimezone(HELSINKI).date() - timedelta(days=revisit_days)
    last = until.astimezone(HELSINKI).date() + timedelta(days=ahead_days)
    return first <= day <= last
