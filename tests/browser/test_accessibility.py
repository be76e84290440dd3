"""Accessibility as the EU Web Accessibility Directive asks of public-sector services (WCAG 2.1 AA): axe-core
(bundled by axe-playwright-python) runs on every page a person opens, in Finnish, Swedish and English, and no
serious or critical violation may remain; and no page is wider than a phone's screen.

One seeded app for the module and one browser page reused for every page of a language (the admin pages
signed in once); one test per language, so pytest-xdist spreads them over its workers.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from climate_plugin.accounts import password_links
from climate_plugin.accounts.users import create_user
from climate_plugin.assessments.links import checklist_url
from climate_plugin.commitments.service import local_today
from climate_plugin.db import db
from climate_plugin.i18n import t
from climate_plugin.meetings.links import meeting_url
from climate_plugin.models import Municipality
from climate_plugin.regions import service as regions_service
from climate_plugin.reviews.service import coordinator_url
from climate_plugin.teams import service as teams_service
from tests.factories import ScreenedItemFactory
from tests.support.app import build_app
from tests.support.screenshots import keep_screenshot
from tests.support.webhooks import register

axe_playwright = pytest.importorskip("axe_playwright_python.sync_playwright")

EMAIL, PASSWORD = "saavutettavuus@hollola.fi", "a long enough password for tests"
MEETING = "Tekninen lautakunta 2/2099"
#: what must not remain (axe's impacts: minor, moderate, serious, critical)
BLOCKING = {"serious", "critical"}
#: the rules of what the law asks (WCAG 2.1 A and AA), not axe's best-practice extras; violations only
DESKTOP, PHONE = {"width": 1280, "height": 900}, {"width": 390, "height": 844}
#: the element that reaches furthest right, named for the failure message
WIDEST = """() => { let best = null, right = 0;
  for (const el of document.body.querySelectorAll('*')) { const r = el.getBoundingClientRect().right;
    if (r > right) { right = r; best = el; } }
  return best ? `${best.tagName.toLowerCase()}${best.id ? '#' + best.id : ''}.${best.className}` : ''; }"""
AXE_OPTIONS = {"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"], "resultTypes": ["violations"]}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[dict[str, Any]]:
    from werkzeug.serving import make_server

    app = build_app(Path(tmp_path_factory.mktemp("a11y")))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    app.config["PUBLIC_URL"] = base
    with app.test_request_context():
        connector, _ = register("http://127.0.0.1:9")
        item = ScreenedItemFactory(
            connector=connector,
            external_id="2026-7",
            committee="Tekninen lautakunta",
            meeting=MEETING,
            meeting_date=local_today() + timedelta(days=14),
        )
        hollola = db.session.scalar(select(Municipality).where(Municipality.slug == "hollola"))
        create_user(hollola, EMAIL, "Saara Saavutettava", "municipality_admin", PASSWORD)
        invited = create_user(hollola, "kutsuttu@hollola.fi", "Kalle Kutsuttu", "viewer")
        region = regions_service.create_region("paijat-hame", "Päijät-Häme")
        regions_service.set_region(hollola, region)
        regions_service.share_with_region(hollola, True)
        team = teams_service.create_team(hollola, {"name": "Koulutiimi", "theme": "Koulumatkat"})
        _, member_link = teams_service.invite(team, {"role": "stakeholder", "name": "Aino", "group": "youth"})
        db.session.commit()
        checklist = checklist_url(item, base)
        set_password = password_links.link(invited, password_links.INVITATION_LIFETIME, "fi").split("?")[0]
        urls = {
            "set-password": set_password,
            "front": f"{base}/",
            "not-found": f"{base}/no/such/page",
            "login": f"{base}/admin/login",
            "forgot-password": f"{base}/admin/password/forgot",
            "api-docs": f"{base}/api/v1/docs",
            "checklist": checklist,
            "commitments": f"{checklist}/commitments",
            "meeting": meeting_url(connector.id, MEETING, base),
            "coordinator": coordinator_url(hollola, base),
            "team-member": member_link,
        }
        urls["region"] = regions_service.region_url(region, base)
        urls["region-member"] = urls["region"] + "/m/hollola"
        urls["team-screen"] = member_link.split("?")[0] + "/screen"
        urls["picture"] = urls["coordinator"] + "/picture"
        urls["follow-ups"] = urls["coordinator"] + "/follow-ups"
        admin = f"{base}/admin/m/hollola"
        admin_pages = {
            "admin-overview": f"{admin}/",
            "admin-items": f"{admin}/items",
            "admin-connectors": f"{admin}/connectors",
            "admin-connector": f"{admin}/connectors/{connector.id}",
            "admin-connector-new": f"{admin}/connectors/new?kind=rest",
            "admin-deliveries": f"{admin}/deliveries",
            "admin-checklist": f"{admin}/checklist",
            "admin-teams": f"{admin}/teams",
            "admin-team": f"{admin}/teams/{team.id}",
            "admin-programme": f"{admin}/programme",
            "admin-reach": f"{admin}/reach",
            "admin-users": f"{admin}/users",
            "admin-settings": f"{admin}/settings",
            "admin-audit": f"{admin}/audit",
        }
    yield {"base": base, "public": urls, "admin": admin_pages}
    server.shutdown()


@pytest.fixture(scope="module")
def shared_page(browser) -> Iterator[Any]:
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(60_000)
    yield context.new_page()
    context.close()


def _with_lang(url: str, lang: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}lang={lang}"


def _problems(page: Any, axe: Any) -> list[str]:
    found = axe.run(page, options=AXE_OPTIONS).response["violations"]
    return [
        f"{v['impact']} {v['id']}: {v['help']} ({', '.join(str(n['target']) for n in v['nodes'][:3])})"
        for v in found
        if v.get("impact") in BLOCKING
    ]


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_no_serious_or_critical_violation_on_any_page(site, shared_page, lang):
    axe = axe_playwright.Axe()
    page = shared_page
    page.context.clear_cookies()
    failures: dict[str, list[str]] = {}

    def check(name: str, url: str) -> None:
        response = page.goto(_with_lang(url, lang))
        assert response.status == (404 if name == "not-found" else 200), name  # the page itself, no error
        assert page.locator("html").get_attribute("lang") == lang, name
        problems = _problems(page, axe)
        # on a phone the page itself never scrolls sideways (a wide table scrolls in its own box)
        page.set_viewport_size(PHONE)
        wider = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if wider > 0:
            widest = page.evaluate(WIDEST)
            problems.append(f"{wider} px wider than a {PHONE['width']} px phone (widest: {widest})")
        if problems:
            failures[name] = problems
            keep_screenshot(page, f"a11y-{name}-{lang}")
        page.set_viewport_size(DESKTOP)

    for name, url in site["public"].items():
        check(name, url)
    # signed in once, the admin pages
    page.goto(_with_lang(site["public"]["login"], lang))
    page.get_by_label(t("auth.login.email", lang)).fill(EMAIL)
    page.get_by_label(t("auth.login.password", lang)).fill(PASSWORD)
    page.get_by_role("button", name=t("auth.login.submit", lang)).click()
    page.wait_for_url("**/admin/m/hollola/**")
    for name, url in site["admin"].items():
        check(name, url)
    assert failures == {}
