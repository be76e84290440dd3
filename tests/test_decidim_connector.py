"""The Decidim connector against its fake instance (a real GraphQL server with the upstream specs' schema),
and a backfill from it that stores, screens and comments."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from graphql import parse, validate

from climate_plugin.cli import main
from climate_plugin.connectors.common import politeness
from climate_plugin.connectors.decidim import DecidimConnector
from climate_plugin.connectors.decidim import connector as decidim
from climate_plugin.connectors.decidim.fake_host import API_KEY, API_SECRET, SAMPLES, DecidimFakeHost
from climate_plugin.db import db
from climate_plugin.hosts.connector import create_connector
from climate_plugin.models import AgendaItem, Municipality, WriteBack
from climate_plugin.outbound import AllowList, OutboundClient, PermanentError
from climate_plugin.worker.runner import run_task

WINDOW = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 3, 1, tzinfo=UTC))
BIKES = "proposals/ilmastoteot-2026/3/35"
BLOCK = {"summary": "Ilmastoseulonta: merkittävä (liikenne).", "checklist_url": "https://plugin.test/c/abc"}


@pytest.fixture
def host():
    politeness.forget_robots()
    server = DecidimFakeHost()
    yield server
    server.stop()
    politeness.forget_robots()


@pytest.fixture
def http() -> OutboundClient:
    return OutboundClient(AllowList(["127.0.0.1"]))


def connector(host, http, **settings) -> DecidimConnector:
    return DecidimConnector({"base_url": host.base_url, "requests_per_second": 100, **settings}, http)


def writer(host, http, **settings) -> DecidimConnector:
    return connector(host, http, write_back={"api_key": API_KEY, "api_secret": API_SECRET}, **settings)


def poll_all(make, since, until):
    page, changes, pages = None, [], 0
    while True:
        result = make().poll(since, until, page)
        changes.extend(result.changes)
        pages += 1
        page = result.next_page
        if page is None:
            return changes, pages


def test_upstream_queries_and_ours_fit_the_same_schema(host):
    # the fake schema answers the upstream specs' queries, and the connector asks nothing else of it
    for path in sorted((SAMPLES / "queries").glob("*.graphql")):
        assert validate(host.schema, parse(path.read_text())) == [], path.name
    ours = [decidim.PROCESSES, decidim.PROCESS, *decidim.PAGES.values(), decidim.ONE, decidim.COMMENTS,
            decidim.ADD_COMMENT]
    for query in ours:
        assert validate(host.schema, parse(query)) == [], query[:60]


def test_a_poll_reports_what_was_updated_in_the_window_page_by_page(host, http):
    changes, pages = poll_all(lambda: connector(host, http, page_size=2), *WINDOW)
    assert pages >= 5  # two processes' components, two nodes a page
    upserts = {c.external_id: c.item for c in changes if c.action == "upsert"}
    assert set(upserts) == {
        "meetings/ilmastoteot-2026/2/10", "meetings/ilmastoteot-2026/2/11",
        "proposals/ilmastoteot-2026/3/35", "proposals/ilmastoteot-2026/3/36",
        "proposals/ilmastoteot-2026/3/38", "proposals/ilmastoteot-2026/3/39",
    }
    # the withdrawn proposal is taken as deleted; December's meeting and September's process are outside
    assert [c.external_id for c in changes if c.action == "delete"] == ["proposals/ilmastoteot-2026/3/37"]
    meeting = upserts["meetings/ilmastoteot-2026/2/10"]
    assert meeting.meeting == "Asukasilta: kaukolämpö ja aurinkopaneelit 20.1.2026"
    assert meeting.committee == "Ilmastoteot 2026" and meeting.language == "fi"
    assert "Pöytäkirja\nOsallistujat kannattivat aurinkopaneeleja" in meeting.body
    assert meeting.url == f"{host.base_url}/processes/ilmastoteot-2026/f/2/meetings/10"
    trees = upserts["proposals/ilmastoteot-2026/3/36"]
    assert trees.body == "Istutetaan sata puuta hiilinieluksi ja varjoksi helteillä.\n\nVastaus\n" \
                         "Ehdotus toteutetaan keväällä 2026."
    assert trees.extra["state"] == "accepted" and trees.extra["votes"] == 17
    assert trees.updated_at == datetime(2026, 2, 15, 12, 0, tzinfo=UTC)


def test_chosen_processes_components_and_locale(host, http):
    make = lambda: connector(host, http, processes=["5"], locale="sv")  # noqa: E731
    changes, _ = poll_all(make, datetime(2025, 9, 1, tzinfo=UTC), datetime(2025, 11, 1, tzinfo=UTC))
    assert [c.external_id for c in changes] == ["proposals/kirjaston-aukioloajat/6/60"]
    only = lambda: connector(host, http, components=["proposals"], locale="sv")  # noqa: E731
    changes, _ = poll_all(only, *WINDOW)
    assert not any(c.external_id.startswith("meetings/") for c in changes)
    bikes = next(c.item for c in changes if c.external_id == BIKES)
    assert (bikes.title, bikes.language) == ("Cykelparkering vid stationen", "sv")


def test_changes_deletions_and_bad_ids(host, http):
    c = connector(host, http)
    assert c.fetch_item(BIKES).title == "Pyöräparkki rautatieasemalle"
    host.change(BIKES, datetime(2026, 3, 2, 9, 0, tzinfo=UTC), answer={"fi": "<p>Toteutetaan.</p>"})
    changes, _ = poll_all(lambda: connector(host, http), datetime(2026, 3, 1, tzinfo=UTC),
                          datetime(2026, 3, 3, tzinfo=UTC))
    assert [c.external_id for c in changes] == [BIKES]
    assert changes[0].item.body.endswith("Vastaus\nToteutetaan.")
    host.delete(BIKES)  # hidden by moderation
    assert connector(host, http).fetch_item(BIKES) is None
    assert connector(host, http).fetch_item("proposals/ilmastoteot-2026/3/37") is None  # withdrawn
    with pytest.raises(PermanentError, match="not a Decidim item id"):
        connector(host, http).fetch_item('proposals/x"){__schema}/3/35')


def test_write_back_comments_once_and_says_why_it_cannot(host, http):
    writer(host, http).write_back(BIKES, BLOCK, "key-1")
    writer(host, http).write_back(BIKES, BLOCK, "key-1")  # a retry after a lost answer
    comments = host.comments(BIKES)
    assert len(comments) == 1
    assert comments[0].startswith("Ilmastoseulonta: merkittävä (liikenne).\nhttps://plugin.test/c/abc\n")
    writer(host, http).write_back(BIKES, {**BLOCK, "summary": "Päivitetty."}, "key-2")
    assert len(host.comments(BIKES)) == 2
    with pytest.raises(PermanentError, match="does not accept comments"):
        writer(host, http).write_back("proposals/ilmastoteot-2026/3/37", BLOCK, "key-3")
    wrong = connector(host, http, write_back={"api_key": API_KEY, "api_secret": "wrong"})
    with pytest.raises(PermanentError, match="refused the API user") as refused:
        wrong.write_back(BIKES, BLOCK, "key-4")
    assert "wrong" not in str(refused.value)
    assert not connector(host, http).capabilities.write_back


def test_test_connection_names_what_is_missing(host, http):
    connector(host, http).test_connection()
    with pytest.raises(PermanentError, match="none of the processes in 'processes' \\(nope\\)"):
        connector(host, http, processes=["nope"]).test_connection()
    with pytest.raises(PermanentError, match="there is no Decidim API at .*/elsewhere/api \\(HTTP 404\\)"):
        DecidimConnector({"base_url": host.base_url + "/elsewhere", "requests_per_second": 100},
                         http).test_connection()


def test_backfill_stores_screens_and_comments(app, runner, host):
    with app.app_context():
        town = Municipality(slug="hollola", name="Hollolan kunta", language="fi")
        db.session.add(town)
        db.session.commit()
        row, _ = create_connector(town, "decidim", "Decidim", {
            "base_url": host.base_url, "processes": ["ilmastoteot-2026"], "requests_per_second": 100,
            "write_back": {"api_key": API_KEY, "api_secret": API_SECRET},
        })
        connector_id = row.id
    result = runner.invoke(main, args=["connector", "backfill", str(connector_id), "--since", "2025-11-01"])
    assert result.exit_code == 0, result.output
    counts = json.loads(result.stdout)
    assert counts["created"] == 7 and counts["errors"] == 0, counts  # 3 meetings, 4 proposals not withdrawn
    with app.app_context():
        items = {i.external_id: i for i in db.session.query(AgendaItem).all()}
        assert all(i.current_assessment is not None for i in items.values())
        assert items[BIKES].current_assessment.relevance != "none"
        # the climate block reaches each item as a comment (the worker's task, run here)
        planned = db.session.query(WriteBack).order_by(WriteBack.id).all()
        assert len(planned) == 7
        for write_back in planned:
            assert run_task("send_write_back", write_back.id, attempt=0, max_retries=3).retry_in is None
        outcome = {w.item.external_id: (w.status, w.last_error) for w in db.session.query(WriteBack).all()}
        # December's market meeting takes no comments: kept as failed, with the reason, for the administrator
        closed = outcome.pop("meetings/ilmastoteot-2026/2/12")
        assert closed[0] == "failed" and "does not accept comments" in closed[1]
        assert {status for status, _ in outcome.values()} == {"sent"}
    assert len(host.comments(BIKES)) == 1 and "http://plugin.test/" in host.comments(BIKES)[0]
