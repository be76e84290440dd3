"""`climate-plugin deliveries list|redeliver`, and the case it exists for: an agenda system on an internal
address is refused with a message naming CLIMATE_PLUGIN_OUTBOUND_ALLOW (in the delivery's error and in sync
health); once the operator allows it, the failed work is redelivered from the command line, audited."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from climate_plugin.db import db
from climate_plugin.demo.sample_host import SampleHost
from climate_plugin.hosts.polling import sync_health
from climate_plugin.models import AgendaItem, AuditEntry, Connector, Delivery
from climate_plugin.worker.runner import run_task
from tests.factories import DeliveryFactory, RestConnectorFactory
from tests.support.app import build_app
from tests.support.cli import assert_clean_failure, invoke
from tests.support.webhooks import event_body, register, signed_headers

ITEM = {
    "id": "2026-7",
    "title": "Koulun lämmitys maalämpöön",
    "body": "Öljylämmitys korvataan maalämmöllä. Ehdotus: lautakunta hyväksyy.",
    "language": "fi",
    "meeting": "Tekninen lautakunta 12.1.2026",
}


def _json(result) -> list:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_an_internal_host_is_refused_by_name_then_allowed_and_redelivered(tmp_path):
    with SampleHost() as host:
        host.add(ITEM)
        # no CLIMATE_PLUGIN_OUTBOUND_ALLOW: the sample host on 127.0.0.1 is an internal address
        strict = build_app(tmp_path, outbound_allow="")
        with strict.app_context():
            row, secret = register(host.base_url)
            connector_id = row.id
        body = event_body(ITEM["id"])
        accepted = strict.test_client().post(
            f"/webhooks/{connector_id}", data=body, headers=signed_headers(secret, body)
        )
        assert accepted.status_code == 202
        delivery_id = accepted.get_json()["delivery"]
        with strict.app_context():
            run_task("process_delivery", delivery_id, 0, 3)
            delivery = db.session.get(Delivery, delivery_id)
            assert delivery.status == "failed"
            health = sync_health(db.session.get(Connector, connector_id))
            for error in (delivery.last_error, health["last_error"]):
                assert "CLIMATE_PLUGIN_OUTBOUND_ALLOW" in error and "127.0.0.1" in error, error
                assert "climate-plugin deliveries redeliver" in error
        listed = _json(invoke(strict.test_cli_runner(), "connector", "list"))
        assert "CLIMATE_PLUGIN_OUTBOUND_ALLOW" in listed[0]["sync"]["last_error"]

        # the operator allows the address and restarts: the same database, the new setting
        allowed = build_app(tmp_path, outbound_allow="127.0.0.1")
        runner = allowed.test_cli_runner()
        failed = _json(invoke(runner, "deliveries", "list", "--status", "failed", "--json"))
        assert [d["id"] for d in failed] == [delivery_id]
        handed = _json(invoke(runner, "deliveries", "redeliver", "--connector", str(connector_id)))
        assert handed == [{"id": delivery_id, "connector": connector_id, "previous_status": "failed"}]
        with allowed.app_context():
            entry = db.session.scalars(select(AuditEntry).filter_by(action="delivery.redeliver")).one()
            assert (entry.actor, entry.target) == ("cli", f"delivery:{delivery_id}")
            assert db.session.get(Delivery, delivery_id).status == "received"
            run_task("process_delivery", delivery_id, 0, 3)
            assert db.session.get(Delivery, delivery_id).status == "done"
            item = db.session.scalar(select(AgendaItem).where(AgendaItem.external_id == ITEM["id"]))
            assert item is not None and item.current_assessment.relevance == "high"


@pytest.fixture
def deliveries(app):
    """Two connectors' deliveries: failed, done and processing ones."""
    with app.app_context():
        first, second = RestConnectorFactory(), RestConnectorFactory()
        made = {
            "a_failed": DeliveryFactory(connector=first, status="failed", last_error="x"),
            "a_done": DeliveryFactory(connector=first, status="done"),
            "a_busy": DeliveryFactory(connector=first, status="processing"),
            "b_failed": DeliveryFactory(connector=second, status="failed", last_error="y"),
        }
        return {"first": first.id, "second": second.id, **{name: d.id for name, d in made.items()}}


def _statuses(app) -> dict[int, str]:
    with app.app_context():
        return {d.id: d.status for d in db.session.scalars(select(Delivery))}


def test_redeliver_by_connector_takes_its_failed_deliveries_only(app, runner, deliveries):
    handed = _json(invoke(runner, "deliveries", "redeliver", "--connector", str(deliveries["first"])))
    assert [d["id"] for d in handed] == [deliveries["a_failed"]]
    statuses = _statuses(app)
    assert statuses[deliveries["a_failed"]] == "received"
    assert statuses[deliveries["b_failed"]] == "failed" and statuses[deliveries["a_done"]] == "done"


def test_redeliver_by_status_across_connectors_and_by_id(app, runner, deliveries):
    handed = _json(invoke(runner, "deliveries", "redeliver", "--status", "failed"))
    assert [d["id"] for d in handed] == [deliveries["a_failed"], deliveries["b_failed"]]
    again = _json(invoke(runner, "deliveries", "redeliver", str(deliveries["a_done"])))
    assert again == [
        {"id": deliveries["a_done"], "connector": deliveries["first"], "previous_status": "done"}
    ]
    with app.app_context():
        assert db.session.query(AuditEntry).filter_by(action="delivery.redeliver").count() == 3


def test_a_delivery_being_processed_is_named_and_left_alone(app, runner, deliveries):
    result = invoke(runner, "deliveries", "redeliver", str(deliveries["a_busy"]), str(deliveries["a_failed"]))
    assert result.exit_code == 1
    assert json.loads(result.stdout) == [
        {"id": deliveries["a_failed"], "connector": deliveries["first"], "previous_status": "failed"}
    ]
    assert f"delivery {deliveries['a_busy']}: the delivery is being processed right now" in result.stderr
    assert _statuses(app)[deliveries["a_busy"]] == "processing"


@pytest.mark.parametrize(
    "args, fragment",
    [
        ([], "give delivery ids, or --connector"),
        (["1", "--status", "failed"], "not both"),
        (["--status", "lost"], "'lost' is not one of"),
        (["999"], "no delivery with id 999"),
        (["--connector", "999"], "no connector with id 999"),
        (["0"], "0 is not in the range"),
    ],
)
def test_redeliver_refuses_unclear_requests_in_one_line(runner, deliveries, args, fragment):
    assert_clean_failure(invoke(runner, "deliveries", "redeliver", *args), fragment)
    assert _json(invoke(runner, "deliveries", "list", "--status", "received", "--json")) == []


def test_list_shows_status_and_last_error(runner, deliveries):
    table = invoke(runner, "deliveries", "list", "--connector", str(deliveries["second"]))
    assert table.exit_code == 0
    lines = table.stdout.splitlines()
    assert len(lines) == 1 and "failed" in lines[0] and lines[0].rstrip().endswith("y")
