"""Dates and times as people read them: in the municipality's time zone and the language's format.

Times are stored in UTC; everything a person reads goes through here (every page and the block written
back), so one item never shows a UTC date beside a local one. Formats come from Babel's locale data
(fi_FI, sv_FI, en_GB): "7.12.2026" in Finnish and Finland-Swedish, "7 Dec 2026" in English, which no
reader can take for a month-first date.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_date as babel_date
from babel.dates import format_datetime as babel_datetime
from babel.dates import format_time as babel_time

from climate_plugin.i18n import pick_language

#: a municipality's time zone unless it sets another
DEFAULT_TIME_ZONE = "Europe/Helsinki"

_LOCALES = {"fi": "fi_FI", "sv": "sv_FI", "en": "en_GB"}
_DATE_FORMATS = {"fi": "short", "sv": "short", "en": "medium"}
_DATETIME_FORMATS = {"fi": "d.M.y 'klo' H.mm", "sv": "d.M.y 'kl.' H.mm", "en": "d MMM y, HH:mm"}


def is_time_zone(name: Any) -> bool:
    """Whether ``name`` is an IANA time zone this system knows ("Europe/Helsinki", "UTC")."""
    if not isinstance(name, str) or not name or len(name) > 64 or name.startswith(("/", ".")):
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


@lru_cache(maxsize=64)
def _zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC  # a slim container without tz data: off by at most a few hours, never an error


def zone(name: str | None = None) -> tzinfo:
    """The time zone called ``name``; the default one for None or a name this system does not know."""
    return _zone(name if is_time_zone(name) else DEFAULT_TIME_ZONE)


def zone_of(municipality: Any) -> tzinfo:
    """A municipality's time zone (the default for None, e.g. a page before its item is known)."""
    return zone(getattr(municipality, "time_zone", None))


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; they are stored in UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def local_day(moment: datetime, tz: tzinfo | None = None) -> date:
    """The day ``moment`` falls on in ``tz``: a 00:30 submission in Helsinki is that day's."""
    return _aware(moment).astimezone(tz or zone()).date()


def local_today(tz: tzinfo | None = None, now: datetime | None = None) -> date:
    """Today in ``tz``: a commitment due "today" is due by the municipality's calendar, not by UTC's."""
    return local_day(now or datetime.now(UTC), tz)


#: the furthest any time zone runs ahead of UTC (Kiribati's Line Islands, UTC+14)
_MAX_UTC_OFFSET = timedelta(hours=14)


def latest_today(now: datetime | None = None) -> date:
    """The latest date it is anywhere on Earth at ``now``: a bound for selecting, in one query, what is due
    by any municipality's calendar; each row is then held to its own municipality's ``local_today``."""
    return (_aware(now or datetime.now(UTC)).astimezone(UTC) + _MAX_UTC_OFFSET).date()


class DueWithin:
    """Whether a date falls within ``days`` days of today by the calendar of the zone its row belongs to.

    Reminders run for every municipality at once: ``widest`` bounds the query (the latest "today" anywhere),
    then each row is held to its own zone, looked up once per key (a municipality id)."""

    def __init__(self, days: int, now: datetime, zone_for: Callable[[Hashable], tzinfo]) -> None:
        self.days = timedelta(days=days)
        self.now = now
        self.widest = latest_today(now) + self.days
        self._zone_for = zone_for
        self._horizons: dict[Hashable, date] = {}

    def __call__(self, due: date, key: Hashable) -> bool:
        if key not in self._horizons:
            self._horizons[key] = local_today(self._zone_for(key), self.now) + self.days
        return due <= self._horizons[key]


def local_day_start(day: date, tz: tzinfo | None = None) -> datetime:
    """The first moment of ``day`` in ``tz``, in UTC (what stored times are compared with)."""
    return datetime(day.year, day.month, day.day, tzinfo=tz or zone()).astimezone(UTC)


def format_date(value: date | datetime | None, lang: str, tz: tzinfo | None = None) -> str:
    """A date in the language's format; a datetime first becomes its day in ``tz``. "" for None."""
    if value is None:
        return ""
    lang = pick_language(lang)
    day = local_day(value, tz) if isinstance(value, datetime) else value
    return babel_date(day, _DATE_FORMATS[lang], locale=_LOCALES[lang])


def format_datetime(value: datetime | None, lang: str, tz: tzinfo | None = None) -> str:
    """A moment in ``tz`` in the language's format ("7.12.2026 klo 0.30"). "" for None."""
    if value is None:
        return ""
    lang = pick_language(lang)
    return babel_datetime(_aware(value), _DATETIME_FORMATS[lang], tzinfo=tz or zone(), locale=_LOCALES[lang])


def format_time(value: datetime | None, lang: str, tz: tzinfo | None = None) -> str:
    """A time of day in ``tz`` in the language's format ("14.30", "14:30"). "" for None."""
    if value is None:
        return ""
    lang = pick_language(lang)
    return babel_time(_aware(value), "short", tzinfo=tz or zone(), locale=_LOCALES[lang])
