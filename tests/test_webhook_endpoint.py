"""POST /webhooks/<id>: every answer the endpoint can give, and what it stores."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from climate_plugin.db import db
from climate_plugin.hosts.connector import rotate_webhook_secret
from climate_plugin.models import Connector, Delivery
from climate_plugin.models._types import utcnow
from tests.support.webhooks import event_body, register, signed_headers, stale


@pytest.fixture
def connector(app):
    with app.app_context():
        row, secret = register()
        return row.id, secret


def _post(client, connector_id, body, headers):
    return client.post(f"/webhooks/{connector_id}", data=body, headers=headers)


def _deliveries(app) -> list[Delivery]:
    with app.app_context():
        return db.session.query(Delivery).all()


def test_signed_webhook_is_stored_and_answered_202(app, client, connector):
    connector_id, secret = connector
    body = event_body("2026-7")
    response = _post(client, connector_id, body, signed_headers(secret, body, "msg_one"))
    assert response.status_code == 202
    assert response.json["status"] == "received"
    [delivery] = _deliveries(app)
    assert response.json["delivery"] == delivery.id
    assert delivery.body == body  # the raw bytes, exactly as signed
    assert (delivery.delivery_id, delivery.external_id, delivery.action) == ("msg_one", "2026-7", "upsert")
    assert "webhook-signature" in {k.lower() for k in delivery.headers}


def test_repeated_webhook_id_is_not_stored_twice(app, client, connector):
    connector_id, secret = connector
    body = event_body("2026-7")
    headers = signed_headers(secret, body, "msg_same")
    first = _post(client, connector_id, body, headers)
    again = [_post(client, connector_id, body, headers) for _ in range(3)]
    assert first.status_code == 202
    assert {r.status_code for r in again} == {200}
    assert all(r.json["duplicate"] and r.json["delivery"] == first.json["delivery"] for r in again)
    assert len(_deliveries(app)) == 1


@pytest.mark.parametrize("tamper", ["no_headers", "wrong_secret", "tampered_body", "stale", "future"])
def test_bad_signatures_are_401(app, client, connector, tamper):
    connector_id, secret = connector
    body = event_body("2026-7")
    if tamper == "no_headers":
        headers = {"content-type": "application/json"}
    elif tamper == "wrong_secret":
        headers = signed_headers("whsec_" + "QUJD" * 8, body)
    elif tamper == "tampered_body":
        headers = signed_headers(secret, body)
        body = body.replace(b"2026-7", b"2026-8")
    elif tamper == "stale":
        headers = signed_headers(secret, body, at=stale(6))
    else:
        headers = signed_headers(secret, body, at=stale(-6))
    response = _post(client, connector_id, body, headers)
    assert response.status_code == 401
    assert response.json["error"]
    assert _deliveries(app) == []


def test_timestamp_within_tolerance_is_accepted(client, connector):
    connector_id, secret = connector
    body = event_body("2026-7")
    assert _post(client, connector_id, body, signed_headers(secret, body, at=stale(4))).status_code == 202


def test_previous_secret_verifies_during_rotation_only(app, client, connector):
    connector_id, old_secret = connector
    with app.app_context():
        row = db.session.get(Connector, connector_id)
        new_secret = rotate_webhook_secret(row)
    for secret in (old_secret, new_secret):
        body = event_body("2026-7")
        assert _post(client, connector_id, body, signed_headers(secret, body)).status_code == 202
    with app.app_context():  # the grace period ends
        row = db.session.get(Connector, connector_id)
        row.previous_secret_expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    body = event_body("2026-7")
    assert _post(client, connector_id, body, signed_headers(old_secret, body)).status_code == 401
    assert _post(client, connector_id, body, signed_headers(new_secret, body)).status_code == 202


@pytest.mark.parametrize(
    "body, message",
    [
        (b"{not json", "JSON"),
        (b"[1, 2]", "object"),
        (json.dumps({"type": "agenda_item.drafted", "timestamp": "2026-01-01T00:00:00Z"}).encode(), "data"),
        (
            json.dumps(
                {"type": "agenda_item.drafted", "timestamp": "2026-01-01T00:00:00Z", "data": {"id": None}}
            ).encode(),
            "id",
        ),
        (
            json.dumps(
                {"type": "meeting.exploded", "timestamp": "2026-01-01T00:00:00Z", "data": {"id": "1"}}
            ).encode(),
            "type",
        ),
        (
            json.dumps(
                {"type": "agenda_item.drafted", "timestamp": "yesterday", "data": {"id": "1"}}
            ).encode(),
            "timestamp",
        ),
    ],
)
def test_malformed_signed_bodies_are_400_with_a_message(app, client, connector, body, message):
    connector_id, secret = connector
    response = _post(client, connector_id, body, signed_headers(secret, body))
    assert response.status_code == 400
    assert message.lower() in response.json["error"].lower()
    assert _deliveries(app) == []


def test_unknown_connector_is_404(client, connector):
    _, secret = connector
    body = event_body("1")
    assert _post(client, 9999, body, signed_headers(secret, body)).status_code == 404
    assert client.post("/webhooks/not-a-number", data=body).status_code == 404


def test_disabled_connector_is_410(app, client, connector):
    connector_id, secret = connector
    with app.app_context():
        db.session.get(Connector, connector_id).enabled = False
        db.session.commit()
    body = event_body("1")
    response = _post(client, connector_id, body, signed_headers(secret, body))
    assert response.status_code == 410
    assert "disabled" in response.json["error"]


def test_oversized_body_is_413(tmp_path):
    from tests.support.app import build_app

    app = build_app(tmp_path, max_body_bytes="2048")
    with app.app_context():
        row, secret = register()
        connector_id = row.id
    body = json.dumps(
        {
            "type": "agenda_item.drafted",
            "timestamp": "2026-01-01T00:00:00Z",
            "data": {"id": "1"},
            "pad": "x" * 4096,
        }
    ).encode()
    response = app.test_client().post(
        f"/webhooks/{connector_id}", data=body, headers=signed_headers(secret, body)
    )
    assert response.status_code == 413
    assert response.is_json
    with app.app_context():
        assert db.session.query(Delivery).count() == 0


def test_wrong_method_is_a_json_405(client, connector):
    connector_id, _ = connector
    response = client.get(f"/webhooks/{connector_id}")
    assert response.status_code == 405
    assert response.is_json


def test_broker_down_still_answers_202_and_keeps_the_delivery(app, client, connector):
    connector_id, secret = connector

    class DownQueue:
        def enqueue(self, task, record_id, countdown=0):
            raise ConnectionError("Redis is down")

    app.extensions["climate_plugin.queue"] = DownQueue()
    body = event_body("2026-7")
    response = _post(client, connector_id, body, signed_headers(secret, body))
    assert response.status_code == 202
    [delivery] = _deliveries(app)
    assert delivery.status == "received"


def test_database_down_is_503_with_retry_after(tmp_path):
    from tests.support.app import build_app

    app = build_app(tmp_path)
    with app.app_context():
        row, secret = register()
        connector_id = row.id
    # The database goes away: point the engine at a file in a directory that does not exist.
    with app.app_context():
        from sqlalchemy import create_engine

        db.engines[None] = create_engine(f"sqlite:///{tmp_path}/missing/dir/db.sqlite3")
    body = event_body("1")
    response = app.test_client().post(
        f"/webhooks/{connector_id}", data=body, headers=signed_headers(secret, body)
    )
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert "retry" in response.json["error"]
