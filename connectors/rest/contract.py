"""The generic REST connector's contract fixture (see ``connectors/contract/__init__.py``).

Its fake host is the demo's sample agenda system (``climate_plugin.demo.sample_host.SampleHost``), with a
bearer token required, so that the suite also exercises the connector's credentials, plus the knobs the
contract needs: injected failures, deletion without a webhook, a request counter.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from climate_plugin.connectors.common.signature import sign_standard_webhook
from climate_plugin.connectors.contract import ContractFixture, FakeHost, InvalidConfig, SampleWebhook
from climate_plugin.demo.sample_host import SampleHost, _error, _Handler, rest_connector_config

API_TOKEN = "contract-token-3f9a"
ITEMS = (
    {
        "id": "2026-101",
        "title": "Koulun lämmitystapamuutos",
        "body": "Öljylämmitys korvataan maalämmöllä.",
        "language": "fi",
        "meeting": "Tekninen lautakunta 3/2026",
        "committee": "Tekninen lautakunta",
    },
    {
        "id": "2026-102",
        "title": "Cykelvägar i centrum",
        "body": "Staden bygger nya cykelvägar.",
        "language": "sv",
        "meeting": "Tekniska nämnden 3/2026",
        "committee": "Tekniska nämnden",
    },
)


class _FaultyHandler(_Handler):
    """The sample host's handler, answering with an injected status while failures are queued."""

    def _dispatch(self, method: str) -> None:
        host: ContractSampleHost = self.server.sample_host  # type: ignore[assignment]
        status = host._take_request()
        if status is None:
            return super()._dispatch(method)
        # Read the body all the same, so the connection is left in a clean state.
        length = int(self.headers.get("Content-Length") or 0) if method != "GET" else 0
        self.rfile.read(max(length, 0))
        self._send(_error(status, "injected failure"))


class ContractSampleHost(SampleHost, FakeHost):
    def __init__(self) -> None:
        super().__init__(api_token=API_TOKEN)
        self._faults: list[int] = []
        self._requests = 0
        self._counter_lock = threading.Lock()

    def start(self) -> ContractSampleHost:
        super().start()
        # Swapped before start() returns: nobody knows the port yet, so no request used the old handler.
        self._server.RequestHandlerClass = _FaultyHandler  # type: ignore[union-attr]
        return self

    def _take_request(self) -> int | None:
        with self._counter_lock:
            self._requests += 1
            return self._faults.pop(0) if self._faults else None

    # --- FakeHost ----------------------------------------------------------------------------------
    def fail_next(self, status: int, times: int = 1) -> None:
        with self._counter_lock:
            self._faults.extend([status] * times)

    def delete(self, external_id: str) -> None:
        # SampleHost.delete also sends a webhook; the contract only needs the item gone.
        with self._lock:
            del self._items[external_id]
            self._blocks.pop(external_id, None)

    def request_count(self) -> int:
        with self._counter_lock:
            return self._requests

    def write_backs(self, external_id: str) -> int:
        return self.write_back_count(external_id)


def _signed(
    secret: str,
    payload: Any,
    *,
    at: datetime | None = None,
    raw: bytes | None = None,
    resource: str | None = None,
    description: str = "",
    **expected: Any,
) -> SampleWebhook:
    body = raw if raw is not None else json.dumps(payload).encode()
    headers = sign_standard_webhook(secret, f"msg_{uuid.uuid4().hex}", at or datetime.now(UTC), body)
    headers["content-type"] = "application/json"
    return SampleWebhook(body, headers, resource, description=description, **expected)


def _event(event_type: str, item_id: str) -> dict[str, Any]:
    return {"type": event_type, "timestamp": datetime.now(UTC).isoformat(), "data": {"id": item_id}}


class RestContract(ContractFixture):
    kind = "rest"

    def valid_configs(self) -> Sequence[Mapping[str, Any]]:
        base = rest_connector_config("https://agenda.example.fi/api")
        return [
            base,
            {**base, "auth": {"type": "bearer", "token": "t0ken"}},
            {**base, "auth": {"type": "api_key", "key": "k3y", "header": "X-Agenda-Key"}},
            {**base, "auth": {"type": "api_key", "key": "k3y", "query_param": "apikey"}},
            {**base, "auth": {"type": "basic", "username": "plugin", "password": "pa55"}, "write_back": None},
            {
                **base,
                "fields": {**base["fields"], "attachments": "/files"},
                "attachment_fields": {"url": "/accessUrl", "name": "/name", "mime_type": "/mimeType"},
            },
        ]

    def invalid_configs(self) -> Sequence[InvalidConfig]:
        base = rest_connector_config("https://agenda.example.fi/api")
        without_base_url = {k: v for k, v in base.items() if k != "base_url"}
        return [
            InvalidConfig(without_base_url, "base_url", "base_url missing"),
            InvalidConfig({**base, "base_url": "ftp://agenda.example.fi"}, "base_url", "not http(s)"),
            InvalidConfig(
                {**base, "base_url": "https://u:p@agenda.example.fi"}, "base_url", "credentials in URL"
            ),
            InvalidConfig({**base, "auth": {"type": "bearer"}}, "auth.token", "bearer without token"),
            InvalidConfig({**base, "auth": {"type": "oauth"}}, "auth.type", "unknown auth type"),
            InvalidConfig({**base, "fields": {"body": "/body"}}, "fields.title", "no title pointer"),
            InvalidConfig({**base, "fields": {"title": "title"}}, "fields.title", "not a JSON Pointer"),
            InvalidConfig({**base, "item_path": "/items"}, "item_path", "item_path without {id}"),
            InvalidConfig(
                {**base, "attachment_fields": {"url": "/u"}},
                "attachment_fields",
                "attachment_fields without fields.attachments",
            ),
            InvalidConfig(
                {**base, "write_back": {"method": "DELETE", "path": "/items/{id}/climate"}},
                "write_back.method",
                "write-back method DELETE",
            ),
            InvalidConfig({**base, "surprise": 1}, "surprise", "unknown field"),
        ]

    def start_host(self) -> FakeHost:
        host = ContractSampleHost().start()
        for item in ITEMS:
            host.add(item)
        return host

    def config_for(self, host: FakeHost) -> Mapping[str, Any]:
        return {**rest_connector_config(host.base_url), "auth": {"type": "bearer", "token": API_TOKEN}}

    def items(self, host: FakeHost) -> Mapping[str, str]:
        return {item["id"]: item["title"] for item in ITEMS}

    def webhooks(self, host: FakeHost, secret: str) -> Sequence[SampleWebhook]:
        return [
            _signed(
                secret, _event("agenda_item.drafted", "2026-101"), action="upsert", external_id="2026-101"
            ),
            _signed(
                secret, _event("agenda_item.updated", "2026-102"), action="upsert", external_id="2026-102"
            ),
            _signed(
                secret, _event("agenda_item.deleted", "2026-101"), action="delete", external_id="2026-101"
            ),
            # ids may be integers in the host's JSON; they are kept as strings
            _signed(
                secret, {"type": "agenda_item.drafted", "data": {"id": 7}}, action="upsert", external_id="7"
            ),
        ]

    def malformed_webhooks(self, host: FakeHost, secret: str) -> Sequence[SampleWebhook]:
        return [
            _signed(secret, None, raw=b"<xml/>", description="not JSON"),
            _signed(secret, [1, 2], description="not an object"),
            _signed(secret, _event("agenda_item.archived", "2026-101"), description="unknown event type"),
            _signed(secret, {"type": "agenda_item.drafted", "data": {}}, description="no data.id"),
            _signed(secret, {"type": "agenda_item.drafted", "data": {"id": True}}, description="boolean id"),
            _signed(
                secret,
                _event("agenda_item.drafted", "2026-101"),
                resource="decisions",
                description="posted below the webhook URL",
            ),
        ]

    def forged_webhooks(self, host: FakeHost, secret: str) -> Sequence[SampleWebhook]:
        good = _signed(secret, _event("agenda_item.drafted", "2026-101"))
        stale = _signed(
            secret, _event("agenda_item.drafted", "2026-101"), at=datetime.now(UTC) - timedelta(hours=1)
        )
        return [
            SampleWebhook(
                good.body.replace(b"2026-101", b"2026-666"),
                good.headers,
                description="body changed after signing",
            ),
            SampleWebhook(stale.body, stale.headers, description="timestamp an hour old"),
        ]
