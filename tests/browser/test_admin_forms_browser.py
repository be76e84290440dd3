"""The admin forms as an administrator uses them, in headless Chromium: a connector made in the form of its
kind's schema (the kind switched with the select), tested with a preview of a real item read from the
agenda system; the checklist's wording changed in its form; an item found in the items list and opened; a
person invited, who sets a password through the e-mailed link and signs in with it. Screenshots at a
desktop's and a phone's width (CLIMATE_PLUGIN_TEST_SCREENSHOTS=DIR)."""

from __future__ import annotations

import re

from sqlalchemy import select

from climate_plugin.accounts.users import create_user
from climate_plugin.db import db
from climate_plugin.demo import DEMO_ITEMS
from climate_plugin.i18n import t
from climate_plugin.mail import read_outbox
from climate_plugin.models import ChecklistTemplate, Connector, Municipality
from tests.factories import ScreenedItemFactory
from tests.support.screenshots import keep_screenshot

EMAIL, PASSWORD = "anna.admin@hollola.fi", "a long enough password for tests"
NEW_PASSWORD = "kolme pientä porsasta ja susi"
WIDTHS = {"desktop": 1280, "phone": 375}


def _both_widths(page, name: str) -> None:
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 1:
            keep_screenshot(page, f"{name}-{label}-overflow")
            wide = page.evaluate(
                "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right >"
                " window.innerWidth + 1).slice(-5).map(e => e.tagName + '.' + e.className + ' ' +"
                " (e.textContent || '').slice(0, 30))"
            )
            raise AssertionError(f"{name}: {overflow}px wider than a {label}: {wide}")
        keep_screenshot(page, f"{name}-{label}")
    page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})


def _sign_in(page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/admin/login?lang=fi")
    page.get_by_label(t("auth.login.email", "fi")).fill(email)
    page.get_by_label(t("auth.login.password", "fi")).fill(password)
    page.get_by_role("button", name=t("auth.login.submit", "fi")).click()
    page.wait_for_url("**/admin/m/hollola/**")


def test_an_administrator_uses_the_admin_forms(live, page, browser):
    base, app = live.base_url, live.app
    sample_id = live.host.add(DEMO_ITEMS[0])
    with app.app_context():
        hollola = db.session.scalar(select(Municipality).where(Municipality.slug == "hollola"))
        create_user(hollola, EMAIL, "Anna Admin", "municipality_admin", PASSWORD)
        ScreenedItemFactory(connector=db.session.get(Connector, live.connector_id), external_id="2026-9",
                            title="Koulun lämmitys maalämpöön", meeting="Tekninen lautakunta 5/2026")
        db.session.commit()
    _sign_in(page, base, EMAIL, PASSWORD)
    page.locator("#attention").wait_for()
    _both_widths(page, "admin-overview")
    page.goto(f"{base}/admin/m/hollola/settings?lang=sv")
    _both_widths(page, "admin-settings")

    # --- a connector from its kind's form, the kind switched with the select -------------------------
    page.goto(f"{base}/admin/m/hollola/connectors/new?lang=fi")
    page.get_by_label(t("admin.connector.kind_label", "fi")).select_option("oparl")
    page.locator("#cfg-system-url").wait_for()
    page.get_by_label(t("admin.connector.kind_label", "fi")).select_option("rest")
    page.locator("#cfg-fields-title").wait_for()
    page.get_by_label(t("admin.connector.name_label", "fi")).fill("Kokousjärjestelmä")
    page.locator("#cfg-base-url").fill(live.host.base_url)
    page.locator("#cfg-fields-title").fill("/title")
    page.locator("#cfg-fields-committee").fill("/committee")
    _both_widths(page, "admin-connector-form")
    page.get_by_role("button", name=t("admin.connector.create", "fi")).click()
    page.get_by_role("heading", level=1, name=t("admin.connector.created_heading", "fi")).wait_for()
    page.get_by_role("link", name=t("admin.connector.to_detail", "fi")).click()

    # --- test and preview: a real item read through the stored settings ------------------------------
    page.get_by_label(t("admin.connector.test_item_label", "fi")).fill(sample_id)
    page.get_by_role("button", name=t("admin.connector.test", "fi")).click()
    page.locator("#preview-title").wait_for()
    assert page.locator("#preview-title").inner_text() == DEMO_ITEMS[0]["title"]
    assert page.locator("#preview-body").inner_text().startswith(DEMO_ITEMS[0]["body"][:40])
    _both_widths(page, "admin-connector-preview")
    # the item path misspelt: the test names the setting to change
    page.locator("#cfg-item-path").fill("/item/{id}")
    page.get_by_role("button", name=t("admin.connector.save", "fi")).click()
    page.get_by_role("status").filter(has_text=t("admin.connector.saved", "fi")).wait_for()
    page.get_by_label(t("admin.connector.test_item_label", "fi")).fill(sample_id)
    page.get_by_role("button", name=t("admin.connector.test", "fi")).click()
    failed = page.locator("#test-result")
    failed.filter(has_text="item_path").wait_for()
    assert "Error" not in failed.inner_text()
    keep_screenshot(page, "admin-connector-test-failed")

    # --- the checklist's wording in its form --------------------------------------------------------
    page.goto(f"{base}/admin/m/hollola/checklist?lang=fi")
    page.locator("#q-R1 summary").click()
    page.locator("#q-R1-fi").fill("Vaikuttaako asia Hollolan päästöihin?")
    page.locator("#c-land_use summary").click()
    page.locator("#c-land_use-off").check()
    _both_widths(page, "admin-checklist-form")
    page.get_by_role("button", name=t("admin.checklist.save", "fi")).click()
    page.get_by_role("status").filter(has_text=t("admin.checklist.saved", "fi", version=1)).wait_for()
    with app.app_context():
        stored = db.session.scalars(select(ChecklistTemplate)).one().overrides
    assert stored["questions"]["R1"]["fi"] == "Vaikuttaako asia Hollolan päästöihin?"
    assert stored["disabled_categories"] == ["land_use"]

    # --- the items list: search, open the checklist --------------------------------------------------
    page.get_by_role("link", name=t("admin.nav.items", "fi")).click()
    page.get_by_label(t("admin.items.search", "fi")).fill("maalämpö")
    page.get_by_role("button", name=t("admin.items.filter", "fi")).click()
    page.wait_for_url("**q=maal*")
    rows = page.locator("#items tbody tr")
    rows.first.wait_for()
    assert rows.count() == 1
    _both_widths(page, "admin-items")
    rows.first.get_by_role("link", name="Koulun lämmitys maalämpöön").click()
    page.wait_for_url(re.compile(r".*/checklist/.*"))
    assert "Koulun lämmitys maalämpöön" in page.locator("h1").inner_text()

    # --- an invitation: the link sets a password once, which then signs in ---------------------------
    page.goto(f"{base}/admin/m/hollola/users?lang=fi")
    page.locator("#f-email").fill("uusi.jasen@hollola.fi")
    page.locator("#f-name").fill("Uusi Jäsen")
    page.get_by_role("button", name=t("admin.users.create", "fi")).click()
    page.get_by_role("status").filter(has_text=t("admin.users.created", "fi")).wait_for()
    with app.app_context():
        (mail,) = [m for m in read_outbox() if m.to == "uusi.jasen@hollola.fi"]
    link = re.search(r"(http://\S+/admin/password/\S+)", mail.text).group(1)
    link = link.replace(app.config["PUBLIC_URL"], base)
    invited = browser.new_context(locale="fi-FI", viewport={"width": WIDTHS["phone"], "height": 800})
    invited.set_default_timeout(60_000)
    phone = invited.new_page()
    phone.goto(link)
    phone.get_by_label(t("auth.password.new", "fi"), exact=True).fill(NEW_PASSWORD)
    phone.get_by_label(t("auth.password.again", "fi")).fill(NEW_PASSWORD)
    keep_screenshot(phone, "set-password-phone")
    phone.get_by_role("button", name=t("auth.password.submit", "fi")).click()
    phone.locator("#password-set").wait_for()
    phone.get_by_label(t("auth.login.email", "fi")).fill("uusi.jasen@hollola.fi")
    phone.get_by_label(t("auth.login.password", "fi")).fill(NEW_PASSWORD)
    phone.get_by_role("button", name=t("auth.login.submit", "fi")).click()
    phone.wait_for_url("**/admin/m/hollola/**")
    keep_screenshot(phone, "admin-overview-phone")
    phone.goto(link)  # once only
    assert phone.locator("#password-error").inner_text() == t("auth.password.unusable", "fi")
    invited.close()


def test_a_kind_chosen_before_the_forms_script_has_loaded_still_shows_its_settings(live, page):
    """The select presses "choose kind" from a deferred script; a choice made while that script was still on
    its way (a slow line, a quick hand) fired no listener, and the form kept showing another kind's settings
    (seen in a loaded CI run). The script, once there, presses for it."""
    with live.app.app_context():
        hollola = db.session.scalar(select(Municipality).where(Municipality.slug == "hollola"))
        create_user(hollola, EMAIL, "Anna Admin", "municipality_admin", PASSWORD)
        db.session.commit()
    _sign_in(page, live.base_url, EMAIL, PASSWORD)
    held = []
    page.route("**/admin-form.js", lambda route: held.append(route))  # held until the choice is made
    page.goto(f"{live.base_url}/admin/m/hollola/connectors/new?lang=fi", wait_until="commit")
    kind = page.get_by_label(t("admin.connector.kind_label", "fi"))
    kind.wait_for()
    assert page.locator("#cfg-system-url").count() == 0  # the first kind is not OParl
    kind.select_option("oparl")
    page.wait_for_timeout(100)
    assert held, "the page did not ask for its script"
    held[0].continue_()
    page.locator("#cfg-system-url").wait_for()
    assert page.locator('input[name="shown_kind"]').get_attribute("value") == "oparl"
