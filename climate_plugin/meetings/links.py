"""A meeting's signed link (purpose "meeting", subject "<connector id>:<meeting name>") and its items in
agenda order: what board members open (``meetings.web``) and what `climate-plugin meeting link` prints."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from urllib.parse import quote

from climate_plugin.db import db
from climate_plugin.models import AgendaItem
from climate_plugin.web.signed_links import link_expiry, make_token

PURPOSE = "meeting"


def meeting_items(connector_id: int, meeting: str) -> list[AgendaItem]:
    """The meeting's live items in agenda order (external ids compared as numbers where they are)."""
    rows = db.session.scalars(
        db.select(AgendaItem).where(
            AgendaItem.connector_id == connector_id,
            AgendaItem.meeting == meeting,
            AgendaItem.deleted_at.is_(None),
        )
    ).all()
    return sorted(rows, key=lambda item: (_natural_key(item.external_id), item.id))


def _natural_key(value: str) -> tuple:
    # "2026-9" before "2026-10": compare digit runs as numbers, the rest as text.
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", value))


def meeting_expiry(items: Iterable[AgendaItem]) -> datetime:
    """When a link to the meeting expires: LINK_LIFETIME after its latest change, rounded to midnight.

    Deterministic: the same agenda gives the same link, so a host can store it, and it changes only when an
    item of the meeting changes. Raises ValueError for a meeting without items.
    """
    latest = max((item.updated_at or item.fetched_at for item in items), default=None)
    if latest is None:
        raise ValueError("the meeting has no items")
    return link_expiry(latest)


def meeting_token(connector_id: int, meeting: str, expires_at: datetime) -> str:
    return make_token(PURPOSE, f"{connector_id}:{meeting}", expires_at)


def meeting_url(connector_id: int, meeting: str, base_url: str) -> str:
    """The meeting view's address; raises ValueError when the meeting has no items."""
    token = meeting_token(connector_id, meeting, meeting_expiry(meeting_items(connector_id, meeting)))
    return base_url.rstrip("/") + f"/meetings/{quote(token, safe='')}"


def meeting_subject(subject: str) -> tuple[int, str] | None:
    connector_id, sep, meeting = subject.partition(":")
    if not sep or not connector_id.isdigit():
        return None
    return int(connector_id), meeting


def item_meeting_url(item: AgendaItem, base_url: str, lang: str) -> str | None:
    """The item on its meeting's view (its anchor, in ``lang``), or None when it has no meeting: the way
    from the checklist and the commitments page to what board members see."""
    if not item.meeting:
        return None
    try:
        url = meeting_url(item.connector_id, item.meeting, base_url)
    except ValueError:
        return None
    return f"{url}?lang={lang}#item-{item.id}"
