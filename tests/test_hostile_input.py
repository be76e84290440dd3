"""Hostile input at POST /webhooks/<id> and through the pipeline to the public checklist page.

Every answer is a 4xx or a 2xx, never a 500; a rejected webhook stores no delivery. The webhook variants
are correctly signed, so they get past the signature check and reach the parser and the database.
They run on SQLite and, when it is reachable, on PostgreSQL, whose column types are strict.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
import uuid
from contextlib import ExitStack

import pytest
from sqlalchemy import select

from climate_plugin.assessments.links import checklist_token
from climate_plugin.db import db
from climate_plugin.demo.sample_host import SampleHost
from climate_plugin.models import AgendaItem, Delivery
from climate_plugin.worker.runner import run_task
from tests.support.app import build_app
from tests.support.services import scratch_database
from tests.support.webhooks import register


def sign(secret: str, body: bytes, msg_id: str | None = None) -> dict[str, str]:
    """Standard Webhooks headers computed over the raw bytes (the package can only sign text)."""
    msg_id = msg_id if msg_id is not None else f"msg_{uuid.uuid4().hex}"
    timestamp = str(int(time.time()))
    key = base64.b64decode(secret.removeprefix("whsec_"))
    digest = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": timestamp,
        "webhook-signature": "v1," + base64.b64encode(digest).decode(),
        "content-type": "application/json",
    }


def event(item_id, **extra) -> bytes:
    return json.dumps({"type": "agenda_item.drafted", "data": {"id": item_id}, **extra}).encode()


DEEP = 100_000  # well under the 1 MiB body limit, far over Python's recursion limit
HOSTILE = {
    # name: (body, expected status class or exact status)
    "nested-json-in-data": (
        b'{"type": "agenda_item.drafted", "data": {"id": "1", "x": ' + b"[" * DEEP + b"]" * DEEP + b"}}",
        "4xx",
    ),
    "nested-json-top": (b"[" * DEEP + b"]" * DEEP, "4xx"),
    "nested-objects": (b'{"a":' * DEEP + b"1" + b"}" * DEEP, "4xx"),
    "non-utf8": (b'{"type": "agenda_item.drafted", "data": {"id": "\xff\xfe\xc3"}}', "4xx"),
    "latin1": ('{"type": "agenda_item.drafted", "data": {"id": "Hämeenlinna"}}'.encode("latin-1"), "4xx"),
    "utf8-bom": (b"\xef\xbb\xbf" + event("bom"), "any"),
    "control-and-script-id": (event("a\x00b\x1b[31m\x07<script>alert(1)</script>\u202e\ufeff"), "any"),
    "script-id": (event("<script>alert(1)</script>"), "any"),
    "path-traversal-id": (event("../../admin?x=1#f"), "any"),
    "dot-dot-id": (event(".."), "4xx"),
    "id-10000-chars": (event("x" * 10_000), "4xx"),
    "id-257-chars": (event("x" * 257), "4xx"),
    "id-256-multibyte": (event("ä" * 256), "any"),
    "id-number": (event(2026), "any"),
    "id-huge-number": (event(10**400), "4xx"),
    "id-float": (event(1.5), "4xx"),
    "id-true": (event(True), "4xx"),
    "id-null": (event(None), "4xx"),
    "id-list": (event(["1"]), "4xx"),
    "id-empty": (event("   "), "4xx"),
    "duplicate-keys": (
        b'{"type": "agenda_item.drafted", "type": "agenda_item.deleted", '
        b'"data": {"id": "1"}, "data": {"id": "2", "id": "3"}}',
        "any",
    ),
    "nan-timestamp": (event("1", timestamp=float("nan")), "4xx"),
    "timestamp-number": (event("1", timestamp=12), "4xx"),
    "timestamp-year-0": (event("1", timestamp="0000-01-01T00:00:00"), "4xx"),
    "timestamp-huge-offset": (event("1", timestamp="2026-01-01T00:00:00+99:00"), "4xx"),
    "unknown-type": (json.dumps({"type": "<script>", "data": {"id": "1"}}).encode(), "4xx"),
    "type-object": (json.dumps({"type": {"a": 1}, "data": {"id": "1"}}).encode(), "4xx"),
    "not-an-object": (b'"agenda_item.drafted"', "4xx"),
    "null": (b"null", "4xx"),
    "empty": (b"", "4xx"),
    "huge-string-field": (event("1", filler="x" * 900_000), "any"),
}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def hostile_app(request, tmp_path_factory):
    """One app per backend for the whole module (a PostgreSQL database per test would be slow)."""
    with ExitStack() as stack:
        env = {}
        if request.param == "postgresql":
            env["database_url"] = stack.enter_context(scratch_database())
        app = build_app(tmp_path_factory.mktemp("hostile"), **env)
        with app.app_context():
            row, secret = register()
            connector_id = row.id
        yield app, connector_id, secret, request.param
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def deliveries(app) -> list[Delivery]:
    with app.app_context():
        return db.session.scalars(select(Delivery).order_by(Delivery.id)).all()


def post_and_check_storage(app, connector_id: int, body: bytes, headers: dict[str, str], expected: str):
    """Post; a 4xx must store nothing, a 2xx exactly this one delivery, byte for byte."""
    before = deliveries(app)
    response = app.test_client().post(f"/webhooks/{connector_id}", data=body, headers=headers)
    check(response, expected)
    after = deliveries(app)
    if response.status_code >= 400:
        assert len(after) == len(before)
    else:
        assert len(after) == len(before) + 1
        assert after[-1].body == body
        assert response.json["delivery"] == after[-1].id
    return response, after[-1] if after else None


def check(response, expected: str) -> None:
    status = response.status_code
    assert status != 500 and status < 500, response.get_data(as_text=True)[:500]
    if expected == "4xx":
        assert 400 <= status < 500, status
    else:
        assert status in (200, 202) or 400 <= status < 500, status
    if 400 <= status < 500:
        assert response.is_json and response.json["error"]
        assert "Traceback" not in response.get_data(as_text=True)


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_signed_webhooks_get_a_4xx_or_2xx_and_rejected_ones_are_not_stored(
    request, hostile_app, case
):
    app, connector_id, secret, backend = hostile_app
    body, expected = HOSTILE[case]
    post_and_check_storage(app, connector_id, body, sign(secret, body), expected)


def test_a_number_as_id_becomes_its_decimal_string(app):
    with app.app_context():
        row, secret = register()
        connector_id = row.id
    body = event(2026)
    response = app.test_client().post(f"/webhooks/{connector_id}", data=body, headers=sign(secret, body))
    assert response.status_code == 202
    assert deliveries(app)[0].external_id == "2026"


def test_duplicate_keys_are_read_one_way_consistently(app):
    # JSON leaves duplicate keys undefined; Python keeps the last one. Whatever is chosen must be what
    # is stored, not a mixture.
    with app.app_context():
        row, secret = register()
        connector_id = row.id
    body, _ = HOSTILE["duplicate-keys"]
    response = app.test_client().post(f"/webhooks/{connector_id}", data=body, headers=sign(secret, body))
    assert response.status_code == 202
    [delivery] = deliveries(app)
    assert (delivery.action, delivery.external_id) == ("delete", "3")


# Newlines in a header value cannot be sent at all: HTTP servers and Werkzeug's client refuse them.
@pytest.mark.parametrize(
    "msg_id",
    ["x" * 10_000, "msg_\x00nul", "<script>"],
    ids=["10000-chars", "nul", "script"],
)
def test_hostile_webhook_id_header(request, hostile_app, msg_id):
    app, connector_id, secret, backend = hostile_app
    body = event("2026-1")
    headers = sign(secret, body, msg_id)
    response, delivery = post_and_check_storage(app, connector_id, body, headers, "any")
    if response.status_code < 400:
        assert delivery.delivery_id == msg_id.strip()
        assert "X-Injected" not in response.headers


@pytest.mark.parametrize(
    "path",
    [
        "/webhooks/99999999999999999999999",
        "/webhooks/9223372036854775808",
        "/webhooks/9223372036854775807",
        "/webhooks/0",
        "/webhooks/-1",
        "/webhooks/1%00",
        "/webhooks/%3Cscript%3E",
    ],
)
def test_hostile_connector_ids_in_the_path(app, path):
    body = event("1")
    response = app.test_client().post(path, data=body, headers={"content-type": "application/json"})
    assert 400 <= response.status_code < 500, response.status_code
    assert "<script>" not in response.get_data(as_text=True)


def test_oversized_body_is_refused_before_it_is_read(tmp_path):
    app = build_app(tmp_path, max_body_bytes="1000")
    with app.app_context():
        row, secret = register()
        connector_id = row.id
    body = event("1", filler="x" * 2000)
    response = app.test_client().post(f"/webhooks/{connector_id}", data=body, headers=sign(secret, body))
    assert response.status_code == 413
    assert deliveries(app) == []


# --- hostile content through the pipeline ------------------------------------------------------------
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def host():
    host = SampleHost(retry_delays=(0.1,)).start()
    yield host
    host.stop()


def test_hostile_item_content_is_escaped_on_the_checklist_page(app, client, host):
    with app.app_context():
        row, secret = register(host.base_url)
        connector_id = row.id
    item_id = 'x"><img src=x onerror=alert(2)>'
    host.add(
        {
            "id": item_id,
            "title": f"Maalämpö kouluun {SCRIPT}",
            "body": f"<p>Öljylämmitys korvataan maalämmöllä.</p>{SCRIPT}<iframe src=//evil>",
            "language": "fi",
            "meeting": f'Tekninen lautakunta <b onmouseover="alert(3)">{SCRIPT}</b>',
        }
    )
    body = event(item_id)
    response = client.post(f"/webhooks/{connector_id}", data=body, headers=sign(secret, body))
    assert response.status_code == 202
    with app.app_context():
        assert run_task("process_delivery", response.json["delivery"], 0, 3).error is None
        item = db.session.scalar(select(AgendaItem))
        assert SCRIPT in item.title  # stored as the host sent it...
        public_id = checklist_token(item)  # the page is behind the item's signed link

    page = client.get(f"/checklist/{public_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    # ...and shown as text, never as markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Maalämpö kouluun" in html
    for raw in (SCRIPT, "<img src=x", "<iframe", 'onmouseover="alert(3)"', "<b onmouseover"):
        assert raw not in html
    assert re.search(r"<script\b", html, re.IGNORECASE) is None
    assert "script-src" not in page.headers["Content-Security-Policy"]
    assert "default-src 'none'" in page.headers["Content-Security-Policy"]
