"""A registered REST connector and webhooks signed as a real sender signs them."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

from standardwebhooks.webhooks import Webhook

from tests.factories import RestConnectorFactory


def register(base_url: str = "http://127.0.0.1:9", slug: str = "hollola", write_back: bool = True):
    """A REST connector of ``slug`` (made if missing) through the connector service, in the current app
    context; returns (row, webhook secret) for signing its webhooks."""
    row = RestConnectorFactory(municipality__slug=slug, base_url=base_url, write_back=write_back)
    return row, row.plain_webhook_secret


def event_body(item_id: str, event_type: str = "agenda_item.drafted") -> bytes:
    return json.dumps(
        {
            "type": event_type,
            "timestamp": datetime.now(UTC).isoformat(),
            "data": {"id": item_id},
        }
    ).encode()


def signed_headers(
    secret: str, body: bytes, msg_id: str | None = None, at: datetime | None = None
) -> dict[str, str]:
    """Headers signed by the standardwebhooks package itself, as a real sender would."""
    msg_id = msg_id or f"msg_{uuid.uuid4().hex}"
    at = at or datetime.now(UTC)
    signature = Webhook(secret).sign(msg_id, at, body.decode())
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signature,
        "content-type": "application/json",
    }


def stale(minutes: int) -> datetime:
    return datetime.now(UTC) - timedelta(minutes=minutes)
