"""The checklist asks only what matters, in headless Chromium: only the flagged categories are open, the rest
are confirmed "no effect" with one tick (or opened and rated), the language switch keeps unsaved input (in
fi, sv and en), and the checklist and the meeting view work by keyboard alone (Tab, Enter, Space; focus
visible; no trap). Screenshots at desktop and phone width are kept with CLIMATE_PLUGIN_TEST_SCREENSHOTS.
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from climate_plugin.checklist import CATEGORIES_BY_CODE
from climate_plugin.db import db
from climate_plugin.i18n import LANGUAGES, t
from climate_plugin.meetings.links import meeting_url
from climate_plugin.models import AgendaItem
from tests.support.samples import SCHOOL
from tests.support.screenshots import keep_screenshot
from tests.support.waiting import wait_for

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
TYPED = {
    "fi": "Maalämpö korvaa öljylämmityksen, joten lämmityksen päästöt laskevat.",
    "sv": "Bergvärme ersätter oljeuppvärmningen, så utsläppen från uppvärmningen minskar.",
    "en": "Ground-source heat replaces oil heating, so heating emissions fall.",
}
_FOCUSED = """() => {
  const e = document.activeElement;
  const s = getComputedStyle(e);
  return {tag: e.tagName.toLowerCase(), id: e.id || "", name: e.getAttribute("name") || "",
          type: e.getAttribute("type") || "", text: (e.innerText || "").trim().slice(0, 80),
          href: e.getAttribute("href") || "",
          visible: s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2};
}"""


def _school(live) -> dict[str, Any]:
    """The school item drafted in the sample agenda system; its first climate block."""
    live.host.draft(SCHOOL)
    wait_for(lambda: live.host.write_back_count(SCHOOL["id"]) >= 1)
    return live.host.climate_blocks()[SCHOOL["id"]]


def _shots(page, name: str) -> None:
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        keep_screenshot(page, f"{name}-{label}")
    page.set_viewport_size(DESKTOP)


def _tab_to(page, wanted, limit: int = 150) -> dict[str, Any]:
    """Press Tab until the focused element matches ``wanted``; every stop on the way shows its focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(_FOCUSED)
        # A date field's focus is drawn by Chromium on its day/month/year parts and calendar button.
        if focused["tag"] != "body" and focused["type"] != "date":
            assert focused["visible"], f"focus not visible on {focused}"
        if wanted(focused):
            return focused
    raise AssertionError("not reached by Tab")


def _no_trap(page, presses: int = 120) -> None:
    """Tab moves on from every element and, past the last one, leaves the page or starts over."""
    previous, left = None, False
    for _ in range(presses):
        page.keyboard.press("Tab")
        focused = page.evaluate(_FOCUSED)
        key = (focused["tag"], focused["id"], focused["name"], focused["href"], focused["text"])
        assert key != previous or focused["tag"] == "body", f"focus stuck on {focused}"
        left = left or focused["tag"] == "body"
        previous = key
    assert left, "Tab never left the page's last element"


def test_only_flagged_categories_one_tick_and_the_switch_keeps_input_in_three_languages(live, page):
    block = _school(live)
    flagged = block["categories"]
    assert flagged and "energy" in flagged
    url = block["checklist_url"]
    for lang, after in zip(LANGUAGES, (*LANGUAGES[1:], LANGUAGES[0]), strict=True):
        page.goto(f"{url}?lang={lang}")
        assert page.locator("html").get_attribute("lang") == lang
        opened = page.locator("div.category.opened").evaluate_all("els => els.map(e => e.id)")
        assert opened == [f"category-{code}" for code in flagged]  # only what screening flagged is open
        assert page.locator("details.category").count() == 10 - len(flagged)
        assert page.locator("details.category[open]").count() == 0
        progress = t("form.progress", lang, done=0, total=len(flagged) + 1)
        assert page.get_by_text(progress).is_visible()
        if lang == "fi":
            _shots(page, "checklist")
            height = page.evaluate("document.documentElement.scrollHeight")
            print(f"checklist page height at 1280 px: {height}")
        # type without saving, then switch: the answer comes along into the other language
        page.locator('input[name="ratings.energy.rating"][value="+"]').check()
        page.locator("#f-ratings-energy-justification").fill(TYPED[lang])
        page.get_by_role("button", name=_name(after), exact=True).click()
        # retried until the new page is there (while it loads there may be no document element at all)
        expect(page.locator("html")).to_have_attribute("lang", after)
        assert page.locator("#f-ratings-energy-justification").input_value() == TYPED[lang]
        assert page.locator('input[name="ratings.energy.rating"][value="+"]').is_checked()
        with live.app.app_context():
            item = db.session.query(AgendaItem).filter_by(external_id=SCHOOL["id"]).one()
            assert item.current_assessment.state == "screened"  # switching saved nothing

    # In English now (after sv): rate the other flagged ones, add one more category, tick the rest, submit.
    page.goto(f"{url}?lang=en")
    page.locator('input[name="ratings.energy.rating"][value="+"]').check()
    page.locator("#f-ratings-energy-justification").fill(TYPED["en"])
    for code in flagged[1:]:
        page.locator(f'input[name="ratings.{code}.rating"][value="0"]').check()
    transport = page.locator("#category-transport")
    transport.locator("summary").click()
    transport.locator('input[value="-"]').check()
    transport.locator("textarea").fill("Construction traffic adds heavy vehicles for two years.")
    page.get_by_label(t("form.others.confirm", "en")).check()
    page.get_by_label(t("form.name.label", "en")).fill("Maija Virtanen")
    page.get_by_role("button", name=t("form.button.submit", "en")).click()
    page.get_by_text(t("form.done.submitted", "en")).wait_for()
    wait_for(lambda: "impact_section" in live.host.climate_blocks()[SCHOOL["id"]])
    text = live.host.climate_blocks()[SCHOOL["id"]]["impact_section"]["text"]
    rated = [line.split(":")[0].removeprefix("- ") for line in text.splitlines() if line.startswith("- ")]
    wanted = {*flagged, "transport"}
    names = [c.name[SCHOOL["language"]] for code, c in CATEGORIES_BY_CODE.items() if code in wanted]
    assert rated == names  # the written-back section lists only what was rated


def _name(lang: str) -> str:
    from climate_plugin.i18n import LANGUAGE_NAMES

    return str(LANGUAGE_NAMES[lang])


def test_checklist_and_meeting_view_by_keyboard_alone(live, page):
    block = _school(live)
    flagged = block["categories"]
    page.goto(block["checklist_url"])
    page.set_viewport_size(PHONE)  # a phone's width: nothing may depend on a wide screen

    # Each flagged category: Tab into its rating group, Space picks the focused rating ("++", the first),
    # Tab to its justification and type it.
    for code in flagged:
        _tab_to(page, lambda f, code=code: f["name"] == f"ratings.{code}.rating")
        page.keyboard.press("Space")
        assert page.locator(f'input[name="ratings.{code}.rating"][value="++"]').is_checked()
        _tab_to(page, lambda f, code=code: f["name"] == f"ratings.{code}.justification")
        page.keyboard.type("Maalämpö korvaa öljylämmityksen kokonaan tässä kohteessa.")
    # One tick for the rest, by Space; a collapsed category opens with Enter.
    _tab_to(page, lambda f: f["name"] == "rest_no_effect")
    page.keyboard.press("Space")
    assert page.locator('input[name="rest_no_effect"]').is_checked()
    _tab_to(page, lambda f: f["tag"] == "summary")
    page.keyboard.press("Enter")
    assert page.locator("details.category[open]").count() == 1
    page.keyboard.press("Enter")  # and closes again, unrated
    _tab_to(page, lambda f: f["name"] == "submitted_by")
    page.keyboard.type("Maija Virtanen")
    _tab_to(page, lambda f: f["tag"] == "button" and f["text"] == t("form.button.submit", "fi"))
    page.keyboard.press("Enter")
    page.get_by_text(t("form.done.submitted", "fi")).wait_for()
    page.goto(block["checklist_url"])
    _no_trap(page)

    # The meeting view: the verdict is there; record a commitment by keyboard and come back by the link.
    with live.app.app_context():
        item = db.session.query(AgendaItem).filter_by(external_id=SCHOOL["id"]).one()
        view = meeting_url(item.connector_id, SCHOOL["meeting"], live.base_url)
    page.goto(view)
    article = page.get_by_role("article", name=SCHOOL["title"], exact=False)
    assert article.locator(".verdict").is_visible()
    assert t("summary.invite_high", "fi") not in article.inner_text()
    _tab_to(page, lambda f: f["tag"] == "summary")
    page.keyboard.press("Enter")
    for field, value in (
        ("what", "Selvitetään aurinkopaneelien laajennus koko kattoon"),
        ("target", "Ostosähkö vähenee 30 %"),
        ("indicator", "Ostosähkö MWh/v"),
    ):
        _tab_to(page, lambda f, field=field: f["name"] == field)
        page.keyboard.type(value)
    _tab_to(page, lambda f: f["name"] == "due_date")
    page.keyboard.type("06302027")  # headless Chromium's date field takes month, day, year in this order
    assert page.locator('input[name="due_date"]').first.input_value() == "2027-06-30"
    _tab_to(page, lambda f: f["name"] == "owner")
    page.keyboard.type("Tilapalvelut")
    _tab_to(page, lambda f: f["tag"] == "button")
    page.keyboard.press("Enter")
    page.get_by_text(t("commitment.page.saved", "fi")).wait_for()
    _tab_to(page, lambda f: f["text"] == t("commitment.page.back_to_meeting", "fi"))
    page.keyboard.press("Enter")
    page.wait_for_url(f"{view}*")
    assert "Selvitetään aurinkopaneelien laajennus" in page.get_by_role("article").first.inner_text()
    page.set_viewport_size(DESKTOP)
    _shots(page, "meeting-view")
    _no_trap(page)
