"""A claim whose worker died is taken over within seconds, not after the sweeper's 5 minutes.

Each claim names its holder (the worker process, ``claimed_by``); each worker process beats a heartbeat key
in Redis (``worker.liveness``); beat's ``take_over_dead_workers`` hands over, through the sweeper, the claims
of holders whose key is gone, keeping their attempt counts. A holder still beating, a claim younger than the
grace and a claim naming no holder are left alone; and only a message the broker redelivered may take a
delivery still marked "processing", so the take-over's own hand-over never races a live run. The whole worker
killed for real is in tests/test_chaos.py.
"""

from __future__ import annotations

import os
from datetime import timedelta

import pytest

from climate_plugin import claims
from climate_plugin.db import db
from climate_plugin.demo.sample_host import SampleHost
from climate_plugin.models import Delivery, WriteBack
from climate_plugin.models._types import utcnow
from climate_plugin.worker import liveness, sweeper
from climate_plugin.worker.celery_app import write_back_queue
from climate_plugin.worker.runner import run_task
from tests.factories import DeliveryFactory, WriteBackFactory
from tests.support.api import RecordingQueue
from tests.support.app import build_app
from tests.support.samples import SCHOOL
from tests.support.waiting import wait_for
from tests.support.webhooks import register

GRACE = liveness.CLAIM_GRACE
LONG_AGO = timedelta(minutes=1)  # past the grace, far inside the sweeper's 5 minutes


@pytest.fixture
def handed(app) -> RecordingQueue:
    recorder = RecordingQueue()
    app.extensions["climate_plugin.queue"] = recorder
    return recorder


def _claimed(model_factory, status: str, holder: str | None, ago: timedelta, attempts: int = 3):
    return model_factory(status=status, claimed_by=holder, enqueued_at=utcnow() - ago, attempts=attempts)


def _only(*living: str):
    def alive(holders: set[str]) -> set[str]:
        return holders & set(living)

    return alive


def test_the_claims_of_a_holder_without_heartbeat_are_handed_over_keeping_their_counts(app, handed):
    with app.app_context():
        delivery = _claimed(DeliveryFactory, "processing", "host:11:dead", LONG_AGO, attempts=3)
        write_back = _claimed(WriteBackFactory, "sending", "host:11:dead", LONG_AGO, attempts=2)
        ids = delivery.id, write_back.id
        taken = sweeper.take_over_dead_workers(_only("host:12:alive"), GRACE)
        assert taken == [("process_delivery", ids[0]), ("send_write_back", ids[1])]
        db.session.expire_all()
        delivery, write_back = db.session.get(Delivery, ids[0]), db.session.get(WriteBack, ids[1])
        # waiting again, for the one message that hands it over; the attempts are never reset
        assert (delivery.status, delivery.attempts) == ("received", 3)
        assert (write_back.status, write_back.attempts) == ("pending", 2)
        assert delivery.enqueued_at > utcnow() - GRACE  # not taken again by the next sweep
        assert sweeper.take_over_dead_workers(_only(), GRACE) == []  # handed over once
    assert handed.tasks == taken


def test_a_holder_still_beating_a_claim_within_the_grace_and_a_claim_naming_no_one_are_left(app, handed):
    with app.app_context():
        alive = _claimed(DeliveryFactory, "processing", "host:12:alive", LONG_AGO)
        young = _claimed(DeliveryFactory, "processing", "host:11:dead", GRACE / 3)
        nameless = _claimed(WriteBackFactory, "sending", None, LONG_AGO)
        ids = alive.id, young.id
        assert sweeper.take_over_dead_workers(_only("host:12:alive"), GRACE) == []
        db.session.expire_all()
        assert [db.session.get(Delivery, i).status for i in ids] == ["processing", "processing"]
        assert db.session.get(WriteBack, nameless.id).status == "sending"
        # when nobody can tell who is alive (Redis away), nobody is taken for dead
        assert sweeper.take_over_dead_workers(lambda holders: None, GRACE) == []
    assert handed.tasks == []


def test_finished_and_waiting_records_of_a_dead_holder_are_not_its_claims(app, handed):
    with app.app_context():
        for status in ("done", "failed", "received"):
            _claimed(DeliveryFactory, status, "host:11:dead", LONG_AGO)
        for status in ("sent", "superseded", "failed", "pending"):
            _claimed(WriteBackFactory, status, "host:11:dead", LONG_AGO)
        assert sweeper.take_over_dead_workers(_only(), GRACE) == []
    assert handed.tasks == []


def test_the_sweepers_long_limit_puts_a_lost_delivery_back_to_received(app, handed):
    """A delivery claimed by a process that names no holder is still recovered by the 5-minute sweep, and now
    waits as received: the sweeper's message is not a redelivery, so it could not take it as processing."""
    with app.app_context():
        lost = _claimed(DeliveryFactory, "processing", None, timedelta(minutes=10), attempts=2)
        assert sweeper.sweep(stale_after=sweeper.STALE_AFTER) == [("process_delivery", lost.id)]
        db.session.expire_all()
        assert (db.session.get(Delivery, lost.id).status, db.session.get(Delivery, lost.id).attempts) == (
            "received",
            2,
        )


def test_a_claim_names_the_process_that_announced_a_heartbeat_and_no_other(app, monkeypatch):
    with app.app_context():
        waiting = DeliveryFactory(status="received")
        claims.announce_holder("host:11:abcd")
        try:
            assert claims.claim(Delivery, waiting.id, ("received",), "processing") == 1
            assert db.session.get(Delivery, waiting.id).claimed_by == "host:11:abcd"
            # a child forked from the announcing process beats no heartbeat of its own until it announces one
            monkeypatch.setattr(os, "getpid", lambda: -1)
            assert claims.holder() is None
        finally:
            claims.announce_holder(None)
        other = DeliveryFactory(status="received")
        assert claims.claim(Delivery, other.id, ("received",), "processing") == 1
        # no heartbeat: nobody could tell it dead
        assert db.session.get(Delivery, other.id).claimed_by is None


def test_only_a_redelivered_message_takes_a_delivery_still_processing(tmp_path):
    """A second message for a delivery a live worker is running (the take-over's hand-over racing a slow run,
    a duplicate hand-over) must leave it alone; the message the broker gave out again because its run died
    takes it over and runs it once more."""
    with SampleHost(retry_delays=()) as host:
        app = build_app(tmp_path)
        app.extensions["climate_plugin.queue"] = RecordingQueue()
        with app.app_context():
            row, _ = register(host.base_url)
            host.add(SCHOOL)
            running = DeliveryFactory(
                connector=row, external_id=SCHOOL["id"], status="processing", attempts=1, claimed_by="w:1:x"
            )
            assert run_task("process_delivery", running.id).error is None
            db.session.expire_all()
            delivery = db.session.get(Delivery, running.id)
            assert (delivery.status, delivery.attempts, delivery.claimed_by) == ("processing", 1, "w:1:x")
            assert run_task("process_delivery", running.id, redelivered=True).error is None
            db.session.expire_all()
            delivery = db.session.get(Delivery, running.id)
            assert (delivery.status, delivery.attempts) == ("done", 2)


def test_beat_takes_over_every_few_seconds_on_the_write_back_queue(tmp_path):
    """Beat schedules the take-over often, on the queue a backlog of deliveries does not hold up."""
    app = build_app(tmp_path, broker_url="redis://127.0.0.1:9/0")  # nothing connects to it here
    celery = app.extensions["celery"]
    [entry] = [e for e in celery.conf.beat_schedule.values() if e["task"].endswith(".take_over_dead_workers")]
    assert entry["schedule"] + liveness.TTL < 60  # a dead worker's claims within the minute of issue 15
    route = celery.conf.task_routes["worker.tasks.take_over_dead_workers"]
    assert route["queue"] == write_back_queue(app.extensions["climate_plugin.settings"].queue_name)


@pytest.mark.services
def test_a_heartbeat_says_its_process_is_alive_until_it_stops_or_its_key_runs_out(redis_url, queue_name):
    import redis

    beat = liveness.Heartbeat(redis_url, queue_name, timeout=2.0, every=0.2, ttl=5).start()
    try:
        assert claims.holder() == beat.holder
        # the first beat comes from the thread, at once
        holders = {beat.holder, "host:11:dead"}
        wait_for(lambda: liveness.alive(redis_url, queue_name, holders, 2.0) == {beat.holder})
        assert beat.holder in liveness.Registry(redis_url, queue_name, 2.0).alive()
        # registered, so that it is known dead even if it never holds a claim
        assert liveness.Registry(redis_url, queue_name, 2.0).dead() == set()
        registered = redis.Redis.from_url(redis_url).hkeys(liveness.registry_key(queue_name))
        assert registered == [beat.holder.encode()]
        assert 0 < redis.Redis.from_url(redis_url).ttl(liveness.key(queue_name, beat.holder)) <= 5
    finally:
        beat.stop()
    assert claims.holder() is None
    assert liveness.alive(redis_url, queue_name, {beat.holder}, 2.0) == set()
    assert redis.Redis.from_url(redis_url).hkeys(liveness.registry_key(queue_name)) == []  # stopped in order
    # Redis unreachable: not known, so no one is taken for dead
    assert liveness.alive("redis://127.0.0.1:9/0", queue_name, {beat.holder}, 0.5) is None


class HeldMessages:
    """Stands for liveness.Unstarted: the messages workers received and never acknowledged."""

    def __init__(self, found: dict[str, dict[int, str]] | None) -> None:
        self.found = found
        self.forgotten: list[str] = []

    def find(self, older_than: float) -> dict[str, dict[int, str]] | None:
        return self.found

    def forget(self, tags) -> None:
        self.forgotten += list(tags)


def test_a_message_a_dead_worker_received_and_never_started_has_its_record_handed_over(app, handed):
    """A dead worker also held messages it had not started: one it had just received, a retry waiting for its
    countdown. Their records wait unclaimed; found among the unacknowledged messages, a record due long ago is
    handed over and its message forgotten; one not due yet, or claimed, is left; a finished one's message is
    forgotten."""
    with app.app_context():
        received = _claimed(DeliveryFactory, "received", None, LONG_AGO, attempts=1)
        retry_not_due = _claimed(DeliveryFactory, "received", None, -timedelta(minutes=5))
        running = _claimed(DeliveryFactory, "processing", "host:12:alive", LONG_AGO)
        pending = _claimed(WriteBackFactory, "pending", None, LONG_AGO, attempts=0)
        sent = _claimed(WriteBackFactory, "sent", None, LONG_AGO)
        held = HeldMessages(
            {
                "process_delivery": {received.id: "t1", retry_not_due.id: "t2", running.id: "t3"},
                "send_write_back": {pending.id: "t4", sent.id: "t5"},
            }
        )
        taken = sweeper.take_over_dead_workers(_only("host:12:alive"), GRACE, unstarted=held)
        assert taken == [("process_delivery", received.id), ("send_write_back", pending.id)]
        assert sorted(held.forgotten) == ["t1", "t4", "t5"]
        db.session.expire_all()
        assert db.session.get(Delivery, received.id).attempts == 1  # counts kept
        assert [db.session.get(Delivery, i).status for i in (retry_not_due.id, running.id)] == [
            "received",
            "processing",
        ]
        # Redis away: nothing known, nothing taken
        alive = _only("host:12:alive")
        assert sweeper.take_over_dead_workers(alive, GRACE, unstarted=HeldMessages(None)) == []
    assert handed.tasks == taken


@pytest.mark.services
def test_the_messages_a_worker_received_and_never_acknowledged_are_read_as_kombu_keeps_them(
    redis_url, queue_name
):
    """Celery's own message, taken from the queue by a consumer that never acknowledges it (a worker that
    died), is found with its task and record; another deployment's queue is not ours. Key names of the test's
    own, so nothing touches the shared Redis's real set of unacknowledged messages."""
    from celery import Celery
    from kombu import Connection, Queue

    options = {"unacked_key": f"{queue_name}:unacked", "unacked_index_key": f"{queue_name}:unacked_index"}
    celery = Celery(broker=redis_url, broker_transport_options=options, task_serializer="json")
    other = f"{queue_name}-other"
    celery.send_task("worker.tasks.send_write_back", (42,), queue=queue_name)
    celery.send_task("worker.tasks.process_delivery", (7,), queue=other)
    with Connection(redis_url, transport_options=options) as conn:
        queues = [conn.SimpleQueue(Queue(name, routing_key=name)) for name in (queue_name, other)]
        taken = [q.get(timeout=10) for q in queues]
        unstarted = liveness.Unstarted(redis_url, [queue_name], 2.0, options)
        found = unstarted.find(older_than=0)
        assert found is not None and set(found) == {"send_write_back"}
        assert list(found["send_write_back"]) == [42]
        assert unstarted.find(older_than=3600) == {}  # received just now: a live worker may be starting it
        unstarted.forget(found["send_write_back"].values())
        assert unstarted.find(older_than=0) == {}
        for message in taken:
            message.ack()
    celery.close()


# --- a message Redis handed to a worker in the instant it died --------------------------------------------
# kombu takes a message off the queue (BRPOP) and only then records it as unacknowledged: a worker killed in
# between (or whose socket Redis still served a moment after the kill) leaves a record whose message is
# nowhere. The take-over finds it once a registered holder is dead.

DEAD = "host:11:dead"


class Broker:
    """The deployment's two queues and its own unacked keys on the test Redis (names of the test's own, so
    nothing touches the shared Redis's real keys), with Celery's messages put where a test wants them."""

    def __init__(self, redis_url: str, queue_name: str) -> None:
        import redis
        from celery import Celery

        self.url, self.queue_name = redis_url, queue_name
        self.queues = [queue_name, write_back_queue(queue_name)]
        self.options = {
            "unacked_key": f"{queue_name}:unacked",
            "unacked_index_key": f"{queue_name}:unacked_index",
        }
        self.celery = Celery(broker=redis_url, broker_transport_options=self.options, task_serializer="json")
        self.client = redis.Redis.from_url(redis_url)
        self.unstarted = liveness.Unstarted(redis_url, self.queues, 2.0, self.options)
        self.registry = liveness.Registry(redis_url, queue_name, 2.0)

    def queued(self, task: str, record_id: int, priority: int | None = None) -> None:
        queue = self.queues[1] if task == "send_write_back" else self.queues[0]
        self.celery.send_task(f"worker.tasks.{task}", (record_id,), queue=queue, priority=priority)

    def held(self, task: str, record_id: int):
        """A message a (live) worker took from the queue and has not acknowledged yet."""
        from kombu import Connection, Queue

        self.queued(task, record_id)
        queue = self.queues[1] if task == "send_write_back" else self.queues[0]
        with Connection(self.url, transport_options=self.options) as conn:
            message = conn.SimpleQueue(Queue(queue, routing_key=queue)).get(timeout=10)
            # not acknowledged: closing the connection would put it back, so keep it in the hash by hand
            message.channel.qos._delivered.clear()
        return message

    def register(self, holder: str, beating: bool) -> None:
        self.client.hset(liveness.registry_key(self.queue_name), holder, 0)
        if beating:
            self.client.set(liveness.key(self.queue_name, holder), "1", ex=60)

    def registered(self) -> set[str]:
        return {name.decode() for name in self.client.hkeys(liveness.registry_key(self.queue_name))}

    def close(self) -> None:
        keys = [*self.unstarted.queue_keys(), *self.options.values(), liveness.registry_key(self.queue_name)]
        keys += [k for k in self.client.scan_iter(match=f"climate-plugin:alive:{self.queue_name}:*")]
        self.client.delete(*keys)
        self.client.close()
        self.celery.close()


@pytest.fixture
def broker(redis_url, queue_name):
    broker = Broker(redis_url, queue_name)
    yield broker
    broker.close()


@pytest.mark.services
def test_a_dead_workers_record_whose_message_is_nowhere_is_handed_over_once_it_is_known_dead(
    app, handed, broker
):
    """A registered holder without heartbeat (it held no claim: a worker idle in BRPOP when killed) makes the
    take-over look for waiting records whose message is in no queue and not held unacknowledged: those are
    handed over, their counts kept. One whose message waits in a queue (a priority list too) or is held by a
    worker, one handed over within the grace and a retry not due yet are left. Searched at two take-overs,
    then the dead holder is forgotten."""
    with app.app_context():
        lost = _claimed(DeliveryFactory, "received", None, LONG_AGO, attempts=2)
        lost_write_back = _claimed(WriteBackFactory, "pending", None, LONG_AGO, attempts=0)
        queued = _claimed(DeliveryFactory, "received", None, LONG_AGO)
        queued_write_back = _claimed(WriteBackFactory, "pending", None, LONG_AGO)
        prioritised = _claimed(DeliveryFactory, "received", None, LONG_AGO)
        held = _claimed(WriteBackFactory, "pending", None, LONG_AGO)
        _claimed(DeliveryFactory, "received", None, GRACE / 3)
        _claimed(DeliveryFactory, "received", None, -timedelta(minutes=5))
        broker.queued("process_delivery", queued.id)
        broker.queued("send_write_back", queued_write_back.id)
        broker.queued("process_delivery", prioritised.id, priority=5)  # kombu's list "<queue>\x06\x163"
        broker.held("send_write_back", held.id)

        def take_over() -> list[tuple[str, int]]:
            return sweeper.take_over_dead_workers(
                _only(), GRACE, unstarted=broker.unstarted, registry=broker.registry
            )

        # every registered holder beating: nobody dead, nothing searched
        broker.register("host:12:alive", beating=True)
        assert take_over() == []
        broker.register(DEAD, beating=False)
        assert broker.registry.dead() == {DEAD}
        taken = take_over()
        assert taken == [("process_delivery", lost.id), ("send_write_back", lost_write_back.id)]
        db.session.expire_all()
        assert (db.session.get(Delivery, lost.id).status, db.session.get(Delivery, lost.id).attempts) == (
            "received",
            2,
        )
        assert broker.registered() == {"host:12:alive", DEAD}  # searched once: a message may come late
        assert take_over() == []  # the second search: handed over just now, not again
        assert broker.registered() == {"host:12:alive"}  # forgotten: a death costs two searches
        assert take_over() == []
    assert handed.tasks == taken


@pytest.mark.services
def test_beyond_the_scan_limit_the_lost_messages_are_left_to_the_sweeper(app, handed, broker):
    with app.app_context():
        lost = _claimed(DeliveryFactory, "received", None, LONG_AGO)
        for _ in range(3):
            broker.queued("process_delivery", lost.id + 1000)
        assert sweeper.hand_over_lost_messages(broker.unstarted, GRACE, limit=2) is None
        assert sweeper.hand_over_lost_messages(broker.unstarted, GRACE, limit=3) == [
            ("process_delivery", lost.id)
        ]


@pytest.mark.services
def test_when_redis_cannot_be_asked_nobody_is_taken_for_dead_and_nothing_handed_over(app, handed, broker):
    away = "redis://127.0.0.1:9/0"
    with app.app_context():
        _claimed(DeliveryFactory, "received", None, LONG_AGO)
        broker.register(DEAD, beating=False)
        assert liveness.Registry(away, broker.queue_name, 0.5).dead() is None
        assert liveness.Unstarted(away, broker.queues, 0.5).present() is None
        unreachable = liveness.Unstarted(away, broker.queues, 0.5, broker.options)
        for unstarted, registry in (
            (unreachable, liveness.Registry(away, broker.queue_name, 0.5)),  # Redis away
            (unreachable, broker.registry),  # its messages unreadable: the dead holder stays to search again
        ):
            assert (
                sweeper.take_over_dead_workers(_only(), GRACE, unstarted=unstarted, registry=registry) == []
            )
        assert broker.registered() == {DEAD}
    assert handed.tasks == []
