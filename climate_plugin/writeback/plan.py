"""Whether an item's climate block must be (re)sent to its host, and planning it: the one path for every
caller (the pipeline after screening, a preparer's submit, a commitment recorded, closed or reminded).

Planning stores the block as a pending write-back in the caller's transaction; the commit hands it to
the worker (``queue.enqueue_after_commit``), and the sweeper takes it if that hand-over fails.
"""

from __future__ import annotations

import hashlib
import json
import logging

from flask import current_app
from sqlalchemy import select

from climate_plugin import queue
from climate_plugin.connectors.registry import UnknownConnectorKind, get_connector_class
from climate_plugin.db import db
from climate_plugin.models import AgendaItem, WriteBack
from climate_plugin.models import write_back as write_back_status
from climate_plugin.models._types import utcnow
from climate_plugin.writeback.block import build_climate_block

log = logging.getLogger(__name__)


def host_takes_block(item: AgendaItem) -> bool:
    """The item is live, and its connector is enabled, configured to write back and of a kind that can."""
    row = item.connector
    if item.deleted_at is not None or row is None or not row.enabled:
        return False
    if not (row.config or {}).get("write_back"):
        return False
    try:
        return get_connector_class(row.kind).capabilities.write_back
    except UnknownConnectorKind:
        log.warning("connector %s has kind %r, which is not installed: no write-back", row.id, row.kind)
        return False


def plan_write_back(item: AgendaItem, assessment=None) -> int | None:
    """Plan the item's block when its host must get it; the id of the write-back to send, or None.

    ``assessment`` defaults to the item's current one. Nothing is planned when the host does not take
    the block (:func:`host_takes_block`), when the item has no assessment yet, or when the host already
    has exactly this block (the hash of the last block planned). The caller commits; the commit hands
    the write-back to the worker.
    """
    assessment = assessment if assessment is not None else item.current_assessment
    if assessment is None or not host_takes_block(item):
        return None
    block = build_climate_block(item, assessment, current_app.config["PUBLIC_URL"])
    body_hash = hashlib.sha256(json.dumps(block, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    latest = db.session.scalars(
        select(WriteBack).where(WriteBack.item_id == item.id).order_by(WriteBack.id.desc()).limit(1)
    ).first()
    if latest is not None and latest.body_hash == body_hash:
        if latest.status != write_back_status.PENDING:
            return None
        queue.enqueue_after_commit("send_write_back", latest.id)
        return latest.id
    # The key depends on what came before, so two workers planning the same change collide on the
    # unique key (one retries and then finds the block already planned) instead of writing it twice.
    key_source = f"{item.id}:{latest.id if latest else 0}:{body_hash}"
    write_back = WriteBack(
        item_id=item.id,
        assessment_id=assessment.id,
        body=block,
        body_hash=body_hash,
        idempotency_key=hashlib.sha256(key_source.encode()).hexdigest(),
        enqueued_at=utcnow(),
    )
    db.session.add(write_back)
    db.session.flush()
    queue.enqueue_after_commit("send_write_back", write_back.id)
    return write_back.id
