"""The Dynasty connector against its fake host (real Dynasty item pages and the real feed's shape), and a
backfill from it that stores and screens the items."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from climate_plugin.cli import main
from climate_plugin.connectors.common import politeness
from climate_plugin.connectors.common.politeness import CrawlForbidden
from climate_plugin.connectors.dynasty import DynastyConnector
from climate_plugin.connectors.dynasty.connector import read_feed
from climate_plugin.connectors.dynasty.fake_host import ITEMS, SAMPLES, DynastyFakeHost
from climate_plugin.db import db
from climate_plugin.hosts.connector import create_connector
from climate_plugin.models import AgendaItem, Municipality
from climate_plugin.outbound import AllowList, OutboundClient, PermanentError


@pytest.fixture
def host():
    politeness.forget_robots()
    server = DynastyFakeHost()
    yield server
    server.stop()
    politeness.forget_robots()


@pytest.fixture
def http() -> OutboundClient:
    return OutboundClient(AllowList(["127.0.0.1"]))


def connector(host, http, **settings) -> DynastyConnector:
    return DynastyConnector({"base_url": host.base_url, "requests_per_second": 100, **settings}, http)


def poll_all(make, since, until):
    page, changes = None, []
    while True:
        result = make().poll(since, until, page)
        changes.extend(result.changes)
        page = result.next_page
        if page is None:
            return changes


def test_the_real_feed_is_read_with_its_letters():
    # the only real feed: declared ISO-8859-1, saved as UTF-8
    raw = (SAMPLES / "rss" / "rss_meetingitems_kokkola10_trimmed_thirdparty.xml").read_bytes()
    entries = read_feed(raw)
    body = "Konserni- ja kaupunkikehitysjaosto"
    assert [(e.item_id, e.body, e.day.isoformat(), e.title) for e in entries] == [
        ("20261273-7", body, "2026-08-27", "Asuntotuotannon edistäminen kunnassa"),
        ("20261273-3", body, "2026-08-27", "Työjärjestyksen hyväksyminen"),
    ]
    # and as real feeds are sent: ISO-8859-1 bytes
    assert read_feed(raw.decode("utf-8").encode("iso-8859-1"))[1].title == "Työjärjestyksen hyväksyminen"
    with pytest.raises(PermanentError, match="not RSS"):
        read_feed("<html><body>Palvelu ei ole käytettävissä</body></html".encode())


def test_minutes_item_of_the_real_espoo_page(host, http):
    item = connector(host, http).fetch_item("2017406946-3")
    assert item.title == "Espoon kaupungin hallintosäännön hyväksyminen (Kv-asia) (Pöydälle 10.4.2017)"
    assert item.meeting == "Kaupunginhallitus 8.5.2017" and item.committee == "Kaupunginhallitus"
    assert item.extra["stage"] == "minutes" and item.extra["section"] == "127"
    assert item.extra["proposal"].startswith("Kaupunginjohtaja Jukka Mäkelä\nKaupunginhallitus ehdottaa")
    assert item.extra["decision"].startswith("Kaupunginhallitus:\nKaupunginhallitus ehdottaa")
    # the decision history repeats the earlier handling: left out
    assert "Päätöshistoria" not in item.body and "Kaupunginhallitus 10.4.2017 § 105" not in item.body
    assert [a.name for a in item.attachments] == [
        "Espoon kaupungin hallintosääntö - Kokouksessa korjattu", "Äänestyslistat § 127",
    ]
    assert all(a.url.startswith(host.base_url + "/kokous/2017406946-3-") for a in item.attachments)
    assert item.url == f"{host.base_url}/cgi/DREQUEST.PHP?page=meetingitem&id=2017406946-3"


def test_agenda_item_and_dynasty10_items(host, http):
    c = connector(host, http)
    agenda = c.fetch_item("2017409886-4")
    assert agenda.extra["stage"] == "agenda" and "section" not in agenda.extra
    assert "decision" not in agenda.extra and "merkitsee selostusosan tiedoksi" in agenda.extra["proposal"]
    luhva = c.fetch_item("2023277-5")
    assert luhva.title == ITEMS["2023277-5"][2] and luhva.meeting == "Aluehallitus 4.12.2023"
    assert luhva.extra["decision"] == "Aluehallitus hyväksyi päätösehdotuksen yksimielisesti."
    assert "Dynasty tietopalvelu" not in luhva.body and "RSS-linkki" not in luhva.body
    for item_id, (body, _, title, _) in ITEMS.items():
        item = c.fetch_item(item_id)
        assert (item.title, item.committee) == (title, body)


def test_a_poll_reads_the_items_of_meetings_near_the_window(host, http):
    make = lambda: connector(host, http)  # noqa: E731
    window = (datetime(2023, 11, 1, tzinfo=UTC), datetime(2024, 6, 1, tzinfo=UTC))
    assert sorted(c.external_id for c in poll_all(make, *window)) == ["2023277-5", "2023337-4", "2024427-4"]
    # minutes come after the meeting: a meeting 10 days before the window is read again, one 20 days not
    assert [c.external_id for c in poll_all(make, datetime(2023, 12, 14, tzinfo=UTC),
                                            datetime(2023, 12, 15, tzinfo=UTC))] == ["2023277-5", "2023337-4"]
    assert poll_all(make, datetime(2023, 12, 24, tzinfo=UTC), datetime(2023, 12, 25, tzinfo=UTC)) == []
    only = lambda: connector(host, http, bodies=["Aluehallitus"])  # noqa: E731
    assert [c.external_id for c in poll_all(only, *window)] == ["2023277-5"]


def test_a_changed_page_gives_the_changed_text(host, http):
    c = connector(host, http)
    assert "decision" not in c.fetch_item("2017409886-4").extra
    host.change("2017409886-4", "Oheismateriaali", "Päätös<br>Ehdotus hyväksyttiin.<br>Oheismateriaali")
    assert connector(host, http).fetch_item("2017409886-4").extra["decision"] == "Ehdotus hyväksyttiin."


def test_deleted_and_broken_items(host, http):
    host.delete("2023337-4")
    assert connector(host, http).fetch_item("2023337-4") is None
    assert "2023337-4" not in [e.item_id for e in connector(host, http).feed()]
    host.broken.add("2023277-5")
    with pytest.raises(PermanentError, match="not an item page"):
        connector(host, http).fetch_item("2023277-5")
    with pytest.raises(PermanentError, match="not a Dynasty item id"):
        connector(host, http).fetch_item("1; DROP")


def test_robots_txt_that_forbids_crawling(host, http):
    host.robots_txt = "User-agent: *\nDisallow: /\n"
    with pytest.raises(CrawlForbidden, match="forbids reading /cgi/DREQUEST.PHP"):
        connector(host, http).poll(datetime(2023, 11, 1, tzinfo=UTC), datetime(2024, 6, 1, tzinfo=UTC))
    assert host.paths() == ["/robots.txt"]


def test_backfill_stores_and_screens_the_items(app, runner, host):
    with app.app_context():
        town = Municipality(slug="jamsa", name="Jämsän kaupunki", language="fi")
        db.session.add(town)
        db.session.commit()
        row, _ = create_connector(town, "dynasty", "Dynasty", {"base_url": host.base_url,
                                                             "requests_per_second": 100})
        connector_id = row.id
    since = (datetime.now(UTC) - timedelta(days=365 * 10)).date().isoformat()
    result = runner.invoke(main, args=["connector", "backfill", str(connector_id), "--since", since])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["created"] == len(ITEMS)
    with app.app_context():
        items = {i.external_id: i for i in db.session.query(AgendaItem).all()}
        assert set(items) == set(ITEMS)
        assert all(i.current_assessment is not None for i in items.values())
        espoo = items["2017406946-3"]
        # the attachments were read through the connector (PDFs from the fake host)
        assert [bool(a["text"]) for a in espoo.attachments] == [True, True]
        assert espoo.url.endswith("id=2017406946-3")
