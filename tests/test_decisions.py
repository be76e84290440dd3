"""Connectors report decisions: hosts' status words, REST's JSON Pointer mapping, Ahjo's decision records,
OParl's result on the spec's own example, Dynasty's minutes of a real Espoo page; the item stores them."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from climate_plugin.connectors.ahjo.connector import AhjoConnector
from climate_plugin.connectors.ahjo.contract import MADE_UP_DECISIONS
from climate_plugin.connectors.base import Decision, FetchedItem
from climate_plugin.connectors.common import politeness
from climate_plugin.connectors.common.decisions import decision_from_minutes, decision_state, parse_day
from climate_plugin.connectors.dynasty import DynastyConnector
from climate_plugin.connectors.dynasty.fake_host import DynastyFakeHost
from climate_plugin.connectors.oparl.connector import OParlConnector
from climate_plugin.connectors.oparl.fake_host import OParlServer
from climate_plugin.connectors.rest.connector import RestConnector
from climate_plugin.db import db
from climate_plugin.items.store import upsert_item
from climate_plugin.outbound import AllowList, OutboundClient
from tests.factories import ConnectorFactory

HTTP = OutboundClient(AllowList(["127.0.0.1"]))


@pytest.mark.parametrize(
    ("word", "state"),
    [
        ("Hyväksytty", "decided"),
        ("päätetty ehdotuksen mukaisesti", "decided"),
        ("Godkänd", "decided"),
        ("approved", "decided"),
        ("Ungeändert beschlossen", "decided"),
        ("Geändert beschlossen", "amended"),
        ("Muutettu", "amended"),
        ("Ei hyväksytty", "rejected"),
        ("Hylätty", "rejected"),
        ("avslagen", "rejected"),
        ("Palautettu valmisteluun", "returned"),
        ("Pöydälle", "returned"),
        ("vertagt", "returned"),
        ("Poistettu esityslistalta", "withdrawn"),
        ("amended", "amended"),
        ("valmistelussa", None),
        ("draft", None),
        ("pending", None),
        ("", None),
        (None, None),
        (3, None),
    ],
)
def test_hosts_status_words_say_how_an_item_was_decided(word, state):
    assert decision_state(word) == state


def test_days_are_read_in_finlands_zone():
    assert parse_day("2026-03-17") == date(2026, 3, 17)
    assert parse_day("17.3.2026") == date(2026, 3, 17)
    # 23:30 UTC on the 16th is already the 17th in Helsinki
    assert parse_day("2026-03-16T23:30:00Z") == date(2026, 3, 17)
    assert parse_day("maaliskuu") is None and parse_day("31.2.2026") is None and parse_day(None) is None


def test_minutes_say_decided_unless_they_say_otherwise():
    assert decision_from_minutes("Lautakunta päätti, että asemakaavaa muutetaan.").state == "decided"
    assert decision_from_minutes("Asia palautettiin uudelleen valmisteltavaksi.").state == "returned"
    assert decision_from_minutes("Ehdotus hyväksyttiin seuraavin muutoksin: …").state == "amended"
    assert decision_from_minutes("  ") is None and decision_from_minutes(None) is None


def _rest(**fields):
    config = {"base_url": "http://127.0.0.1:9", "fields": {"title": "/title", **fields}}
    return RestConnector(config, HTTP)


def test_rest_maps_a_status_and_a_decision_text_by_json_pointer():
    connector = _rest(
        meeting_date="/meeting/date",
        decision_status="/status",
        decision_text="/decision/text",
        decision_date="/decision/date",
    )
    document = {
        "title": "Koulun lämmitys",
        "meeting": {"date": "2026-03-17"},
        "status": "hyväksytty muutettuna",
        "decision": {"text": "Maalämpö, aurinkopaneelit 40 kWp.", "date": "2026-03-17T18:00:00+02:00"},
    }
    item = connector._to_item("1", document)
    assert item.meeting_date == date(2026, 3, 17)
    assert item.decision == Decision("amended", "Maalämpö, aurinkopaneelit 40 kWp.", date(2026, 3, 17))
    undecided = connector._to_item("2", {**document, "status": "esityslistalla"})
    assert undecided.decision is None


def test_rest_with_only_a_decision_text_is_decided_once_the_text_is_there():
    connector = _rest(decision_text="/decision")
    assert connector._to_item("1", {"title": "A", "decision": "Hyväksyttiin."}).decision.state == "decided"
    assert connector._to_item("2", {"title": "A", "decision": ""}).decision is None


def test_a_config_stored_before_decisions_loads_to_what_it_was():
    connector = _rest()
    assert "decision_status" not in connector.settings["fields"]
    assert connector._to_item("1", {"title": "A", "status": "approved"}).decision is None


def test_ahjo_decision_records_are_decisions_and_agenda_items_are_not():
    connector = AhjoConnector({"base_url": "http://127.0.0.1:9/ahjorest/v1", "language": "fi"}, HTTP)
    made_up = MADE_UP_DECISIONS[0]
    item = connector.to_item("decisions", made_up["NativeId"], made_up)
    assert item.decision.state == "decided"
    assert item.decision.decided_on == date(2025, 1, 13)
    assert "Öljylämmitys korvataan maalämmöllä" in item.decision.text
    proposal = connector.to_item("decisions", "x", {**made_up, "Type": "esitys"})
    assert proposal.decision is None
    returned = connector.to_item("decisions", "y", {**made_up, "Status": "Palautettu"})
    assert returned.decision.state == "returned"
    assert connector.to_item("agendaitems", "z", made_up).decision is None


def test_oparl_result_and_resolution_text_of_the_specs_example():
    server = OParlServer(page_size=10).start()
    try:
        connector = OParlConnector({"system_url": server.system_url, "body": server.body_url}, HTTP)
        item = connector.fetch_item(server.url("/agendaitem/3271"))
    finally:
        server.stop()
    # Meeting-01.json: "result": "Geändert beschlossen", the meeting started 2013-01-04
    assert item.decision == Decision(
        "amended", "Der Beschluss weicht wie folgt vom Antrag ab: ...", date(2013, 1, 4)
    )
    assert item.meeting_date == date(2013, 1, 4)


def test_dynasty_minutes_of_a_real_espoo_page_carry_the_decision():
    politeness.forget_robots()
    host = DynastyFakeHost()
    try:
        item = DynastyConnector({"base_url": host.base_url, "requests_per_second": 100}, HTTP).fetch_item(
            "2017406946-3"
        )
    finally:
        host.stop()
        politeness.forget_robots()
    assert item.meeting_date == date(2017, 5, 8)
    assert item.decision.state == "decided" and item.decision.decided_on == date(2017, 5, 8)
    assert item.decision.text.startswith("Kaupunginhallitus:\nKaupunginhallitus ehdottaa")


def test_the_item_stores_the_decision_and_a_later_undecided_state_clears_it(app):
    with app.app_context():
        connector = ConnectorFactory()
        decided = FetchedItem(
            "1",
            "Koulun lämmitys",
            updated_at=datetime(2026, 3, 1, tzinfo=UTC),
            meeting_date=date(2026, 3, 17),
            decision=Decision("decided", "Hyväksyttiin.", date(2026, 3, 17)),
        )
        item = upsert_item(connector, decided)
        db.session.commit()
        assert (item.meeting_date, item.decision_state, item.decision_text, item.decided_on) == (
            date(2026, 3, 17),
            "decided",
            "Hyväksyttiin.",
            date(2026, 3, 17),
        )
        returned = FetchedItem("1", "Koulun lämmitys", updated_at=datetime(2026, 3, 2, tzinfo=UTC))
        upsert_item(connector, returned)
        assert item.decision_state is None and item.decided_on is None


def test_the_api_shows_an_items_decision(app, client, auth):
    with app.app_context():
        connector = ConnectorFactory()
        item = upsert_item(
            connector,
            FetchedItem(
                "7",
                "Torin pysäköinti",
                meeting_date=date(2026, 3, 17),
                decision=Decision("returned", "Palautettiin valmisteluun.", date(2026, 3, 17)),
            ),
        )
        db.session.commit()
        item_id = item.id
    answer = client.get(
        f"/api/v1/items/{item_id}", headers={"Authorization": f"Bearer {auth.token('viewer')}"}
    )
    body = answer.get_json()
    assert (body["meeting_date"], body["decision_state"], body["decided_on"]) == (
        "2026-03-17",
        "returned",
        "2026-03-17",
    )
