"""REST API access: 401 without a token, 403 for a role that may not, 404 for another municipality's
objects (for every resource), and lists that show only the principal's own municipality."""

from __future__ import annotations

import pytest

from tests.support.api import ApiClient, populate, rest_config


@pytest.fixture
def world(app, client):
    hollola, lahti, platform, queue = populate(app)
    return ApiClient(client), hollola, lahti, platform, queue


def _reads(town) -> list[str]:
    return [
        f"/api/v1/municipalities/{town.municipality_id}",
        f"/api/v1/connectors/{town.connector_id}",
        f"/api/v1/deliveries/{town.delivery_id}",
        f"/api/v1/items/{town.item_id}",
        f"/api/v1/write-backs/{town.write_back_id}",
    ]


def _writes(town) -> list[tuple[str, str, dict | None]]:
    return [
        ("PATCH", f"/api/v1/connectors/{town.connector_id}", {"name": "renamed"}),
        ("POST", f"/api/v1/connectors/{town.connector_id}/enable", None),
        ("POST", f"/api/v1/connectors/{town.connector_id}/disable", None),
        ("POST", f"/api/v1/connectors/{town.connector_id}/test", None),
        ("POST", f"/api/v1/connectors/{town.connector_id}/rotate-secret", None),
        ("POST", f"/api/v1/connectors/{town.connector_id}/sync", None),
        ("POST", f"/api/v1/deliveries/{town.delivery_id}/redeliver", None),
        ("POST", f"/api/v1/write-backs/{town.write_back_id}/retry", None),
    ]


LISTS = [
    "/api/v1/municipalities",
    "/api/v1/connectors",
    "/api/v1/deliveries",
    "/api/v1/items",
    "/api/v1/write-backs",
    "/api/v1/checklist-templates",
    "/api/v1/users",
    "/api/v1/tokens",
    "/api/v1/audit",
]


def test_every_route_answers_401_without_a_token(world):
    api, hollola, _, _, _ = world
    for path in LISTS + _reads(hollola):
        response = api.get(path)
        assert response.status_code == 401, path
        assert response.is_json and response.headers["WWW-Authenticate"].startswith("Bearer")
    for method, path, body in _writes(hollola):
        assert api.call(method, path, json=body).status_code == 401, path


def test_a_wrong_revoked_or_foreign_scheme_token_is_401(world):
    api, hollola, _, _, _ = world
    for header in ("Bearer cpt_not-a-real-token", "Bearer " + hollola.tokens["viewer"][:-2], "Basic abc"):
        assert api.get("/api/v1/connectors", headers={"Authorization": header}).status_code == 401


def test_another_municipalitys_objects_do_not_exist(world):
    api, hollola, lahti, _, queue = world
    token = hollola.tokens["municipality_admin"]
    for path in _reads(lahti):
        response = api.get(path, token)
        assert response.status_code == 404, path
        assert response.get_json()["code"] == 404
    for method, path, body in _writes(lahti):
        assert api.call(method, path, token, json=body).status_code == 404, path
    assert queue.tasks == []  # nothing of Lahti's was handed to the worker
    # ...and the same paths work for Lahti's own admin, so the 404 above is the scope, not a typo
    for path in _reads(lahti):
        assert api.get(path, lahti.tokens["municipality_admin"]).status_code == 200, path


def test_lists_show_only_the_own_municipality(world):
    api, hollola, lahti, platform, _ = world
    token = hollola.tokens["municipality_admin"]
    assert [m["id"] for m in api.get("/api/v1/municipalities", token).get_json()] == [hollola.municipality_id]
    tokens = api.get("/api/v1/tokens", token).get_json()
    assert len(tokens) == 3 and {t["municipality_id"] for t in tokens} == {hollola.municipality_id}
    write_backs = api.get("/api/v1/write-backs", token).get_json()
    assert [w["id"] for w in write_backs] == [hollola.write_back_id]
    connectors = api.get("/api/v1/connectors", token).get_json()
    assert [c["id"] for c in connectors] == [hollola.connector_id]
    deliveries = api.get("/api/v1/deliveries", token).get_json()
    assert [d["id"] for d in deliveries] == [hollola.delivery_id]
    assert [i["id"] for i in api.get("/api/v1/items", token).get_json()] == [hollola.item_id]
    # the platform admin sees both
    both = api.get("/api/v1/connectors", platform).get_json()
    assert {c["id"] for c in both} == {hollola.connector_id, lahti.connector_id}


def test_filtering_by_another_municipalitys_connector_finds_nothing(world):
    api, hollola, lahti, _, _ = world
    token = hollola.tokens["viewer"]
    assert api.get(f"/api/v1/deliveries?connector_id={lahti.connector_id}", token).get_json() == []
    assert api.get(f"/api/v1/items?connector_id={lahti.connector_id}", token).get_json() == []


def test_a_viewer_reads_but_may_not_write(world):
    api, hollola, _, _, queue = world
    viewer = hollola.tokens["viewer"]
    for path in _reads(hollola):
        assert api.get(path, viewer).status_code == 200, path
    for method, path, body in _writes(hollola):
        response = api.call(method, path, viewer, json=body)
        assert response.status_code == 403, path
        assert response.is_json
    new = {"kind": "rest", "name": "x", "config": {}}
    assert api.post("/api/v1/connectors", viewer, json=new).status_code == 403
    assert queue.tasks == []


def test_a_coordinator_may_not_configure_and_sees_no_users_tokens_or_audit(world):
    api, hollola, _, _, _ = world
    coordinator = hollola.tokens["coordinator"]
    assert api.get("/api/v1/items", coordinator).status_code == 200
    for path in ("/api/v1/users", "/api/v1/tokens", "/api/v1/audit"):
        assert api.get(path, coordinator).status_code == 403, path
    assert api.post(f"/api/v1/deliveries/{hollola.delivery_id}/redeliver", coordinator).status_code == 403


def test_only_a_platform_admin_adds_municipalities(world):
    api, hollola, _, platform, _ = world
    body = {"slug": "espoo", "name": "Espoo", "language": "sv"}
    admin = hollola.tokens["municipality_admin"]
    assert api.post("/api/v1/municipalities", admin, json=body).status_code == 403
    created = api.post("/api/v1/municipalities", platform, json=body)
    assert created.status_code == 201
    assert created.get_json()["slug"] == "espoo"
    again = api.post("/api/v1/municipalities", platform, json=body)
    assert again.status_code == 409
    wrong = {"slug": "Not A Slug", "name": "", "language": "de"}
    bad = api.post("/api/v1/municipalities", platform, json=wrong)
    assert bad.status_code == 422
    assert set(bad.get_json()["errors"]["json"]) == {"slug", "name", "language"}


def test_a_municipality_admin_cannot_create_in_another_municipality(world):
    api, hollola, lahti, _, _ = world
    token = hollola.tokens["municipality_admin"]
    other = lahti.municipality_id
    body = {"municipality_id": other, "kind": "rest", "name": "x", "config": rest_config(None)}
    assert api.post("/api/v1/connectors", token, json=body).status_code == 404
    body = {"municipality_id": lahti.municipality_id, "overrides": {}}
    assert api.post("/api/v1/checklist-templates", token, json=body).status_code == 404
    body = {"municipality_id": lahti.municipality_id, "name": "t", "role": "viewer"}
    assert api.post("/api/v1/tokens", token, json=body).status_code == 404
    body = {"name": "t", "role": "platform_admin", "municipality_id": None}
    assert api.post("/api/v1/tokens", token, json=body).status_code == 404


def test_changes_through_the_api_need_a_token_not_a_session_cookie(app, world):
    """Without CSRF protection on the API, a session cookie alone must not be able to change anything."""
    api, hollola, _, _, _ = world
    with api.client.session_transaction() as session:
        session["auth_uid"] = 1
    response = api.post(f"/api/v1/connectors/{hollola.connector_id}/disable")
    assert response.status_code == 401
