"""POST /webhooks/<connector id>[/<resource>]: verify → parse → persist → commit → enqueue → answer.

The delivery is committed before it is enqueued, and a sweeper re-enqueues deliveries still waiting,
so a crash or a broker outage between the two loses nothing.

This is the hot path (hosts send bursts, and duplicates): one database connection, a single-row
SELECT of the connector, one INSERT … ON CONFLICT DO NOTHING RETURNING, one COMMIT.
"""

from __future__ import annotations

import functools
import logging
import re

from flask import Blueprint, request
from marshmallow import ValidationError
from sqlalchemy import select

from climate_plugin import queue
from climate_plugin.accounts.limits import webhook_per_sender
from climate_plugin.connectors.base import PayloadError, WebhookAuthError, WebhookEvent
from climate_plugin.connectors.registry import UnknownConnectorKind
from climate_plugin.db import db
from climate_plugin.encryption import DecryptionError
from climate_plugin.hosts.connector import inbound_connector
from climate_plugin.models import Connector, Delivery
from climate_plugin.models._types import utcnow
from climate_plugin.web.edge import storable_time, unstorable
from climate_plugin.web.errors import json_error

log = logging.getLogger(__name__)
bp = Blueprint("webhooks", __name__)

#: headers kept with a delivery for audit and redelivery; never Authorization or cookies
KEPT_HEADERS = ("content-type", "user-agent", "webhook-id", "webhook-timestamp", "webhook-signature")


#: the resource segment of ``<webhook_url>/<resource>`` (Ahjo posts each resource type to its own URL)
RESOURCE = re.compile(r"[a-z_]{1,40}")


# Ids beyond the integer column's range are unknown connectors (404), not a database overflow.
@bp.post("/webhooks/<int(max=2147483647):connector_id>")
@bp.post("/webhooks/<int(max=2147483647):connector_id>/<resource>")
@webhook_per_sender
def receive(connector_id: int, resource: str | None = None):
    if resource is not None and not RESOURCE.fullmatch(resource):
        return json_error(404, "no such webhook URL: a resource is 1 to 40 of a-z and _")
    with db.engine.connect() as conn:
        row = conn.execute(select(Connector.__table__).where(Connector.id == connector_id)).first()
        if row is None:
            return json_error(404, f"unknown connector {connector_id}")
        if not row.enabled:
            return json_error(410, f"connector {connector_id} is disabled")
        body = request.get_data(cache=False)  # over MAX_CONTENT_LENGTH: 413 from Werkzeug
        try:
            connector, secrets = inbound_connector(row)
        except UnknownConnectorKind:
            log.error("connector %s has kind %r, which is not installed", row.id, row.kind)
            return json_error(404, f"connector {connector_id} has a kind that is not installed")
        except DecryptionError as exc:
            # Nothing can be verified, so nothing is stored; a 503 has the host retry once it is fixed.
            log.error("webhook for %s", exc)
            response = json_error(
                503,
                f"connector {connector_id}'s stored secret cannot be decrypted by this service, so the "
                "webhook cannot be verified; its operator must fix CLIMATE_PLUGIN_ENCRYPTION_KEYS. "
                "Retry later",
            )
            response.headers["Retry-After"] = "300"
            return response

        try:
            connector.verify_webhook(body, request.headers, secrets)
        except WebhookAuthError as exc:
            return json_error(401, str(exc))
        try:
            event = connector.parse_webhook(body, request.headers, resource)
            _check_storable(event)
        except PayloadError as exc:
            return json_error(400, str(exc))
        except (ValueError, OverflowError) as exc:
            # A connector's parse met a value it did not expect (a date past the calendar's edge): the content
            # is wrong, whatever the signature says; a 5xx would have the sender retry it for ever.
            log.warning("webhook for connector %s: unreadable content (%s)", row.id, type(exc).__name__)
            return json_error(400, f"the webhook's content cannot be read ({type(exc).__name__})")

        now = utcnow()
        values = dict(
            connector_id=row.id,
            delivery_id=event.delivery_id,
            event_type=event.event_type,
            action=event.action,
            external_id=event.external_id,
            occurred_at=event.occurred_at,
            body=body,
            headers={k: v for k, v in request.headers.items() if k.lower() in KEPT_HEADERS},
            status="received",
            attempts=0,
            received_at=now,
            # Set before the enqueue so no second write is needed; if the enqueue fails the sweeper
            # sees a delivery that has waited too long and hands it over again.
            enqueued_at=now,
        )
        # The unique constraint, not a check-then-insert, decides: twin deliveries arrive together.
        delivery_id = conn.execute(_insert_delivery(conn.dialect.name), values).scalar()
        conn.commit()
        if delivery_id is None:
            existing = conn.execute(
                select(Delivery.id, Delivery.status).where(
                    Delivery.connector_id == row.id, Delivery.delivery_id == event.delivery_id
                )
            ).one()
            return {"delivery": existing.id, "status": existing.status, "duplicate": True}, 200

    # Committed above on the endpoint's own connection: hand it over now (the sweeper covers a failure).
    queue.enqueue_or_leave_to_sweeper("process_delivery", delivery_id)
    return {"delivery": delivery_id, "status": "received", "duplicate": False}, 202


def _check_storable(event: WebhookEvent) -> None:
    """Refuse what the database cannot store, whatever the connector accepted (a 400, not a 500): ids too
    long or with a NUL or a lone surrogate, an event time with no UTC equivalent. A sender retries a 5xx
    for ever; a 400 tells it the content itself is wrong."""
    for name, value, limit in (
        ("the delivery id (webhook-id)", event.delivery_id, Delivery.delivery_id.type.length),
        ("the item id", event.external_id, Delivery.external_id.type.length),
        ("the event type", event.event_type, Delivery.event_type.type.length),
    ):
        if len(value) > limit:
            raise PayloadError(f"{name} is longer than {limit} characters")
        if unstorable(value):
            raise PayloadError(f"{name} contains a NUL character or an unpaired surrogate")
    if event.occurred_at is not None:
        try:
            storable_time(event.occurred_at)
        except ValidationError:
            raise PayloadError("the event's time is outside the calendar (no UTC equivalent)") from None


@functools.cache
def _insert_delivery(dialect: str):
    """INSERT … ON CONFLICT DO NOTHING RETURNING id, built once: building it costs more than running it."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(Delivery).on_conflict_do_nothing().returning(Delivery.id)
