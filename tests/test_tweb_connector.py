"""The Tweb connector against its fake host (Oulu's and Vantaa's real 2017 pages and a real item PDF), and a
backfill from it that stores and screens the items."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from climate_plugin.cli import main
from climate_plugin.connectors.common import politeness
from climate_plugin.connectors.common.politeness import CrawlForbidden
from climate_plugin.connectors.tweb import TwebConnector
from climate_plugin.connectors.tweb.fake_host import TwebFakeHost, sampled_rows
from climate_plugin.db import db
from climate_plugin.hosts.connector import create_connector
from climate_plugin.models import AgendaItem, Municipality
from climate_plugin.outbound import AllowList, OutboundClient, PermanentError

WINDOW = (datetime(2017, 2, 15, tzinfo=UTC), datetime(2017, 4, 1, tzinfo=UTC))
SUOMI_100 = "12626/395959398"


@pytest.fixture
def host():
    politeness.forget_robots()
    server = TwebFakeHost()
    yield server
    server.stop()
    politeness.forget_robots()


@pytest.fixture
def http() -> OutboundClient:
    return OutboundClient(AllowList(["127.0.0.1"]))


def connector(host, http, **settings) -> TwebConnector:
    return TwebConnector({"base_url": host.base_url, "requests_per_second": 100, **settings}, http)


def poll_all(make, since, until):
    page, changes = None, []
    while True:
        result = make().poll(since, until, page)
        changes.extend(result.changes)
        page = result.next_page
        if page is None:
            return changes


def test_bodies_come_from_the_real_query_page(host, http):
    bodies = connector(host, http).bodies()
    assert bodies["690"] == "Kaupunginhallitus" and "" not in bodies  # not "Kaikki toimielimet"
    assert len(bodies) == 31
    assert list(connector(host, http, bodies=["kaupunginhallitus"]).bodies()) == ["690"]


def test_a_poll_asks_for_the_window_and_reads_the_meetings_in_it(host, http):
    changes = poll_all(lambda: connector(host, http, bodies=["690"]), *WINDOW)
    posts = [r for r in host.requests if r.method == "POST"]
    assert [r.params for r in posts] == [{"kirjaamo": "690", "oper": "where", "pvm1": "1.2.2017",
                                          "pvm2": "15.4.2017"}]
    # the "+" is sent as it is
    assert "/ktwebbin/dbisa.dll/ktwebscr/pk_asil_tweb.htm?+bid=12867" in host.paths()
    ids = {c.external_id for c in changes}
    expected = {f"12867/{d}" for d in sampled_rows(host, "12867")} | {SUOMI_100}
    assert ids == expected
    # the cover page and the organising items (no §) are no items
    titles = {c.item.title for c in changes}
    assert "Pöytäkirjan kansilehti" not in titles and "Järjestäytymispykälät" not in titles
    first = next(c.item for c in changes if c.external_id == "12867/632581")
    assert (first.title, first.extra["section"], first.meeting) == (
        "Oulun kaupungin tilinpäätös 2016", "72", "Kaupunginhallitus 27.3.2017"
    )
    assert [a.name for a in first.attachments] == ["Liite 1", "Liite 2", "Liite 3"]
    assert first.url == f"{host.base_url}/ktwebbin/ktproxy2.dll?doctype=3&docid=632581"


def test_the_item_text_is_read_from_its_real_pdf(host, http):
    item = connector(host, http).fetch_item(SUOMI_100)
    assert item.title == "Suomi 100 -juhlavuoden juhlapäätös"
    assert item.meeting == "Kaupunginhallitus 20.2.2017" and item.committee == "Kaupunginhallitus"
    assert "Euroopan kulttuuripääkaupungin asemaa vuodeksi 2026" in " ".join(item.body.split())
    assert item.extra["proposal"].startswith("Kaupunginhallitus esittää, että Suomen itsenäisyyden")
    assert item.extra["decision"] == "Päätösesitys hyväksyttiin."
    assert "document_error" not in item.extra


def test_vantaa_columns_in_another_order(http):
    vantaa = TwebFakeHost("vantaa")
    try:
        c = TwebConnector({"base_url": vantaa.base_url, "requests_per_second": 100,
                           "bodies": ["55015.000000"]}, http)
        changes = poll_all(lambda: c, datetime(2017, 3, 15, tzinfo=UTC), datetime(2017, 3, 25, tzinfo=UTC))
        assert len(changes) == 29 == len(sampled_rows(vantaa, "130013"))
        first = changes[0].item
        assert (first.extra["section"], first.title) == ("1", "Kokouksen laillisuus ja päätösvaltaisuus")
        assert first.meeting == "Kaupunginhallitus 20.3.2017"
    finally:
        vantaa.stop()


def test_a_document_that_is_no_pdf_leaves_the_title_and_says_why(host, http):
    host.broken.add("632583")
    item = connector(host, http).fetch_item("12867/632583")
    assert item.title == "Oulun kaupungin talouden seuranta 1.1.-28.2.2017" and item.body == ""
    assert "not a PDF" in item.extra["document_error"]


def test_deleted_items_and_unknown_ids(host, http):
    host.delete("12867/632585")
    assert connector(host, http).fetch_item("12867/632585") is None
    assert connector(host, http).fetch_item("12867/632587") is not None
    with pytest.raises(PermanentError, match="not a Tweb item id"):
        connector(host, http).fetch_item("12867")


def test_robots_txt_that_forbids_everything_is_honoured(host, http):
    # what a third party reports for Oulu's, Vaasa's, Hyvinkää's and Jyväskylä's installs
    host.robots_txt = "User-agent: *\nDisallow: /\n"
    with pytest.raises(CrawlForbidden) as refused:
        connector(host, http).poll(*WINDOW)
    assert "forbids reading /ktwebbin/dbisa.dll/ktwebscr/pk_tek_tweb.htm" in str(refused.value)
    assert "obey_robots" in str(refused.value)
    assert host.paths() == ["/robots.txt"]


def test_backfill_stores_and_screens_the_items(app, runner, host):
    with app.app_context():
        town = Municipality(slug="oulu", name="Oulun kaupunki", language="fi")
        db.session.add(town)
        db.session.commit()
        row, _ = create_connector(town, "tweb", "Tweb", {"base_url": host.base_url, "bodies": ["690"],
                                                        "requests_per_second": 100})
        connector_id = row.id
    result = runner.invoke(main, args=["connector", "backfill", str(connector_id), "--since", "2017-02-01"])
    assert result.exit_code == 0, result.output
    expected = {f"12867/{d}" for d in sampled_rows(host, "12867")} | {SUOMI_100}
    assert json.loads(result.stdout)["created"] == len(expected)
    with app.app_context():
        items = {i.external_id: i for i in db.session.query(AgendaItem).all()}
        assert set(items) == expected
        assert all(i.current_assessment is not None for i in items.values())
        assert "kulttuuripääkaupungin" in items[SUOMI_100].body
