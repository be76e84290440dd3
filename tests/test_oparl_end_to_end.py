"""An OParl server serving the spec's example objects, synced end to end: polled, stored, screened, published.

OParl is read-only, so nothing is written back: the checklist page and the badges are published by this
service, keyed by the OParl AgendaItem's URL.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from climate_plugin.assessments.links import checklist_url
from climate_plugin.cli import main
from climate_plugin.connectors.oparl.fake_host import OParlServer
from climate_plugin.db import db
from climate_plugin.hosts.connector import create_connector
from climate_plugin.models import AgendaItem, Assessment, Municipality, WriteBack
from climate_plugin.models._types import utcnow

polling = pytest.importorskip(
    "climate_plugin.hosts.polling",
    reason="the polling core (climate_plugin/hosts/polling.py, run_poll) is not there yet",
)

HISTORY = datetime(2012, 1, 1, tzinfo=UTC)  # before the spec's example meeting of 2013


@pytest.fixture
def server() -> Iterator[OParlServer]:
    host = OParlServer(page_size=2).start()
    yield host
    host.stop()


@pytest.fixture
def connector_row(app, server: OParlServer):
    with app.app_context():
        town = Municipality(slug="beispielstadt", name="Beispielstadt", language="fi")
        db.session.add(town)
        db.session.commit()
        config = {"system_url": server.system_url, "body": server.body_url}
        row, _secret = create_connector(town, "oparl", "Ratsinformationssystem", config)
        return row.id


def _item(server: OParlServer, path: str) -> AgendaItem:
    return db.session.scalars(select(AgendaItem).where(AgendaItem.external_id == server.url(path))).one()


def test_spec_examples_are_polled_screened_and_published(app, client, server, connector_row) -> None:
    with app.app_context():
        from climate_plugin.models import Connector

        row = db.session.get(Connector, connector_row)
        result = polling.run_poll(row, since=HISTORY)
        assert result.stopped is None
        assert (result.created, result.errors) == (6, 0)  # the six live agenda items, keyed by their URLs

        items = db.session.scalars(select(AgendaItem).order_by(AgendaItem.id)).all()
        assert {i.external_id.removeprefix(server.base_url) for i in items} == {
            "/agendaitem/3271", "/agendaitem/15569", "/augsburg/public/oparl/agendaItems?id=1002246",
            "/agendaitem/3001", "/agendaitem/3002", "/agendaitem/3004",
        }
        # every one screened, and none written back: OParl takes no writes
        assert db.session.scalar(select(db.func.count()).select_from(Assessment)) == 6
        assert all(i.current_assessment is not None for i in items)
        assert db.session.scalar(select(db.func.count()).select_from(WriteBack)) == 0

        school = _item(server, "/agendaitem/3001")
        assert school.current_assessment.relevance == "high"
        assert {"energy", "buildings"} <= set(school.current_assessment.categories)
        assert school.committee == "Tekninen lautakunta"
        assert _item(server, "/agendaitem/3002").current_assessment.relevance == "none"
        # no File.text on this Paper: its PDF was downloaded from the server and read
        lights = _item(server, "/agendaitem/3004")
        assert [a["text"] for a in lights.attachments if a.get("text")] == [
            "Katuvalaistus uusitaan LED-valaisimiksi, jolloin sähkön kulutus ja energiankulutus pienenevät "
            "puoleen."
        ]
        assert "energy" in lights.current_assessment.categories
        spec_item = _item(server, "/agendaitem/3271")
        assert spec_item.title == "Satzungsänderung für Ausschreibungen"
        assert spec_item.meeting == "4. Sitzung des Finanzausschusses 4.1.2013"
        base = app.config["PUBLIC_URL"]
        school_page = checklist_url(school, base).removeprefix(base)
        spec_page = checklist_url(spec_item, base).removeprefix(base)

    # published by this service: the checklist page, and the same as JSON with the item's badges
    page = client.get(school_page)
    assert page.status_code == 200
    assert "Kirkonkylän koulun lämmitysjärjestelmän muutos maalämpöön" in page.get_data(as_text=True)
    assert client.get(spec_page).status_code == 200
    answer = client.get(school_page, headers={"Accept": "application/json"})
    assert answer.status_code == 200
    published = answer.get_json()
    assert published["item"]["id"] == server.url("/agendaitem/3001")
    assert published["item"]["relevance"] == "high"
    assert isinstance(published["badges"], list)
    progress = client.get("/progress/beispielstadt.json")
    assert progress.status_code == 200 and "progress" in progress.get_json()


def test_later_changes_and_deletions_arrive_with_the_next_sync(app, server, connector_row, runner) -> None:
    with app.app_context():
        from climate_plugin.models import Connector

        first = polling.run_poll(db.session.get(Connector, connector_row), since=HISTORY)
        assert first.created == 6
        deleted_page = checklist_url(_item(server, "/agendaitem/3002"), app.config["PUBLIC_URL"])

    # The host changes one item and deletes another after that poll: both carry a newer modified.
    when = utcnow().isoformat(timespec="seconds")
    server.touch("/agendaitem/3001", when, name="Kirkonkylän koulun maalämpö ja aurinkopaneelit")
    server.delete("/agendaitem/3002", when)

    synced = runner.invoke(main, args=["connector", "sync", str(connector_row)])
    assert synced.exit_code == 0, synced.output
    counts = json.loads(synced.output)
    assert counts["updated"] == 1 and counts["deleted"] == 1 and counts["errors"] == 0
    with app.app_context():
        assert _item(server, "/agendaitem/3001").title == "Kirkonkylän koulun maalämpö ja aurinkopaneelit"
        assert _item(server, "/agendaitem/3002").deleted_at is not None
    # a deleted item's page is no longer published
    assert app.test_client().get(deleted_page.removeprefix(app.config["PUBLIC_URL"])).status_code == 404


def test_connection_check_in_plain_words(app, server, connector_row, runner) -> None:
    ok = runner.invoke(main, args=["connector", "test", str(connector_row)])
    # the test reads a real item (one the host lists) and shows what it read
    assert ok.exit_code == 0 and ok.output.startswith("ok\n"), ok.output
    assert "item:     " + server.url("/agendaitem/") in ok.output and "(polled)" in ok.output
    assert "title:    " in ok.output and "language: " in ok.output
    with app.app_context():
        town = db.session.scalars(select(Municipality)).one()
        wrong, _ = create_connector(town, "oparl", "wrong URL", {"system_url": server.url("/bodies/1")})
        wrong_id = wrong.id
    refused = runner.invoke(main, args=["connector", "test", str(wrong_id)])
    assert refused.exit_code != 0
    assert "not an OParl System object" in refused.output
    assert "Traceback" not in refused.output
