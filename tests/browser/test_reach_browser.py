"""The picture in headless Chromium, on a seeded stretch of realistic activity for Hollola and Orimattila in
Päijät-Häme (climate_plugin.reach.history, the data of `climate-plugin reach seed-history`): the
coordinator's page in fi, sv and en with accessible charts and their tables, its filters by keyboard, a
phone's width, the print view, the downloads, the region's page and the admin page; the numbers shown
agree with the stored records."""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from climate_plugin.accounts.users import create_user
from climate_plugin.commitments.service import local_today
from climate_plugin.dates import zone
from climate_plugin.db import db
from climate_plugin.i18n import t
from climate_plugin.models import AgendaItem, Assessment, Connector, Municipality
from climate_plugin.models.municipality import GAME_ELEMENTS
from climate_plugin.reach import service
from climate_plugin.reach.history import seed_history
from climate_plugin.regions.service import find as find_region
from climate_plugin.regions.service import region_url
from climate_plugin.reviews.service import coordinator_url
from tests.support.app import build_app
from tests.support.screenshots import keep_screenshot

PASSWORD = "a long enough password for tests"
MONTHS = 3


@dataclass
class Seeded:
    app: Any
    base_url: str
    coordinator: str  #: Hollola's coordinator link
    region: str  #: the region's link
    start: str
    end: str


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> Iterator[Seeded]:
    """One app with four months of seeded activity, served on a real port; the tests only read it (the
    admin test changes a setting that no other test reads)."""
    from werkzeug.serving import make_server

    app = build_app(Path(tmp_path_factory.mktemp("reach")))
    end = local_today()
    with app.app_context():
        seed_history(end, MONTHS, seed=7)
        hollola = db.session.scalar(select(Municipality).where(Municipality.slug == "hollola"))
        create_user(hollola, "viewer@hollola.fi", "Vilja Viewer", "viewer", PASSWORD)
        create_user(hollola, "admin@hollola.fi", "Aino Admin", "municipality_admin", PASSWORD)
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    app.config["PUBLIC_URL"] = base
    with app.test_request_context():
        hollola = db.session.scalar(select(Municipality).where(Municipality.slug == "hollola"))
        coordinator = coordinator_url(hollola, base)
        region = region_url(find_region("paijat-hame"), base)
    start = (end - timedelta(days=30 * MONTHS)).replace(day=1)
    yield Seeded(app, base, coordinator, region, start.isoformat(), end.isoformat())
    server.shutdown()


def _picture(seeded: Seeded, lang: str, by: str = "month") -> str:
    return f"{seeded.coordinator}/picture?lang={lang}&from={seeded.start}&to={seeded.end}&by={by}"


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_the_coordinators_picture_in_each_language(seeded, page, lang):
    page.goto(_picture(seeded, lang))
    assert page.locator("h1").inner_text() == t("reach.heading", lang)
    assert page.locator("html").get_attribute("lang") == lang
    sections = page.locator("section.figure-section")
    assert sections.count() == 8 and page.locator("svg[role=img]").count() >= 6
    for index in range(sections.count()):
        section = sections.nth(index)
        chart = section.locator("svg[role=img]")
        assert section.locator("table caption").count() == 1
        if section.get_by_text(t("reach.empty", lang)).count():
            assert chart.count() == 0  # nothing to draw: the table says so
            continue
        # every chart is named by its title and description, and has its table beside it
        assert chart.count() == 1
        labelled = chart.get_attribute("aria-labelledby").split()
        assert page.locator(f"[id='{labelled[0]}']").text_content() == section.locator("h2").inner_text()
        assert section.locator("script").count() == 0
    keep_screenshot(page, f"reach-coordinator-{lang}")


def test_the_numbers_shown_are_the_stored_records(seeded, page):
    page.goto(_picture(seeded, "en"))
    total = page.locator("#t-reach tr.total").locator("td").all_inner_texts()
    # by month the rows are periods (the body column, "all bodies" throughout, is left out): screened high,
    # minor, none, assessed, before meeting, …
    shown_high, shown_minor, shown_none = (int(v) for v in total[0:3])
    with seeded.app.app_context():
        hollola = db.session.scalar(select(Municipality).where(Municipality.slug == "hollola"))
        # straight from the tables: each live item's first revision, read in Finland's day
        firsts = db.session.execute(
            select(AgendaItem.id, func.min(Assessment.created_at))
            .join(Assessment, Assessment.item_id == AgendaItem.id)
            .join(Connector, Connector.id == AgendaItem.connector_id)
            .where(Connector.municipality_id == hollola.id, AgendaItem.deleted_at.is_(None))
            .group_by(AgendaItem.id)
        ).all()
        inside = {
            item_id
            for item_id, first in firsts
            if seeded.start <= first.astimezone(zone()).date().isoformat() <= seeded.end
        }
        levels: dict[str, int] = {"high": 0, "minor": 0, "none": 0}
        for item_id in inside:
            latest = db.session.scalar(
                select(Assessment.relevance)
                .where(Assessment.item_id == item_id)
                .order_by(Assessment.revision.desc())
            )
            levels[latest] += 1
        totals = service.reach(
            hollola,
            service.parse_filters({"from": seeded.start, "to": seeded.end}, local_today()),
            local_today(),
        ).totals
    assert (shown_high, shown_minor, shown_none) == (levels["high"], levels["minor"], levels["none"])
    assert totals["screened"] == levels and sum(levels.values()) > 20


def test_filters_work_by_keyboard(seeded, page):
    page.goto(_picture(seeded, "fi"))
    page.locator("#f-by").focus()
    page.keyboard.press("End")  # the last choice: by quarter
    page.locator("#f-body").focus()
    page.keyboard.press("ArrowDown")  # the first body
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "submit"
    page.keyboard.press("Enter")
    page.wait_for_url("**by=quarter**")
    periods = page.locator("#t-reach tbody tr:not(.total) th").all_inner_texts()
    assert periods and all("-Q" in p for p in periods)
    assert page.locator("#f-body").input_value() != ""


def test_on_a_phone_only_the_tables_scroll(seeded, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fi-FI", is_mobile=True)
    page = context.new_page()
    page.goto(_picture(seeded, "fi"))
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    wrap = page.locator("#t-reach .table-wrap")
    assert wrap.get_attribute("tabindex") == "0"  # reachable by keyboard, so it can be scrolled
    keep_screenshot(page, "reach-phone-fi")
    context.close()


def test_print_view_and_downloads_agree(seeded, page, tmp_path):
    page.goto(_picture(seeded, "sv"))
    with page.expect_download() as csv_download:
        page.locator("#t-reach .downloads a").first.click()
    table = list(csv.DictReader(io.StringIO(Path(csv_download.value.path()).read_text(encoding="utf-8"))))
    shown = page.locator("#t-reach tr.total td").all_inner_texts()
    assert table[-1][t("reach.col.screened_high", "sv")] == shown[0]
    with page.expect_download() as book:
        page.get_by_text(t("reach.download.workbook", "sv")).click()
    workbook = load_workbook(io.BytesIO(Path(book.value.path()).read_bytes()))
    assert (
        len(workbook.worksheets) == 8
        and workbook.worksheets[0].title == t("reach.table.reach.title", "sv")[:31]
    )
    page.get_by_text(t("reach.print.link", "sv")).click()
    page.wait_for_url("**/print**")
    page.emulate_media(media="print")
    assert not page.locator(".downloads").first.is_visible()
    assert page.locator("svg[role=img]").count() >= 6
    keep_screenshot(page, "reach-print-sv")


def test_the_region_sees_the_members_that_share(seeded, page):
    page.goto(f"{seeded.region}?lang=en&from={seeded.start}&to={seeded.end}")
    rows = page.locator("table.figures tbody tr")
    assert rows.count() == 2
    keep_screenshot(page, "reach-region-en")
    page.get_by_role("link", name="Orimattilan kaupunki").click()
    assert page.locator(".kicker").first.inner_text() == "Orimattilan kaupunki"
    # Orimattila switched item badges off halfway: both states have items
    game = page.locator("#t-game tbody tr")
    assert game.count() == 2 * len(GAME_ELEMENTS)  # each element, on and off
    keep_screenshot(page, "reach-region-member-en")


def test_admin_page_for_a_viewer_and_the_open_data_switch(seeded, page):
    page.goto(f"{seeded.base_url}/admin/login?lang=en")
    page.get_by_label(t("auth.login.email", "en")).fill("viewer@hollola.fi")
    page.get_by_label(t("auth.login.password", "en")).fill(PASSWORD)
    page.get_by_role("button", name=t("auth.login.submit", "en")).click()
    page.goto(f"{seeded.base_url}/admin/m/hollola/reach?lang=en&from={seeded.start}&to={seeded.end}")
    assert page.locator("h1").inner_text() == t("reach.heading", "en")
    assert (
        page.get_by_role("button", name=t("reach.optin.open_start", "en")).count() == 0
    )  # viewers only look
    keep_screenshot(page, "reach-admin-en")
    response = page.request.get(f"{seeded.base_url}/api/v1/open-data/hollola/decisions")
    assert response.status == 404  # off by default
