"""Faults in the production shape, small: Redis stopped while webhooks arrive, a worker process killed in
the middle of its task, a whole worker killed while it holds work. PostgreSQL, a Redis of this module's own
(stopped and started by the tests, never the shared one), two real Celery workers (two processes each) and
beat, the web app served over HTTP, and the demo's agenda host, which records every write-back. The
full-size runs are `bench/chaos.py`, `bench/e2e.py` and `bench/backfill.py`.

Nothing here is timed: each step waits for what the system does, with deadlines long enough for a loaded
2-core machine.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select, text, update

from climate_plugin import queue
from climate_plugin.db import db
from climate_plugin.demo import sample_host
from climate_plugin.demo.sample_host import SampleHost
from climate_plugin.models import AgendaItem, Connector, Delivery, WriteBack
from climate_plugin.models._types import utcnow
from climate_plugin.worker import liveness
from tests.factories import DeliveryFactory
from tests.support.app import build_app
from tests.support.own_redis import OwnRedis
from tests.support.samples import SCHOOL
from tests.support.services import scratch_database, unique_queue_name
from tests.support.waiting import wait_for
from tests.support.webhooks import register
from tests.support.workers import (
    holder_of_connection,
    service_env,
    session_of,
    session_pids,
    start,
    start_worker,
    stop,
)

pytestmark = [pytest.mark.services, pytest.mark.slow]

#: a worker's start (dictionaries loaded), a redelivery, a reconnect to Redis: all well inside this
DEADLINE = 120

_client = threading.local()


class _TrackingHandler(sample_host._Handler):
    def _dispatch(self, method: str) -> None:
        _client.address = self.client_address  # which connection (so: which process) this request is on
        super()._dispatch(method)


class HoldingHost(SampleHost):
    """The sample host, able to hold a request for an item (a GET of the item, or its write-back) until
    the test lets it go, noting the port the request came from."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.holds: dict[tuple[str, str], tuple[threading.Event, threading.Event, list[int]]] = {}

    def start(self) -> HoldingHost:
        super().start()
        self._server.RequestHandlerClass = _TrackingHandler
        return self

    def hold(self, kind: str, item_id: str) -> tuple[threading.Event, threading.Event, list[int]]:
        """``kind`` "get" or "put"; returns (arrived, release, [client port])."""
        held = (threading.Event(), threading.Event(), [])
        self.holds[(kind, item_id)] = held
        return held

    def _wait_if_held(self, kind: str, item_id: str) -> None:
        held = self.holds.pop((kind, item_id), None)
        if held is not None:
            arrived, release, port = held
            port.append(_client.address[1])
            arrived.set()
            release.wait(DEADLINE)

    def _get_item(self, item_id: str):
        self._wait_if_held("get", item_id)
        return super()._get_item(item_id)

    def _put_climate(self, item_id: str, raw: bytes, idempotency_key: str | None):
        # The request has arrived whole: the host stores the block whatever happens to the sender meanwhile.
        self._wait_if_held("put", item_id)
        return super()._put_climate(item_id, raw, idempotency_key)


@dataclass
class Stack:
    app: object
    host: HoldingHost
    redis: OwnRedis
    workers: list
    env: dict
    tmp: object


def _item(item_id: str) -> dict:
    return {**SCHOOL, "id": item_id}


@pytest.fixture(scope="module")
def stack(tmp_path_factory) -> Iterator[Stack]:
    from werkzeug.serving import make_server

    tmp = tmp_path_factory.mktemp("chaos")
    with ExitStack() as cleanup:  # each part is stopped even when a later one fails to start
        redis = OwnRedis(tmp).start()
        cleanup.callback(redis.stop)
        host = HoldingHost(retry_delays=()).start()  # one attempt per webhook: every answer is seen
        cleanup.callback(host.stop)
        postgres_url = cleanup.enter_context(scratch_database())
        queue_name = unique_queue_name()
        app = build_app(tmp, database_url=postgres_url, broker_url=redis.url, queue_name=queue_name)
        cleanup.callback(_dispose, app)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        public_url = f"http://127.0.0.1:{server.server_port}"
        app.config["PUBLIC_URL"] = public_url
        threading.Thread(target=server.serve_forever, daemon=True).start()
        cleanup.callback(server.shutdown)
        with app.app_context():
            row, secret = register(host.base_url)
            host.configure_webhook(f"{public_url}/webhooks/{row.id}", secret)
        env = service_env(postgres_url, redis.url, public_url, queue_name, sweep_interval="1")
        workers = [start_worker(env, tmp / f"worker-{n}.log") for n in (1, 2)]
        beat = start(env, tmp / "beat.log", "beat")
        cleanup.callback(stop, beat)
        # the list, not its processes: a test that kills a worker puts a new one in its place
        cleanup.callback(lambda: [stop(process) for process in workers])
        yield Stack(app, host, redis, workers, env, tmp)


def _dispose(app) -> None:
    with app.app_context():
        db.engine.dispose()


def _rows(app, statement):
    with app.app_context():
        db.session.expire_all()
        rows = db.session.execute(statement).all()
        db.session.remove()
        return rows


def _time_passes(app) -> None:
    """Every unfinished delivery and write-back has waited past the sweeper's limit (5 minutes)."""
    with app.app_context():
        old = utcnow() - timedelta(minutes=10)
        for model, statuses in ((Delivery, ("received", "processing")), (WriteBack, ("pending", "sending"))):
            db.session.execute(update(model).where(model.status.in_(statuses)).values(enqueued_at=old))
        db.session.commit()
        db.session.remove()


def test_webhooks_while_redis_is_down_are_stored_and_each_written_back_once_after_it_returns(stack):
    host, app = stack.host, stack.app
    for n in range(2):
        host.draft(_item(f"up-{n}"))
    wait_for(lambda: all(host.write_back_count(f"up-{n}") == 1 for n in range(2)), timeout=DEADLINE)

    stack.redis.stop()
    during = {f"down-{n}": host.draft(_item(f"down-{n}")) for n in range(6)}
    answers = {item: host.delivery(webhook_id) for item, webhook_id in during.items()}
    # Stored and answered 202, or refused with a clear 503 the sender retries; never a 500 or a hang.
    assert {d.status for d in answers.values()} <= {202, 503}, {i: d.status for i, d in answers.items()}
    accepted = sorted(i for i, d in answers.items() if d.status == 202)
    stored = _rows(app, select(Delivery.external_id).where(Delivery.external_id.like("down-%")))
    assert sorted(r[0] for r in stored) == accepted

    stack.redis.start()  # empty: whatever was queued in it is gone
    for item, delivery in answers.items():
        if delivery.status == 503:
            assert host.redeliver(delivery.webhook_id) == 202, item  # the sender's retry
    # Work accepted during the outage waits in the database for the sweeper (beat, every second here),
    # after its 5-minute limit at the latest. Time passes: this test is about each item once, not how
    # soon (tests/test_services.py checks the fast hand-over of work whose hand-over failed).
    _time_passes(app)
    wait_for(lambda: all(host.write_back_count(item) >= 1 for item in during), timeout=DEADLINE)

    def all_finished() -> bool:
        statuses = _rows(app, text("SELECT status FROM delivery UNION ALL SELECT status FROM write_back"))
        return {s for (s,) in statuses} <= {"done", "sent"}

    wait_for(all_finished, timeout=DEADLINE)
    # One block stored per item (a resend with its Idempotency-Key would be replayed, not stored again).
    assert {item: host.write_back_count(item) for item in during} == dict.fromkeys(during, 1)
    assert [host.write_back_count(f"up-{n}") for n in range(2)] == [1, 1]
    per_item = _rows(app, select(AgendaItem.external_id).where(AgendaItem.external_id.like("down-%")))
    assert len(per_item) == len(during)


def _kill_the_process_holding(stack: Stack, port: list[int]) -> int:
    pid = holder_of_connection(port[0], session_pids(stack.workers) - {w.pid for w in stack.workers})
    assert pid is not None, "no worker pool process holds the held request's connection"
    os.kill(pid, signal.SIGKILL)  # the pool process running the task, as the kernel's OOM killer would
    return pid


def _finished(app, *items: str) -> bool:
    deliveries = _rows(app, select(Delivery.status).where(Delivery.external_id.in_(items)))
    write_backs = _rows(
        app, select(WriteBack.status).join(AgendaItem).where(AgendaItem.external_id.in_(items))
    )
    return [s for (s,) in deliveries] == ["done"] * len(items) and [s for (s,) in write_backs] == [
        "sent"
    ] * len(items)


def test_a_worker_process_killed_while_fetching_leaves_the_delivery_to_another_which_finishes_it_once(
    stack,
):
    host, app = stack.host, stack.app
    arrived, release, port = host.hold("get", "kill-fetch")
    host.draft(_item("kill-fetch"))
    assert arrived.wait(DEADLINE), "the worker never fetched the item"
    _kill_the_process_holding(stack, port)
    release.set()
    # Its message is put back (acks late, rejected when the worker is lost) and run again, to its end.
    wait_for(lambda: _finished(app, "kill-fetch"), timeout=DEADLINE)
    assert host.write_back_count("kill-fetch") == 1


def test_a_write_back_whose_sender_was_killed_at_the_host_is_sent_again_at_once_and_stored_once(stack):
    host, app = stack.host, stack.app
    arrived, release, port = host.hold("put", "kill-send")
    host.draft(_item("kill-send"))
    assert arrived.wait(DEADLINE), "the worker never sent the write-back"
    _kill_the_process_holding(stack, port)
    release.set()  # the host had the whole request: it stores the block, its answer goes nowhere
    wait_for(lambda: host.write_back_count("kill-send") == 1, timeout=DEADLINE)
    # The message is put back and run again: the block goes again with the same Idempotency-Key, the host
    # replays its answer, and the write-back is sent, without waiting for the sweeper's 5 minutes (no time
    # passes here). Recovery within a minute of a fault is issue 15's target.
    wait_for(lambda: _finished(app, "kill-send"), timeout=DEADLINE)
    assert host.write_back_count("kill-send") == 1
    assert host.write_back_requests("kill-send") >= 2


def test_work_queued_in_redis_when_it_restarts_empty_reaches_a_worker_soon_after(stack):
    host = stack.host
    # Every pool process (2 workers x 2) busy with a delivery whose fetch the host holds ...
    holds = [host.hold("get", f"busy-{n}") for n in range(4)]
    for n in range(4):
        host.draft(_item(f"busy-{n}"))
    for arrived, _, _ in holds:
        assert arrived.wait(DEADLINE), "not every pool process took a delivery"
    # ... so these wait in Redis's queue, handed over successfully.
    queued = [f"queued-{n}" for n in range(3)]
    for item in queued:
        assert host.delivery(host.draft(_item(item))).status == 202
    stack.redis.stop()
    stack.redis.start()  # without persistence: the queue is gone, the deliveries are in the database
    for _, release, _ in holds:
        release.set()
    wait_for(lambda: all(host.write_back_count(f"busy-{n}") == 1 for n in range(4)), timeout=DEADLINE)
    # No time passes: beat sweeps every second here, so half a minute is generous, and inside the issue's
    # target of a minute after the return.
    wait_for(lambda: all(host.write_back_count(item) == 1 for item in queued), timeout=30)


def _kill_whole_workers(stack: Stack, leaders: set[int]) -> None:
    for n, worker in enumerate(stack.workers):
        if worker.pid in leaders:
            os.killpg(worker.pid, signal.SIGKILL)  # every process of that worker at once
            worker.wait(30)
            # started again at once: its new processes are new holders, the killed ones stay dead
            stack.workers[n] = start_worker(stack.env, stack.tmp / f"worker-{n + 1}-again-{worker.pid}.log")


def test_work_held_by_a_whole_worker_killed_is_taken_over_within_a_minute_and_written_back_once(stack):
    """A whole worker (main process and pool) SIGKILLed, as when its machine or container dies, while one of
    its processes fetches an item and one sends a block. Nothing tells Redis: it would give their messages out
    again only after the visibility timeout (2 hours), and the sweeper would hand their records over after 5
    minutes. Their heartbeats stop instead, and beat's take-over hands their claims to a living worker."""
    host, app = stack.host, stack.app
    fetch = host.hold("get", "whole-fetch")
    host.draft(_item("whole-fetch"))
    send = host.hold("put", "whole-send")
    host.draft(_item("whole-send"))
    for arrived, _, _ in (fetch, send):
        assert arrived.wait(DEADLINE), "no worker took the held request"
    pools = session_pids(stack.workers) - {w.pid for w in stack.workers}
    holding = {holder_of_connection(port[0], pools) for _, _, port in (fetch, send)}
    assert None not in holding, "no worker pool process holds a held request's connection"
    killed = {session_of(pid) for pid in holding}
    _kill_whole_workers(stack, killed)
    for _, release, _ in (fetch, send):
        release.set()  # the held block reached the host whole: it is stored, its answer goes nowhere
    # No time passes: the 5-minute sweep never comes within this wait (DEADLINE is 2 minutes).
    wait_for(lambda: _finished(app, "whole-fetch", "whole-send"), timeout=DEADLINE)
    assert [host.write_back_count(i) for i in ("whole-fetch", "whole-send")] == [1, 1]
    assert host.write_back_requests("whole-send") >= 2  # sent again, with the same Idempotency-Key
    # the killed run's attempt counts: the take-over never resets it
    assert _rows(app, select(Delivery.attempts).where(Delivery.external_id == "whole-fetch")) == [(2,)]


def test_a_retry_a_whole_worker_held_for_its_countdown_goes_on_soon_after_it_is_due(stack):
    """A worker holds a retry's message until its countdown ends (in memory; Redis keeps it unacknowledged).
    Killed meanwhile, nothing claims the record: it waits as received, and without the take-over it went on
    only 5 minutes after it was due (the sweeper), or after Redis's visibility timeout (2 hours)."""
    host, app = stack.host, stack.app
    host.add(_item("held-retry"))
    countdown = 20
    with app.app_context():
        connector = db.session.scalars(select(Connector)).first()
        # a delivery whose first attempt failed: its retry is due in 20 s (runner.note_retry's bookkeeping)
        delivery_id = DeliveryFactory(
            connector=connector,
            external_id="held-retry",
            status="received",
            attempts=1,
            enqueued_at=utcnow() + timedelta(seconds=countdown),
        ).id
        queue.enqueue("process_delivery", delivery_id, countdown=countdown)
        celery = app.extensions["celery"]
        queues = [q.name for q in celery.conf.task_queues]
        unstarted = liveness.Unstarted(stack.redis.url, queues, 2.0, celery.conf.broker_transport_options)

    def held() -> bool:
        return delivery_id in ((unstarted.find(older_than=0) or {}).get("process_delivery") or {})

    wait_for(held, timeout=DEADLINE)  # a worker received it and waits for the countdown
    # Which worker holds it is not known from outside: both go (and come back at once).
    _kill_whole_workers(stack, {w.pid for w in stack.workers})
    wait_for(lambda: _finished(app, "held-retry"), timeout=DEADLINE)
    assert host.write_back_count("held-retry") == 1
    assert _rows(app, select(Delivery.attempts).where(Delivery.id == delivery_id)) == [(2,)]
