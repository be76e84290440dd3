"""Storing agenda items as their host systems report them."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import select

from climate_plugin.connectors.base import FetchedItem
from climate_plugin.db import db
from climate_plugin.i18n import pick_language
from climate_plugin.models import AgendaItem
from climate_plugin.models import Connector as ConnectorRow
from climate_plugin.models._types import utcnow


def content_hash(title: str, body: str, language: str | None, attachment_texts: list[str] = ()) -> str:
    """Hash of what screening reads: an update that changes none of it needs no new assessment."""
    payload = [title, body, language, *attachment_texts]
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()


def attachment_texts(item: AgendaItem) -> list[str]:
    return [a["text"] for a in item.attachments or [] if a.get("text")]


def find_item(connector: ConnectorRow, external_id: str) -> AgendaItem | None:
    return db.session.scalar(
        select(AgendaItem).where(
            AgendaItem.connector_id == connector.id, AgendaItem.external_id == external_id
        )
    )


def upsert_item(
    connector: ConnectorRow, fetched: FetchedItem, attachments: list[dict] | None = None
) -> AgendaItem:
    """Insert or update the item; a fetched state older than the stored one changes nothing.

    ``attachments`` is what was read from the item's files (None: unchanged, keep what is stored).

    Events arrive out of order (an "updated" before its "drafted" is common), and a slow fetch can
    return an older state than a quicker one already stored.
    """
    item = find_item(connector, fetched.external_id)
    if item is None:
        item = AgendaItem(connector=connector, external_id=fetched.external_id)
        db.session.add(item)
    elif item.updated_at and fetched.updated_at and fetched.updated_at < item.updated_at:
        return item
    if attachments is not None:
        item.attachments = attachments
    new_hash = content_hash(fetched.title, fetched.body, fetched.language, attachment_texts(item))
    # A host that gives no language gets it detected at screening; keep that while the text is the same,
    # or an unchanged item would come out in another language and be written back again.
    if fetched.language is not None or new_hash != item.content_hash:
        item.language = fetched.language
    item.title = fetched.title
    item.body = fetched.body
    item.meeting = fetched.meeting
    item.committee = fetched.committee
    # getattr: a FetchedItem from a connector built before meeting days and decisions were reported
    item.meeting_date = getattr(fetched, "meeting_date", None)
    decision = getattr(fetched, "decision", None)
    item.decision_state = decision.state if decision is not None else None
    item.decision_text = decision.text if decision is not None else None
    item.decided_on = decision.decided_on if decision is not None else None
    item.url = fetched.url
    item.updated_at = fetched.updated_at or item.updated_at
    item.content_hash = new_hash
    item.deleted_at = None
    item.fetched_at = utcnow()
    db.session.flush()
    return item


def mark_deleted(connector: ConnectorRow, external_id: str) -> AgendaItem | None:
    item = find_item(connector, external_id)
    if item is not None and item.deleted_at is None:
        item.deleted_at = utcnow()
        db.session.flush()
    return item


def item_language(item: Any) -> str:
    """The item's own language, else its municipality's, else Finnish."""
    connector = getattr(item, "connector", None)
    municipality = getattr(connector, "municipality", None)
    return pick_language(item.language, getattr(municipality, "language", None))
