"""A small but real agenda system for the demo and the tests.

It serves items over a JSON API shaped for the generic REST connector, accepts climate blocks written back to
it (honouring ``Idempotency-Key`` the way payment APIs do), and sends Standard Webhooks-signed events when an
item is drafted, updated or deleted, with retries like a real sender. Everything lives in memory.

    GET  /                       a small HTML page for people (items and their climate blocks); see page_url
    GET  /items                  all items, JSON
    GET  /items/<id>             one item, or 404
    GET  /items/<id>/climate     the stored climate block, or 404
    POST|PUT|PATCH /items/<id>/climate    store a climate block (201 the first time, then 200)
"""

from __future__ import annotations

import base64
import dataclasses
import hmac
import html
import json
import logging
import secrets
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

import requests
from standardwebhooks.webhooks import Webhook

log = logging.getLogger(__name__)

#: the fields an item has besides its id; anything else (e.g. the demo's "expected" label) is dropped
ITEM_FIELDS = ("title", "body", "language", "meeting", "committee")
#: pauses before the 2nd, 3rd, ... attempt of a webhook delivery
DEFAULT_RETRY_DELAYS: tuple[float, ...] = (0.2, 0.5, 1.0)

Response = tuple[int, bytes, dict[str, str]]


def generate_secret() -> str:
    """A fresh Standard Webhooks secret: ``whsec_`` + base64 of 32 random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def _now() -> datetime:
    return datetime.now(UTC)


def _json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode()


@dataclass
class Delivery:
    """One webhook message and what happened when it was sent."""

    webhook_id: str
    event_type: str
    item_id: str
    url: str
    body: bytes  #: the exact bytes that were signed and sent
    headers: dict[str, str]
    attempts: int = 0
    status: int | None = None  #: the last HTTP status, None if no answer came
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


@dataclass(frozen=True)
class _StoredResponse:
    block: dict
    response: Response


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], sample_host: SampleHost) -> None:
        self.sample_host = sample_host
        super().__init__(address, _Handler)


def rest_connector_config(base_url: str, write_back: bool = True) -> dict:
    """The generic REST connector's config for an agenda API shaped like this sample host's."""
    return {
        "base_url": base_url,
        "auth": {"type": "none"},
        "item_path": "/items/{id}",
        "fields": {
            "title": "/title",
            "body": "/body",
            "language": "/language",
            "updated_at": "/updated_at",
            "meeting": "/meeting",
            "committee": "/committee",
        },
        "write_back": {"method": "POST", "path": "/items/{id}/climate"} if write_back else None,
    }


class SampleHost:
    """An in-memory agenda system speaking HTTP on a free local port; see the module docstring."""

    def __init__(
        self,
        webhook_url: str | None = None,
        webhook_secret: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        api_token: str | None = None,
        retry_delays: tuple[float, ...] = DEFAULT_RETRY_DELAYS,
        timeout: float = 10.0,
    ) -> None:
        self.host, self.port = host, port
        self.api_token = api_token
        self.retry_delays = retry_delays
        self.timeout = timeout
        self._webhook_url = webhook_url
        self._webhook = Webhook(webhook_secret) if webhook_secret else None
        self._lock = threading.Lock()
        self._items: dict[str, dict] = {}
        self._blocks: dict[str, dict] = {}
        self._write_backs: dict[str, int] = {}
        self._write_back_requests: dict[str, int] = {}
        self._idempotent: dict[tuple[str, str], _StoredResponse] = {}
        self._deliveries: dict[str, Delivery] = {}
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ----------------------------------------------------------------------------------------
    def start(self) -> SampleHost:
        if self._server is not None:
            raise RuntimeError("SampleHost is already running")
        self._server = _Server((self.host, self.port), self)
        # A short poll interval: stop() waits for the serving loop to notice, 0.5 s by default.
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="sample-host", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> SampleHost:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("SampleHost is not running; call start() first")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def page_url(self) -> str:
        """The overview page's address for a browser, with the token in the query when one is required."""
        token = f"/?token={quote(self.api_token, safe='')}" if self.api_token else "/"
        return self.base_url + token

    def configure_webhook(self, url: str, secret: str) -> None:
        """Set where events go; the receiving connector usually exists only after the host has started."""
        webhook = Webhook(secret)  # fails here, not at the first draft, if the secret is malformed
        with self._lock:
            self._webhook_url, self._webhook = url, webhook

    # --- the agenda system's own actions ------------------------------------------------------------------
    def add(self, item: dict) -> str:
        """Store or replace an item without sending a webhook (to seed the host); return its id."""
        item_id = str(item["id"])
        stored = {"id": item_id, **{name: item.get(name) for name in ITEM_FIELDS}}
        # Microseconds, so that an update right after a draft is still strictly newer to the receiver.
        stored["updated_at"] = _now().isoformat()
        with self._lock:
            self._items[item_id] = stored
        return item_id

    def draft(self, item: dict) -> str:
        """Store the item and send ``agenda_item.drafted``; return the webhook id."""
        return self._notify("agenda_item.drafted", self.add(item))

    def update(self, item_id: str, **changes: Any) -> str:
        """Change some fields of an item and send ``agenda_item.updated``; return the webhook id."""
        unknown = set(changes) - set(ITEM_FIELDS)
        if unknown:
            raise ValueError(f"unknown item fields: {', '.join(sorted(unknown))}")
        with self._lock:
            item = self._items[item_id]
            item.update(changes, updated_at=_now().isoformat())
        return self._notify("agenda_item.updated", item_id)

    def delete(self, item_id: str) -> str:
        """Remove an item (the API answers 404 for it from now on) and send ``agenda_item.deleted``."""
        with self._lock:
            del self._items[item_id]
            self._blocks.pop(item_id, None)
        return self._notify("agenda_item.deleted", item_id)

    def redeliver(self, webhook_id: str) -> int | None:
        """Send an earlier message again, byte for byte with the same headers, as senders' retries do."""
        with self._lock:
            delivery = self._deliveries[webhook_id]
        return self._deliver(delivery)

    # --- what the demo runner and tests read --------------------------------------------------------------
    def items(self) -> list[dict]:
        with self._lock:
            return [dict(item) for item in self._items.values()]

    def climate_blocks(self) -> dict[str, dict]:
        with self._lock:
            return {item_id: json.loads(json.dumps(block)) for item_id, block in self._blocks.items()}

    def write_back_count(self, item_id: str) -> int:
        """How many climate blocks were actually stored for the item (replays excluded)."""
        with self._lock:
            return self._write_backs.get(item_id, 0)

    def write_back_requests(self, item_id: str) -> int:
        """How many authorised write-back requests arrived for the item, replays and errors included."""
        with self._lock:
            return self._write_back_requests.get(item_id, 0)

    def deliveries(self) -> list[Delivery]:
        with self._lock:
            return [dataclasses.replace(d, headers=dict(d.headers)) for d in self._deliveries.values()]

    def delivery(self, webhook_id: str) -> Delivery:
        with self._lock:
            d = self._deliveries[webhook_id]
            return dataclasses.replace(d, headers=dict(d.headers))

    # --- webhooks -----------------------------------------------------------------------------------------
    def _notify(self, event_type: str, item_id: str) -> str:
        with self._lock:
            url, webhook = self._webhook_url, self._webhook
        if not url or webhook is None:
            raise RuntimeError("no webhook configured; call configure_webhook(url, secret) first")
        now = _now()
        webhook_id = f"msg_{uuid.uuid4().hex}"
        body = json.dumps({"type": event_type, "timestamp": now.isoformat(), "data": {"id": item_id}})
        headers = {
            "webhook-id": webhook_id,
            "webhook-timestamp": str(int(now.timestamp())),
            "webhook-signature": webhook.sign(webhook_id, now, body),
            "content-type": "application/json",
        }
        delivery = Delivery(webhook_id, event_type, item_id, url, body.encode(), headers)
        with self._lock:
            self._deliveries[webhook_id] = delivery
        self._deliver(delivery)
        return webhook_id

    def _deliver(self, delivery: Delivery) -> int | None:
        """POST the message, retrying network errors, 429 and 5xx; 2xx ends it, other answers are final.

        Runs without holding the lock: the receiver may fetch the item from this host before it answers.
        """
        status: int | None = None
        error: str | None = None
        for delay in (0.0, *self.retry_delays):
            time.sleep(delay)
            # A fresh session that ignores proxy settings from the environment: the target is a local service.
            with requests.Session() as http:
                http.trust_env = False
                try:
                    answer = http.post(
                        delivery.url,
                        data=delivery.body,
                        headers=delivery.headers,
                        timeout=self.timeout,
                        allow_redirects=False,  # Standard Webhooks counts a redirect as a failure
                    )
                    status = answer.status_code
                    error = None if 200 <= status < 300 else f"HTTP {status}"
                except requests.RequestException as exc:
                    status, error = None, f"{type(exc).__name__}: {exc}"
            with self._lock:
                delivery.attempts += 1
                delivery.status, delivery.error = status, error
            if status is not None and status < 500 and status != 429:
                break
        if error:
            log.warning("webhook %s to %s failed: %s", delivery.webhook_id, delivery.url, error)
        return status

    # --- HTTP API (called from the handler threads) -------------------------------------------------------
    def _authorised(self, header: str | None) -> bool:
        if self.api_token is None:
            return True
        expected = f"Bearer {self.api_token}".encode()
        return hmac.compare_digest((header or "").encode(), expected)

    def _get_item(self, item_id: str) -> Response:
        with self._lock:
            item = self._items.get(item_id)
            item = dict(item) if item else None
        if item is None:
            return _error(HTTPStatus.NOT_FOUND, f"no item {item_id}")
        return _ok(item)

    def _get_climate(self, item_id: str) -> Response:
        with self._lock:
            block = self._blocks.get(item_id)
        if block is None:
            return _error(HTTPStatus.NOT_FOUND, f"no climate block for {item_id}")
        return _ok(block)

    def _put_climate(self, item_id: str, raw: bytes, idempotency_key: str | None) -> Response:
        try:
            block = json.loads(raw)
        except (UnicodeDecodeError, ValueError):
            block = None
        # Check, store and remember the answer under one lock, so twin requests racing each other store once.
        with self._lock:
            self._write_back_requests[item_id] = self._write_back_requests.get(item_id, 0) + 1
            if item_id not in self._items:
                return _error(HTTPStatus.NOT_FOUND, f"no item {item_id}")
            if not isinstance(block, dict):
                return _error(HTTPStatus.BAD_REQUEST, "the climate block must be a JSON object")
            if idempotency_key:
                earlier = self._idempotent.get((item_id, idempotency_key))
                if earlier is not None:
                    if earlier.block != block:
                        # The IETF Idempotency-Key draft: a key reused with another body is a client bug.
                        return _error(HTTPStatus.UNPROCESSABLE_ENTITY, "Idempotency-Key reused, other body")
                    status, body, headers = earlier.response
                    return status, body, {**headers, "Idempotent-Replayed": "true"}
            status = HTTPStatus.OK if item_id in self._blocks else HTTPStatus.CREATED
            self._blocks[item_id] = block
            count = self._write_backs[item_id] = self._write_backs.get(item_id, 0) + 1
            response = _ok({"id": item_id, "write_back": count, "stored_at": _now().isoformat()}, status)
            if idempotency_key:
                self._idempotent[(item_id, idempotency_key)] = _StoredResponse(block, response)
            return response

    def _list(self) -> Response:
        return _ok(self.items())

    def _page(self) -> Response:
        with self._lock:
            rows = [
                (dict(item), self._blocks.get(item_id), self._write_backs.get(item_id, 0))
                for item_id, item in self._items.items()
            ]
        e = html.escape
        parts = [
            "<!doctype html><html><head><meta charset='utf-8'><meta http-equiv='refresh' content='5'>",
            "<title>Sample agenda system</title>",
            "<style>body{font-family:sans-serif}td,th{border:1px solid #ccc;padding:4px;vertical-align:top}"
            "table{border-collapse:collapse}pre{margin:0;white-space:pre-wrap}</style></head><body>",
            f"<h1>Sample agenda system</h1><p>{len(rows)} items &middot; <a href='/items'>JSON</a></p>",
            "<table><tr><th>id</th><th>meeting</th><th>title</th><th>lang</th><th>updated</th>"
            "<th>write-backs</th><th>climate block</th></tr>",
        ]
        for item, block, count in rows:
            shown = json.dumps(block, ensure_ascii=False, indent=2) if block is not None else "–"
            parts.append(
                f"<tr><td>{e(item['id'])}</td><td>{e(str(item['meeting'] or ''))}</td>"
                f"<td>{e(str(item['title'] or ''))}</td><td>{e(str(item['language'] or ''))}</td>"
                f"<td>{e(item['updated_at'])}</td><td>{count}</td><td><pre>{e(shown)}</pre></td></tr>"
            )
        parts.append("</table></body></html>")
        return HTTPStatus.OK, "".join(parts).encode(), {"Content-Type": "text/html; charset=utf-8"}


def _ok(data: Any, status: int = HTTPStatus.OK) -> Response:
    return int(status), _json(data), {"Content-Type": "application/json"}


def _error(status: int, message: str) -> Response:
    return int(status), _json({"error": message}), {"Content-Type": "application/json"}


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "SampleAgendaHost/1.0"

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def do_PATCH(self) -> None:
        self._dispatch("PATCH")

    def _dispatch(self, method: str) -> None:
        host = self.server.sample_host
        url = urlsplit(self.path)
        # Split before unquoting, so an id containing an encoded "/" stays one segment.
        parts = [unquote(p) for p in url.path.strip("/").split("/") if p]
        try:
            length = int(self.headers.get("Content-Length") or 0) if method != "GET" else 0
        except ValueError:
            length = -1
        if length < 0:  # a negative length would make read() wait for the client to hang up
            return self._send(_error(HTTPStatus.BAD_REQUEST, "bad Content-Length"))
        # Read the body even when answering with an error, so the connection stays in a clean state.
        raw = self.rfile.read(length)
        authorization = self.headers.get("Authorization")
        if parts == [] and method == "GET" and "token" in parse_qs(url.query):
            # A browser cannot send a bearer header, so the overview page (only) also takes ?token=...
            authorization = f"Bearer {parse_qs(url.query)['token'][0]}"
        # Every path needs the token, "/" included: connectors test their credentials against the base URL.
        if not host._authorised(authorization):
            status, body, headers = _error(HTTPStatus.UNAUTHORIZED, "missing or wrong bearer token")
            return self._send((status, body, {**headers, "WWW-Authenticate": "Bearer"}))
        match parts, method:
            case [], "GET":
                response = host._page()
            case ["items"], "GET":
                response = host._list()
            case ["items", item_id], "GET":
                response = host._get_item(item_id)
            case ["items", item_id, "climate"], "GET":
                response = host._get_climate(item_id)
            case ["items", item_id, "climate"], _:
                response = host._put_climate(item_id, raw, self.headers.get("Idempotency-Key"))
            case ((["items"] | ["items", _]), _):
                response = _error(HTTPStatus.METHOD_NOT_ALLOWED, f"{method} not allowed here")
            case _:
                response = _error(HTTPStatus.NOT_FOUND, "no such resource")
        self._send(response)

    def _send(self, response: Response) -> None:
        status, body, headers = response
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        # Keep the demo's terminal output readable; the access log is there at debug level.
        log.debug("sample host: " + format, *args)
