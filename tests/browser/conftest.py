"""Browser tests: Debian's headless Chromium driven by Playwright for Python, against a live app.

The browser is the system's /usr/bin/chromium (`apt-get install chromium`; `.ci/run` installs it), never one
downloaded by `playwright install`. Without Playwright or Chromium these tests skip with the reason, and
under `.ci/run` (CLIMATE_PLUGIN_TEST_REQUIRE_SERVICES=1) that skip is a failure.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from climate_plugin.demo.sample_host import SampleHost
from tests.support.services import unavailable
from tests.support.webhooks import register

CHROMIUM = os.environ.get("CLIMATE_PLUGIN_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",  # CI runs as root in a container, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # No calls home (updates, sync, field trials): the tests talk to 127.0.0.1 only.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in item.nodeid.replace("\\", "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the whole run (each test gets its own context and page)."""
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Playwright for Python is not installed (pip install -e '.[test]')")
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)) and not shutil.which(CHROMIUM):
        unavailable(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        try:
            chromium = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=60_000
            )
        except PlaywrightError as exc:
            unavailable(f"Chromium at {CHROMIUM} does not start: {exc.message.splitlines()[0]}")
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="fi-FI")
    # Generous, because CI machines can be slow; nothing here asserts on time.
    context.set_default_timeout(60_000)
    page = context.new_page()
    yield page
    context.close()


@dataclass
class Live:
    """The app on a real port with its embedded worker, and a sample agenda system wired to it."""

    app: Any
    host: SampleHost
    base_url: str
    connector_id: int


@pytest.fixture
def live(app: Any) -> Iterator[Live]:
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base_url = f"http://127.0.0.1:{server.server_port}"
    app.config["PUBLIC_URL"] = base_url
    host = SampleHost(retry_delays=(0.1,)).start()
    with app.app_context():
        row, secret = register(host.base_url)
        connector_id = row.id
        host.configure_webhook(f"{base_url}/webhooks/{connector_id}", secret)
    app.extensions["climate_plugin.queue"].start()
    yield Live(app=app, host=host, base_url=base_url, connector_id=connector_id)
    app.extensions["climate_plugin.queue"].stop()
    host.stop()
    server.shutdown()
