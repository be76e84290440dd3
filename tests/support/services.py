"""PostgreSQL and Redis for the integration tests, and what happens when they are missing."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

PG_ADMIN_URL = os.environ.get("CLIMATE_PLUGIN_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("CLIMATE_PLUGIN_TEST_REDIS", "redis://127.0.0.1:6379/0")


def unavailable(reason: str) -> None:
    """Skip a test whose service is missing; under `.ci/run` a missing service is a failure instead."""
    if os.environ.get("CLIMATE_PLUGIN_TEST_REQUIRE_SERVICES") == "1":
        pytest.fail(f"required service missing: {reason}")
    pytest.skip(reason)


def _postgres_available() -> str | None:
    import psycopg

    try:
        with psycopg.connect(PG_ADMIN_URL, connect_timeout=10):
            return None
    except psycopg.Error as exc:
        return f"PostgreSQL not reachable at {PG_ADMIN_URL}: {exc}".strip()


@contextmanager
def scratch_database() -> Iterator[str]:
    """A fresh, empty PostgreSQL database, dropped afterwards (fails or skips if PostgreSQL is absent).

    Its name is unique, so parallel test processes (pytest-xdist) never share one."""
    import psycopg

    reason = _postgres_available()
    if reason:
        unavailable(reason)
    name = f"climate_plugin_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def redis_test_url() -> str:
    """Redis's test database (fails or skips if Redis is absent); pair it with a queue name of one's own."""
    import redis

    url = REDIS_URL.rsplit("/", 1)[0] + "/11"
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=10)
        client.ping()
    except redis.RedisError as exc:
        unavailable(f"Redis not reachable at {url}: {exc}")
    return url


def unique_queue_name() -> str:
    return f"climate-plugin-test-{uuid.uuid4().hex[:12]}"


def server_pids(database_url: str) -> list[int]:
    """The PostgreSQL server processes serving a database, this query's own left out."""
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        rows = admin.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", (name,)
        )
        return [pid for (pid,) in rows.fetchall()]
