"""A connector's own webhook rate, set by an administrator in its page in headless Chromium (by keyboard),
refused in words when it is not a rate, shown once saved; the page fits a phone. Screenshots with
CLIMATE_PLUGIN_TEST_SCREENSHOTS=DIR."""

from __future__ import annotations

from sqlalchemy import select

from climate_plugin.accounts.users import create_user
from climate_plugin.db import db
from climate_plugin.i18n import t
from climate_plugin.models import Connector, Municipality
from tests.support.screenshots import keep_screenshot

EMAIL, PASSWORD = "rate.admin@hollola.fi", "a long enough password for tests"


def test_an_administrator_gives_a_host_its_own_webhook_rate(live, page):
    base, app = live.base_url, live.app
    with app.app_context():
        hollola = db.session.scalar(select(Municipality).where(Municipality.slug == "hollola"))
        create_user(hollola, EMAIL, "Rate Admin", "municipality_admin", PASSWORD)
        db.session.commit()
    page.goto(f"{base}/admin/login?lang=sv")
    page.get_by_label(t("auth.login.email", "sv")).fill(EMAIL)
    page.get_by_label(t("auth.login.password", "sv")).fill(PASSWORD)
    page.get_by_role("button", name=t("auth.login.submit", "sv")).click()
    page.wait_for_url("**/admin/m/hollola/**")
    page.goto(f"{base}/admin/m/hollola/connectors/{live.connector_id}?lang=sv")
    field = page.get_by_label(t("admin.connector.rate_label", "sv"))
    field.fill("fort")
    field.press("Enter")  # the keyboard submits the form
    page.get_by_text(t("admin.connector.rate_error", "sv")).wait_for()
    assert field.get_attribute("aria-invalid") == "true"
    field.fill("6000/minute")
    field.press("Enter")
    page.get_by_text(t("admin.connector.rate_saved", "sv")).wait_for()
    assert page.locator("#webhook-rate").inner_text() == "6000/minute"
    with app.app_context():
        assert db.session.get(Connector, live.connector_id).webhook_rate_limit == "6000/minute"
    page.set_viewport_size({"width": 375, "height": 900})
    page.locator("#rate-heading").scroll_into_view_if_needed()
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
    keep_screenshot(page, "connector-rate-phone")
