"""What the worker does with a delivery: fetch → upsert → screen → assess → write back.

Each step is idempotent, so a task that runs twice (a redelivery after a worker died, the sweeper)
changes nothing the second time. Functions raise ``TransientError`` for work worth retrying; the
worker decides when.
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import Literal

from flask import current_app
from sqlalchemy import select

from climate_plugin import queue
from climate_plugin.assessments import assess
from climate_plugin.attachments import fetch_attachment_texts, safe_url
from climate_plugin.climate_block import build_climate_block
from climate_plugin.connector_service import build_connector
from climate_plugin.db import db
from climate_plugin.items import find_item, mark_deleted, upsert_item
from climate_plugin.models import AgendaItem, Delivery, WriteBack
from climate_plugin.models import Connector as ConnectorRow
from climate_plugin.models import delivery as delivery_status
from climate_plugin.models import write_back as write_back_status
from climate_plugin.models._types import utcnow
from climate_plugin.outbound import PermanentError, TransientError
from connectors.base import Connector, FetchedItem

log = logging.getLogger(__name__)

#: retry delays grow as 2**attempt seconds up to this, with full jitter so a host that comes back
#: is not hit by every waiting task at the same second
MAX_RETRY_DELAY = 600.0
#: a record still waiting this long after it was last handed over (or after its retry was due)
#: was lost on the way: a crash before the enqueue, a broker outage, a worker killed mid-task.
#: Longer than the hard task time limit, so a task still running is not handed over twice.
STALE_AFTER = timedelta(minutes=5)


def retry_delay(attempt: int) -> float:
    return random.uniform(0, min(MAX_RETRY_DELAY, 2.0 ** max(attempt, 1)))


def process_delivery(delivery_id: int) -> None:
    """Run one delivery to its end; raise TransientError to have it retried."""
    delivery = db.session.get(Delivery, delivery_id)
    if delivery is None or delivery.status in (delivery_status.DONE, delivery_status.FAILED):
        return  # already handled: this is a repeat
    if _superseded(delivery):
        # A burst of events for one item (Ahjo reports a meeting as updated many times an hour): the
        # newest waiting delivery fetches the host's current state, which covers this one too.
        delivery.status = delivery_status.DONE
        delivery.processed_at = utcnow()
        delivery.last_error = None
        db.session.commit()
        return
    delivery.status = delivery_status.PROCESSING
    delivery.attempts += 1
    db.session.commit()
    try:
        write_back_id = _run(delivery)
    except TransientError as exc:
        db.session.rollback()
        _record(delivery, delivery_status.RECEIVED, exc)
        raise
    except PermanentError as exc:
        db.session.rollback()
        _record(delivery, delivery_status.FAILED, exc)
        log.warning("delivery %s failed for good: %s", delivery_id, exc)
        return
    delivery.status = delivery_status.DONE
    delivery.processed_at = utcnow()
    delivery.last_error = None
    db.session.commit()
    if write_back_id is not None:
        enqueue_write_back(write_back_id)


def _run(delivery: Delivery) -> int | None:
    row = delivery.connector
    return apply_change(row, build_connector(row), delivery.action, delivery.external_id).write_back_id


#: what applying one change did to the stored item
Outcome = Literal["created", "updated", "unchanged", "deleted"]


@dataclass(frozen=True)
class Applied:
    outcome: Outcome
    #: a planned write-back to enqueue once the caller has committed, or None
    write_back_id: int | None = None


def apply_change(
    row: ConnectorRow,
    connector: Connector,
    action: str,
    external_id: str,
    fetched: FetchedItem | None = None,
) -> Applied:
    """Bring the stored item up to the host's state: the one path for webhooks and polls.

    ``fetched`` is the item's content when the caller already has it (a poll listing that carries it);
    otherwise it is fetched. The caller commits and then enqueues ``write_back_id``.
    """
    if action == "delete":
        return Applied(_delete(row, external_id))
    if fetched is None:
        fetched = connector.fetch_item(external_id)
        if fetched is None:  # gone at the host between the event and the fetch
            return Applied(_delete(row, external_id))
    before = find_item(row, fetched.external_id)
    previous = (before.content_hash, before.deleted_at) if before is not None else None
    item = upsert_item(row, fetched, _read_attachments(connector, row, fetched))
    if previous is None:
        outcome: Outcome = "created"
    elif previous != (item.content_hash, None):
        outcome = "updated"
    else:
        outcome = "unchanged"
    if item.deleted_at is not None:
        return Applied(outcome)
    assessment = assess(item)
    if not (connector.capabilities.write_back and row.config.get("write_back")):
        return Applied(outcome)
    return Applied(outcome, plan_write_back(item, assessment))


def _delete(row: ConnectorRow, external_id: str) -> Outcome:
    item = find_item(row, external_id)
    if item is None or item.deleted_at is not None:
        return "unchanged"
    mark_deleted(row, external_id)
    return "deleted"


def _superseded(delivery: Delivery) -> bool:
    return (
        db.session.scalar(
            select(Delivery.id)
            .where(
                Delivery.connector_id == delivery.connector_id,
                Delivery.external_id == delivery.external_id,
                Delivery.id > delivery.id,
                Delivery.status.in_((delivery_status.RECEIVED, delivery_status.PROCESSING)),
            )
            .limit(1)
        )
        is not None
    )


def _read_attachments(connector, row, fetched) -> list[dict] | None:
    """Read the item's attachments if they are new or changed; None when the stored reading still holds.

    Repeated update events of one item must not download its PDFs again and again.
    """
    wanted = sorted({safe_url(a.url) for a in fetched.attachments})
    stored = find_item(row, fetched.external_id)
    if stored is not None:
        readings = stored.attachments or []
        if sorted(a["url"] for a in readings) == wanted and not any(a.get("transient") for a in readings):
            return None
    if not wanted:
        return []
    # Downloads can take a while: hold no database transaction open meanwhile.
    db.session.commit()
    settings = current_app.extensions["climate_plugin.settings"]
    results = fetch_attachment_texts(
        connector.http,
        fetched.attachments,
        max_bytes=settings.max_attachment_bytes,
        max_files=settings.max_attachments,
    )
    return [asdict(r) for r in results]


def _record(delivery: Delivery, status: str, exc: Exception) -> None:
    delivery.status = status
    delivery.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    db.session.commit()


def plan_write_back(item: AgendaItem, assessment) -> int | None:
    """Store the block to write, unless the host already has exactly this block; return its id."""
    block = build_climate_block(item, assessment, current_app.config["PUBLIC_URL"])
    body_hash = hashlib.sha256(json.dumps(block, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    latest = db.session.scalars(
        select(WriteBack).where(WriteBack.item_id == item.id).order_by(WriteBack.id.desc()).limit(1)
    ).first()
    if latest is not None and latest.body_hash == body_hash:
        return latest.id if latest.status == write_back_status.PENDING else None
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
    return write_back.id


def enqueue_write_back(write_back_id: int) -> None:
    try:
        queue.enqueue("send_write_back", write_back_id)
    except Exception:
        log.warning("could not enqueue write-back %s; the sweeper will retry", write_back_id, exc_info=True)


def send_write_back(write_back_id: int) -> None:
    """Send one stored block; a newer block for the same item makes an older one moot."""
    write_back = db.session.get(WriteBack, write_back_id)
    if write_back is None or write_back.status != write_back_status.PENDING:
        return
    newer = db.session.scalar(
        select(WriteBack.id)
        .where(WriteBack.item_id == write_back.item_id, WriteBack.id > write_back.id)
        .limit(1)
    )
    if newer is not None:
        write_back.status = write_back_status.SUPERSEDED
        db.session.commit()
        return
    item = write_back.item
    write_back.attempts += 1
    try:
        build_connector(item.connector).write_back(
            item.external_id, write_back.body, write_back.idempotency_key
        )
    except TransientError as exc:
        write_back.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        db.session.commit()
        raise
    except PermanentError as exc:
        write_back.status = write_back_status.FAILED
        write_back.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        db.session.commit()
        return
    write_back.status = write_back_status.SENT
    write_back.sent_at = utcnow()
    write_back.last_error = None
    db.session.commit()


def _model(task: str):
    # A poll keeps its state on the connector (see polling.py): nothing to note or give up here.
    return {"process_delivery": Delivery, "send_write_back": WriteBack}.get(task)


def note_retry(task: str, record_id: int, delay: float) -> None:
    """Record when the retry is due, so the sweeper does not hand the record over before then."""
    model = _model(task)
    record = db.session.get(model, record_id) if model is not None else None
    if record is not None:
        record.enqueued_at = utcnow() + timedelta(seconds=delay)
        db.session.commit()


def give_up(task: str, record_id: int, exc: Exception) -> None:
    """Mark a record failed after its last retry; it stays stored for an administrator to redeliver."""
    model = _model(task)
    record = db.session.get(model, record_id) if model is not None else None
    if record is not None:
        record.status = "failed"
        record.last_error = f"gave up after {record.attempts} attempts: {type(exc).__name__}: {exc}"[:2000]
        db.session.commit()


def sweep(stale_after: timedelta) -> list[tuple[queue.TaskName, int]]:
    """Hand over again every delivery and write-back that has waited longer than ``stale_after``.

    Covers a crash between commit and enqueue, a broker outage, and a worker killed mid-task.
    """
    cutoff = utcnow() - stale_after
    waiting: list[tuple[queue.TaskName, int]] = []
    for task, model, statuses in (
        ("process_delivery", Delivery, (delivery_status.RECEIVED, delivery_status.PROCESSING)),
        ("send_write_back", WriteBack, (write_back_status.PENDING,)),
    ):
        stmt = (
            select(model)
            .where(model.status.in_(statuses), model.enqueued_at < cutoff)
            .order_by(model.id)
            .limit(500)
            # Two sweepers (two beat processes by mistake) must not hand the same rows over twice.
            .with_for_update(skip_locked=True)
        )
        for record in db.session.scalars(stmt):
            record.enqueued_at = utcnow()
            waiting.append((task, record.id))
    db.session.commit()
    for task, record_id in waiting:
        try:
            queue.enqueue(task, record_id)
        except Exception:  # still down: the next sweep tries again
            log.warning("sweeper could not enqueue %s %s", task, record_id, exc_info=True)
    return waiting
