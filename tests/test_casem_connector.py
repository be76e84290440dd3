"""The CaseM connector against its fake host, which serves Mikkeli's real OData answers (June 2017) and pages
around the real texts of ten cloudnc item pages; and the outside contract, end to end through the real CLI."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from climate_plugin.connectors.casem import CaseMConnector
from climate_plugin.connectors.casem.connector import HELSINKI, meeting_day, parse_time
from climate_plugin.connectors.casem.contract import sample_titles
from climate_plugin.connectors.casem.fake_host import MEETING, SAMPLES, CaseMFakeHost
from climate_plugin.connectors.casem.pages import PAGE_PREFIX, item_url
from climate_plugin.connectors.common import politeness
from climate_plugin.connectors.common.politeness import CrawlForbidden
from climate_plugin.outbound import AllowList, OutboundClient, PermanentError
from climate_plugin.screening.model import RELEVANCE_LEVELS
from tests.support.cli import invoke

SINCE, UNTIL = datetime(2017, 5, 1, tzinfo=UTC), datetime(2017, 7, 1, tzinfo=UTC)


@pytest.fixture
def host():
    politeness.forget_robots()
    server = CaseMFakeHost()
    yield server
    server.stop()
    politeness.forget_robots()


@pytest.fixture
def http() -> OutboundClient:
    return OutboundClient(AllowList(["127.0.0.1"]))


def connector(host, http, **settings) -> CaseMConnector:
    return CaseMConnector({"base_url": host.base_url, "requests_per_second": 100, **settings}, http)


def poll_all(make, since, until):
    page, changes, pages = None, [], 0
    while True:
        result = make().poll(since, until, page)
        changes.extend(result.changes)
        pages += 1
        page = result.next_page
        if page is None:
            return changes, pages


# --- reading the real samples -------------------------------------------------------------------------
def test_times_and_meeting_days_as_casem_writes_them():
    assert parse_time("2017-06-02T11:03:07.513") == datetime(2017, 6, 2, 11, 3, 7, 513000, tzinfo=HELSINKI)
    assert parse_time("2016-06-09T11:01:25") == datetime(2016, 6, 9, 11, 1, 25, tzinfo=HELSINKI)
    assert parse_time("2017-06-02T11:02:53.2").microsecond == 200000
    assert parse_time("") is None and parse_time(None) is None and parse_time("kesäkuu") is None
    assert meeting_day("Kokous 5.6.2017") == date(2017, 6, 5)
    assert meeting_day("Kokous 31.2.2017") is None and meeting_day("Kokoukset") is None


def test_a_poll_reads_every_item_of_the_sample_meeting_with_its_texts(host, http):
    changes, pages = poll_all(lambda: connector(host, http), SINCE, UNTIL)
    items = {c.external_id: c.item for c in changes}
    titles = sample_titles()
    # 46 agenda items; the meeting's own record (ContentId 4019: participants, agenda PDF) is no item
    assert len(titles) == 46 and 4019 not in titles
    assert set(items) == {f"11217/12381/{cid}" for cid in titles}
    assert pages > 2, "one meeting a page, at most 20 contents each"
    plots = items["11217/12381/4020"]
    assert plots.title == titles[4020]
    assert plots.meeting == "Kaupunginhallitus 5.6.2017" and plots.committee == "Kaupunginhallitus"
    assert plots.language == "fi"
    assert plots.updated_at == datetime(2017, 6, 2, 11, 3, 7, 513000, tzinfo=HELSINKI)
    assert "Dno MliDno-2017-206" in plots.body
    assert "Päätösehdotus\nKaupunginhallitus esittää kaupunginvaltuustolle" in plots.body
    assert "&auml;" not in plots.body and "<p>" not in plots.body
    assert plots.extra["section"] == "233" and plots.extra["stage"] == "agenda"
    assert [a.name for a in plots.attachments] == [
        "Liite kh Hinnoittelualuekartat 2018.pdf", "Liite kh Hinnoittelu 2018.pdf",
        "Liite kh Muut yleiset myynti ja vuokrausperusteet.pdf",
    ]
    assert plots.attachments[0].url == (
        f"{host.base_url}/download/noname/{{bdc88fb4-6f79-4b11-a237-4c390d493568}}/57432"
    )
    # every item with attachments lists as many as its FileLinks say
    listed = json.loads(
        (SAMPLES / "mikkeli_2017" /
         "GET_Contents()_filter_Classifications_any_NodeId_eq_12381__meeting_items.json").read_text()
    )["value"]
    for content in listed:
        if content["ContentId"] in titles:
            assert len(items[f"11217/12381/{content['ContentId']}"].attachments) == len(content["FileLinks"])


def test_requests_are_the_ones_the_real_api_answers_in_its_encoding(host, http):
    poll_all(lambda: connector(host, http), SINCE, UNTIL)
    paths = host.paths()
    assert "/api/opennc/v1/Nodes?%24format=json" in paths
    assert (
        "/api/opennc/v1/Contents()?%24format=json&%24filter=Classifications%2Fany(f%3Af%2FNodeId%20eq%2012381)"
        in paths
    )
    assert "/api/opennc/v1/Contents(4020)/ExtendedProperties?%24format=json" in paths
    # the tree is read by a window's first page only: 1 root, 1 body list, 19 folders, 1 meeting list
    assert sum(p.startswith("/api/opennc/v1/Nodes") for p in paths) == 22


def test_the_public_url_is_built_as_cloudnc_builds_it():
    # the real item URLs of samples/pages_text, rebuilt from what the page shows
    captured = json.loads((SAMPLES / "pages_text" / "cloudnc_item_pages_text.json").read_text())["pages"]
    checked = 0
    for page in captured:
        path = unquote(urlsplit(page["url"]).path)
        found = re.match(r"^/fi-FI/Toimielimet/[^/]+/Kokous_\d+/[^/]+\((\d+)\)$", path)
        if not found:
            continue
        lines = [line for line in page["text"].split("\n") if line.strip()]
        header = next(line for line in lines if ", kokous " in line)
        body, _, day = header.partition(", kokous ")
        title = next(line for line in lines if line.startswith("§")).split(" ", 2)[2]
        d, m, y = (int(x) for x in day.split("."))
        built = item_url("https://x", "fi", body.strip(), date(y, m, d), title.strip(), int(found[1]))
        rebuilt = unquote(urlsplit(built).path)
        (where, slug), (real_where, real_slug) = (x.rsplit("/", 1) for x in (rebuilt, path))
        assert where == real_where, page["url"]
        assert slug.endswith(f"({found[1]})")
        # two real titles have a double space the text rendering lost ("Kunnanhallituksen  valinta"), so
        # their 40 characters end one later here
        assert slug.replace("__", "_")[:-len(found[1]) - 2].startswith(
            real_slug.replace("__", "_")[:-len(found[1]) - 3]
        ), page["url"]
        assert slug == real_slug or "__" in real_slug, page["url"]
        checked += 1
    assert checked == 8


# --- change detection ---------------------------------------------------------------------------------
def test_a_later_poll_reports_only_what_changed(host, http):
    make = lambda: connector(host, http)  # noqa: E731
    poll_all(make, SINCE, UNTIL)
    now = datetime.now(UTC).replace(microsecond=0)
    assert poll_all(make, now - timedelta(hours=1), now)[0] == []
    # minutes published: the decision is filled in, the content and its meeting node get a new date
    host.change(4020, now.astimezone(HELSINKI).replace(tzinfo=None) - timedelta(minutes=5),
                Decision="<p>Kaupunginhallituksen ehdotus hyv&auml;ksyttiin.</p>")
    changes, _ = poll_all(make, now - timedelta(hours=1), now)
    assert [c.external_id for c in changes] == ["11217/12381/4020"]
    item = changes[0].item
    assert item.extra["stage"] == "minutes"
    assert "Päätös\nKaupunginhallituksen ehdotus hyväksyttiin." in item.body


def test_meetings_held_recently_are_read_again_without_a_new_node_date(host, http):
    # a meeting held 10 days before the window is still revisited (14 days by default), one 20 days before not
    make = lambda: connector(host, http)  # noqa: E731
    window = (datetime(2017, 6, 15, tzinfo=UTC), datetime(2017, 6, 16, tzinfo=UTC))
    host.change(4021, datetime(2017, 6, 15, 12, 0), touch_meeting=False, Decision="<p>Valittiin.</p>")
    assert [c.external_id for c in poll_all(make, *window)[0]] == ["11217/12381/4021"]
    late = (datetime(2017, 6, 25, tzinfo=UTC), datetime(2017, 6, 26, tzinfo=UTC))
    host.change(4022, datetime(2017, 6, 25, 12, 0), touch_meeting=False, Decision="<p>Valittiin.</p>")
    assert poll_all(make, *late)[0] == []
    longer = lambda: connector(host, http, revisit_days=30)  # noqa: E731
    assert [c.external_id for c in poll_all(longer, *late)[0]] == ["11217/12381/4022"]


def test_a_deleted_item_fetches_as_none_and_the_rest_still_fetch(host, http):
    assert connector(host, http).fetch_item("11217/12381/4031").title.startswith("Tarkastuslautakunnan")
    host.delete("11217/12381/4031")
    assert connector(host, http).fetch_item("11217/12381/4031") is None
    assert connector(host, http).fetch_item("11217/12381/4032") is not None
    with pytest.raises(PermanentError, match="not a CaseM item id"):
        connector(host, http).fetch_item("../4031")


def test_a_host_that_knows_only_the_samples_still_gives_every_item(http):
    # what the samples do not cover answers 404 here (other bodies' folders, other meetings' contents)
    strict = CaseMFakeHost(strict=True)
    try:
        changes, _ = poll_all(lambda: connector(strict, http), SINCE, UNTIL)
        assert len({c.external_id for c in changes}) == 46
    finally:
        strict.stop()


def test_a_broken_answer_stops_the_poll_with_a_plain_error(host, http):
    host.broken.add("/api/opennc/v1/Contents(4025)/ExtendedProperties")
    with pytest.raises(PermanentError, match="not JSON"):
        poll_all(lambda: connector(host, http), SINCE, UNTIL)


def test_only_chosen_bodies_are_read(host, http):
    assert poll_all(lambda: connector(host, http, bodies=["Tekninen lautakunta"]), SINCE, UNTIL)[0] == []
    assert not any("SubNodes(11217)" in p for p in host.paths()[-5:])
    changes, _ = poll_all(lambda: connector(host, http, bodies=["11217"]), SINCE, UNTIL)
    assert len(changes) == 46


# --- politeness -----------------------------------------------------------------------------------------
def test_robots_txt_that_forbids_the_api_stops_the_poll_in_plain_words(host, http):
    host.robots_txt = "User-agent: *\nDisallow: /api/\n"
    with pytest.raises(CrawlForbidden) as refused:
        connector(host, http).poll(SINCE, UNTIL)
    assert "robots.txt" in str(refused.value) and "/api/opennc/v1/Nodes" in str(refused.value)
    assert not any(p.startswith("/api/") for p in host.paths()), "a forbidden path was requested"
    # rules for other robots, or for other paths, do not stop it
    politeness.forget_robots()
    host.robots_txt = "User-agent: *\nDisallow: /rss/\nDisallow: /*.axd\n\nUser-agent: evilbot\nDisallow: /\n"
    assert poll_all(lambda: connector(host, http), SINCE, UNTIL)[0]


def test_obey_robots_false_reads_what_robots_txt_forbids(host, http):
    host.robots_txt = "User-agent: *\nDisallow: /\n"
    assert poll_all(lambda: connector(host, http, obey_robots=False), SINCE, UNTIL)[0]
    assert "/robots.txt" not in host.paths()


def test_requests_to_one_host_are_spaced_by_the_rate_and_crawl_delay(host, http, monkeypatch):
    now = [1000.0]
    waits: list[float] = []
    monkeypatch.setattr(politeness, "clock", lambda: now[0])

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    monkeypatch.setattr(politeness, "sleep", sleep)
    c = CaseMConnector({"base_url": host.base_url, "requests_per_second": 2}, http)
    c.fetch_item("11217/12381/4020")
    sent = host.request_count()  # robots.txt, root, bodies, contents, properties
    assert sent == 5 and sum(waits) == pytest.approx((sent - 1) * 0.5)
    politeness.forget_robots()
    host.robots_txt = "User-agent: *\nCrawl-delay: 3\n"
    waits.clear()
    now[0] += 100
    CaseMConnector({"base_url": host.base_url, "requests_per_second": 2}, http).fetch_item("11217/12381/4020")
    assert waits and all(w == pytest.approx(3.0) for w in waits[1:])


# --- the public pages, where the API does not answer -----------------------------------------------------
def test_without_the_api_the_public_pages_are_read(host, http):
    host.api_off = True
    make = lambda: connector(host, http)  # noqa: E731
    changes, _ = poll_all(make, datetime(2022, 5, 1, tzinfo=UTC), datetime(2022, 6, 1, tzinfo=UTC))
    ids = [c.external_id for c in changes]
    assert ids == [PAGE_PREFIX + "/fi-FI/Toimielimet/Kunnanhallitus/Kokous_2352022/"
                   "Valtuuston_paatosten_laillisuuden_toteam(15480)"]
    item = make().fetch_item(ids[0])
    assert item.title == "Valtuuston päätösten laillisuuden toteaminen ja täytäntöönpano"
    assert item.meeting == "Kunnanhallitus 23.5.2022" and item.committee == "Kunnanhallitus"
    assert item.url == host.base_url + ids[0][len(PAGE_PREFIX):]
    assert item.body.startswith("Perustelut\nKunnanhallitukselle kuuluu Kuntalain 96 §:n")
    assert "Viranhaltija" not in item.body, "the side menu is not the item's text"
    assert item.extra["stage"] == "minutes" and item.extra["section"] == "123"

    pori = make().fetch_item(
        PAGE_PREFIX + "/fi-FI/Toimielimet/Kaupunginhallitus/Kokous_3182020/"
        "Porisopimuksen_mukainen_organisaatiouudi(56520)"
    )
    assert pori.extra["diary_number"] == "PRIDno-2019-2581" and "Dno PRIDno-2019-2581" in pori.body


def test_a_broken_page_is_an_error_not_a_deletion(host, http):
    host.api_off = True
    path = "/fi-FI/Toimielimet/Valtuusto/Kokous_2442023/Kunnanhallituksen__valinta_ja_kokoonpano(19778)"
    host.broken.add(path)
    with pytest.raises(PermanentError, match="no '§ N Title' line"):
        connector(host, http).fetch_item(PAGE_PREFIX + path)
    assert connector(host, http).fetch_item(PAGE_PREFIX + path.replace("19778", "19779")) is None


# --- the outside contract, end to end through the CLI ------------------------------------------------------
def test_backfill_through_the_cli_stores_and_screens_every_item_of_the_sample_meeting(runner, tmp_path: Path):
    """`connector create`, `connector backfill ID --since 2016-01-01`, `items list`: against a host that
    answers the OData requests with the Mikkeli samples only (404 for everything else). Through Click's runner
    in this process (the CLI in real processes is tested in tests/test_cli.py). The request rate is raised
    from the polite default (4/s, which alone would make this test take a minute) to the schema's maximum:
    the pacing itself has its own test above."""
    strict = CaseMFakeHost(strict=True)
    try:
        assert "casem" in json.loads(invoke(runner, "connector", "kinds").stdout)
        made = invoke(runner, "municipality", "create", "--slug", "mikkeli", "--name", "Mikkeli")
        assert made.exit_code == 0, made.output
        config = tmp_path / "casem.json"
        config.write_text(json.dumps({"base_url": strict.base_url, "requests_per_second": 100}))
        created = invoke(runner, "connector", "create", "--municipality", "mikkeli", "--kind", "casem",
                         "--name", "Mikkelin CaseM", "--config", str(config))
        assert created.exit_code == 0, created.output
        connector_id = json.loads(created.stdout)["id"]

        backfill = invoke(runner, "connector", "backfill", str(connector_id), "--since", "2016-01-01")
        assert backfill.exit_code == 0, backfill.output
        counts = json.loads(backfill.stdout)
        assert counts["created"] == 46 and counts["errors"] == 0, counts

        listed = invoke(runner, "items", "list", "--municipality", "mikkeli", "--json")
        items = {i["external_id"]: i for i in json.loads(listed.stdout)}
        assert set(items) == {f"11217/{MEETING}/{cid}" for cid in sample_titles()}
        assert all(i["relevance"] in RELEVANCE_LEVELS for i in items.values()), items
        # the meeting's land, energy and building matters are found climate-relevant, its elections are not
        assert items[f"11217/{MEETING}/4050"]["relevance"] != "none"  # Myllysiilo block: building rights
        assert items[f"11217/{MEETING}/4021"]["relevance"] == "none"  # members of a district board
        assert {i["title"] for i in items.values()} == set(sample_titles().values())
        table = invoke(runner, "items", "list", "--municipality", "mikkeli").stdout
        assert "Myllysiilokorttelin rakennusoikeuden" in table
    finally:
        strict.stop()
