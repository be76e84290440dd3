"""A worker that loses Redis while it holds an unacknowledged message reconnects and consumes again.

With kombu 5.7 and Celery 5.7 as they are, closing the lost connection tries to put the held message back
through a transport already detached (``AttributeError: 'NoneType' object has no attribute 'hostname'``), and
the worker's consumer stops for good ("Unrecoverable error"). ``climate_plugin.worker.kombu_fixes`` makes such
a channel leave its messages where Redis keeps them. A real `climate-plugin worker`, a Redis of the test's own
(stopped and started again; never the shared one), PostgreSQL. If this test passes without the fix applied,
kombu has fixed it and the fix can go.
"""

from __future__ import annotations

from contextlib import ExitStack

import pytest
from sqlalchemy import select

from climate_plugin import queue
from climate_plugin.db import db
from climate_plugin.models import Delivery
from climate_plugin.worker import liveness
from tests.factories import DeliveryFactory
from tests.support.app import build_app
from tests.support.own_redis import OwnRedis
from tests.support.services import scratch_database, unique_queue_name
from tests.support.waiting import wait_for
from tests.support.webhooks import register
from tests.support.workers import service_env, start_worker, stop

pytestmark = [pytest.mark.services, pytest.mark.slow]

#: a worker's start, its reconnect to Redis (Celery retries with growing pauses): well inside this
DEADLINE = 120


def _dispose(app) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _attempts(app, delivery_id: int) -> int:
    with app.app_context():
        attempts = db.session.scalar(select(Delivery.attempts).where(Delivery.id == delivery_id))
        db.session.remove()
        return attempts


def test_a_worker_that_loses_redis_while_holding_a_retry_consumes_again_once_redis_is_back(tmp_path):
    with ExitStack() as cleanup:
        redis = OwnRedis(tmp_path).start()
        cleanup.callback(redis.stop)
        postgres_url = cleanup.enter_context(scratch_database())
        queue_name = unique_queue_name()
        app = build_app(tmp_path, database_url=postgres_url, broker_url=redis.url, queue_name=queue_name)
        cleanup.callback(_dispose, app)
        worker = start_worker(
            service_env(postgres_url, redis.url, "http://127.0.0.1:9", queue_name), tmp_path / "worker.log"
        )
        cleanup.callback(stop, worker)
        with app.app_context():
            # an agenda system that is not there: each run of a delivery fails, and counts its attempt
            row, _ = register("http://127.0.0.1:9")
            held, later = (DeliveryFactory(connector=row, status="received").id for _ in range(2))
            queue.enqueue("process_delivery", held, countdown=3600)  # a retry the worker keeps in memory
            celery = app.extensions["celery"]
            queues = [q.name for q in celery.conf.task_queues]
        unstarted = liveness.Unstarted(redis.url, queues, 2.0, celery.conf.broker_transport_options)
        wait_for(
            lambda: held in ((unstarted.find(older_than=0) or {}).get("process_delivery") or {}),
            timeout=DEADLINE,
        )
        redis.stop()  # while the worker holds the retry's message unacknowledged
        redis.start()
        with app.app_context():
            queue.enqueue("process_delivery", later)
        wait_for(lambda: _attempts(app, later) >= 1, timeout=DEADLINE)
        assert worker.poll() is None
        assert "Unrecoverable error" not in (tmp_path / "worker.log").read_text(errors="replace")
