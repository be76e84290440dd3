"""Polling: windows from a stored cursor, resume after failures, coalescing, deletions, health, scheduling."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest

from climate_plugin.connectors.base import Change
from climate_plugin.db import db
from climate_plugin.deliveries import pipeline
from climate_plugin.hosts import polling
from climate_plugin.hosts.polling import PollBusy, poll_due_connectors, run_poll, sync_health
from climate_plugin.models import AgendaItem, Assessment, Delivery
from climate_plugin.models import Connector as ConnectorRow
from climate_plugin.models._types import utcnow
from climate_plugin.worker.embedded import EmbeddedWorker
from climate_plugin.worker.runner import run_task
from tests.fake_poller import END, PermanentError, TransientError, install, make_connector
from tests.support.api import RecordingQueue

DAY = timedelta(days=1)


@pytest.fixture(autouse=True)
def fake_kinds(monkeypatch):
    install(monkeypatch)



@pytest.fixture
def recorder(app):
    recorder = RecordingQueue()
    app.extensions["climate_plugin.queue"] = recorder
    return recorder


def _items(row) -> dict[str, AgendaItem]:
    return {i.external_id: i for i in db.session.query(AgendaItem).filter_by(connector_id=row.id)}


def test_first_poll_stores_items_screens_them_and_advances_the_cursor(app):
    with app.app_context():
        row, host = make_connector()
        host.put("a", END - timedelta(hours=3))
        host.put("b", END - timedelta(hours=2), title="Pöytäkirjan tarkastajien valinta", body="")
        host.put("old", END - 3 * DAY)  # before the first window: history is for a backfill
        result = run_poll(row, until=END)
        assert result.counts() == {"fetched": 2, "created": 2, "updated": 0, "deleted": 0, "errors": 0}
        assert result.stopped is None
        assert host.polls == [(END - DAY, END, None)]
        assert set(_items(row)) == {"a", "b"}
        assert db.session.query(Assessment).count() == 2
        assert _items(row)["a"].current_assessment.relevance == "high"
        row = db.session.get(ConnectorRow, row.id)
        assert row.poll_cursor == END and row.poll_page is None
        assert row.last_success_at is not None and row.last_error is None
        assert row.poll_lease_until is None


def test_next_poll_starts_at_the_cursor_and_counts_updates(app):
    with app.app_context():
        row, host = make_connector()
        host.put("a", END - timedelta(hours=1))
        run_poll(row, until=END)
        host.put("a", END + timedelta(minutes=5), body="Uusi teksti: aurinkopaneelit ja maalämpö.")
        host.put("c", END + timedelta(minutes=6))
        result = run_poll(row, until=END + timedelta(minutes=15))
        assert host.polls[-1] == (END, END + timedelta(minutes=15), None)
        assert (result.created, result.updated, result.fetched) == (1, 1, 2)
        # Nothing new: nothing fetched, nothing counted, the cursor still moves on.
        result = run_poll(row, until=END + timedelta(minutes=30))
        assert result.counts() == dict.fromkeys(result.counts(), 0)
        assert db.session.get(ConnectorRow, row.id).poll_cursor == END + timedelta(minutes=30)


def test_a_long_gap_is_asked_for_in_windows(app):
    with app.app_context():
        row, host = make_connector()
        row.poll_cursor = END - 2 * DAY - timedelta(hours=12)
        db.session.commit()
        host.put("a", END - 2 * DAY)
        host.put("b", END - timedelta(hours=1))
        result = run_poll(row, until=END)
        assert [(since, until) for since, until, _ in host.polls] == [
            (END - 2 * DAY - timedelta(hours=12), END - DAY - timedelta(hours=12)),
            (END - DAY - timedelta(hours=12), END - timedelta(hours=12)),
            (END - timedelta(hours=12), END),
        ]
        assert result.created == 2


def test_cursor_stays_before_a_window_that_failed_and_the_next_poll_resumes_there(app):
    with app.app_context():
        row, host = make_connector()
        row.poll_cursor = END - 3 * DAY
        db.session.commit()
        host.put("a", END - timedelta(days=2, hours=12))  # window 1
        host.put("b", END - timedelta(days=1, hours=12))  # window 2
        host.put("c", END - timedelta(hours=12))  # window 3
        host.fetch_errors["b"] = TransientError("the host answered 503")
        result = run_poll(row, until=END)
        assert result.stopped and "503" in result.stopped
        assert result.created == 1
        row = db.session.get(ConnectorRow, row.id)
        assert row.poll_cursor == END - 2 * DAY  # window 1 stored, window 2 not
        assert "503" in row.last_error and row.last_error_at is not None
        assert row.last_success_at is None
        assert row.poll_lease_until is None  # a failed poll does not keep the connector
        assert set(_items(row)) == {"a"}

        del host.fetch_errors["b"]
        host.polls.clear()
        result = run_poll(row, until=END)
        assert result.stopped is None
        assert host.polls[0][0] == END - 2 * DAY
        assert set(_items(row)) == {"a", "b", "c"}
        assert db.session.get(ConnectorRow, row.id).poll_cursor == END


def test_a_poll_stopped_between_pages_resumes_at_the_page(app):
    with app.app_context():
        row, host = make_connector()
        host.page_size = 2
        for n in range(5):
            host.put(f"i{n}", END - timedelta(hours=5 - n))

        def fail_third_page(since, until, page):
            if page == "4":
                raise TransientError("connection reset")

        host.on_poll = fail_third_page
        result = run_poll(row, until=END)
        assert result.stopped and result.created == 4
        row = db.session.get(ConnectorRow, row.id)
        assert row.poll_cursor == END - DAY  # the window's start: the window is not done
        assert (row.poll_page, row.poll_page_until) == ("4", END)

        host.on_poll = None
        host.polls.clear()
        host.fetches.clear()
        later = END + timedelta(hours=1)
        result = run_poll(row, until=later)
        # The page is asked for within its own window, then the poll goes on to the present.
        assert host.polls[0] == (END - DAY, END, "4")
        assert host.polls[1] == (END, later, None)
        assert host.fetches == ["i4"]
        row = db.session.get(ConnectorRow, row.id)
        assert (row.poll_cursor, row.poll_page, row.poll_page_until) == (later, None, None)


def test_repeated_updates_of_one_item_are_fetched_once(app):
    with app.app_context():
        row, host = make_connector()
        # Ahjo reports a meeting as updated about twenty times an hour.
        for minute in range(0, 60, 3):
            host.put("meeting-1", END - timedelta(minutes=60 - minute))
        host.put("other", END - timedelta(minutes=30))
        result = run_poll(row, until=END)
        assert host.fetches == ["meeting-1", "other"]
        assert (result.fetched, result.created) == (2, 2)


def test_repeats_carrying_their_content_are_stored_once_with_the_latest(app):
    from climate_plugin.connectors.base import FetchedItem

    with app.app_context():
        row, host = make_connector()
        for n in range(20):
            at = END - timedelta(minutes=60 - 3 * n)
            item = FetchedItem("meeting-1", f"Kokous, versio {n}", "", "fi", updated_at=at)
            host.changes.append(Change("meeting-1", "upsert", at, item))
        result = run_poll(row, until=END)
        assert host.fetches == []  # the listing carried the content
        assert (result.fetched, result.created) == (1, 1)
        assert _items(row)["meeting-1"].title == "Kokous, versio 19"


def test_repeats_on_later_pages_and_windows_are_not_fetched_again(app):
    with app.app_context():
        row, host = make_connector()
        row.poll_cursor = END - 2 * DAY
        db.session.commit()
        host.page_size = 1
        host.put("m", END - timedelta(days=1, hours=3))
        host.put("x", END - timedelta(days=1, hours=2))
        host.put("m", END - timedelta(hours=1))
        run_poll(row, until=END)
        assert host.fetches == ["m", "x"]


def test_coalesce_keeps_the_latest_change_of_each_item():
    changes = [
        Change("a", "upsert", END - timedelta(minutes=9)),
        Change("b", "upsert", END - timedelta(minutes=8)),
        Change("a", "delete", END - timedelta(minutes=2)),
        Change("a", "upsert", END - timedelta(minutes=5)),  # listed late, but older
        Change("c", "upsert"),
        Change("c", "delete"),  # no times: the listing's order decides
    ]
    assert polling.coalesce(changes) == [changes[1], changes[2], changes[5]]


def test_deletions_mark_items_deleted(app):
    with app.app_context():
        row, host = make_connector()
        host.put("a", END - timedelta(hours=3))
        host.put("b", END - timedelta(hours=3))
        run_poll(row, until=END)
        host.remove("a", END + timedelta(minutes=1))
        host.remove("never-seen", END + timedelta(minutes=1))
        result = run_poll(row, until=END + timedelta(minutes=15))
        assert (result.deleted, result.fetched) == (1, 0)
        items = _items(row)
        assert items["a"].deleted_at is not None and items["b"].deleted_at is None
        assert "never-seen" not in items


def test_an_item_listed_but_gone_at_fetch_time_is_an_error_not_a_deletion(app):
    # Only an explicit delete marks an item deleted: a listed item the host then does not have (a typo in
    # the item URL makes every item so) is noted on the connector, and the poll is no success.
    with app.app_context():
        row, host = make_connector()
        host.put("a", END - timedelta(hours=3))
        run_poll(row, until=END)
        succeeded = db.session.get(ConnectorRow, row.id).last_success_at
        host.changes.append(Change("a", "upsert", END + timedelta(minutes=1)))
        del host.items["a"]  # the fetch answers "gone"
        result = run_poll(row, until=END + timedelta(minutes=15))
        assert (result.deleted, result.errors) == (0, 1)
        assert _items(row)["a"].deleted_at is None
        row = db.session.get(ConnectorRow, row.id)
        assert "'a'" in row.last_error and "not marked deleted" in row.last_error
        assert row.last_success_at == succeeded
        host.changes.append(Change("a", "delete", END + timedelta(minutes=20)))
        assert run_poll(row, until=END + timedelta(minutes=30)).deleted == 1
        assert _items(row)["a"].deleted_at is not None


def test_one_refused_item_is_counted_and_does_not_stop_the_window(app):
    with app.app_context():
        row, host = make_connector()
        host.put("a", END - timedelta(hours=3))
        host.put("secret", END - timedelta(hours=2))
        host.put("c", END - timedelta(hours=1))
        host.fetch_errors["secret"] = PermanentError("the host answered 403", 403)
        result = run_poll(row, until=END)
        assert (result.errors, result.created, result.stopped) == (1, 2, None)
        row = db.session.get(ConnectorRow, row.id)
        assert row.poll_cursor == END
        assert "secret" in row.last_error and "403" in row.last_error
        assert set(_items(row)) == {"a", "c"}


def test_a_poll_cannot_start_while_another_runs(app):
    with app.app_context():
        row, host = make_connector()
        host.put("a", END - timedelta(hours=1))
        seen: list[Exception] = []

        def second_poll(*_args):
            # A second poll of the same connector (another worker, the CLI) while this one runs.
            with app.app_context():
                try:
                    run_poll(db.session.get(ConnectorRow, row.id), until=END)
                except PollBusy as exc:
                    seen.append(exc)

        host.on_poll = second_poll
        result = run_poll(row, until=END)
        assert result.stopped is None and result.created == 1
        assert len(seen) == 1 and "being polled" in str(seen[0])
        assert len(host.polls) == 1
        # Released at the end: the next poll runs.
        host.on_poll = None
        assert run_poll(db.session.get(ConnectorRow, row.id), until=END).stopped is None


def test_a_lease_left_by_a_dead_poll_runs_out(app):
    with app.app_context():
        row, host = make_connector()
        row.poll_lease_until = utcnow() + timedelta(minutes=5)
        db.session.commit()
        with pytest.raises(PollBusy):
            run_poll(row, until=END)
        polling.poll_connector(row.id)  # the task skips quietly
        assert host.polls == []
        row.poll_lease_until = utcnow() - timedelta(seconds=1)
        db.session.commit()
        assert run_poll(row, until=END).stopped is None


def test_a_lease_whose_process_died_on_this_host_is_taken_over_at_once(app):
    """A backfill killed mid-way leaves its lease for ten minutes; the next poll on the same host sees that
    the lease's process is gone and takes it. A live holder, or one on another host, keeps it."""
    import socket
    import subprocess
    import sys

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True)
    dead_pid = int(gone.stdout)  # it has exited: a process id no one holds now
    here = socket.gethostname()
    with app.app_context():
        row, host = make_connector()
        for holder in (f"{here}:{os.getpid()}", f"another-host:{dead_pid}"):
            row.poll_lease_until, row.poll_lease_holder = utcnow() + timedelta(minutes=5), holder
            db.session.commit()
            with pytest.raises(PollBusy):
                run_poll(row, until=END)
        row.poll_lease_holder = f"{here}:{dead_pid}"
        db.session.commit()
        assert run_poll(row, until=END).stopped is None
        assert (row.poll_lease_until, row.poll_lease_holder) == (None, None)  # released at the end

def test_a_push_only_kind_cannot_be_polled(app):
    with app.app_context():
        row, _host = make_connector(kind="fakepush")
        with pytest.raises(polling.CannotPoll, match="cannot be polled"):
            run_poll(row)


def test_health_of_a_polling_connector(app):
    with app.app_context():
        row, host = make_connector()
        health = sync_health(row)
        assert health == {
            "last_success": None,
            "last_error": None,
            "last_error_at": None,
            "lag_seconds": None,
            "items_waiting": 0,
        }
        host.put("a", END - timedelta(hours=1))
        run_poll(row, until=END)
        health = sync_health(row, now=END + timedelta(minutes=10))
        assert health["lag_seconds"] == 600
        assert health["last_success"] is not None and health["last_error"] is None
        host.on_poll = lambda *_: (_ for _ in ()).throw(TransientError("timed out"))
        run_poll(row, until=END + timedelta(minutes=15))
        health = sync_health(db.session.get(ConnectorRow, row.id), now=END + timedelta(minutes=20))
        assert "timed out" in health["last_error"] and health["last_error_at"]
        assert health["lag_seconds"] == 1200  # the cursor did not move


def test_items_waiting_counts_deliveries_and_write_backs(app, recorder):
    from tests.support.webhooks import register

    with app.app_context():
        row, _secret = register()
        for n, status in enumerate(("received", "processing", "done", "failed")):
            db.session.add(
                Delivery(
                    connector=row,
                    delivery_id=f"msg_{n}",
                    event_type="agenda_item.updated",
                    action="upsert",
                    external_id=str(n),
                    body=b"{}",
                    status=status,
                    received_at=utcnow() - timedelta(minutes=10 - n),
                    last_error="HTTP 503" if status == "failed" else None,
                )
            )
        db.session.commit()
        health = sync_health(row)
        assert health["items_waiting"] == 2
        assert health["lag_seconds"] >= 600  # a push connector lags by its oldest waiting delivery
        assert health["last_error"] == "HTTP 503"


def test_due_connectors_are_polled_once_per_interval(app, recorder):
    from tests.support.webhooks import register

    with app.app_context():
        polled, _ = make_connector("a")
        disabled, _ = make_connector("b")
        disabled.enabled = False
        db.session.commit()
        make_connector("c", kind="fakepush")
        register()  # rest: push only
        now = utcnow()
        assert poll_due_connectors(now) == [polled.id]
        assert recorder.tasks == [("poll_connector", polled.id)]
        # A second scheduler at the same moment, or the next minute: not due yet.
        assert poll_due_connectors(now) == []
        assert poll_due_connectors(now + timedelta(minutes=14)) == []
        assert poll_due_connectors(now + timedelta(minutes=15)) == [polled.id]


def test_the_poll_task_runs_through_the_worker(app, recorder):
    with app.app_context():
        row, host = make_connector()
        host.put("a", utcnow() - timedelta(minutes=5))
        outcome = run_task("poll_connector", row.id, attempt=0, max_retries=3)
        assert outcome.retry_in is None and outcome.error is None
        assert set(_items(row)) == {"a"}
        # A host error is kept on the connector and left to the next scheduled poll, not retried.
        host.on_poll = lambda *_: (_ for _ in ()).throw(TransientError("503"))
        assert run_task("poll_connector", row.id, attempt=0, max_retries=3).retry_in is None
        assert run_task("poll_connector", 999, attempt=0, max_retries=3).error is None


def test_the_embedded_worker_schedules_due_polls_at_each_sweep(app):
    with app.app_context():
        row_id = make_connector()[0].id
    worker = EmbeddedWorker(app)
    app.extensions["climate_plugin.queue"] = worker
    worker._sweep()
    assert [job[2:4] for job in worker._heap] == [("poll_connector", row_id)]


def test_backfill_runs_history_through_the_poll_path_and_resumes(app):
    with app.app_context():
        row, host = make_connector()
        since = END - 4 * DAY
        for day in range(4):
            host.put(f"d{day}", since + day * DAY + timedelta(hours=6))
        host.fetch_errors["d2"] = TransientError("the host answered 502")
        state = polling.start_backfill(row, since, until=END)
        windows: list = []
        result = polling.run_backfill(row, on_window=windows.append)
        assert result.stopped and result.created == 2
        assert windows == [since + DAY, since + 2 * DAY]
        row = db.session.get(ConnectorRow, row.id)
        assert row.backfill["cursor"] == (since + 2 * DAY).isoformat()
        assert row.poll_cursor is None  # a backfill keeps its own position

        with pytest.raises(polling.BackfillConflict, match="in progress"):
            polling.start_backfill(row, since - DAY)
        del host.fetch_errors["d2"]
        host.polls.clear()
        state = polling.start_backfill(row, since)  # the same date: continue
        assert state["cursor"] == since + 2 * DAY
        assert polling.windows_left(row, state["cursor"], state["until"]) == 2
        result = polling.run_backfill(row)
        assert result.stopped is None and result.created == 2
        assert host.polls[0][0] == since + 2 * DAY
        row = db.session.get(ConnectorRow, row.id)
        assert row.backfill is None
        assert row.poll_cursor == END  # regular polls go on from where the backfill ended
        assert set(_items(row)) == {"d0", "d1", "d2", "d3"}


def test_waiting_deliveries_of_one_item_are_coalesced(app, recorder):
    from tests.support.webhooks import register

    with app.app_context():
        row, _secret = register("http://127.0.0.1:9")
        ids = []
        for n in range(3):
            delivery = Delivery(
                connector=row,
                delivery_id=f"msg_{n}",
                event_type="agenda_item.updated",
                action="upsert",
                external_id="7",
                body=b"{}",
            )
            db.session.add(delivery)
            db.session.commit()
            ids.append(delivery.id)
        # The older two are covered by the newest one, which fetches the current state: no host call.
        for delivery_id in ids[:2]:
            pipeline.process_delivery(delivery_id)
            delivery = db.session.get(Delivery, delivery_id)
            assert (delivery.status, delivery.attempts) == ("done", 0)
        with pytest.raises(TransientError):  # the newest one does fetch (nothing listens on port 9)
            pipeline.process_delivery(ids[2])


def test_polls_leases_and_health_on_postgresql(tmp_path, postgres_url):
    from tests.support.app import build_app

    app = build_app(tmp_path, database_url=postgres_url)
    recorder = RecordingQueue()
    app.extensions["climate_plugin.queue"] = recorder
    with app.app_context():
        row, host = make_connector()
        host.page_size = 1
        host.put("a", END - timedelta(hours=2))
        host.put("b", END - timedelta(hours=1))
        host.fetch_errors["b"] = TransientError("503")
        assert run_poll(row, until=END).stopped
        row = db.session.get(ConnectorRow, row.id)
        assert (row.poll_cursor, row.poll_page, row.poll_page_until) == (END - DAY, "1", END)
        del host.fetch_errors["b"]
        assert run_poll(row, until=END).created == 1
        assert sync_health(row, now=END)["lag_seconds"] == 0
        later = utcnow() + timedelta(minutes=15)  # the polls above count as the last poll
        assert poll_due_connectors() == []
        assert poll_due_connectors(later) == [row.id] and poll_due_connectors(later) == []
        polling.start_backfill(row, END - 2 * DAY, until=END - DAY)
        assert polling.run_backfill(row).stopped is None
        assert db.session.get(ConnectorRow, row.id).backfill is None
        db.session.remove()
        db.engine.dispose()
