"""A PostgreSQL server that stops answering on a connection already open holds nothing for ever
(climate_plugin/db_deadline.py): its server process is stopped (SIGSTOP) here, the kernel still acknowledges
every packet, as it does for a frozen server, and only that connection's own process is stopped."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress

import psycopg
import pytest

from climate_plugin.db import db
from climate_plugin.db_deadline import DeadlineConnection
from tests.support.app import build_app
from tests.support.services import server_pids
from tests.support.webhooks import event_body, register, signed_headers

pytestmark = pytest.mark.services


@contextmanager
def stopped(pids: list[int], at_most: float = 20.0) -> Iterator[None]:
    """These server processes stopped; continued when the block ends, or after ``at_most`` seconds at the
    latest, so that a wait without a deadline fails the test instead of hanging it."""

    def resume() -> None:
        for pid in pids:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)

    for pid in pids:
        os.kill(pid, signal.SIGSTOP)
    watchdog = threading.Timer(at_most, resume)
    watchdog.start()
    try:
        yield
    finally:
        watchdog.cancel()
        resume()


def test_psycopgs_own_wait_timeout_is_what_is_caught() -> None:
    # db_deadline catches psycopg's private _WaitTimeout; were it renamed, every OperationalError in a wait
    # would be taken for a deadline.
    from climate_plugin import db_deadline

    assert db_deadline._WAIT_TIMEOUT is not psycopg.errors.OperationalError
    assert issubclass(db_deadline._WAIT_TIMEOUT, psycopg.errors.OperationalError)


def test_a_wait_for_a_stopped_server_ends_with_a_closed_connection(postgres_url):
    connection = DeadlineConnection.connect(postgres_url, autocommit=True)
    connection.answer_timeout = 1.0
    try:
        assert connection.execute("SELECT 1").fetchone() == (1,)
        started = time.monotonic()
        timed_out = pytest.raises(psycopg.OperationalError, match="within 1 s")
        with stopped([connection.info.backend_pid]), timed_out:
            connection.execute("SELECT 1")
        assert time.monotonic() - started < 5  # waited its second, not for ever
        assert connection.closed
    finally:
        connection.close()


def test_a_webhook_on_a_frozen_database_connection_is_a_503_in_seconds_and_the_next_is_stored(
    tmp_path, postgres_url, redis_url, queue_name
):
    app = build_app(
        tmp_path, database_url=postgres_url, broker_url=redis_url, queue_name=queue_name,
        webhook_rate_limit="1000/minute",
    )  # fmt: skip
    with app.app_context():
        row, secret = register()
        connector_id = row.id
        db.session.remove()

    def post(item: str):
        body = event_body(item)
        return app.test_client().post(
            f"/webhooks/{connector_id}", data=body, headers=signed_headers(secret, body)
        )

    try:
        assert post("before").status_code == 202
        assert post("kept").status_code == 202  # the kept connector's insert, on a pooled connection
        started = time.monotonic()
        with stopped(server_pids(postgres_url)):
            frozen = post("frozen")
            waited = time.monotonic() - started
            # Before: the webhook waited as long as the server stayed stopped (40 s in a probe).
            assert frozen.status_code == 503 and frozen.is_json
            assert waited < 10
            # The pool gave up its connections: a new one, to a new server process, stores the next.
            assert post("after").status_code == 202
    finally:
        with app.app_context():
            db.engine.dispose()
