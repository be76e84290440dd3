"""POST /webhooks/<id>/<resource>: hosts that post each resource type to its own URL (Ahjo)."""

from __future__ import annotations

import json

import pytest

from climate_plugin.db import db
from climate_plugin.models import Delivery
from tests.fake_poller import install, make_connector
from tests.support.webhooks import event_body, register, signed_headers


@pytest.fixture(autouse=True)
def fake_kinds(monkeypatch):
    install(monkeypatch)


@pytest.fixture
def wired(app):
    with app.app_context():
        row, host = make_connector()
        return row.id, host.secret


def _post(client, path: str, secret: str, body: bytes = b'{"id": "2026-7"}'):
    return client.post(path, data=body, headers=signed_headers(secret, body))


def test_the_resource_segment_reaches_the_connector(app, client, wired):
    connector_id, secret = wired
    response = _post(client, f"/webhooks/{connector_id}/decisions", secret)
    assert response.status_code == 202, response.json
    plain = _post(client, f"/webhooks/{connector_id}", secret)
    assert plain.status_code == 202
    with app.app_context():
        events = dict(db.session.query(Delivery.id, Delivery.event_type).all())
    assert events == {response.json["delivery"]: "decisions", plain.json["delivery"]: "plain"}


@pytest.mark.parametrize("resource", ["Decisions", "meeting-items", "a" * 41, "caf%C3%A9", "1"])
def test_a_resource_outside_the_pattern_is_not_found(app, client, wired, resource):
    connector_id, secret = wired
    response = _post(client, f"/webhooks/{connector_id}/{resource}", secret)
    assert response.status_code == 404
    assert "error" in response.json
    with app.app_context():
        assert db.session.query(Delivery).count() == 0


def test_deeper_paths_are_not_found(client, wired):
    connector_id, secret = wired
    assert _post(client, f"/webhooks/{connector_id}/decisions/extra", secret).status_code == 404


def test_a_wrong_key_on_a_resource_url_is_refused(app, client, wired):
    connector_id, _secret = wired
    body = b'{"id": "2026-7"}'
    headers = signed_headers("whsec_" + "A" * 43 + "=", body)
    response = client.post(f"/webhooks/{connector_id}/decisions", data=body, headers=headers)
    assert response.status_code == 401
    with app.app_context():
        assert db.session.query(Delivery).count() == 0


def test_unknown_connector_on_a_resource_url(client):
    assert _post(client, "/webhooks/999/decisions", "whsec_" + "A" * 43 + "=").status_code == 404


def test_a_connector_without_resources_refuses_one(app, client):
    with app.app_context():
        row, secret = register()
        connector_id = row.id
    body = event_body("2026-7")
    response = client.post(
        f"/webhooks/{connector_id}/decisions", data=body, headers=signed_headers(secret, body)
    )
    assert response.status_code == 400
    assert "not below it" in json.loads(response.data)["error"]
