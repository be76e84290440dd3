"""Ahjo end to end: a push to <webhook_url>/decisions → the record is fetched (OpenID Connect), screened and
published on its checklist page; a push with a wrong key is refused and nothing is stored; a poll syncs
the decisions listing the same way."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest

from climate_plugin.assessments.links import checklist_url
from climate_plugin.connectors.ahjo import connector as ahjo
from climate_plugin.connectors.ahjo.fake_host import (
    AGENDA_ITEM,
    COUNCIL_DECISION_ID,
    MEETING_ID,
    RECORD_DECISION_ID,
    AhjoServer,
)
from climate_plugin.db import db
from climate_plugin.hosts.connector import create_connector, full_config
from climate_plugin.models import AgendaItem, Assessment, Delivery, Municipality
from climate_plugin.worker.runner import run_task


@pytest.fixture
def host():
    ahjo.forget_tokens()
    server = AhjoServer(auth="oidc").start()
    yield server
    server.stop()
    ahjo.forget_tokens()


@pytest.fixture
def helsinki(app, host):
    """An ahjo connector registered in the app; (connector id, webhook secret)."""
    if not any(rule.rule.endswith("/<resource>") for rule in app.url_map.iter_rules()):
        pytest.skip("the webhook route /webhooks/<id>/<resource> is not in webhooks/endpoint.py yet")
    config = {
        "base_url": host.base_url,
        "language": "fi",
        "auth": {
            "type": "oidc",
            "token_url": host.token_url,
            "client_id": host.client_id,
            "client_secret": host.client_secret,
            "refresh_token": "refresh-0",
        },
    }
    with app.app_context():
        town = Municipality(slug="helsinki", name="Helsingin kaupunki", language="fi")
        db.session.add(town)
        db.session.commit()
        row, secret = create_connector(town, "ahjo", "Helsinki Ahjo", config)
        return row.id, secret


def push(client, connector_id: int, resource: str, updatetype: str, ahjo_id: str, key: str | None):
    headers = {"content-type": "application/json"}
    if key is not None:
        headers["Authorization"] = key
    body = json.dumps({"updatetype": updatetype, "id": ahjo_id}).encode()
    return client.post(f"/webhooks/{connector_id}/{resource}", data=body, headers=headers)


def process(app, delivery_id: int) -> Delivery:
    with app.app_context():
        assert run_task("process_delivery", delivery_id, attempt=0, max_retries=3).retry_in is None
        delivery = db.session.get(Delivery, delivery_id)
        db.session.expunge(delivery)
        return delivery


def test_pushed_decision_is_fetched_screened_and_published(app, client, host, helsinki):
    connector_id, secret = helsinki
    response = push(client, connector_id, "decisions", "Added", COUNCIL_DECISION_ID, f"Bearer {secret}")
    assert response.status_code == 202, response.json
    # Ahjo repeats itself: the same push again is the same delivery.
    again = push(client, connector_id, "decisions", "Added", COUNCIL_DECISION_ID, secret)
    assert again.status_code == 200 and again.json["duplicate"] is True

    delivery = process(app, response.json["delivery"])
    assert delivery.status == "done", delivery.last_error
    assert host.token_requests == 1
    with app.app_context():
        item = db.session.query(AgendaItem).filter_by(external_id=f"decisions/{COUNCIL_DECISION_ID}").one()
        assert item.title == AGENDA_ITEM["AgendaItem"]
        assert item.committee == "Kaupunginvaltuusto" and item.language == "fi"
        assert db.session.query(Assessment).filter_by(item_id=item.id).count() == 1
        # The attachment Ahjo lists but cannot serve is noted, and did not fail the item.
        [attachment] = item.attachments
        assert attachment["name"] == "Kokousajat taulukkona" and attachment["error"]
        page = urlsplit(checklist_url(item, "http://plugin.test")).path
        # The spent refresh token was replaced by the new one, stored encrypted.
        row = item.connector
        stored = full_config(row)["auth"]["refresh_token"]
        assert stored in host.refresh_tokens and stored != "refresh-0"
        assert stored not in (row.secrets_encrypted or "") and "refresh_token" not in json.dumps(row.config)
    published = client.get(page)
    assert published.status_code == 200
    assert "Kaupunginvaltuuston kokousajat vuonna 2026" in published.get_data(as_text=True)


def test_another_process_uses_the_stored_refresh_token(app, client, host, helsinki):
    connector_id, secret = helsinki
    first = push(client, connector_id, "decisions", "Added", COUNCIL_DECISION_ID, secret)
    assert process(app, first.json["delivery"]).status == "done"
    # A second worker process has no access token and an old config in memory: it must read the
    # rotated refresh token from the database, not present the spent one from the config.
    ahjo.forget_tokens()
    ahjo._memory.clear()
    second = push(client, connector_id, "meetings", "Updated", MEETING_ID, secret)
    delivery = process(app, second.json["delivery"])
    assert delivery.status == "done", delivery.last_error
    assert host.token_requests == 2 and host.refused_refreshes == 0
    with app.app_context():
        meeting = db.session.query(AgendaItem).filter_by(external_id=f"meetings/{MEETING_ID}").one()
        assert meeting.title == "Kaupunginvaltuusto 2025-01-27"


@pytest.mark.parametrize("key", [None, "Bearer wrong", "whsec_wrong"])
def test_push_with_a_wrong_key_is_refused_and_nothing_stored(app, client, host, helsinki, key):
    connector_id, _ = helsinki
    response = push(client, connector_id, "decisions", "Added", COUNCIL_DECISION_ID, key)
    assert response.status_code == 401
    assert "error" in response.json
    with app.app_context():
        assert db.session.query(Delivery).count() == 0
        assert db.session.query(AgendaItem).count() == 0
    assert host.seen == [] and host.token_requests == 0


def test_bad_pushes_are_400_and_removed_marks_the_item_deleted(app, client, host, helsinki):
    connector_id, secret = helsinki
    assert push(client, connector_id, "trustees", "Added", "1", secret).status_code in (400, 404)
    bad = client.post(
        f"/webhooks/{connector_id}/decisions", data=b"{", headers={"Authorization": secret}
    )
    assert bad.status_code == 400 and "JSON" in bad.json["error"]
    added = push(client, connector_id, "decisions", "Added", RECORD_DECISION_ID, secret)
    assert process(app, added.json["delivery"]).status == "done"
    removed = push(client, connector_id, "decisions", "Removed", RECORD_DECISION_ID, secret)
    assert removed.status_code == 202
    assert process(app, removed.json["delivery"]).status == "done"
    with app.app_context():
        item = db.session.query(AgendaItem).filter_by(external_id=f"decisions/{RECORD_DECISION_ID}").one()
        assert item.deleted_at is not None


def test_poll_syncs_the_decisions_listing(app, client, host, helsinki):
    polling = pytest.importorskip(
        "climate_plugin.hosts.polling", reason="the polling engine is not in place yet"
    )
    connector_id, _ = helsinki
    with app.app_context():
        from climate_plugin.models import Connector

        row = db.session.get(Connector, connector_id)
        result = polling.run_poll(
            row, since=datetime(2020, 9, 1, tzinfo=UTC), until=datetime(2025, 11, 1, tzinfo=UTC)
        )
        assert result.stopped is None, result.stopped
        assert result.created == 3 and result.errors == 0
        items = db.session.query(AgendaItem).order_by(AgendaItem.external_id).all()
        assert len(items) == 3
        assert all(db.session.query(Assessment).filter_by(item_id=i.id).count() == 1 for i in items)
        pages = [urlsplit(checklist_url(i, "http://plugin.test")).path for i in items]
    for page in pages:
        assert client.get(page).status_code == 200


def test_refresh_under_the_postgresql_lock(tmp_path, postgres_url, host):
    """The cross-process lock on PostgreSQL (an advisory lock) and the stored, rotated refresh token."""
    from climate_plugin.hosts.connector import build_connector
    from climate_plugin.models import Connector
    from tests.support.app import build_app

    app = build_app(tmp_path, database_url=postgres_url)
    try:
        with app.app_context():
            town = Municipality(slug="helsinki", name="Helsingin kaupunki", language="fi")
            db.session.add(town)
            db.session.commit()
            auth = {"type": "oidc", "token_url": host.token_url, "client_id": host.client_id,
                    "client_secret": host.client_secret, "refresh_token": "refresh-0"}
            row, _ = create_connector(town, "ahjo", "Ahjo", {"base_url": host.base_url, "auth": auth})
            for _ in range(2):  # the second round is a fresh process: no cached token, a stale config
                ahjo.forget_tokens()
                ahjo._memory.clear()
                stale = build_connector(db.session.get(Connector, row.id))
                stale.settings["auth"]["refresh_token"] = "refresh-0"
                assert stale.fetch_item(f"meetings/{MEETING_ID}") is not None
            db.session.expire_all()
            stored = full_config(db.session.get(Connector, row.id))["auth"]["refresh_token"]
            assert stored in host.refresh_tokens
        assert host.token_requests == 2 and host.refused_refreshes == 0
    finally:
        with app.app_context():
            db.engine.dispose()
