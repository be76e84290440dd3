"""The issue's "done when", end to end in headless Chromium.

An item is drafted in the sample agenda system; its climate block arrives with the checklist link; a
preparer opens the link, rates the categories the screening flagged (a negative impact without a
justification first), confirms the rest have no effect with one tick, sees the error next to that field,
adds the justification and the alternatives (X1) and follow-up indicator (X5), submits; the "climate
assessed" badge and the verdict then show on the board members' meeting view and in the block written back.
"""

from __future__ import annotations

from climate_plugin.checklist import CATEGORIES_BY_CODE
from climate_plugin.db import db
from climate_plugin.i18n import t
from climate_plugin.meetings.links import meeting_url
from climate_plugin.models import AgendaItem
from tests.support.samples import SCHOOL
from tests.support.screenshots import keep_screenshot
from tests.support.waiting import wait_for

JUSTIFICATION = "Peruskorjauksen aikana koulua lämmitetään kaksi talvea väliaikaisella öljykattilalla."
ALTERNATIVES = "Verrattiin kaukolämpöön liittymistä ja maalämpöä; maalämpö valittiin päästöjen takia."
INDICATOR = "Koulun ostoenergia (MWh/v) ja lämmityksen CO2-päästöt (t/v) tilapalvelujen raportissa."
ASSESSED = t("badge.climate_assessed.name", "fi")


def _justification_label(code: str) -> str:
    return t("form.justification.label", "fi", category=CATEGORIES_BY_CODE[code].name["fi"])


def _badge_codes(block: dict) -> list[str]:
    return [b["code"] for b in block.get("badges", ())]


def test_preparer_fills_the_form_and_the_badge_reaches_the_meeting_view_and_the_host(live, page):
    host = live.host
    host.draft(SCHOOL)
    wait_for(lambda: host.write_back_count(SCHOOL["id"]) == 1)
    first = host.climate_blocks()[SCHOOL["id"]]
    assert "climate_assessed" not in _badge_codes(first)
    assert "energy" in first["categories"]

    # --- the preparer opens the link written into the agenda item -------------------------------------
    page.goto(first["checklist_url"])
    assert page.locator("html").get_attribute("lang") == "fi"
    assert page.get_by_role("heading", level=1).inner_text() == SCHOOL["title"]

    # Only the categories the screening flagged are open; the others wait behind one tick.
    opened = [
        code.removeprefix("category-")
        for code in page.locator("div.category.opened").evaluate_all("els => els.map(e => e.id)")
    ]
    assert opened == first["categories"] and "energy" in opened
    assert page.locator('input[name^="prescreen."]').count() == 0
    # Energy gets "−" and, at first, no justification.
    for code in opened:
        group = page.get_by_role("group", name=CATEGORIES_BY_CODE[code].name["fi"], exact=False)
        if code == "energy":
            group.get_by_label("kielteinen", exact=False).first.check()
        else:
            group.get_by_label("ei tai vähäinen", exact=False).check()
    page.get_by_label(t("form.others.confirm", "fi")).check()
    energy_negative = page.locator('input[name="ratings.energy.rating"]:checked')
    assert energy_negative.get_attribute("value") == "-"
    page.get_by_role("button", name=t("form.button.submit", "fi")).click()

    # --- the validation error appears next to the justification field, and is announced -------------
    justification = page.get_by_label(_justification_label("energy"))
    error = page.locator("#f-ratings-energy-justification-error")
    error.wait_for()
    assert "tarvitsee perustelun" in error.inner_text()
    assert justification.get_attribute("aria-invalid") == "true"
    assert "f-ratings-energy-justification-error" in justification.get_attribute("aria-describedby")
    keep_screenshot(page, "1-validation-error")
    # The answers given so far are kept: the rating is still "−".
    assert page.locator('input[name="ratings.energy.rating"]:checked').get_attribute("value") == "-"
    with live.app.app_context():
        item = db.session.query(AgendaItem).filter_by(external_id=SCHOOL["id"]).one()
        assert item.current_assessment.state != "submitted"

    # --- fix it, add the cross-cutting answers, submit --------------------------------------------------
    justification.fill(JUSTIFICATION)
    page.locator("#f-questions-X1").fill(ALTERNATIVES)
    page.get_by_text(t("form.cross.more", "fi", count=5)).click()  # X2–X6 behind a disclosure
    page.locator("#f-questions-X5").fill(INDICATOR)
    page.get_by_label(t("form.name.label", "fi")).fill("Maija Virtanen, kiinteistöpäällikkö")
    page.get_by_role("button", name=t("form.button.submit", "fi")).click()
    page.get_by_text(t("form.done.submitted", "fi")).wait_for()
    assert page.locator("#f-ratings-energy-justification-error").count() == 0
    assert page.get_by_role("img", name=ASSESSED).count() >= 1

    # --- the meeting view shows the badge, with its accessible name --------------------------------------
    with live.app.app_context():
        item = db.session.query(AgendaItem).filter_by(external_id=SCHOOL["id"]).one()
        view = meeting_url(item.connector_id, SCHOOL["meeting"], live.base_url)
    page.goto(view)
    article = page.get_by_role("article", name=SCHOOL["title"], exact=False)
    badge = article.get_by_role("img", name=ASSESSED)
    badge.wait_for()
    keep_screenshot(page, "2-meeting-view")
    # the verdict itself, not "the preparer is asked to assess"
    assert JUSTIFICATION in article.locator(".verdict").inner_text()
    assert t("summary.invite_high", "fi") not in article.inner_text()
    assert badge.evaluate("img => img.complete && img.naturalWidth > 0")
    assert article.get_by_role("img", name=t("badge.alternatives_considered.name", "fi")).count() == 1
    assert article.get_by_role("img", name=t("badge.indicator_set.name", "fi")).count() == 1
    # The image itself carries the title in the viewer's language (for those who open or save it).
    svg = page.request.get(badge.evaluate("img => img.src"))
    assert f"<title id=\"badge-title\">{ASSESSED}</title>" in svg.text()

    # --- and the host got the new block: badges and the Climate impacts section ---------------------------
    wait_for(lambda: host.write_back_count(SCHOOL["id"]) == 2)
    block = host.climate_blocks()[SCHOOL["id"]]
    assert "climate_assessed" in _badge_codes(block)
    assert {"alternatives_considered", "indicator_set"} <= set(_badge_codes(block))
    section = block["impact_section"]
    assert section["heading"] == "Ilmastovaikutukset"
    assert JUSTIFICATION in section["text"] and ALTERNATIVES in section["text"]
    assert "Maija Virtanen" in section["text"]
    assert "<section" in section["html"] and "&lt;" not in section["heading"]
