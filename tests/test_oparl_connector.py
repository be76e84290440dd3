"""The OParl connector against a fake OParl 1.1 server on 127.0.0.1 serving the spec's example objects."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from marshmallow import ValidationError

from climate_plugin.connectors.base import Attachment, Change, PayloadError
from climate_plugin.connectors.oparl.connector import OParlConfigSchema, OParlConnector
from climate_plugin.connectors.oparl.fake_host import OParlServer
from climate_plugin.connectors.registry import get_connector_class
from climate_plugin.outbound import AllowList, OutboundClient, PermanentError, TransientError

NOW = datetime(2026, 2, 1, tzinfo=UTC)
LIVE_ITEMS = [  # in the order the server lists their meetings (by modified)
    "/agendaitem/3271",
    "/agendaitem/15569",
    "/augsburg/public/oparl/agendaItems?id=1002246",
    "/agendaitem/3001",
    "/agendaitem/3002",
    "/agendaitem/3004",
]


@pytest.fixture
def server() -> Iterator[OParlServer]:
    host = OParlServer(page_size=2).start()
    yield host
    host.stop()


def _connector(server: OParlServer, **config: Any) -> OParlConnector:
    settings: dict[str, Any] = {"system_url": server.system_url, "body": server.body_url} | config
    return OParlConnector(settings, OutboundClient(AllowList.parse("127.0.0.1"), timeout=30.0))


def _walk(
    connector: OParlConnector, since: datetime | None, until: datetime = NOW
) -> tuple[list[Change], int]:
    """Every change in the window, following the pages; and how many pages there were."""
    changes: list[Change] = []
    page: str | None = None
    pages = 0
    while True:
        listing = connector.poll(since, until, page)
        pages += 1
        changes.extend(listing.changes)
        page = listing.next_page
        if page is None:
            return changes, pages


def _paths(server: OParlServer, changes: list[Change], action: str) -> list[str]:
    return [c.external_id.removeprefix(server.base_url) for c in changes if c.action == action]


# --- config ------------------------------------------------------------------------------------------
def test_registered_as_a_read_only_polling_kind() -> None:
    cls = get_connector_class("oparl")
    assert cls is OParlConnector
    assert cls.capabilities.poll and cls.capabilities.files
    assert not cls.capabilities.push and not cls.capabilities.write_back
    assert cls.secret_fields == ()


def test_config_body_defaults_to_every_body() -> None:
    loaded = OParlConfigSchema().load({"system_url": " https://ris.example.de/oparl/v1 "})
    assert loaded == {"system_url": "https://ris.example.de/oparl/v1", "body": None}
    with_body = {"system_url": "https://ris.example.de/oparl/v1", "body": "https://ris.example.de/bodies?id=1"}
    assert OParlConfigSchema().load(with_body) == with_body


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({}, "system_url"),
        ({"system_url": "ftp://ris.example.de/oparl"}, "system_url"),
        ({"system_url": "ris.example.de/oparl"}, "system_url"),
        ({"system_url": "https://user:pw@ris.example.de/oparl"}, "system_url"),
        ({"system_url": "https://ris.example.de:99999/oparl"}, "system_url"),
        ({"system_url": "https://ris.example.de/oparl", "body": "https://other.example/bodies/1"}, "body"),
        ({"system_url": "https://ris.example.de/oparl", "body": "http://ris.example.de/bodies/1"}, "body"),
        ({"system_url": "https://ris.example.de/oparl", "body": 7}, "body"),
        ({"system_url": "https://ris.example.de/oparl", "token": "x"}, "token"),
    ],
)
def test_bad_config_is_refused_naming_the_field(config: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        OParlConfigSchema().load(config)
    assert field in refused.value.messages


def test_no_webhooks(server: OParlServer) -> None:
    with pytest.raises(PayloadError, match="polled"):
        _connector(server).parse_webhook(b"{}", {})


# --- test_connection ---------------------------------------------------------------------------------
def test_connection_to_a_real_system_passes(server: OParlServer) -> None:
    _connector(server).test_connection()
    _connector(server, body=None).test_connection()


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"system_url": "/nothing/here"}, "system_url answered 404: nothing is there"),
        ({"system_url": "/bodies/1"}, "answers with an OParl Body object, not an OParl System object"),
        ({"body": "/meeting/300"}, "body answers with an OParl Meeting object, not an OParl Body object"),
        ({"system_url": "/files/3004.pdf"}, "system_url could not be read: .* not JSON"),
    ],
)
def test_connection_says_what_is_wrong(server: OParlServer, config: dict[str, str], message: str) -> None:
    connector = _connector(server, **{k: server.url(v) for k, v in config.items()})
    with pytest.raises(PermanentError, match=message):
        connector.test_connection()


def test_connection_to_a_server_that_is_down(server: OParlServer) -> None:
    server.fail_next = 1
    with pytest.raises(TransientError, match="system_url could not be reached"):
        _connector(server).test_connection()


def test_connection_to_an_internal_address_not_allowed(server: OParlServer) -> None:
    connector = OParlConnector({"system_url": server.system_url}, OutboundClient(AllowList(), timeout=2.0))
    with pytest.raises(PermanentError, match="internal address"):
        connector.test_connection()


# --- the walk ----------------------------------------------------------------------------------------
def test_walk_reads_every_agenda_item_page_by_page(server: OParlServer) -> None:
    changes, pages = _walk(_connector(server), since=None)
    assert _paths(server, changes, "upsert") == LIVE_ITEMS
    # Without modified_since the spec hides deleted objects; the one in meeting 300 is embedded and shown.
    assert _paths(server, changes, "delete") == ["/agendaitem/3003"]
    assert pages == 2  # four live meetings, two per page, joined by links.next
    upserts = [c for c in changes if c.action == "upsert"]
    assert all(c.item is not None and c.item.external_id == c.external_id for c in upserts)


def test_every_body_of_the_system_is_walked_when_none_is_configured(server: OParlServer) -> None:
    changes, _ = _walk(_connector(server, body=None), since=None)
    assert _paths(server, changes, "upsert") == LIVE_ITEMS
    assert any(r == "/bodies" for r in server.requests)


def test_spec_example_meeting_item_and_its_paper(server: OParlServer) -> None:
    changes, _ = _walk(_connector(server), since=None)
    items = {c.external_id.removeprefix(server.base_url): c.item for c in changes if c.item}
    spec_item = items["/agendaitem/3271"]  # Meeting-01.json's AgendaItem, verbatim
    assert spec_item.title == "Satzungsänderung für Ausschreibungen"
    assert spec_item.body == "Der Beschluss weicht wie folgt vom Antrag ab: ..."
    assert spec_item.meeting == "4. Sitzung des Finanzausschusses 4.1.2013"
    assert spec_item.committee == "Finanzausschuss"
    assert spec_item.updated_at == datetime.fromisoformat("2012-01-08T14:05:27+01:00")
    # its Paper's mainFile has no text: the PDF is left to the pipeline to read
    assert spec_item.attachments == (
        Attachment(server.url("/files/1034.pdf"), "Beschlussvorlage", "application/pdf"),
    )
    # Paper-01.json reached through its consultation: no name on the agenda item, so the Paper's is used;
    # the auxiliaryFile's text is taken as it is and only the mainFile without text is left as a PDF
    paper_item = items["/agendaitem/15569"]
    assert paper_item.title == "Antwort auf Anfrage 1200/2014"
    assert paper_item.body == "Der Übersichtsplan zeigt alle Ebenen des ..."
    assert [a.url for a in paper_item.attachments] == [server.url("/files/57737.pdf")]
    assert paper_item.committee == "Stadtrat"
    assert paper_item.updated_at == datetime.fromisoformat("2013-01-08T12:10:00+01:00")  # the meeting's


def test_real_sessionnet_paper(server: OParlServer) -> None:
    changes, _ = _walk(_connector(server), since=None)
    item = next(c.item for c in changes if c.item and "agendaItems?id=1002246" in c.external_id)
    assert item.title.startswith("Zukunftsbericht Integration-Wegweiser")
    assert item.url == server.url("/augsburg/public/vo020?VOLFDNR=1001737")
    # SessionNet declares mimeType "pdf" and an empty downloadUrl: the accessUrl, as a PDF
    assert item.attachments == (
        Attachment(
            server.url("/augsburg/public/doc?DOLFDNR=1059421&DOCTYP=130&OTYP=41&ANNOTS=1"),
            "Sammeldokument öffentlich",
            "application/pdf",
        ),
    )
    assert item.committee is None  # the organization is not on the server: nice to have, not needed


def test_finnish_items_text_from_the_file_or_the_resolution(server: OParlServer) -> None:
    changes, _ = _walk(_connector(server), since=None)
    items = {c.external_id.removeprefix(server.base_url): c.item for c in changes if c.item}
    school = items["/agendaitem/3001"]
    assert "maalämpöjärjestelmällä" in school.body and school.attachments == ()
    assert school.url == server.url("/web/agendaitem/3001")
    assert school.meeting == "Tekninen lautakunta 12.1.2026" and school.committee == "Tekninen lautakunta"
    assert items["/agendaitem/3002"].body.startswith("Lautakunta valitsi")
    assert [a.url for a in items["/agendaitem/3004"].attachments] == [server.url("/files/3004.pdf")]


# --- modified_since / modified_until -------------------------------------------------------------------
def test_modified_since_asks_the_server_and_shows_deletions(server: OParlServer) -> None:
    since = datetime(2026, 1, 1, tzinfo=UTC)
    changes, pages = _walk(_connector(server), since=since)
    assert _paths(server, changes, "upsert") == ["/agendaitem/3001", "/agendaitem/3002", "/agendaitem/3004"]
    # meeting 301 is deleted down to its id (names no items); deleted meeting 302 still lists one
    assert _paths(server, changes, "delete") == ["/agendaitem/3003", "/agendaitem/3021"]
    assert pages == 2
    first = next(r for r in server.requests if r.startswith("/bodies/1/meetings"))
    assert "modified_since=2026-01-01T00%3A00%3A00%2B00%3A00" in first
    assert "modified_until=2026-02-01T00%3A00%3A00%2B00%3A00" in first


def test_modified_until_bounds_the_window(server: OParlServer) -> None:
    changes, _ = _walk(_connector(server), since=None, until=datetime(2013, 6, 1, tzinfo=UTC))
    assert _paths(server, changes, "upsert") == ["/agendaitem/3271", "/agendaitem/15569"]


def test_a_later_change_and_a_later_deletion_are_seen(server: OParlServer) -> None:
    connector = _connector(server)
    server.touch("/agendaitem/3002", "2026-01-20T10:00:00+02:00", name="Pöytäkirjantarkastajat")
    server.delete("/agendaitem/3004", "2026-01-21T10:00:00+02:00")
    changes, _ = _walk(connector, since=datetime(2026, 1, 15, tzinfo=UTC))
    upserts = [c for c in changes if c.action == "upsert"]
    assert [(c.external_id, c.item.title) for c in upserts if c.item] == [
        (server.url("/agendaitem/3001"), "Kirkonkylän koulun lämmitysjärjestelmän muutos maalämpöön"),
        (server.url("/agendaitem/3002"), "Pöytäkirjantarkastajat"),
    ]
    assert _paths(server, changes, "delete") == ["/agendaitem/3003", "/agendaitem/3004"]
    assert connector.fetch_item(server.url("/agendaitem/3004")) is None


# --- failures and resuming ---------------------------------------------------------------------------
def test_a_server_error_is_transient_and_the_page_can_be_retried(server: OParlServer) -> None:
    connector = _connector(server)
    first = connector.poll(None, NOW)
    assert first.next_page is not None
    server.fail_next = 1
    with pytest.raises(TransientError):
        connector.poll(None, NOW, first.next_page)
    second = connector.poll(None, NOW, first.next_page)
    assert [c.external_id.removeprefix(server.base_url) for c in second.changes if c.action == "upsert"] == (
        LIVE_ITEMS[2:]
    )
    assert second.next_page is None


def test_a_client_error_on_the_list_is_permanent(server: OParlServer) -> None:
    server.fail_next, server.fail_status = 1, 403
    with pytest.raises(PermanentError) as refused:
        _connector(server).poll(None, NOW)
    assert refused.value.status == 403


def test_links_to_another_host_are_not_followed(server: OParlServer) -> None:
    connector = _connector(server)
    token = json.dumps({"next": "http://169.254.169.254/latest/meta-data", "bodies": [], "first": False})
    before = len(server.requests)
    with pytest.raises(PermanentError, match="another host"):
        connector.poll(None, NOW, token)
    with pytest.raises(PermanentError, match="not on the OParl server's host"):
        connector.fetch_item("http://169.254.169.254/agendaitem/1")
    # a Paper link pointing away is treated as absent: the agenda item still comes, without the Paper
    server.get("/consultation/3001")["paper"] = "http://other.example/paper/3001"
    item = connector.fetch_item(server.url("/agendaitem/3001"))
    assert item is not None and item.body == "" and item.extra["paper_url"] is None
    # the agenda item, its meeting, its consultation, the meeting's organization; nothing elsewhere
    assert server.requests[before:] == ["/agendaitem/3001", "/meeting/300", "/consultation/3001",
                                        "/organization/300"]


def test_a_poll_position_not_written_by_the_connector_is_refused(server: OParlServer) -> None:
    for token in ("not json", "[1, 2]", json.dumps({"next": 5, "bodies": []})):
        with pytest.raises(PermanentError, match="poll position"):
            _connector(server).poll(None, NOW, token)


# --- fetch by URL ------------------------------------------------------------------------------------
def test_fetch_by_url_gives_what_the_poll_gave(server: OParlServer) -> None:
    connector = _connector(server)
    changes, _ = _walk(connector, since=None)
    for change in changes:
        if change.action == "upsert":
            assert connector.fetch_item(change.external_id) == change.item


def test_fetch_of_a_gone_or_deleted_item_is_none(server: OParlServer) -> None:
    connector = _connector(server)
    assert connector.fetch_item(server.url("/agendaitem/404404")) is None
    assert connector.fetch_item(server.url("/agendaitem/3003")) is None  # deleted: true
    assert connector.fetch_item(server.url("/agendaitem/3021")) is None  # in a deleted meeting
    server.fail_next, server.fail_status = 1, 410
    assert connector.fetch_item(server.url("/agendaitem/3001")) is None


def test_fetch_of_an_unreadable_item_raises(server: OParlServer) -> None:
    server.fail_next, server.fail_status = 1, 500
    with pytest.raises(TransientError):
        _connector(server).fetch_item(server.url("/agendaitem/3001"))
