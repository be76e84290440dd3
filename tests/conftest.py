"""Shared fixtures: an app on a fresh SQLite database per test, signing in, and real PostgreSQL and Redis
when present. Helpers that tests import live in tests/support/ and tests/factories.py, not here."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from climate_plugin import python_fixes
from climate_plugin.assessments.links import checklist_token
from tests.factories import ScreenedItemFactory
from tests.support.admin import towns as towns  # noqa: F401 - a fixture for the admin tests
from tests.support.app import build_app
from tests.support.auth import AuthActions
from tests.support.services import redis_test_url, scratch_database, unique_queue_name

# Some machines set PYTHONDONTWRITEBYTECODE (this sandbox does). Then every process the suite starts (the
# xdist workers, real Celery workers, gunicorn, CLI processes) compiles the project's modules again: on 2
# cores that was 100 s of 7.5 minutes of CPU (suite 4:53 against 4:24 with it unset). The caches go to
# __pycache__ folders git ignores. Set here, before the xdist workers start, so they and their children
# inherit it.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
sys.dont_write_bytecode = False

# Before any test's thread can log: see the module (a CI run failed on this CPython bug).
python_fixes.apply()

#: tests that run for many seconds each: started first, so that the parallel workers finish together instead
#: of one of them running a long test alone at the end
LONG_RUNNING = ("services", "browser", "slow")


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """Two test workers per CPU this process may use. The longest tests mostly wait (real Celery workers
    killed and taken over, Redis restarted, a browser's pages), and with one worker per CPU a core idles
    while they do: on 2 cores, 4 workers ran the suite in 5:06 and 5:21 against 5:43 with 2."""
    return 2 * len(os.sched_getaffinity(0))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def long_running(item: pytest.Item) -> bool:
        browser = "tests/browser/" in item.nodeid.replace("\\", "/")  # marked by tests/browser/conftest.py
        return browser or any(item.get_closest_marker(name) for name in LONG_RUNNING)

    items.sort(key=lambda item: not long_running(item))  # stable: the rest keep their order


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


@pytest.fixture
def auth(app, client) -> AuthActions:
    """``auth.login(email)``, ``auth.login_as(user_id)``, ``auth.token(role)``; users: ``UserFactory``."""
    return AuthActions(app, client)


@pytest.fixture
def screened_item(app):
    """``screened_item(**fields)`` makes a :class:`tests.factories.ScreenedItemFactory` item; returns its id
    and its checklist page's path (the signed link the climate block carries)."""

    def make(**fields) -> tuple[int, str]:
        with app.app_context():
            item = ScreenedItemFactory(**fields)
            return item.id, f"/checklist/{checklist_token(item)}"

    return make


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test."""
    with scratch_database() as url:
        yield url


@pytest.fixture
def redis_url() -> str:
    """Redis for one test; pair it with :func:`queue_name` so parallel runs do not share a queue."""
    return redis_test_url()


@pytest.fixture
def queue_name() -> str:
    return unique_queue_name()
