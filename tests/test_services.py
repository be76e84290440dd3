"""Integration on the production components: PostgreSQL, Redis and real Celery worker processes.

These tests skip with the reason when a service is absent; `.ci/run` turns such a skip into a failure.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading

import pytest
import redis

from climate_plugin.db import db
from climate_plugin.demo.sample_host import SampleHost
from climate_plugin.models import Delivery, WriteBack
from tests.support.app import TEST_KEY, build_app
from tests.support.samples import MINUTES, SCHOOL
from tests.support.waiting import wait_for
from tests.support.webhooks import register

pytestmark = pytest.mark.services


def _env(postgres_url: str, redis_url: str, public_url: str, queue_name: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLIMATE_PLUGIN_")}
    env.update(
        {
            "CLIMATE_PLUGIN_DATABASE_URL": postgres_url,
            "CLIMATE_PLUGIN_BROKER_URL": redis_url,
            "CLIMATE_PLUGIN_QUEUE_NAME": queue_name,
            "CLIMATE_PLUGIN_ENCRYPTION_KEYS": TEST_KEY,
            "CLIMATE_PLUGIN_OUTBOUND_ALLOW": "127.0.0.1",
            "CLIMATE_PLUGIN_PUBLIC_URL": public_url,
            "CLIMATE_PLUGIN_LOG_LEVEL": "INFO",
        }
    )
    return env


def _start(env: dict[str, str], log_path, *command: str) -> subprocess.Popen:
    log = open(log_path, "ab")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(
        [sys.executable, "-m", "climate_plugin", *command],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        cwd=log_path.parent,
    )


def _start_worker(env: dict[str, str], log_path) -> subprocess.Popen:
    return _start(env, log_path, "worker", "--concurrency", "2", "--without-gossip", "--without-mingle")


def _kill(process: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
        process.wait(30)


class RefusingBroker:
    """A port where Redis should be that accepts each connection and closes it at once, counting them."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"redis://127.0.0.1:{self.sock.getsockname()[1]}/0"
        self.connections = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:  # closed
                return
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self.sock.close()


def test_migrations_take_empty_postgres_to_head(tmp_path, postgres_url):
    env = _env(postgres_url, "redis://127.0.0.1:6379/11", "http://plugin.test", "unused")
    done = subprocess.run(
        [sys.executable, "-m", "climate_plugin", "db", "upgrade"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    import psycopg

    with psycopg.connect(postgres_url.replace("+psycopg", "")) as conn:
        tables = {r[0] for r in conn.execute("select tablename from pg_tables where schemaname='public'")}
    assert {"municipality", "connector", "delivery", "agenda_item", "assessment", "write_back"} <= tables


def test_celery_workers_process_webhooks_exactly_once_and_survive_a_kill(
    tmp_path, postgres_url, redis_url, queue_name
):
    from werkzeug.serving import make_server

    host = SampleHost(retry_delays=(0.2, 0.5)).start()
    app = build_app(tmp_path, database_url=postgres_url, broker_url=redis_url, queue_name=queue_name)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    public_url = f"http://127.0.0.1:{server.server_port}"
    app.config["PUBLIC_URL"] = public_url
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with app.app_context():
        row, secret = register(host.base_url)
        host.configure_webhook(f"{public_url}/webhooks/{row.id}", secret)
    env = _env(postgres_url, redis_url, public_url, queue_name)
    workers = [_start_worker(env, tmp_path / "worker-1.log")]
    try:
        webhook_id = host.draft(SCHOOL)
        wait_for(timeout=120, condition=lambda: host.write_back_count(SCHOOL["id"]) == 1)
        for _ in range(3):
            host.redeliver(webhook_id)
        host.update(SCHOOL["id"])  # a new event id, content unchanged
        with app.app_context():
            wait_for(
                timeout=120,
                condition=lambda: db.session.query(Delivery).filter_by(status="done").count() == 2,
            )
        assert host.write_back_count(SCHOOL["id"]) == 1
        assert host.climate_blocks()[SCHOOL["id"]]["relevance"] == "high"

        # Every worker gone: work is accepted and waits, stored, until a worker comes back.
        _kill(workers.pop(), signal.SIGKILL)
        host.draft(MINUTES)
        queue = redis.Redis.from_url(redis_url)
        with app.app_context():

            def stored_and_queued() -> bool:
                db.session.expire_all()
                found = db.session.query(Delivery).filter_by(external_id=MINUTES["id"]).one_or_none()
                return found is not None and queue.llen(queue_name) >= 1

            # Its task waits in Redis with nobody to take it, so the delivery stays as it was received.
            wait_for(stored_and_queued)
            waiting = db.session.query(Delivery).filter_by(external_id=MINUTES["id"]).one()
            assert waiting.status == "received"
        workers += [
            _start_worker(env, tmp_path / "worker-2.log"),
            _start_worker(env, tmp_path / "worker-3.log"),
        ]
        wait_for(timeout=120, condition=lambda: host.write_back_count(MINUTES["id"]) == 1)
        assert host.climate_blocks()[MINUTES["id"]]["relevance"] == "none"
        with app.app_context():
            # The host has the block before the worker records the answer: wait for that record too.
            def all_sent() -> bool:
                db.session.expire_all()
                return {w.status for w in db.session.query(WriteBack)} == {"sent"}

            wait_for(timeout=120, condition=all_sent)
            assert db.session.query(WriteBack).count() == 2
    finally:
        for process in workers:
            _kill(process)
        server.shutdown()
        host.stop()
        with app.app_context():
            db.engine.dispose()


def test_write_backs_have_a_celery_queue_of_their_own(tmp_path, redis_url, queue_name):
    # A backlog of deliveries must not hold back write-backs: they go to their own queue, which every
    # worker also consumes (the end-to-end test above gets its write-backs through it).
    app = build_app(tmp_path, broker_url=redis_url, queue_name=queue_name)
    with app.app_context():
        app.extensions["climate_plugin.queue"].enqueue("process_delivery", 1)
        app.extensions["climate_plugin.queue"].enqueue("send_write_back", 2)
        consumed = {queue.name for queue in app.extensions["celery"].conf.task_queues}
    client = redis.Redis.from_url(redis_url)
    try:
        assert client.llen(queue_name) == 1 and client.llen(f"{queue_name}.write-backs") == 1
        assert consumed == {queue_name, f"{queue_name}.write-backs"}
    finally:
        client.delete(queue_name, f"{queue_name}.write-backs")


def test_sweeper_on_postgres_skips_rows_locked_by_another_sweeper(tmp_path, postgres_url, redis_url):
    from datetime import timedelta

    from climate_plugin.worker import sweeper
    from tests.support.webhooks import event_body, signed_headers

    app = build_app(tmp_path, database_url=postgres_url, broker_url=redis_url)

    class Recorder:
        tasks: list = []

        def enqueue(self, task, record_id, countdown=0):
            self.tasks.append((task, record_id))

    app.extensions["climate_plugin.queue"] = Recorder()
    with app.app_context():
        row, secret = register()
        connector_id = row.id
    client = app.test_client()
    ids = []
    for n in range(2):
        body = event_body(str(n))
        response = client.post(f"/webhooks/{connector_id}", data=body, headers=signed_headers(secret, body))
        ids.append(response.json["delivery"])
    Recorder.tasks.clear()
    with app.app_context():
        # Another sweeper holds the first row.
        other = db.engine.connect()
        tx = other.begin()
        other.exec_driver_sql(f"SELECT id FROM delivery WHERE id = {ids[0]} FOR UPDATE")
        try:
            handed = sweeper.sweep(stale_after=timedelta(0))
        finally:
            tx.rollback()
            other.close()
        assert handed == [("process_delivery", ids[1])]
        db.engine.dispose()


def test_work_accepted_while_redis_is_down_is_swept_by_beat_once_it_is_back(
    tmp_path, postgres_url, redis_url, queue_name
):
    from tests.support.webhooks import event_body, signed_headers

    host = SampleHost(retry_delays=(0.2,)).start()
    host.add(SCHOOL)
    # The web side's broker hangs up on every connection: Redis is down when the webhook arrives.
    down = RefusingBroker()
    app = build_app(
        tmp_path, database_url=postgres_url, broker_url=down.url, queue_name=queue_name
    )
    with app.app_context():
        row, secret = register(host.base_url)
        connector_id = row.id
    body = event_body(SCHOOL["id"])
    response = app.test_client().post(
        f"/webhooks/{connector_id}", data=body, headers=signed_headers(secret, body)
    )
    down.close()
    assert response.status_code == 202
    # The publish gave up after its few retries instead of holding the sender, whose own timeout is
    # 10–15 s (kombu 5 connects five times for the two retries of the policy; a policy that kept retrying
    # would connect on and on). Counted, not timed: how long that takes depends on the machine.
    assert 1 <= down.connections <= 6
    with app.app_context():
        delivery = db.session.get(Delivery, response.json["delivery"])
        # Marked as never handed over, so the first sweep after Redis is back takes it, not one 5 minutes
        # later (no time passes here: the delivery is as fresh as it can be).
        assert delivery.status == "received" and delivery.enqueued_at is None
        db.engine.dispose()

    env = _env(postgres_url, redis_url, "http://plugin.test", queue_name)
    env["CLIMATE_PLUGIN_SWEEP_INTERVAL"] = "1"
    beat = _start(env, tmp_path / "beat.log", "beat")
    worker = _start_worker(env, tmp_path / "climate_plugin.worker.log")
    try:
        wait_for(timeout=120, condition=lambda: host.write_back_count(SCHOOL["id"]) == 1)
        assert host.climate_blocks()[SCHOOL["id"]]["relevance"] == "high"
    finally:
        _kill(beat)
        _kill(worker)
        host.stop()
