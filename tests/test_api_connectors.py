"""Connectors through the REST API: create, update with write-only secrets, enable/disable, test, rotate,
sync; per-field errors; the audit log; and no secret in any response body or log line."""

from __future__ import annotations

import json
import logging

import pytest
from sqlalchemy import select

from climate_plugin.db import db
from climate_plugin.hosts.connector import full_config, webhook_secrets
from climate_plugin.models import AuditEntry, Connector
from tests.support.api import SECRETS, ApiClient, populate, rest_config

NEW_SECRET = "brand-new-S3cret-value-5521"


@pytest.fixture
def world(app, client, caplog):
    caplog.set_level(logging.DEBUG)
    hollola, lahti, platform, queue = populate(app)
    api = ApiClient(client)
    yield api, hollola, lahti, platform, queue
    # Every response of every test here, and every log line, is free of every stored secret.
    everything = "\n".join(api.bodies) + "\n" + caplog.text
    for secret in (*SECRETS.values(), NEW_SECRET):
        assert secret not in everything
    with app.app_context():
        details = json.dumps([e.details for e in db.session.scalars(select(AuditEntry))])
    for secret in (*SECRETS.values(), NEW_SECRET, hollola.webhook_secret, lahti.webhook_secret):
        assert secret not in details


def _admin(town) -> str:
    return town.tokens["municipality_admin"]


def _stored_token(town) -> str:
    return full_config(db.session.get(Connector, town.connector_id))["auth"]["token"]


def test_create_shows_the_webhook_secret_once_and_never_the_config_secrets(app, world):
    api, hollola, _, _, _ = world
    body = {"kind": "rest", "name": "Second agenda", "config": rest_config(NEW_SECRET)}
    response = api.post("/api/v1/connectors", _admin(hollola), json=body)
    assert response.status_code == 201
    created = response.get_json()
    assert created["municipality_id"] == hollola.municipality_id
    assert created["webhook_secret"].startswith("whsec_")
    assert created["webhook_url"] == f"http://plugin.test/webhooks/{created['id']}"
    assert created["secrets_set"] == ["auth.token"]
    assert created["config"]["auth"] == {"type": "bearer"}
    # the detail and the list never show the webhook secret again
    detail = api.get(f"/api/v1/connectors/{created['id']}", _admin(hollola)).get_json()
    assert "webhook_secret" not in detail and created["webhook_secret"] not in json.dumps(detail)
    listing = api.get("/api/v1/connectors", _admin(hollola))
    assert created["webhook_secret"] not in listing.get_data(as_text=True)
    with app.app_context():
        row = db.session.get(Connector, created["id"])
        assert full_config(row)["auth"]["token"] == NEW_SECRET  # stored, encrypted
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "connector.create")).one()
        assert entry.target == f"connector:{row.id}" and entry.actor.startswith("token:")
        assert entry.details["config"]["auth"]["token"] == "***"


def test_create_errors_name_each_field(world):
    api, hollola, _, _, _ = world
    token = _admin(hollola)
    missing = api.post("/api/v1/connectors", token, json={})
    assert missing.status_code == 422
    assert set(missing.get_json()["errors"]["json"]) == {"kind", "name", "config"}
    unknown = api.post("/api/v1/connectors", token, json={"kind": "nope", "name": "x", "config": {}})
    assert unknown.status_code == 422
    assert "nope" in unknown.get_json()["errors"]["json"]["kind"][0]
    bad_config = dict(rest_config(NEW_SECRET), base_url="ftp://x")
    bad = api.post("/api/v1/connectors", token, json={"kind": "rest", "name": "x", "config": bad_config})
    assert bad.status_code == 422
    assert "base_url" in bad.get_json()["errors"]["json"]["config"]
    typo = api.post("/api/v1/connectors", token, json={"kind": "rest", "name": "x", "config": {}, "nmae": 1})
    assert typo.status_code == 422 and "nmae" in typo.get_json()["errors"]["json"]
    not_json = api.post("/api/v1/connectors", token, data="{", content_type="application/json")
    assert 400 <= not_json.status_code < 500
    blank_name = {"kind": "rest", "name": "  ", "config": rest_config(None)}
    blank = api.post("/api/v1/connectors", token, json=blank_name)
    assert blank.status_code == 422 and "name" in blank.get_json()["errors"]["json"]


def test_update_keeps_a_secret_left_out_and_replaces_a_given_one(app, world):
    api, hollola, _, _, _ = world
    path, token = f"/api/v1/connectors/{hollola.connector_id}", _admin(hollola)
    shown = api.get(path, token).get_json()
    # sending back what was shown (the secret missing) keeps the stored secret
    config = dict(shown["config"], item_path="/v2/items/{id}")
    response = api.patch(path, token, json={"name": "Renamed", "config": config})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["config"]["item_path"] == "/v2/items/{id}"
    assert response.get_json()["name"] == "Renamed"
    with app.app_context():
        assert _stored_token(hollola) == SECRETS["hollola"]
    # "***" keeps it too
    config["auth"] = {"type": "bearer", "token": "***"}
    assert api.patch(path, token, json={"config": config}).status_code == 200
    with app.app_context():
        assert _stored_token(hollola) == SECRETS["hollola"]
    # a new value replaces it
    config["auth"] = {"type": "bearer", "token": NEW_SECRET}
    assert api.patch(path, token, json={"config": config}).status_code == 200
    with app.app_context():
        assert _stored_token(hollola) == NEW_SECRET
        entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "connector.update")).all()
        assert entries[-1].details["changed_secret_fields"] == ["auth.token"]
    # an invalid config changes nothing and names the field
    bad = api.patch(path, token, json={"config": dict(config, base_url="not a url")})
    assert bad.status_code == 422 and "base_url" in bad.get_json()["errors"]["json"]["config"]
    assert api.get(path, token).get_json()["config"]["base_url"] == "http://127.0.0.1:9"


def test_enable_disable_and_sync(world):
    api, hollola, _, _, queue = world
    base, token = f"/api/v1/connectors/{hollola.connector_id}", _admin(hollola)
    assert api.post(base + "/disable", token).get_json()["enabled"] is False
    assert api.get(base, token).get_json()["enabled"] is False
    assert api.post(base + "/enable", token).get_json()["enabled"] is True
    # the REST kind is push only: a poll cannot be asked for, and nothing is queued
    refused = api.post(base + "/sync", token)
    assert refused.status_code == 409 and "cannot be polled" in refused.get_json()["message"]
    assert queue.tasks == []


def test_sync_queues_a_poll_for_a_kind_that_polls(app, world, monkeypatch):
    from climate_plugin.connectors.rest.connector import RestConnector

    api, hollola, _, _, queue = world
    monkeypatch.setattr(RestConnector, "capabilities", RestConnector.capabilities.__class__(
        push=True, poll=True, write_back=True, files=True
    ))
    response = api.post(f"/api/v1/connectors/{hollola.connector_id}/sync", _admin(hollola))
    assert response.status_code == 202 and response.get_json() == {"queued": True}
    assert queue.tasks == [("poll_connector", hollola.connector_id)]


def test_test_reports_the_problem_without_the_secret(world):
    api, hollola, _, _, _ = world
    response = api.post(f"/api/v1/connectors/{hollola.connector_id}/test", _admin(hollola))
    assert response.status_code == 200
    result = response.get_json()
    assert result["ok"] is False and result["message"]


def test_rotate_secret_shows_the_new_one_once_and_the_old_one_still_verifies(app, world):
    api, hollola, _, _, _ = world
    response = api.post(f"/api/v1/connectors/{hollola.connector_id}/rotate-secret", _admin(hollola))
    assert response.status_code == 200
    rotated = response.get_json()
    assert rotated["webhook_secret"].startswith("whsec_")
    assert rotated["webhook_secret"] != hollola.webhook_secret
    assert rotated["previous_valid_until"]
    with app.app_context():
        row = db.session.get(Connector, hollola.connector_id)
        assert webhook_secrets(row) == [rotated["webhook_secret"], hollola.webhook_secret]
        entry = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "connector.rotate_secret")
        ).one()
        assert rotated["webhook_secret"] not in json.dumps(entry.details)
    assert rotated["webhook_secret"] not in api.get(f"/api/v1/connectors/{hollola.connector_id}",
                                                    _admin(hollola)).get_data(as_text=True)


def test_a_host_error_that_echoes_a_secret_is_scrubbed(world, monkeypatch):
    from climate_plugin.connectors.rest.connector import RestConnector

    api, hollola, _, _, _ = world

    def echo(self):
        raise RuntimeError(f"401 for Authorization: Bearer {SECRETS['hollola']} at {self.config['base_url']}")

    monkeypatch.setattr(RestConnector, "test_connection", echo)
    result = api.post(f"/api/v1/connectors/{hollola.connector_id}/test", _admin(hollola)).get_json()
    assert result["ok"] is False
    assert "***" in result["message"] and "127.0.0.1" in result["message"]
