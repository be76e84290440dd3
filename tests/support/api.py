"""Shared set-up of the REST API tests: two municipalities with tokens of every role, a connector with
known secret values in each, a failed delivery, an assessed item and a failed write-back; a client that
keeps every response so a test can scan them all for secrets."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from climate_plugin.accounts.tokens import create_token
from climate_plugin.db import db
from climate_plugin.demo.sample_host import rest_connector_config
from climate_plugin.hosts.connector import create_connector
from tests.factories import AssessedItemFactory, DeliveryFactory, MunicipalityFactory, WriteBackFactory

#: the secret values stored in connector configs: none may ever come out of the API or a log
SECRETS = {"hollola": "S3cret-bearer-of-hollola-91f2", "lahti": "S3cret-bearer-of-lahti-77ab"}


def rest_config(token: str | None) -> dict:
    config = rest_connector_config("http://127.0.0.1:9")
    config["auth"] = {"type": "bearer", "token": token} if token else {"type": "none"}
    return config


class RecordingQueue:
    def __init__(self) -> None:
        self.tasks: list[tuple[str, int]] = []

    def enqueue(self, task: str, record_id: int, countdown: float = 0) -> None:
        self.tasks.append((task, record_id))


@dataclass
class Town:
    municipality_id: int
    connector_id: int
    webhook_secret: str
    delivery_id: int
    item_id: int
    write_back_id: int
    tokens: dict[str, str] = field(default_factory=dict)


def _town(slug: str) -> Town:
    town = MunicipalityFactory(slug=slug)
    row, webhook_secret = create_connector(town, "rest", f"{slug} agenda", rest_config(SECRETS[slug]))
    delivery = DeliveryFactory(
        connector=row,
        delivery_id=f"msg_{slug}",
        external_id="A-1",
        body=json.dumps({"type": "agenda_item.drafted", "data": {"id": "A-1"}}).encode(),
        headers={"webhook-id": f"msg_{slug}", "webhook-signature": "v1,c2lnbmF0dXJl"},
        status="failed",
        attempts=5,
        last_error="gave up after 5 attempts",
    )
    item = AssessedItemFactory(
        connector=row, external_id="A-1", title=f"Tram line in {slug}", body="A new tram line.",
        language="en", committee="Board", content_hash="0" * 64,
        assessment__categories=["transport"], assessment__screening_version="test",
    )
    write_back = WriteBackFactory(
        item=item, idempotency_key=f"key-{slug}", status="failed", attempts=3, last_error="host said 500"
    )
    tokens = {}
    for role in ("municipality_admin", "coordinator", "viewer"):
        _, tokens[role] = create_token(town, role, f"{slug} {role}")
    db.session.commit()
    return Town(town.id, row.id, webhook_secret, delivery.id, item.id, write_back.id, tokens)


def populate(app) -> tuple[Town, Town, str, RecordingQueue]:
    """Hollola and Lahti, a platform admin token, and a queue that records instead of running."""
    queue = RecordingQueue()
    app.extensions["climate_plugin.queue"] = queue
    with app.app_context():
        hollola, lahti = _town("hollola"), _town("lahti")
        _, platform = create_token(None, "platform_admin", "platform")
        db.session.commit()
    return hollola, lahti, platform, queue


class ApiClient:
    """The test client with a token, keeping every response body it saw."""

    def __init__(self, client) -> None:
        self.client = client
        self.bodies: list[str] = []

    def call(self, method: str, path: str, token: str | None = None, **kwargs):
        headers = kwargs.pop("headers", {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        response = self.client.open(path, method=method, headers=headers, **kwargs)
        self.bodies.append(response.get_data(as_text=True) + json.dumps(dict(response.headers)))
        return response

    def get(self, path: str, token: str | None = None, **kwargs):
        return self.call("GET", path, token, **kwargs)

    def post(self, path: str, token: str | None = None, **kwargs):
        return self.call("POST", path, token, **kwargs)

    def patch(self, path: str, token: str | None = None, **kwargs):
        return self.call("PATCH", path, token, **kwargs)
