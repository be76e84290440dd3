"""What the worker does with a delivery: fetch → upsert → screen → assess → write back.

Each step is idempotent, so a task that runs twice (a redelivery after a worker died, the sweeper)
changes nothing the second time. Functions raise ``TransientError`` for work worth retrying; the
worker decides when.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from typing import Literal

from flask import current_app
from sqlalchemy import select

from climate_plugin.assessments.service import assess
from climate_plugin.claims import claim, gave_up, max_tries
from climate_plugin.connectors.base import Connector, FetchedItem
from climate_plugin.db import db
from climate_plugin.hosts.connector import build_connector
from climate_plugin.items.attachments import fetch_attachment_texts, safe_url
from climate_plugin.items.store import find_item, mark_deleted, upsert_item
from climate_plugin.models import Connector as ConnectorRow
from climate_plugin.models import Delivery
from climate_plugin.models import delivery as delivery_status
from climate_plugin.models._types import utcnow
from climate_plugin.outbound import PermanentError, TransientError
from climate_plugin.writeback.plan import plan_write_back

log = logging.getLogger(__name__)


class ItemMissing(TransientError):
    """The host has no item the connector did not report deleted (typically a 404).

    Never taken as a deletion: a typo in the connector's item URL makes every item answer 404, and a silent
    "deleted, done" would hide it. Only an explicit signal (a delete webhook, a poll's delete) deletes.
    The delivery is retried under the same bound as any transient failure, then fails with this message.
    """


def process_delivery(delivery_id: int, redelivered: bool = False) -> None:
    """Run one delivery to its end; raise TransientError to have it retried.

    ``redelivered``: the broker handed this task's message out again, which it does when the run that had
    it is gone (its worker process died; messages are acknowledged late). Only such a message may take a
    delivery still marked "processing": any other message for it (a duplicate hand-over) finds it claimed
    and leaves it to the run that is at it."""
    delivery = db.session.get(Delivery, delivery_id)
    if delivery is None or delivery.status in (delivery_status.DONE, delivery_status.FAILED):
        return  # already handled: this is a repeat
    if _superseded(delivery):
        # A burst of events for one item (Ahjo reports a meeting as updated many times an hour): the
        # newest delivery fetches (or fetched) the host's current state, which covers this one too. So does
        # a newer one already done: a retry of an older event (a 404 before a delete) has nothing left to do.
        delivery.status = delivery_status.DONE
        delivery.processed_at = utcnow()
        delivery.last_error = None
        db.session.commit()
        return
    # Counted in the database, so the bound holds across re-enqueues. A delivery left "processing" by a worker
    # that died is claimed again by its redelivered message, or put back to "received" by the sweeper's
    # take-over (worker.sweeper.take_over_dead_workers) and claimed by the message that hands it over.
    waiting: tuple[str, ...] = (delivery_status.RECEIVED,)
    if redelivered:
        waiting += (delivery_status.PROCESSING,)
    attempts = claim(Delivery, delivery_id, waiting, delivery_status.PROCESSING)
    if attempts is None:
        return
    delivery = db.session.get(Delivery, delivery_id)
    if attempts > max_tries():
        # The runs before this one never finished (a worker killed mid-task each time): the bound holds too.
        _record(delivery, delivery_status.FAILED, None, gave_up(attempts - 1, "no attempt finished"))
        log.error("delivery %s: %s", delivery_id, delivery.last_error)
        return
    try:
        _run(delivery)
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
    db.session.commit()  # and with it the planned write-back goes to the worker (queue.enqueue_after_commit)


def _run(delivery: Delivery) -> None:
    row = delivery.connector
    apply_change(row, build_connector(row), delivery.action, delivery.external_id)


#: what applying one change did to the stored item
Outcome = Literal["created", "updated", "unchanged", "deleted"]


@dataclass(frozen=True)
class Applied:
    outcome: Outcome
    #: the write-back planned for the item, or None; handed to the worker when the caller commits
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
    otherwise it is fetched. The caller commits, which hands a planned write-back to the worker.
    """
    if action == "delete":
        return Applied(_delete(row, external_id))
    if fetched is None:
        if hasattr(connector.http, "last_refusal"):
            connector.http.last_refusal = None  # so the message names this fetch's refusal, no earlier one
        fetched = connector.fetch_item(external_id)
        if fetched is None:
            raise _missing(connector, external_id)
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
    return Applied(outcome, plan_write_back(item, assessment))


def _missing(connector: Connector, external_id: str) -> ItemMissing:
    refusal = getattr(connector.http, "last_refusal", None)
    answer = f"the host answered: {refusal}" if refusal else "the host no longer lists it"
    return ItemMissing(
        f"the host has no item {external_id[:200]!r} ({answer}), but the connector did not report it "
        "deleted, so it is not marked deleted; if every item fails like this, check the connector's "
        "item URL settings"
    )


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
                Delivery.status.in_(
                    (delivery_status.RECEIVED, delivery_status.PROCESSING, delivery_status.DONE)
                ),
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


def _record(delivery: Delivery, status: str, exc: Exception | None, message: str | None = None) -> None:
    delivery.status = status
    delivery.last_error = (message or f"{type(exc).__name__}: {exc}")[:2000]
    db.session.commit()
