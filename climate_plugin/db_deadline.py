"""PostgreSQL connections that wait for the server's answer only so long.

A server that stops answering on a connection already open (its process stopped, its disk frozen, a
network that drops packets while the kernel on the far side keeps acknowledging) holds a request for ever:
libpq's connect timeout covers only new connections, the server's statement_timeout only a server that runs,
and TCP keepalives are answered by the kernel. psycopg can give up waiting (``Connection.wait``'s timeout)
but its ``execute`` never asks it to; :class:`DeadlineConnection` does, on every wait.

A connection that gave up is closed, since where the protocol stood is unknown, and the error is a psycopg
``OperationalError`` on a closed connection: SQLAlchemy takes it for a disconnect and replaces the pool's
connections, and the app answers 503 (a sender retries).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from sqlalchemy import event
from sqlalchemy.engine import Engine

#: psycopg's error for a wait that ran out of time (private in psycopg 3.3; tests/test_db_deadline.py)
_WAIT_TIMEOUT: type[Exception] = getattr(psycopg.errors, "_WaitTimeout", psycopg.errors.OperationalError)


class DeadlineConnection(psycopg.Connection):
    """A psycopg connection whose every wait for the server lasts at most ``answer_timeout`` seconds."""

    #: seconds a wait for the server may last; None waits as long as it takes
    answer_timeout: float | None = None

    def wait(self, gen: Any, interval: float = 0.1, timeout: float | None = None) -> Any:
        limit = timeout if timeout is not None else self.answer_timeout
        try:
            return super().wait(gen, interval=interval, timeout=limit)
        except _WAIT_TIMEOUT:
            self.close()
            raise psycopg.OperationalError(
                f"the database did not answer within {limit:g} s; the connection was closed"
            ) from None


@contextmanager
def answer_within(driver_connection: Any, seconds: float) -> Iterator[None]:
    """Wait at most ``seconds`` for the server on this connection (not longer than it allows already)."""
    if not isinstance(driver_connection, DeadlineConnection):
        yield
        return
    before = driver_connection.answer_timeout
    driver_connection.answer_timeout = seconds if before is None else min(before, seconds)
    try:
        yield
    finally:
        driver_connection.answer_timeout = before


def install(engine: Engine, answer_timeout: float) -> None:
    """Make the engine's new PostgreSQL connections :class:`DeadlineConnection`s with this deadline."""

    @event.listens_for(engine, "do_connect")
    def _connect(dialect: Any, record: Any, cargs: tuple, cparams: dict) -> DeadlineConnection:
        connection = DeadlineConnection.connect(*cargs, **cparams)
        connection.answer_timeout = answer_timeout
        return connection
