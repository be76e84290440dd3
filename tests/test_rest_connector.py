"""The generic REST connector against a local host on 127.0.0.1."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from marshmallow import ValidationError

from climate_plugin.connectors.base import Attachment, PayloadError
from climate_plugin.connectors.rest.connector import (
    RestConfigSchema,
    RestConnector,
    normalise_language,
    resolve_pointer,
)
from climate_plugin.outbound import AllowList, OutboundClient, PermanentError, TransientError

ITEM = {
    "name": "Pyöräilyn edistämisohjelma",
    "content": {"html": "<p>Kaupunki rakentaa pyöräteitä.</p>", "lang": "fi-FI"},
    "modified": "2025-03-01T10:15:00",
    "meeting": {"id": 77},
    "links": [{"href": "https://host.example/items/a b"}],
    "a/b": {"m~n": "escaped"},
}
FIELDS = {
    "title": "/name",
    "body": "/content/html",
    "language": "/content/lang",
    "updated_at": "/modified",
    "meeting": "/meeting/id",
    "url": "/links/0/href",
}


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Host:
    port: int = 0
    # path (without query) -> (status, body)
    routes: dict[str, tuple[int, bytes]] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def _handler(host: Host) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            host.seen.append(Seen(self.command, self.path, dict(self.headers), self.rfile.read(length)))
            status, body = host.routes.get(self.path.split("?")[0], (404, b'{"error": "not found"}'))
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_PATCH = _answer  # noqa: N815 - http.server's naming

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def host() -> Iterator[Host]:
    state = Host()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


def _connector(host: Host, **overrides: Any) -> RestConnector:
    config: dict[str, Any] = {"base_url": host.base_url + "/api/", "fields": FIELDS} | overrides
    http = OutboundClient(AllowList.parse("127.0.0.1"), timeout=30.0)
    return RestConnector(config, http)


# --- config --------------------------------------------------------------------------------------------
def _load(config: dict[str, Any]) -> dict[str, Any]:
    return RestConfigSchema().load(config)


def test_minimal_config_gets_defaults() -> None:
    config = _load({"base_url": "https://host.example/api/", "fields": {"title": "/title"}})
    assert config == {
        "base_url": "https://host.example/api",
        "auth": {"type": "none"},
        "item_path": "/items/{id}",
        "fields": {"title": "/title", "body": "/body", "language": "/language",
                   "updated_at": "/updated_at", "meeting": None, "url": None, "attachments": None},
        "attachment_fields": None,
        "write_back": None,
    }


def test_full_config() -> None:
    config = _load({
        "base_url": "http://127.0.0.1:8080",
        "auth": {"type": "api_key", "key": "k"},
        "item_path": "/v2/agenda/{id}?format=json",
        "fields": FIELDS,
        "write_back": {"method": "put", "path": "/v2/agenda/{id}/climate"},
    })
    assert config["auth"] == {"type": "api_key", "key": "k", "header": "X-API-Key"}
    assert config["write_back"] == {"method": "PUT", "path": "/v2/agenda/{id}/climate"}
    assert _load({"base_url": "https://h.example", "fields": {"title": "/t"}, "write_back": None})[
        "write_back"
    ] is None


_OK = {"base_url": "https://h.example", "fields": {"title": "/t"}}


@pytest.mark.parametrize(
    ("config", "where", "words"),
    [
        ({"fields": {"title": "/t"}}, ("base_url",), "Missing data"),
        (_OK | {"base_url": "ftp://h.example"}, ("base_url",), "http"),
        (_OK | {"base_url": "https://u:p@h.example"}, ("base_url",), "credentials"),
        (_OK | {"base_url": "https://h.example?k=1"}, ("base_url",), "query"),
        ({"base_url": "https://h.example"}, ("fields",), "Missing data"),
        (_OK | {"fields": {}}, ("fields", "title"), "Missing data"),
        (_OK | {"fields": {"title": "name"}}, ("fields", "title"), "JSON Pointer"),
        (_OK | {"fields": {"title": "/a~2"}}, ("fields", "title"), "~0 or ~1"),
        (_OK | {"fields": {"title": "/t", "x": "/x"}}, ("fields", "x"), "Unknown"),
        (_OK | {"extra": 1}, ("extra",), "Unknown"),
        (_OK | {"item_path": "/items"}, ("item_path",), "{id}"),
        (_OK | {"item_path": "items/{id}"}, ("item_path",), "start with '/'"),
        (_OK | {"auth": {"type": "oauth"}}, ("auth", "type"), "Must be one of"),
        (_OK | {"auth": {"type": "bearer"}}, ("auth", "token"), "Required when auth type is bearer"),
        (_OK | {"auth": {"type": "none", "token": "x"}}, ("auth", "token"), "Not used with auth type none"),
        (_OK | {"auth": {"type": "api_key", "key": "k", "header": "X-K", "query_param": "k"}},
         ("auth", "query_param"), "either header or query_param"),
        (_OK | {"auth": {"type": "api_key", "key": "k", "header": "A B"}}, ("auth", "header"), "header name"),
        (_OK | {"auth": {"type": "basic", "username": "u"}}, ("auth", "password"), "Required"),
        (_OK | {"write_back": {"method": "DELETE", "path": "/i/{id}"}}, ("write_back", "method"), "one of"),
        (_OK | {"write_back": {"method": "POST"}}, ("write_back", "path"), "Missing data"),
        (_OK | {"fields": {"title": "/t", "attachments": "files"}}, ("fields", "attachments"),
         "JSON Pointer"),
        (_OK | {"attachment_fields": {"url": "/href"}}, ("attachment_fields",), "fields.attachments"),
        (_OK | {"fields": {"title": "/t", "attachments": "/f"}, "attachment_fields": {"url": "href"}},
         ("attachment_fields", "url"), "JSON Pointer"),
        (_OK | {"fields": {"title": "/t", "attachments": "/f"}, "attachment_fields": {"url": None}},
         ("attachment_fields", "url"), "null"),
        (_OK | {"fields": {"title": "/t", "attachments": "/f"}, "attachment_fields": {"size": "/s"}},
         ("attachment_fields", "size"), "Unknown"),
    ],
)
def test_invalid_configs(config: dict[str, Any], where: tuple[str, ...], words: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        _load(config)
    messages: Any = excinfo.value.messages
    for key in where:
        messages = messages[key]
    assert any(words in message for message in messages), messages


def test_validation_messages_do_not_echo_secrets() -> None:
    with pytest.raises(ValidationError) as excinfo:
        _load({"base_url": "https://h.example", "fields": {"title": "/t"},
               "auth": {"type": "none", "token": "tok-SECRET"}})
    assert "tok-SECRET" not in json.dumps(excinfo.value.messages)


def test_attachment_config_defaults() -> None:
    listed = _load(_OK | {"fields": {"title": "/t", "attachments": "/files"}})
    assert listed["fields"]["attachments"] == "/files"
    assert listed["attachment_fields"] == {"url": "/url", "name": "/name", "mime_type": "/mime_type"}
    partial = _load(_OK | {"fields": {"title": "/t", "attachments": "/files"},
                           "attachment_fields": {"url": "/accessUrl", "name": None}})
    assert partial["attachment_fields"] == {"url": "/accessUrl", "name": None, "mime_type": "/mime_type"}
    # a stored, normalised config loads again unchanged (the connector re-loads what was stored)
    assert _load(dict(partial)) == partial
    assert _load(dict(_load(_OK))) == _load(_OK)


# --- helpers -------------------------------------------------------------------------------------------
def test_pointer_resolution() -> None:
    assert resolve_pointer(ITEM, "/content/lang") == "fi-FI"
    assert resolve_pointer(ITEM, "/links/0/href") == "https://host.example/items/a b"
    assert resolve_pointer(ITEM, "/a~1b/m~0n") == "escaped"
    assert resolve_pointer(ITEM, "") is ITEM
    for missing in ("/nope", "/links/1/href", "/links/01", "/links/-", "/name/x", "/meeting/id/deeper"):
        assert resolve_pointer(ITEM, missing) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("fi", "fi"), ("fi-FI", "fi"), ("FI", "fi"), ("sv_SE", "sv"), ("svenska", "sv"), ("en-GB", "en"),
     ("de", None), ("", None), (None, None), (3, None)],
)
def test_language_normalisation(raw: Any, expected: str | None) -> None:
    assert normalise_language(raw) == expected


# --- fetch ---------------------------------------------------------------------------------------------
def test_fetch_maps_fields(host: Host) -> None:
    host.routes["/api/items/A-1"] = (200, json.dumps(ITEM).encode())
    item = _connector(host).fetch_item("A-1")
    assert item is not None
    assert item.external_id == "A-1"
    assert item.title == ITEM["name"]
    assert item.body == ITEM["content"]["html"]
    assert item.language == "fi"
    assert item.meeting == "77"
    assert item.url == "https://host.example/items/a b"
    assert item.updated_at == datetime(2025, 3, 1, 10, 15, tzinfo=UTC)  # naive → UTC
    assert host.seen[0].method == "GET"
    assert host.seen[0].headers["Accept"] == "application/json"


def test_fetch_keeps_offsets_and_tolerates_missing_optional_fields(host: Host) -> None:
    doc = {"name": "Title only", "modified": "2025-03-01T12:00:00+02:00"}
    host.routes["/api/items/7"] = (200, json.dumps(doc).encode())
    item = _connector(host).fetch_item("7")
    assert item is not None
    assert (item.body, item.language, item.meeting, item.url) == ("", None, None, None)
    assert item.updated_at == datetime(2025, 3, 1, 12, tzinfo=timezone(timedelta(hours=2)))


def test_fetch_quotes_the_id(host: Host) -> None:
    _connector(host).fetch_item("a/b c?d")
    assert host.seen[0].path == "/api/items/a%2Fb%20c%3Fd"


@pytest.mark.parametrize("status", [404, 410])
def test_fetch_gone_is_none(host: Host, status: int) -> None:
    host.routes["/api/items/9"] = (status, b"{}")
    assert _connector(host).fetch_item("9") is None


def test_fetch_503_is_transient(host: Host) -> None:
    host.routes["/api/items/9"] = (503, b"{}")
    with pytest.raises(TransientError):
        _connector(host).fetch_item("9")


def test_fetch_403_is_permanent(host: Host) -> None:
    host.routes["/api/items/9"] = (403, b"{}")
    with pytest.raises(PermanentError) as excinfo:
        _connector(host).fetch_item("9")
    assert excinfo.value.status == 403


@pytest.mark.parametrize(
    ("body", "words"),
    [(b"<html>", "not JSON"), (b"[1, 2]", "not a JSON object"), (b'{"title": "x"}', "no title at /name"),
     (b'{"name": "   "}', "no title"), (b'{"name": {"fi": "x"}}', "no title")],
)
def test_fetch_bad_documents_are_permanent(host: Host, body: bytes, words: str) -> None:
    host.routes["/api/items/9"] = (200, body)
    with pytest.raises(PermanentError, match=words):
        _connector(host).fetch_item("9")


def test_fetch_bad_updated_at_is_dropped(host: Host) -> None:
    host.routes["/api/items/9"] = (200, json.dumps({"name": "T", "modified": "last Tuesday"}).encode())
    item = _connector(host).fetch_item("9")
    assert item is not None and item.updated_at is None


def test_dot_ids_refused_before_any_request(host: Host) -> None:
    with pytest.raises(PermanentError):
        _connector(host).fetch_item("..")
    assert host.seen == []


# --- attachments ---------------------------------------------------------------------------------------
def _with_files(host: Host, files: Any, **config: Any) -> tuple[RestConnector, tuple[Attachment, ...]]:
    host.routes["/api/items/1"] = (200, json.dumps({"name": "T", "files": files}).encode())
    connector = _connector(host, fields={"title": "/name", "attachments": "/files"}, **config)
    item = connector.fetch_item("1")
    assert item is not None
    return connector, item.attachments


def test_attachments_from_a_list_of_objects(host: Host) -> None:
    files = [
        {"url": "https://files.example/a.pdf", "name": " Liite 1 ", "mime_type": "Application/PDF; x=y"},
        {"url": "/files/b.pdf", "name": "", "mime_type": "not a type"},
        {"url": "files/c.pdf?sig=1", "name": 7},
        {"name": "no URL"},
        {"url": ""},
        {"url": ["not", "a", "string"]},
        {"url": "mailto:clerk@town.example"},
        {"url": "javascript:alert(1)"},
        "//cdn.example/d.pdf",
        42,
        None,
    ]
    connector, attachments = _with_files(host, files)
    assert connector.capabilities.files
    base = host.base_url
    assert attachments == (
        Attachment("https://files.example/a.pdf", "Liite 1", "application/pdf"),
        Attachment(f"{base}/files/b.pdf"),  # "/…" is relative to the host's root, as in a browser
        Attachment(f"{base}/api/files/c.pdf?sig=1", "7"),  # "…" is relative to base_url
        Attachment("http://cdn.example/d.pdf"),  # a network-path reference keeps the base's scheme
    )


def test_attachments_from_a_list_of_strings(host: Host) -> None:
    _, attachments = _with_files(host, ["a.pdf", " https://files.example/b.pdf "])
    assert attachments == (Attachment(f"{host.base_url}/api/a.pdf"), Attachment("https://files.example/b.pdf"))


def test_a_single_attachment_object_and_own_pointers(host: Host) -> None:
    # Ahjo-like: one PDF object with its own field names
    pdf = {"FileURI": "https://ahjo.example/files/1.pdf", "Language": "fi", "Title": {"fi": "Liite"}}
    _, attachments = _with_files(
        host, pdf, attachment_fields={"url": "/FileURI", "name": "/Title/fi", "mime_type": None}
    )
    assert attachments == (Attachment("https://ahjo.example/files/1.pdf", "Liite"),)


@pytest.mark.parametrize("files", [None, [], {"no": "url"}, 5])
def test_no_usable_attachments(host: Host, files: Any) -> None:
    _, attachments = _with_files(host, files)
    assert attachments == ()


def test_attachments_off_unless_configured(host: Host) -> None:
    host.routes["/api/items/1"] = (200, json.dumps({"name": "T", "attachments": ["a.pdf"]}).encode())
    connector = _connector(host)
    assert not connector.capabilities.files
    assert RestConnector.capabilities.files  # the class can; this instance is not configured to
    item = connector.fetch_item("1")
    assert item is not None and item.attachments == ()


# --- auth variants -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("auth", "header", "value", "query"),
    [
        ({"type": "none"}, "Authorization", None, ""),
        ({"type": "bearer", "token": "tok"}, "Authorization", "Bearer tok", ""),
        ({"type": "api_key", "key": "k1"}, "X-API-Key", "k1", ""),
        ({"type": "api_key", "key": "k2", "header": "X-Token"}, "X-Token", "k2", ""),
        ({"type": "api_key", "key": "k 3", "query_param": "apikey"}, "X-API-Key", None, "?apikey=k+3"),
        ({"type": "basic", "username": "svc", "password": "pw"}, "Authorization",
         "Basic " + base64.b64encode(b"svc:pw").decode(), ""),
    ],
)
def test_auth_variants(host: Host, auth: dict, header: str, value: str | None, query: str) -> None:
    host.routes["/api/items/1"] = (200, b'{"name": "T"}')
    _connector(host, auth=auth).fetch_item("1")
    seen = host.seen[0]
    assert seen.headers.get(header) == value
    assert seen.path == "/api/items/1" + query


def test_query_key_joins_an_existing_query(host: Host) -> None:
    host.routes["/api/items/1"] = (200, b'{"name": "T"}')
    auth = {"type": "api_key", "key": "k", "query_param": "key"}
    _connector(host, auth=auth, item_path="/items/{id}?lang=fi").fetch_item("1")
    assert host.seen[0].path == "/api/items/1?lang=fi&key=k"


# --- write-back ----------------------------------------------------------------------------------------
def test_write_back_sends_block_with_idempotency_key(host: Host) -> None:
    host.routes["/api/items/5/climate"] = (200, b"{}")
    connector = _connector(
        host,
        auth={"type": "bearer", "token": "tok"},
        write_back={"method": "PATCH", "path": "/items/{id}/climate"},
    )
    assert connector.capabilities.write_back
    block = {"relevance": "high", "checklist_url": "https://plugin.example/c/5"}
    connector.write_back("5", block, "idem-123")
    seen = host.seen[0]
    assert (seen.method, seen.path) == ("PATCH", "/api/items/5/climate")
    assert seen.headers["Idempotency-Key"] == "idem-123"
    assert seen.headers["Authorization"] == "Bearer tok"
    assert seen.headers["Content-Type"] == "application/json"
    assert json.loads(seen.body) == block


def test_write_back_errors_are_mapped(host: Host) -> None:
    host.routes["/api/items/5/climate"] = (500, b"{}")
    connector = _connector(host, write_back={"path": "/items/{id}/climate"})
    with pytest.raises(TransientError):
        connector.write_back("5", {}, "k")
    assert host.seen[0].method == "POST"


def test_without_write_back_target(host: Host) -> None:
    connector = _connector(host)
    assert not connector.capabilities.write_back
    assert RestConnector.capabilities.write_back  # the class can; this instance is not configured to
    with pytest.raises(NotImplementedError):
        connector.write_back("5", {}, "k")
    assert host.seen == []


# --- test_connection -----------------------------------------------------------------------------------
def test_connection_ok(host: Host) -> None:
    host.routes["/api"] = (200, b"{}")
    _connector(host).test_connection()
    assert host.seen[0].path == "/api"


def test_connection_bad_credentials(host: Host) -> None:
    host.routes["/api"] = (401, b"{}")
    with pytest.raises(PermanentError, match="credentials"):
        _connector(host, auth={"type": "bearer", "token": "tok-SECRET"}).test_connection()


def test_connection_refused_address() -> None:
    http = OutboundClient(AllowList.parse(""), timeout=1.0)
    connector = RestConnector({"base_url": "http://127.0.0.1:9", "fields": {"title": "/t"}}, http)
    with pytest.raises(PermanentError, match="allow list"):
        connector.test_connection()


# --- webhooks --------------------------------------------------------------------------------------------
def _event(payload: Any, headers: dict[str, str] | None = None) -> Any:
    connector = RestConnector({"base_url": "https://h.example", "fields": {"title": "/t"}},
                              OutboundClient(AllowList()))
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return connector.parse_webhook(body, {"Webhook-Id": "msg_1"} if headers is None else headers)


@pytest.mark.parametrize(
    ("event_type", "action"),
    [("agenda_item.drafted", "upsert"), ("agenda_item.updated", "upsert"), ("agenda_item.deleted", "delete")],
)
def test_parse_webhook(event_type: str, action: str) -> None:
    event = _event({"type": event_type, "timestamp": "2025-03-01T10:00:00Z", "data": {"id": "A-1"}})
    assert event.delivery_id == "msg_1"
    assert event.action == action
    assert event.external_id == "A-1"
    assert event.event_type == event_type
    assert event.occurred_at == datetime(2025, 3, 1, 10, tzinfo=UTC)


def test_parse_webhook_integer_id_and_no_timestamp() -> None:
    event = _event({"type": "agenda_item.updated", "data": {"id": 42}}, {"webhook-id": "msg_2"})
    assert (event.external_id, event.delivery_id, event.occurred_at) == ("42", "msg_2", None)


@pytest.mark.parametrize(
    ("payload", "words"),
    [
        (b"not json", "not JSON"),
        (b"\xff\xfe", "not JSON"),
        ([1], "JSON object"),
        ({"type": "agenda_item.exploded", "data": {"id": 1}}, "unknown event type 'agenda_item.exploded'"),
        ({"data": {"id": 1}}, "unknown event type None"),
        ({"type": "agenda_item.updated"}, "no data.id"),
        ({"type": "agenda_item.updated", "data": {}}, "no data.id"),
        ({"type": "agenda_item.updated", "data": "x"}, "no data.id"),
        ({"type": "agenda_item.updated", "data": {"id": None}}, "string or an integer"),
        ({"type": "agenda_item.updated", "data": {"id": True}}, "string or an integer"),
        ({"type": "agenda_item.updated", "data": {"id": 1.5}}, "string or an integer"),
        ({"type": "agenda_item.updated", "data": {"id": "  "}}, "non-empty"),
        ({"type": "agenda_item.updated", "data": {"id": ".."}}, "non-empty"),
        ({"type": "agenda_item.updated", "data": {"id": 1}, "timestamp": "soon"}, "ISO-8601"),
        ({"type": "agenda_item.updated", "data": {"id": 1}, "timestamp": 1700000000}, "ISO-8601"),
    ],
)
def test_parse_webhook_bad_payloads(payload: Any, words: str) -> None:
    with pytest.raises(PayloadError, match=words.replace(".", r"\.").replace("(", r"\(")):
        _event(payload)


def test_parse_webhook_needs_delivery_id() -> None:
    with pytest.raises(PayloadError, match="webhook-id"):
        _event({"type": "agenda_item.updated", "data": {"id": 1}}, headers={})
