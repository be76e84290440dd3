"""The Helsinki Ahjo connector against a local Ahjo on 127.0.0.1 serving real records."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta

import pytest
from marshmallow import ValidationError

from climate_plugin.connectors.ahjo import connector as ahjo
from climate_plugin.connectors.ahjo.connector import AhjoConfigSchema, AhjoConnector, parse_ahjo_time
from climate_plugin.connectors.ahjo.fake_host import (
    AGENDA_ITEM,
    CALLBACKS,
    CASE_ID,
    COUNCIL_DECISION_ID,
    DECISION_RECORD,
    MEETING_ID,
    RECORD_DECISION_ID,
    AhjoServer,
)
from climate_plugin.connectors.base import PayloadError, WebhookAuthError
from climate_plugin.connectors.registry import get_connector_class, redact
from climate_plugin.outbound import AllowList, OutboundClient, PermanentError, TransientError

SECRET = "whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0"


@pytest.fixture(autouse=True)
def _fresh_tokens():
    ahjo.forget_tokens()
    ahjo._memory.clear()
    yield
    ahjo.forget_tokens()
    ahjo._memory.clear()


@pytest.fixture
def http() -> OutboundClient:
    return OutboundClient(AllowList(["127.0.0.1"]), timeout=30)


@pytest.fixture
def host():
    server = AhjoServer().start()
    yield server
    server.stop()


def oidc(server: AhjoServer) -> dict:
    return {
        "type": "oidc",
        "token_url": server.token_url,
        "client_id": server.client_id,
        "client_secret": server.client_secret,
        "refresh_token": "refresh-0",
    }


def connector(server: AhjoServer, http: OutboundClient, **config) -> AhjoConnector:
    return AhjoConnector({"base_url": server.base_url, **config}, http)


# --- config --------------------------------------------------------------------------------------
def test_registered_under_its_kind():
    assert get_connector_class("ahjo") is AhjoConnector


def test_config_defaults_and_secrets_are_redacted():
    config = AhjoConfigSchema().load(
        {"base_url": "https://ahjo.hel.fi:9802/ahjorest/v1/", "auth": {"type": "api_key", "key": "k"}}
    )
    assert config["base_url"] == "https://ahjo.hel.fi:9802/ahjorest/v1"
    assert config["language"] == "fi" and config["auth"]["header"] == "Authorization"
    full = AhjoConfigSchema().load({"base_url": "https://ahjo.example", "auth": oidc(Fake())})
    shown = redact(AhjoConnector, full)
    assert shown["auth"]["client_secret"] == "***" and shown["auth"]["refresh_token"] == "***"
    assert shown["auth"]["client_id"] == "climate-plugin"


class Fake:
    token_url = "https://login.example/token"
    client_id = "climate-plugin"
    client_secret = "s"


@pytest.mark.parametrize(
    "config, field",
    [
        ({}, "base_url"),
        ({"base_url": "ftp://ahjo.example"}, "base_url"),
        ({"base_url": "https://ahjo.example", "language": "en"}, "language"),
        ({"base_url": "https://ahjo.example", "auth": {"type": "oidc", "client_id": "x"}}, "auth"),
        ({"base_url": "https://ahjo.example", "auth": {"type": "none", "key": "x"}}, "auth"),
        ({"base_url": "https://ahjo.example", "auth": {"type": "api_key"}}, "auth"),
        ({"base_url": "https://ahjo.example", "extra": 1}, "extra"),
    ],
)
def test_invalid_config_is_refused_by_field(config, field):
    with pytest.raises(ValidationError) as caught:
        AhjoConfigSchema().load(config)
    assert field in caught.value.messages


# --- push ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("header", [f"Bearer {SECRET}", SECRET, f"bearer  {SECRET} "])
def test_push_with_the_webhook_secret_verifies(http, header):
    c = AhjoConnector({"base_url": "https://ahjo.example"}, http)
    c.verify_webhook(b"{}", {"Authorization": header}, ["whsec_old", SECRET])


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": ""}, {"Authorization": "Bearer wrong"}, {"Authorization": SECRET + "x"},
     {"X-Authorization": SECRET}],
)
def test_push_without_the_right_key_is_refused(http, headers):
    c = AhjoConnector({"base_url": "https://ahjo.example"}, http)
    with pytest.raises(WebhookAuthError):
        c.verify_webhook(b"{}", headers, [SECRET])


def test_subscriber_callback_items_parse(http):
    c = AhjoConnector({"base_url": "https://ahjo.example"}, http)
    events = {}
    for queued in CALLBACKS:
        resource, content = queued["data"]["id"], queued["data"]["content"]
        body = json.dumps(content).encode()
        if resource not in ahjo.RESOURCES:  # Ahjo's "test" subscription is no resource of ours
            with pytest.raises(PayloadError, match="unknown Ahjo resource"):
                c.parse_webhook(body, {}, resource)
            continue
        events[resource] = c.parse_webhook(body, {}, resource)
    assert events["meetings"].external_id == "meetings/0040020222"
    assert events["meetings"].action == "upsert"
    decision = events["decisions"]
    assert decision.external_id == "decisions/{69F2D2B0-B2E2-4599-9936-F85705EB6578}"
    assert decision.event_type == "decisions.Added"
    assert decision.delivery_id != events["meetings"].delivery_id


def test_repeated_push_is_one_delivery_within_the_window_and_removed_is_a_delete(http, monkeypatch):
    c = AhjoConnector({"base_url": "https://ahjo.example"}, http)
    clock = [datetime(2026, 1, 12, 9, 0, 1, tzinfo=UTC)]
    monkeypatch.setattr(AhjoConnector, "now", staticmethod(lambda: clock[0]))
    body = b'{"updatetype": "Updated", "id": "0040020222"}'
    first = c.parse_webhook(body, {}, "meetings")
    clock[0] += timedelta(minutes=5)
    # Re-serialised differently by the sender, still the same push.
    assert c.parse_webhook(b'{"id":"0040020222","updatetype":"Updated"}', {}, "meetings") == first
    clock[0] += AhjoConnector.push_dedupe_window
    assert c.parse_webhook(body, {}, "meetings").delivery_id != first.delivery_id
    removed = c.parse_webhook(b'{"updatetype": "Removed", "id": 400201725}', {}, "decisions")
    assert removed.action == "delete" and removed.external_id == "decisions/400201725"


@pytest.mark.parametrize(
    "body, resource, message",
    [
        (b'{"updatetype": "Added", "id": "1"}', None, "resource type"),
        (b'{"updatetype": "Added", "id": "1"}', "trustees", "unknown Ahjo resource"),
        (b"not json", "decisions", "not JSON"),
        (b"[1]", "decisions", "JSON object"),
        (b'{"updatetype": "Moved", "id": "1"}', "decisions", "updatetype"),
        (b'{"updatetype": "Added"}', "decisions", "id"),
        (b'{"updatetype": "Added", "id": true}', "decisions", "id"),
        (b'{"updatetype": "Added", "id": "../x"}', "decisions", "id"),
        (b'{"updatetype": "Added", "id": "' + b"9" * 300 + b'"}', "decisions", "id"),
    ],
)
def test_malformed_pushes_say_what_is_wrong(http, body, resource, message):
    c = AhjoConnector({"base_url": "https://ahjo.example"}, http)
    with pytest.raises(PayloadError, match=message):
        c.parse_webhook(body, {}, resource)


# --- fetch ---------------------------------------------------------------------------------------
def test_decision_html_is_fetched_with_the_language(host, http):
    item = connector(host, http, language="sv").fetch_item(f"decisions/{COUNCIL_DECISION_ID}")
    assert host.seen[-1].endswith("?apireqlang=sv")
    assert "%7B4CFC9573" in host.seen[-1]  # the braces of Ahjo's ids are quoted, as Ahjo's own links do
    assert item.external_id == f"decisions/{COUNCIL_DECISION_ID}"
    assert item.title == AGENDA_ITEM["AgendaItem"]
    assert item.body.startswith("<html") and "Kaupunginvaltuusto päätti pitää kokouksensa" in item.body
    assert item.language == "fi"  # the record's own language wins over the requested one
    assert item.committee == "Kaupunginvaltuusto"
    assert item.extra["section"] == "247 §" and item.extra["case"] == "HEL 2025-015674"
    assert item.updated_at == datetime(2025, 10, 30, 0, 0, tzinfo=UTC)  # 02:00 Helsinki time
    # The listed attachment is kept although the host will 404 it (the reader notes that); the
    # confidential one has no file and is only named; the decision's PDF repeats the HTML and is skipped.
    assert [a.url.rsplit("/", 1)[1] for a in item.attachments] == ["missing-attachment.pdf"]
    assert item.attachments[0].name == "Kokousajat taulukkona"
    assert item.attachments[0].mime_type == "application/pdf"
    assert item.extra["unavailable_attachments"] == ["Salassa pidettävä liite"]


def test_bare_decision_record_is_read_from_its_pdf(host, http):
    item = connector(host, http).fetch_item(f"decisions/{RECORD_DECISION_ID}")
    assert item.title == DECISION_RECORD["Title"]
    assert item.body == ""
    assert [a.url.rsplit("/", 1)[1] for a in item.attachments] == ["council-decision.pdf"]
    assert item.meeting == "0040020254 (2025-01-27)"
    assert item.updated_at == parse_ahjo_time("2025-01-31T02:00:00.000")
    assert item.extra["type"] == "päätös"


def test_meeting_and_case_are_mapped(host, http):
    c = connector(host, http)
    meeting = c.fetch_item(f"meetings/{MEETING_ID}")
    assert meeting.title == "Kaupunginvaltuusto 2025-01-27"
    assert "247 § Kaupunginvaltuuston kokousajat vuonna 2026" in meeting.body
    assert meeting.committee == "Kaupunginvaltuusto"
    case = c.fetch_item(f"cases/{CASE_ID}")
    assert case.title.startswith("Valtuustoaloite, Haltialan kotieläintilasta")
    assert "Valtuuston aloitetoiminta" in case.body
    assert len(case.attachments) == 3 and all(a.url.endswith(".pdf") for a in case.attachments)


def test_gone_items_are_none_and_bad_ids_are_permanent(host, http):
    c = connector(host, http)
    assert c.fetch_item("decisions/{00000000-0000-0000-0000-000000000000}") is None
    for bad in ("decisions", "trustees/1", "decisions/..", "decisions/a/b"):
        with pytest.raises(PermanentError):
            c.fetch_item(bad)


def test_5xx_is_transient_and_the_api_key_is_sent(host, http):
    host.auth = "api_key"
    c = connector(host, http, auth={"type": "api_key", "key": host.api_key})
    host.failures = 1
    with pytest.raises(TransientError):
        c.fetch_item(f"decisions/{COUNCIL_DECISION_ID}")
    assert c.fetch_item(f"decisions/{COUNCIL_DECISION_ID}") is not None
    wrong = connector(host, http, auth={"type": "api_key", "key": "nope"})
    with pytest.raises(PermanentError, match="refused the configured credentials"):
        wrong.test_connection()


# --- poll ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("next_links", [True, False])
def test_poll_pages_through_a_window(host, http, next_links):
    host.next_links = next_links
    c = connector(host, http, page_size=1)
    since, until = datetime(2020, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC)
    seen, page, pages = [], None, 0
    while True:
        listing = c.poll(since, until, page)
        pages += 1
        seen.extend(listing.changes)
        page = listing.next_page
        if page is None:
            break
    # Three decisions at one per page, by Ahjo's next link or by the offset while "count" says there is more.
    assert pages == 3
    assert [ch.external_id for ch in seen] == [
        f"decisions/{d}"
        for d in ("{8E100ECE-7BE1-46A7-8D53-C49F02B762D3}", RECORD_DECISION_ID, COUNCIL_DECISION_ID)
    ]
    assert all(ch.action == "upsert" and ch.item is not None for ch in seen)
    assert seen[-1].item.body.startswith("<html")
    first = host.seen[-pages]
    assert "handledsince=2020-01-01T02%3A00%3A00" in first  # Helsinki time, as Ahjo keeps it
    assert "handledbefore=2026-01-01T02%3A00%3A00" in first


def test_poll_window_bounds_and_foreign_next_links(host, http):
    c = connector(host, http)
    listing = c.poll(datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 6, 1, tzinfo=UTC))
    assert [ch.external_id for ch in listing.changes] == [f"decisions/{RECORD_DECISION_ID}"]
    with pytest.raises(PermanentError, match="another host"):
        c.poll(None, datetime(2026, 1, 1, tzinfo=UTC), "http://127.0.0.2:1/ahjorest/v1/decisions?start=1")


# --- OpenID Connect ------------------------------------------------------------------------------
def test_oidc_token_is_refreshed_once_and_the_new_refresh_token_used_next(host, http):
    host.auth = "oidc"
    c = connector(host, http, auth=oidc(host))
    assert c.fetch_item(f"decisions/{COUNCIL_DECISION_ID}") is not None
    assert c.fetch_item(f"meetings/{MEETING_ID}") is not None
    assert host.token_requests == 1
    # The access token has gone (a restart of the API, say): the rotated refresh token is used, not
    # the spent one from the config.
    host.access_tokens.clear()
    assert connector(host, http, auth=oidc(host)).fetch_item(f"cases/{CASE_ID}") is not None
    assert host.token_requests == 2 and host.refused_refreshes == 0


def test_concurrent_refreshes_make_one_token_request(host, http):
    host.auth = "oidc"
    gate = threading.Barrier(4)
    errors: list[Exception] = []

    def fetch() -> None:
        c = connector(host, http, auth=oidc(host))
        gate.wait()
        try:
            c.fetch_item(f"decisions/{COUNCIL_DECISION_ID}")
        except Exception as exc:  # noqa: BLE001 - collected for the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=fetch) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert host.token_requests == 1 and host.refused_refreshes == 0


def test_spent_refresh_token_says_what_to_do(host, http):
    host.auth = "oidc"
    host.refresh_tokens = {"someone-else-used-ours"}
    with pytest.raises(PermanentError, match="sign in to Ahjo again") as caught:
        connector(host, http, auth=oidc(host)).fetch_item(f"cases/{CASE_ID}")
    assert "refresh-0" not in str(caught.value) and host.client_secret not in str(caught.value)
