"""Redelivering stored webhook deliveries (an administrator's or operator's action, audited): one at a time
from the admin pages and the API, or every delivery matching a filter from the command line."""

from __future__ import annotations

from sqlalchemy import select

from climate_plugin import queue
from climate_plugin.accounts.audit import audit
from climate_plugin.db import db
from climate_plugin.models import Delivery
from climate_plugin.models import delivery as delivery_status
from climate_plugin.models._types import utcnow
from climate_plugin.services import NotPossible

#: the statuses a delivery can have, in the order it goes through them
STATUSES = (
    delivery_status.RECEIVED,
    delivery_status.PROCESSING,
    delivery_status.DONE,
    delivery_status.FAILED,
)


def redeliver(delivery: Delivery) -> Delivery:
    """Process a stored delivery again from the start (its raw body is kept for this)."""
    if delivery.status == delivery_status.PROCESSING:
        raise NotPossible("the delivery is being processed right now")
    previous = delivery.status
    delivery.status = delivery_status.RECEIVED
    delivery.attempts = 0
    delivery.last_error = None
    delivery.processed_at = None
    delivery.enqueued_at = utcnow()
    audit(
        "delivery.redeliver",
        f"delivery:{delivery.id}",
        delivery.connector.municipality_id,
        {"previous_status": previous, "connector_id": delivery.connector_id},
    )
    queue.enqueue_after_commit("process_delivery", delivery.id)
    db.session.commit()
    return delivery


def matching(connector_id: int | None = None, status: str | None = None) -> list[Delivery]:
    """The deliveries of a connector (or every connector) with a status (or any), oldest first: the order
    they arrived in, which is the order to process them again."""
    stmt = select(Delivery).order_by(Delivery.id)
    if connector_id is not None:
        stmt = stmt.where(Delivery.connector_id == connector_id)
    if status is not None:
        stmt = stmt.where(Delivery.status == status)
    return list(db.session.scalars(stmt))
