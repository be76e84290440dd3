"""The pages anyone can open at the service's own address, in a real browser, in fi, sv and en, at a desktop
and a phone's width: the front page, the error pages (and "not ready yet" on a database not set up), the
API documentation (Swagger UI served by the service under its content security policy, used by keyboard),
and the demo's front page with its links to every face."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from climate_plugin.app import create_app
from climate_plugin.config import load_settings
from climate_plugin.demo.items import DEMO_ITEMS, MUNICIPALITIES
from climate_plugin.i18n import LANGUAGES, t
from tests.support.app import TEST_KEY
from tests.support.demo import Demo, free_port
from tests.support.screenshots import keep_screenshot

WIDTHS = {"desktop": 1280, "phone": 375}
#: records every content security policy violation, before any script of the page runs
CSP_WATCH = (
    "window.__csp = [];"
    "document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' '"
    " + e.blockedURI));"
)


def _serve(app: Any) -> Iterator[str]:
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    app.config["PUBLIC_URL"] = base
    yield base
    server.shutdown()


@pytest.fixture
def site(app) -> Iterator[str]:
    yield from _serve(app)


@pytest.fixture
def unready(tmp_path: Path) -> Iterator[str]:
    """The service on a database nobody ran `climate-plugin db upgrade` on."""
    environ = {
        "CLIMATE_PLUGIN_DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        "CLIMATE_PLUGIN_ENCRYPTION_KEYS": TEST_KEY,
        "CLIMATE_PLUGIN_SECRET_KEY": "x",
        "CLIMATE_PLUGIN_LOG_LEVEL": "ERROR",
    }
    yield from _serve(create_app(load_settings(tmp_path, environ)))


def _fits(page: Any) -> None:
    """Nothing wider than the window: no sideways scrolling on a phone."""
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"{overflow}px wider than the window"


def _at(page: Any, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})


# --- the front page ----------------------------------------------------------------------------------------
def test_the_front_page_in_every_language_and_by_keyboard(page, site):
    for name, width in WIDTHS.items():
        _at(page, width)
        for lang in LANGUAGES:
            page.goto(f"{site}/?lang={lang}")
            assert page.locator("html").get_attribute("lang") == lang
            assert page.locator("h1").inner_text() == t("home.title", lang)
            _fits(page)
            keep_screenshot(page, f"front-{lang}-{name}")
    # the language switch, then the administration, by keyboard alone
    page.goto(f"{site}/?lang=fi")
    page.get_by_role("link", name="svenska").click()
    assert page.locator("h1").inner_text() == t("home.title", "sv")
    admin = page.get_by_role("link", name=t("home.admin.link", "sv"))
    for _ in range(20):
        page.keyboard.press("Tab")
        if admin.evaluate("link => link === document.activeElement"):
            break
    else:
        pytest.fail("the administration link is not reachable with Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/admin/login"))


# --- error pages -------------------------------------------------------------------------------------------
def test_error_pages_in_every_language_lead_back_to_the_front_page(page, site):
    for name, width in WIDTHS.items():
        _at(page, width)
        for lang in LANGUAGES:
            response = page.goto(f"{site}/no/such/page?lang={lang}")
            assert response.status == 404
            assert page.locator("h1").inner_text() == t("error.page.title", lang, status=404)
            assert t("error.page.404", lang) in page.locator("main").inner_text()
            _fits(page)
            keep_screenshot(page, f"error-404-{lang}-{name}")
    page.get_by_role("link", name=t("error.page.home", "en")).click()
    assert page.locator("h1").inner_text() == t("home.title", "en")


def test_a_database_not_set_up_is_a_page_saying_so(page, unready):
    for lang in LANGUAGES:
        response = page.goto(f"{unready}/admin/login?lang={lang}")
        assert response.status == 503
        assert t("error.page.not_ready", lang) in page.locator("main").inner_text()
        keep_screenshot(page, f"error-not-ready-{lang}")
    _at(page, WIDTHS["phone"])
    _fits(page)


# --- the API documentation ---------------------------------------------------------------------------------
def test_the_api_docs_run_swagger_ui_from_the_service_under_its_policy(page, site):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.add_init_script(CSP_WATCH)
    for name, width in WIDTHS.items():
        _at(page, width)
        for lang in LANGUAGES:
            page.goto(f"{site}/api/v1/docs?lang={lang}")
            page.locator("#swagger-ui main[role=region]").wait_for()  # rendered, and its start-up ran
            page.locator(".opblock").first.wait_for()
            assert page.locator("main > h1").inner_text() == t("api.docs.title", lang)
            assert page.evaluate("window.__csp") == []
            # the operations table is for browsers without JavaScript: Swagger UI shows them here
            assert page.locator("#api-operations").is_hidden()
            assert page.get_by_role("main").count() == 1  # Swagger UI's own <main> is a region instead
            _fits(page)
            keep_screenshot(page, f"api-docs-{lang}-{name}")
    assert requested and all(url.startswith(site) for url in requested), requested

    # by keyboard: open GET /api/v1/items and find the relevance levels and an example answer
    _at(page, WIDTHS["desktop"])
    page.goto(f"{site}/api/v1/docs?lang=en")
    summary = page.locator("#operations-items-get_api_v1_items .opblock-summary-control")
    summary.focus()
    page.keyboard.press("Enter")
    body = page.locator("#operations-items-get_api_v1_items .opblock-body")
    body.wait_for()
    options = body.locator("select").first.locator("option").all_inner_texts()
    assert {"high", "minor", "none"} <= set(options), options
    assert "Salpakankaan koulun" in body.inner_text()  # the Item schema's example
    keep_screenshot(page, "api-docs-items-open")
    page.locator(".models").scroll_into_view_if_needed()
    assert "Item" in page.locator(".models").inner_text()


# --- the demo's front page ---------------------------------------------------------------------------------
def test_the_demos_front_page_links_every_face(page, tmp_path):
    port = free_port()
    demo = Demo(tmp_path, "--keep-running", "--port", str(port))
    try:
        demo.wait_for("Ctrl-C")
        base = f"http://127.0.0.1:{port}"
        for name, width in WIDTHS.items():
            _at(page, width)
            for lang in LANGUAGES:
                page.goto(f"{base}/?lang={lang}")
                assert page.get_by_role("heading", name=t("demo.heading", lang)).is_visible()
                _fits(page)
                keep_screenshot(page, f"demo-front-{lang}-{name}")
        # an item's checklist, a meeting view and a coordinator's page, each followed as a person would
        _at(page, WIDTHS["desktop"])
        page.goto(f"{base}/?lang=fi")
        page.get_by_role("link", name=DEMO_ITEMS[0]["title"]).click()
        assert "/checklist/" in page.url and page.locator("h1").count() == 1
        page.go_back()
        meeting = page.get_by_role("link", name=re.compile(t("demo.meeting_view", "fi", meeting=""))).first
        name = meeting.inner_text().split(": ", 1)[1]
        meeting.click()
        assert "/meetings/" in page.url and page.locator("h1").inner_text() == name
        page.go_back()
        hollola = MUNICIPALITIES["hollola"]["name"]
        page.get_by_role("link", name=t("demo.coordinator", "fi", town=hollola)).click()
        assert "/coordinator/" in page.url
    finally:
        assert demo.stop() == 0
    assert list(tmp_path.glob("climate-plugin-demo-*")) == []
