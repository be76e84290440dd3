"""Input the database cannot store is refused at the edge with a 4xx, on every face, never a 500: ids beyond
the integer columns, NUL characters and lone surrogates, times past the calendar's edge, a PATCH with no body.
On PostgreSQL, which is where such input used to fail (SQLite stores most of it)."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from climate_plugin.accounts.tokens import create_token
from climate_plugin.db import db
from tests.factories import AssessedItemFactory
from tests.support.app import build_app
from tests.support.cli import invoke
from tests.support.services import scratch_database
from tests.support.webhooks import register, signed_headers


@pytest.fixture(scope="module")
def edge(tmp_path_factory):
    with scratch_database() as url:
        app = build_app(tmp_path_factory.mktemp("edge"), database_url=url)
        with app.app_context():
            item = AssessedItemFactory()
            row, secret = register()
            _, token = create_token(None, "platform_admin", "edge")
            db.session.commit()
            ids = {"municipality": item.connector.municipality_id, "connector": row.id}
        yield app, {"Authorization": f"Bearer {token}"}, ids, secret
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/api/v1/items/2147483648", 404),
        ("/api/v1/write-backs/99999999999", 404),
        ("/api/v1/items?page=9999999999999999999", 422),
        ("/api/v1/deliveries?connector_id=2147483648", 422),
        ("/api/v1/write-backs?item_id=-1", 422),
        ("/api/v1/items?q=a%00b", 400),
        ("/api/v1/items/%00", 400),
        ("/api/v1/deliveries?stauts=failed", 422),  # a misspelt filter never lists everything
        ("/admin/%00", 400),
        ("/admin/m/hollola/deliveries?status=%00", 400),
        ("/coordinator/%00", 400),
        ("/coordinator/abc/assessments/2147483648", 404),
        ("/webhooks/2147483648", 404),
    ],
)
def test_out_of_range_ids_and_nul_characters_in_urls_get_a_4xx(edge, path, expected):
    app, auth, _, _ = edge
    method = "post" if path.startswith("/webhooks/") else "get"
    response = getattr(app.test_client(), method)(path, headers=auth)
    assert response.status_code == expected, response.get_data(as_text=True)[:300]


@pytest.mark.parametrize("text", ["a\\u0000b", "a\\ud800b"])
def test_nul_and_lone_surrogates_in_json_and_forms_get_400(edge, text):
    app, auth, ids, _ = edge
    client = app.test_client()
    body = '{"name": "' + text + '", "slug": "edge-town"}'
    as_json = {**auth, "Content-Type": "application/json"}
    created = client.post("/api/v1/municipalities", data=body, headers=as_json)
    assert created.status_code == 400, created.get_data(as_text=True)[:300]
    assert set(created.json) == {"code", "status", "message"}  # the API's documented error shape
    changed = client.patch(
        f"/api/v1/municipalities/{ids['municipality']}",
        data='{"name": "' + text + '"}',
        headers=as_json,
    )
    assert changed.status_code == 400
    if "u0000" in text:  # a lone surrogate cannot be sent in a form (UTF-8 has no bytes for it)
        form = {"email": "a\x00b@example.org", "password": "x"}
        assert client.post("/admin/login", data=form).status_code == 400


@pytest.mark.parametrize(
    "args",
    [
        ("deliveries", "list", "--connector", "2147483648"),
        ("connector", "rate-limit", "2147483648", "10/minute"),
        ("connector", "test", "99999999999"),
    ],
)
def test_command_line_ids_beyond_the_integer_column_are_a_one_line_error(edge, args):
    app, _, _, _ = edge
    result = invoke(app.test_cli_runner(), *args)
    assert result.exit_code != 0 and isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output


def test_a_patch_without_a_body_is_refused_not_a_change_of_nothing(edge):
    app, auth, ids, _ = edge
    response = app.test_client().patch(f"/api/v1/municipalities/{ids['municipality']}", headers=auth)
    assert response.status_code == 400 and "PATCH" in response.json["message"]


@pytest.mark.parametrize(
    "payload",
    [
        {"type": "agenda_item.drafted", "timestamp": "2026-01-10T08:00:00+00:00", "data": {"id": "a\ud800b"}},
        {"type": "agenda_item.drafted", "timestamp": "0001-01-01T00:00:00+14:00", "data": {"id": "x"}},
        {"type": "agenda_item.drafted", "timestamp": "9999-12-31T23:59:59-14:00", "data": {"id": "y"}},
    ],
)
def test_signed_webhooks_with_unstorable_content_get_400_and_nothing_is_stored(edge, payload):
    app, _, ids, secret = edge
    body = json.dumps(payload).encode()
    response = app.test_client().post(
        f"/webhooks/{ids['connector']}", data=body, headers=signed_headers(secret, body)
    )
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert response.json["error"]


def test_the_api_document_says_what_is_sent(edge):
    app, auth, _, _ = edge
    client = app.test_client()
    spec = client.get("/api/v1/openapi.json").json
    header = spec["paths"]["/api/v1/items"]["get"]["responses"]["200"]["headers"]["X-Pagination"]
    assert header["schema"] == {"type": "string"}
    sent = client.get("/api/v1/items", headers=auth).headers["X-Pagination"]
    assert json.loads(sent)["total"] == 1
    refused = client.get("/api/v1/items")
    assert refused.status_code == 401
    assert refused.json == {"code": 401, "status": "Unauthorized", "message": refused.json["message"]}


#: any code point, the ones a database cannot store often (hypothesis leaves surrogates out by default)
_TEXT = st.text(st.sampled_from("a7\x00\ud800\udfffé") | st.characters(exclude_categories=()), max_size=12)
#: the calendar's edges (no UTC equivalent) next to an ordinary time
_TIMES = st.sampled_from(
    ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "2026-01-10T08:00:00+02:00"]
)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | _TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TEXT, inner, max_size=3),
    max_leaves=6,
)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(
    event_type=st.sampled_from(["agenda_item.drafted", "agenda_item.deleted"]) | _TEXT,
    timestamp=_TIMES | st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()) | _JSON,
    item_id=_TEXT | _JSON,
    extra=_JSON,
)
def test_signed_webhooks_with_any_content_never_get_a_5xx(edge, event_type, timestamp, item_id, extra):
    app, _, ids, secret = edge
    payload = {"type": event_type, "timestamp": timestamp, "data": {"id": item_id, "extra": extra}}
    body = json.dumps(payload).encode()  # ASCII: lone surrogates travel as \\ud800 escapes, as a sender sends
    response = app.test_client().post(
        f"/webhooks/{ids['connector']}", data=body, headers=signed_headers(secret, body)
    )
    assert response.status_code in (200, 202) or 400 <= response.status_code < 500, response.get_data()[:300]
