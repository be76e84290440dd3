"""Deliveries, write-backs, items, checklist templates, users, tokens, the audit log and pagination
through the REST API; the OpenAPI document validates and the docs page renders in fi, sv and en."""

from __future__ import annotations

import json
import re

import pytest
from openapi_spec_validator import validate
from sqlalchemy import select

from climate_plugin.db import db
from climate_plugin.models import ApiToken, AuditEntry, Delivery, User, WriteBack
from tests.support.api import SECRETS, ApiClient, populate


@pytest.fixture
def world(app, client):
    hollola, lahti, platform, queue = populate(app)
    api = ApiClient(client)
    yield api, hollola, lahti, platform, queue
    everything = "\n".join(api.bodies)
    for secret in SECRETS.values():
        assert secret not in everything
    assert "token_hash" not in everything and "password_hash" not in everything


def _admin(town) -> str:
    return town.tokens["municipality_admin"]


def test_failed_deliveries_are_listed_and_redelivered(app, world):
    api, hollola, _, _, queue = world
    token = _admin(hollola)
    failed = api.get("/api/v1/deliveries?status=failed", token).get_json()
    assert [d["id"] for d in failed] == [hollola.delivery_id]
    assert api.get("/api/v1/deliveries?status=done", token).get_json() == []
    bad = api.get("/api/v1/deliveries?status=lost", token)
    assert bad.status_code == 422 and "status" in bad.get_json()["errors"]["query"]
    detail = api.get(f"/api/v1/deliveries/{hollola.delivery_id}", token).get_json()
    assert detail["body"]["data"] == {"id": "A-1"}
    assert detail["headers"] == {"webhook-id": "msg_hollola"}  # the signature header is not shown
    response = api.post(f"/api/v1/deliveries/{hollola.delivery_id}/redeliver", token)
    assert response.status_code == 202
    assert response.get_json()["status"] == "received" and response.get_json()["last_error"] is None
    assert queue.tasks == [("process_delivery", hollola.delivery_id)]
    with app.app_context():
        assert db.session.get(Delivery, hollola.delivery_id).status == "received"
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "delivery.redeliver")).one()
        assert entry.details["previous_status"] == "failed"
        assert entry.municipality_id == hollola.municipality_id


def test_a_delivery_being_processed_is_not_redelivered(app, world):
    api, hollola, _, _, queue = world
    with app.app_context():
        db.session.get(Delivery, hollola.delivery_id).status = "processing"
        db.session.commit()
    response = api.post(f"/api/v1/deliveries/{hollola.delivery_id}/redeliver", _admin(hollola))
    assert response.status_code == 409 and response.get_json()["message"]
    assert queue.tasks == []


def test_a_failed_write_back_is_retried_once(app, world):
    api, hollola, _, _, queue = world
    token = _admin(hollola)
    failed = api.get("/api/v1/write-backs?status=failed", token).get_json()
    assert [w["id"] for w in failed] == [hollola.write_back_id]
    response = api.post(f"/api/v1/write-backs/{hollola.write_back_id}/retry", token)
    assert response.status_code == 202 and response.get_json()["status"] == "pending"
    assert queue.tasks == [("send_write_back", hollola.write_back_id)]
    again = api.post(f"/api/v1/write-backs/{hollola.write_back_id}/retry", token)
    assert again.status_code == 409
    with app.app_context():
        assert db.session.get(WriteBack, hollola.write_back_id).attempts == 0


def test_items_with_assessment_and_badges(world):
    api, hollola, _, _, _ = world
    token = hollola.tokens["viewer"]
    assert [i["id"] for i in api.get("/api/v1/items?relevance=high", token).get_json()] == [hollola.item_id]
    assert api.get("/api/v1/items?relevance=minor", token).get_json() == []
    assert api.get("/api/v1/items?relevance=none", token).get_json() == []
    refused = api.get("/api/v1/items?relevance=low", token)  # not a level of the service
    assert refused.status_code == 422 and "relevance" in refused.get_json()["errors"]["query"]
    assert [i["id"] for i in api.get("/api/v1/items?q=tram", token).get_json()] == [hollola.item_id]
    assert api.get("/api/v1/items?q=%25", token).get_json() == []  # a LIKE wildcard is a plain character
    detail = api.get(f"/api/v1/items/{hollola.item_id}", token).get_json()
    assert detail["title"] == "Tram line in hollola"
    assert detail["assessment"]["relevance"] == "high" and detail["assessment"]["revision"] == 1
    assert isinstance(detail["badges"], list)


def test_checklist_templates_are_versioned_and_validated(world):
    api, hollola, lahti, _, _ = world
    token = _admin(hollola)
    first = api.post("/api/v1/checklist-templates", token, json={"overrides": {}})
    assert first.status_code == 201 and first.get_json()["version"] == 1
    overrides = {"disabled_categories": ["land_use"]}
    second = api.post("/api/v1/checklist-templates", token, json={"overrides": overrides})
    assert second.get_json()["version"] == 2
    assert second.get_json()["overrides"]["disabled_categories"] == ["land_use"]
    bad = api.post("/api/v1/checklist-templates", token, json={"overrides": {"bogus": 1}})
    assert bad.status_code == 422 and "bogus" in bad.get_json()["errors"]["json"]["overrides"][0]
    missing = api.post("/api/v1/checklist-templates", token, json={})
    assert missing.status_code == 422 and "overrides" in missing.get_json()["errors"]["json"]
    versions = api.get("/api/v1/checklist-templates", token).get_json()
    assert [v["version"] for v in versions] == [2, 1]
    assert api.get(f"/api/v1/checklist-templates/{first.get_json()['id']}", _admin(lahti)).status_code == 404
    assert api.get("/api/v1/checklist-templates", _admin(lahti)).get_json() == []


def test_pagination(world):
    api, hollola, _, platform, _ = world
    for _ in range(5):
        api.post("/api/v1/checklist-templates", _admin(hollola), json={"overrides": {}})
    first = api.get("/api/v1/checklist-templates?page=1&page_size=2", platform)
    assert [v["version"] for v in first.get_json()] == [5, 4]
    pagination = json.loads(first.headers["X-Pagination"])
    assert pagination["total"] == 5 and pagination["total_pages"] == 3 and pagination["next_page"] == 2
    last = api.get("/api/v1/checklist-templates?page=3&page_size=2", platform)
    assert [v["version"] for v in last.get_json()] == [1]
    assert api.get("/api/v1/checklist-templates?page_size=1000", platform).status_code == 422
    assert api.get("/api/v1/checklist-templates?page=0", platform).status_code == 422


def test_users_are_created_and_changed_without_passwords(app, world):
    api, hollola, lahti, _, _ = world
    token = _admin(hollola)
    body = {"email": "Anna@Hollola.fi", "name": "Anna", "role": "coordinator"}
    created = api.post("/api/v1/users", token, json=body)
    assert created.status_code == 201
    user = created.get_json()
    assert user["email"] == "anna@hollola.fi" and user["municipality_id"] == hollola.municipality_id
    assert user["has_password"] is False
    assert api.post("/api/v1/users", token, json=body).status_code == 422  # the e-mail is taken
    assert api.post("/api/v1/users", token, json=dict(body, password="x" * 20)).status_code == 422
    changed = api.patch(f"/api/v1/users/{user['id']}", token, json={"role": "viewer", "active": False})
    assert changed.status_code == 200 and changed.get_json()["role"] == "viewer"
    assert changed.get_json()["active"] is False
    promote = api.patch(f"/api/v1/users/{user['id']}", token, json={"role": "platform_admin"})
    assert promote.status_code == 404  # beyond a municipality admin's reach
    assert api.get(f"/api/v1/users/{user['id']}", _admin(lahti)).status_code == 404
    with app.app_context():
        assert db.session.get(User, user["id"]).role == "viewer"
        actions = [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
        assert actions[-3:] == ["user.create", "user.role", "user.deactivate"]


def test_tokens_are_shown_once_listed_without_hashes_and_revoked(app, world):
    api, hollola, _, _, _ = world
    token = _admin(hollola)
    created = api.post("/api/v1/tokens", token, json={"name": "ci", "role": "viewer", "expires_in_days": 7})
    assert created.status_code == 201
    new = created.get_json()
    assert new["token"].startswith("cpt_") and new["municipality_id"] == hollola.municipality_id
    listing = api.get("/api/v1/tokens", token)
    assert new["token"] not in listing.get_data(as_text=True)
    assert api.get("/api/v1/items", new["token"]).status_code == 200
    revoked = api.post(f"/api/v1/tokens/{new['id']}/revoke", token)
    assert revoked.status_code == 200 and revoked.get_json()["revoked_at"]
    assert api.get("/api/v1/items", new["token"]).status_code == 401
    forever = {"name": "x", "role": "viewer", "expires_in_days": 9999}
    too_long = api.post("/api/v1/tokens", token, json=forever)
    assert too_long.status_code == 422 and "expires_in_days" in too_long.get_json()["errors"]["json"]
    with app.app_context():
        about = select(AuditEntry).where(AuditEntry.target == f"token:{new['id']}")
        entries = db.session.scalars(about).all()
        assert [e.action for e in entries] == ["token.create", "token.revoke"]
        assert new["token"] not in json.dumps([e.details for e in entries])
        assert db.session.get(ApiToken, new["id"]).token_hash != new["token"]


def test_audit_log_is_filtered_and_scoped(world):
    api, hollola, lahti, platform, _ = world
    api.post(f"/api/v1/connectors/{hollola.connector_id}/disable", _admin(hollola))
    api.post(f"/api/v1/deliveries/{hollola.delivery_id}/redeliver", _admin(hollola))
    api.post(f"/api/v1/connectors/{lahti.connector_id}/disable", _admin(lahti))
    mine = api.get("/api/v1/audit", _admin(hollola)).get_json()
    assert [e["action"] for e in mine[:2]] == ["delivery.redeliver", "connector.disable"]
    assert all(e["municipality_id"] == hollola.municipality_id for e in mine)
    assert mine[0]["actor"].startswith("token:")
    only = api.get("/api/v1/audit?action=connector.", _admin(hollola)).get_json()
    assert [e["target"] for e in only] == [f"connector:{hollola.connector_id}"]
    target = api.get(f"/api/v1/audit?target=connector:{lahti.connector_id}", platform).get_json()
    assert len(target) == 1 and target[0]["municipality_id"] == lahti.municipality_id


def test_the_openapi_document_validates_and_lists_every_resource(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    validate(spec)
    assert spec["openapi"].startswith("3.0")
    for path in (
        "/api/v1/connectors",
        "/api/v1/connectors/{connector_id}",
        "/api/v1/deliveries/{delivery_id}/redeliver",
        "/api/v1/write-backs/{write_back_id}/retry",
        "/api/v1/checklist-templates",
        "/api/v1/users",
        "/api/v1/tokens",
        "/api/v1/audit",
        "/api/v1/items/{item_id}",
        "/api/v1/municipalities",
    ):
        assert path in spec["paths"], path
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_the_document_is_built_when_first_read_the_same_from_concurrent_readers(app, client):
    """Creating the app does not build the OpenAPI document (two thirds of its cost); the first reader does,
    once, even when several threads ask at the same time, and every operation is in it."""
    from concurrent.futures import ThreadPoolExecutor

    api = app.extensions["climate_plugin.api"]
    assert api._spec is None
    with ThreadPoolExecutor(4) as pool:
        documents = list(pool.map(lambda _: app.test_client().get("/api/v1/openapi.json").json, range(4)))
    assert all(document == documents[0] for document in documents)
    operations = sum(len(methods) for methods in documents[0]["paths"].values())
    assert operations > 25 and len(documents[0]["tags"]) == 13
    assert api.spec is api.spec  # built once


@pytest.mark.parametrize("lang, title", [("fi", "Ylläpidon rajapinta"), ("sv", "Administrationens"),
                                         ("en", "Administration API")])
def test_the_docs_page_lists_the_operations(client, lang, title):
    response = client.get(f"/api/v1/docs?lang={lang}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'<html lang="{lang}">' in page and title in page
    # the operations are on the page itself too (seen without JavaScript)
    assert "/api/v1/connectors/{connector_id}/rotate-secret" in page and "status (query)" in page
    # Swagger UI and its start-up script come from this service, never a CDN, and the policy says so
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', page)
    assert sources and all(source.startswith("/") and not source.startswith("//") for source in sources)
    for source in sources:
        assert client.get(source).status_code == 200, source
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "unsafe-eval" not in policy and "https:" not in policy
