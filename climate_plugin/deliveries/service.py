"""Redelivering a stored webhook delivery (an administrator's action, audited)."""

from __future__ import annotations

from climate_plugin import queue
from climate_plugin.accounts.audit import audit
from climate_plugin.db import db
from climate_plugin.models import Delivery
from climate_plugin.models import delivery as delivery_status
from climate_plugin.models._types import utcnow
from climate_plugin.services import NotPossible


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
