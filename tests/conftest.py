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
from tests.support import routing_cache
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
routing_cache.install()  # each test builds an app; each distinct URL rule is compiled once (see the module)

#: tests that run for many seconds each: started first, so that the parallel workers finish together instead
#: of one of them running a long test alone at the end
LONG_RUNNING = ("services", "browser", "slow")


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """Two test workers per CPU this process may use. The longest tests mostly wait (real Celery workers
    killed and taken over, Redis restarted, a browser's pages), and with one worker per CPU a core idles
    while they do: on 2 cores, 4 workers ran the suite in 5:06 and 5:21 against 5:43 with 2."""
    return 2 * len(os.sched_getaffinity(0))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Long tests first, and shared out among the parallel workers.

    ``--dist worksteal`` hands each worker one contiguous part of this order (sizes as in ``parts``) and
    later lets an idle worker steal from the end of a busy one's part. With all long tests at the front they
    all fell into the first worker's part and were stolen late, in chunks: one worker ran 35 s after the
    others. Browsers started together on 2 cores took three times as long each (an accessibility run 58 s
    against 20 s). So the first part starts with the browser tests, one after another; each other part
    starts with its share of the other long tests (each to the lightest part); all parts end with short
    ones, which are what stealing takes."""
    def browser(item: pytest.Item) -> bool:
        return "tests/browser/" in item.nodeid.replace("\\", "/")  # marked by tests/browser/conftest.py

    def weight(item: pytest.Item) -> int:
        return sum(1 for name in LONG_RUNNING if item.get_closest_marker(name))

    browser_tests = [item for item in items if browser(item)]
    long_tests = [item for item in items if weight(item) and not browser(item)]
    long_tests.sort(key=weight, reverse=True)
    short_tests = [item for item in items if not weight(item) and not browser(item)]
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    if workers < 2:
        items[:] = browser_tests + long_tests + short_tests
        return
    sizes = parts(len(items), workers)
    shares: list[list[pytest.Item]] = [browser_tests] + [[] for _ in sizes[1:]]
    for item in long_tests:
        # A part with room left; when a run holds little but long tests (one file of them), any part.
        room = [index for index in range(1, len(shares)) if len(shares[index]) < sizes[index]]
        lightest = min(room or range(len(shares)), key=lambda index: sum(map(weight, shares[index])))
        shares[lightest].append(item)
    ordered: list[pytest.Item] = []
    for share, size in zip(shares, sizes, strict=True):
        fill = max(0, size - len(share))
        ordered += share + short_tests[:fill]
        del short_tests[:fill]
    items[:] = ordered + short_tests


def parts(count: int, workers: int) -> list[int]:
    """The sizes of the contiguous parts worksteal first hands the workers (xdist's WorkStealingScheduling
    .check_schedule: each idle worker gets what is left divided by the workers still without a part)."""
    sizes = []
    for remaining_workers in range(workers, 0, -1):
        sizes.append((count - sum(sizes)) // remaining_workers)
    return sizes


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
