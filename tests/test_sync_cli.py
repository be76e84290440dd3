"""`connector sync`, `connector test`, `connector backfill` and the health in `connector list`."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from climate_plugin.cli import main
from climate_plugin.db import db
from climate_plugin.models import AgendaItem
from climate_plugin.models import Connector as ConnectorRow
from climate_plugin.models._types import utcnow
from tests.fake_poller import TransientError, install, make_connector
from tests.support.webhooks import register


@pytest.fixture(autouse=True)
def fake_kinds(monkeypatch):
    install(monkeypatch)


@pytest.fixture
def polled(app):
    with app.app_context():
        row, host = make_connector()
        return row.id, host


def _json(result) -> dict:
    assert "Traceback" not in result.output
    return json.loads(result.stdout)


def test_sync_polls_now_and_prints_the_counts(app, runner, polled):
    connector_id, host = polled
    host.put("a", utcnow() - timedelta(minutes=10))
    host.put("b", utcnow() - timedelta(minutes=5))
    result = runner.invoke(main, args=["connector", "sync", str(connector_id)])
    assert result.exit_code == 0, result.output
    assert _json(result) == {"fetched": 2, "created": 2, "updated": 0, "deleted": 0, "errors": 0}
    with app.app_context():
        assert db.session.query(AgendaItem).count() == 2


def test_sync_that_stops_says_so_and_exits_non_zero(app, runner, polled):
    connector_id, host = polled
    host.put("a", utcnow() - timedelta(minutes=10))
    host.fetch_errors["a"] = TransientError("the host answered 503")
    result = runner.invoke(main, args=["connector", "sync", str(connector_id)])
    assert result.exit_code == 1
    assert _json(result)["created"] == 0
    assert "the poll stopped early" in result.stderr and "503" in result.stderr
    assert "next poll continues" in result.stderr


def test_sync_of_a_push_only_connector_is_refused_plainly(app, runner):
    with app.app_context():
        row_id = register()[0].id
    result = runner.invoke(main, args=["connector", "sync", str(row_id)])
    assert result.exit_code == 1
    assert "cannot be polled" in result.stderr and "Traceback" not in result.output


def test_sync_of_an_unknown_connector(runner, app):
    result = runner.invoke(main, args=["connector", "sync", "42"])
    assert result.exit_code == 1 and "no connector with id 42" in result.stderr


def test_sync_while_a_poll_runs(app, runner, polled):
    connector_id, _host = polled
    with app.app_context():
        row = db.session.get(ConnectorRow, connector_id)
        row.poll_lease_until = utcnow() + timedelta(minutes=5)
        db.session.commit()
    result = runner.invoke(main, args=["connector", "sync", str(connector_id)])
    assert result.exit_code == 1 and "being polled right now" in result.stderr


def test_test_says_ok(runner, polled):
    # the fake host lists nothing yet: the host answers, and the administrator is told to give an id
    result = runner.invoke(main, args=["connector", "test", str(polled[0])])
    assert result.exit_code == 0 and result.stdout.startswith("ok\n")
    assert "Give an item's id" in result.stdout


def test_test_says_what_is_wrong(runner, polled):
    connector_id, host = polled
    host.down = "the host refused the configured credentials (HTTP 401)"
    result = runner.invoke(main, args=["connector", "test", str(connector_id)])
    assert result.exit_code == 1
    # in words, naming the setting to change, with the host's own words; never an exception's class name
    assert "cannot reach its host: The host refuses the credentials. Check the setting auth." in result.stderr
    assert "(the host refused the configured credentials (HTTP 401))" in result.stderr
    assert "Error:" not in result.stderr.removeprefix("Error: ")
    assert "Traceback" not in result.output


def test_test_of_a_rest_host_that_is_not_listening(app, runner):
    with app.app_context():
        row_id = register("http://127.0.0.1:9")[0].id
    result = runner.invoke(main, args=["connector", "test", str(row_id)])
    assert result.exit_code == 1
    assert f"connector {row_id} (rest) cannot reach its host" in result.stderr
    assert "Traceback" not in result.output


def test_backfill_fetches_history_and_continues_after_an_interruption(app, runner, polled):
    connector_id, host = polled
    since = (utcnow() - timedelta(days=3)).date()
    start = utcnow() - timedelta(days=3)
    for n in range(3):
        host.put(f"h{n}", start + timedelta(days=n, hours=12))
    host.fetch_errors["h1"] = TransientError("the host answered 502")
    args = ["connector", "backfill", str(connector_id), "--since", since.isoformat()]
    result = runner.invoke(main, args=args)
    assert result.exit_code == 1
    assert "Run the same command again to continue it" in result.stderr
    assert _json(result)["created"] == 1

    other = runner.invoke(main, args=[*args[:-1], (since - timedelta(days=1)).isoformat()])
    assert other.exit_code == 1 and "is in progress" in other.stderr

    del host.fetch_errors["h1"]
    result = runner.invoke(main, args=args)
    assert result.exit_code == 0, result.output
    assert "continuing the backfill from" in result.stderr
    assert _json(result)["created"] == 2
    with app.app_context():
        row = db.session.get(ConnectorRow, connector_id)
        assert row.backfill is None and row.poll_cursor is not None
        assert db.session.query(AgendaItem).count() == 3

    # Done: the same command starts a fresh backfill, which finds nothing new.
    result = runner.invoke(main, args=args)
    assert result.exit_code == 0 and _json(result)["created"] == 0


def test_backfill_restart_forgets_the_unfinished_one(app, runner, polled):
    connector_id, host = polled
    host.put("h", utcnow() - timedelta(days=2))
    host.fetch_errors["h"] = TransientError("503")
    since = (utcnow() - timedelta(days=3)).date().isoformat()
    assert (
        runner.invoke(main, args=["connector", "backfill", str(connector_id), "--since", since]).exit_code
        == 1
    )
    del host.fetch_errors["h"]
    earlier = (utcnow() - timedelta(days=4)).date().isoformat()
    result = runner.invoke(
        main, args=["connector", "backfill", str(connector_id), "--since", earlier, "--restart"]
    )
    assert result.exit_code == 0, result.output
    assert _json(result)["created"] == 1


@pytest.mark.parametrize(
    ("since", "message"),
    [("2026-13-01", "Invalid value for '--since'"), ("2999-01-01", "must not be in the future")],
)
def test_backfill_refuses_a_bad_date(runner, polled, since, message):
    result = runner.invoke(main, args=["connector", "backfill", str(polled[0]), "--since", since])
    assert result.exit_code == 2 and message in result.stderr


def test_backfill_of_a_push_only_connector(app, runner):
    with app.app_context():
        row_id = register()[0].id
    result = runner.invoke(main, args=["connector", "backfill", str(row_id), "--since", "2026-01-01"])
    assert result.exit_code == 1 and "cannot be polled" in result.stderr


def test_list_shows_sync_health(app, runner, polled):
    connector_id, host = polled
    host.put("a", utcnow() - timedelta(minutes=3))
    runner.invoke(main, args=["connector", "sync", str(connector_id)])
    with app.app_context():
        register()
    result = runner.invoke(main, args=["connector", "list"])
    assert result.exit_code == 0, result.output
    listed = {c["id"]: c for c in _json(result)}
    health = listed[connector_id]["sync"]
    assert set(health) == {"last_success", "last_error", "last_error_at", "lag_seconds", "items_waiting"}
    assert health["last_success"] is not None and health["lag_seconds"] < 60
    assert health["items_waiting"] == 0
    assert listed[connector_id]["config"] == {"host": "council"}  # the token is a secret: never shown
