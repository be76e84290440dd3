"""Shared fixtures: an app on a fresh SQLite database per test, and real PostgreSQL and Redis when present."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from climate_plugin.app import MIGRATIONS_DIR, create_app
from climate_plugin.config import load_settings

PG_ADMIN_URL = os.environ.get("CLIMATE_PLUGIN_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("CLIMATE_PLUGIN_TEST_REDIS", "redis://127.0.0.1:6379/0")
TEST_KEY = Fernet.generate_key().decode()


def build_app(instance: Path, **env: str):
    """An app on the given settings, its database migrated to head."""
    from flask_migrate import upgrade

    environ = {
        "CLIMATE_PLUGIN_DATABASE_URL": f"sqlite:///{instance / 'test.sqlite3'}",
        "CLIMATE_PLUGIN_OUTBOUND_ALLOW": "127.0.0.1",
        "CLIMATE_PLUGIN_ENCRYPTION_KEYS": TEST_KEY,
        "CLIMATE_PLUGIN_PUBLIC_URL": "http://plugin.test",
        "CLIMATE_PLUGIN_SECRET_KEY": "test-secret",
        "CLIMATE_PLUGIN_LOG_LEVEL": "WARNING",
    }
    environ.update({f"CLIMATE_PLUGIN_{k.upper()}": v for k, v in env.items()})
    app = create_app(load_settings(instance, environ))
    app.config["TESTING"] = True
    with app.app_context():
        upgrade(directory=MIGRATIONS_DIR)
    return app


@pytest.fixture
def app(tmp_path: Path):
    app = build_app(tmp_path)
    yield app
    worker = app.extensions["climate_plugin.queue"]
    if hasattr(worker, "stop"):
        worker.stop()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def unavailable(reason: str) -> None:
    """Skip a test whose service is missing; under `.ci/run` a missing service is a failure instead."""
    if os.environ.get("CLIMATE_PLUGIN_TEST_REQUIRE_SERVICES") == "1":
        pytest.fail(f"required service missing: {reason}")
    pytest.skip(reason)


def _postgres_available() -> str | None:
    import psycopg

    try:
        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            return None
    except psycopg.Error as exc:
        return f"PostgreSQL not reachable at {PG_ADMIN_URL}: {exc}".strip()


@contextmanager
def scratch_database() -> Iterator[str]:
    """A fresh, empty PostgreSQL database, dropped afterwards (fails or skips if PostgreSQL is absent)."""
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


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test."""
    with scratch_database() as url:
        yield url


@pytest.fixture
def redis_url() -> str:
    """Redis for one test; pair it with :func:`queue_name` so parallel runs do not share a queue."""
    import redis

    url = REDIS_URL.rsplit("/", 1)[0] + "/11"
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=3)
        client.ping()
    except redis.RedisError as exc:
        unavailable(f"Redis not reachable at {url}: {exc}")
    return url


@pytest.fixture
def queue_name() -> str:
    return f"climate-plugin-test-{uuid.uuid4().hex[:12]}"
