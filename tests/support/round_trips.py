"""Counting what a request sends to PostgreSQL and Redis: round trips, not time.

PostgreSQL: libpq's own protocol trace (``PQtrace``, through psycopg's ``pgconn.trace``) of every connection
the app's engine opens; each exchange with the server ends with one ReadyForQuery message, so their number is
the number of round trips: the pool's pre-ping, BEGIN, each statement, COMMIT, a ROLLBACK on return.

Redis: every command (or pipeline) redis-py writes, whichever client writes it (the rate limit's store, the
publisher, kombu's own client).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any


@dataclass
class RoundTrips:
    postgresql: int = 0
    redis: int = 0
    #: the frontend's messages to PostgreSQL (Query "BEGIN", Parse "INSERT …", …), for a failing assertion
    statements: list[str] = field(default_factory=list)


@contextmanager
def counting(engine: Any) -> Iterator[RoundTrips]:
    """Count PostgreSQL and Redis round trips made inside the block by ``engine`` and by redis-py.

    The engine's pool is emptied first, so every connection used inside is a new one that is traced."""
    import psycopg
    import redis.connection
    from psycopg import pq
    from sqlalchemy import event

    counts = RoundTrips()
    fd, path = tempfile.mkstemp(prefix="climate-plugin-pqtrace-")
    traced: list[psycopg.Connection] = []

    def trace(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.pgconn.trace(fd)
        dbapi_connection.pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE)
        traced.append(dbapi_connection)

    engine.dispose()
    event.listen(engine, "connect", trace)
    original = redis.connection.AbstractConnection.send_packed_command

    def send_packed_command(self: Any, command: Any, check_health: bool = True) -> None:
        counts.redis += 1
        return original(self, command, check_health)

    redis.connection.AbstractConnection.send_packed_command = send_packed_command  # type: ignore[method-assign]
    try:
        yield counts
    finally:
        redis.connection.AbstractConnection.send_packed_command = original  # type: ignore[method-assign]
        event.remove(engine, "connect", trace)
        for connection in traced:
            if not connection.closed:
                connection.pgconn.untrace()  # flushes libpq's buffered trace
        engine.dispose()
        os.close(fd)
        with open(path, encoding="utf-8", errors="replace") as trace_file:
            lines = trace_file.read().splitlines()
        os.unlink(path)
        for line in lines:
            parts = line.split("\t")
            if len(parts) >= 3 and parts[0] == "B" and parts[2] == "ReadyForQuery":
                counts.postgresql += 1
            elif len(parts) >= 4 and parts[0] == "F" and parts[2] in ("Query", "Parse"):
                counts.statements.append(f"{parts[2]} {parts[3][:80]}")
