"""Climate teams' "done when", in headless Chromium: a coordinator creates a team for a body and invites a
youth representative, a business member and a board member by link; the stakeholders propose and support
solutions on a drafted agenda item; the board member turns one into a commitment; the coordinator links the
other to a programme measure imported from the Kausal Watch fake host and attaches it to the item as an
alternative; the preparer's checklist shows it at question X1 and the meeting view shows the item's team and
solutions. Each person's page is looked at in Finnish, Swedish and English (screenshots with
CLIMATE_PLUGIN_TEST_SCREENSHOTS=DIR)."""

from __future__ import annotations

import os
from datetime import date, timedelta

from sqlalchemy import select

from climate_plugin.assessments.links import checklist_url
from climate_plugin.db import db
from climate_plugin.i18n import t
from climate_plugin.meetings.links import meeting_url
from climate_plugin.models import Commitment, Connector, Measure, Solution
from climate_plugin.programme.kausal_fake_host import KausalFakeHost
from tests.factories import PASSWORD, ScreenedItemFactory, UserFactory
from tests.support.cli import invoke
from tests.support.screenshots import keep_screenshot

BODY = "Tekninen lautakunta"
MEETING = "Tekninen lautakunta 4/2026"


def _member_page(browser, url: str, locale: str = "fi-FI"):
    context = browser.new_context(locale=locale, viewport={"width": 390, "height": 844})  # a phone
    context.set_default_timeout(60_000)
    page = context.new_page()
    page.goto(url)
    return context, page


def _propose(page, what: str, effect: str, category: str, cost: str, item_title: str) -> None:
    page.fill("#f-what", what)
    page.fill("#f-effect", effect)
    page.select_option("#f-effect_category", category)
    page.select_option("#f-cost", cost)
    page.fill("#f-who", "Tekninen toimi")
    page.select_option("#f-item_id", label=f"{item_title} · {MEETING}")
    page.click("button:text-is('Ehdota')")
    page.wait_for_selector(".notice-ok")


def _keep_element(locator, name: str) -> None:
    """The element alone (the checklist page is long), when screenshots are kept."""
    folder = os.environ.get("CLIMATE_PLUGIN_TEST_SCREENSHOTS")
    if folder:
        locator.screenshot(path=os.path.join(folder, f"{name}.png"))


def _support(page, what: str) -> None:
    page.locator("li.solution", has_text=what).locator("button", has_text="Tue").click()
    page.wait_for_load_state()


def test_a_team_finds_solutions_that_reach_the_decision(live, page, browser, runner):
    kausal = KausalFakeHost()
    try:
        _walk_through(live, page, browser, runner, kausal)
    finally:
        kausal.stop()


def _walk_through(live, page, browser, runner, kausal) -> None:
    base = live.base_url
    with live.app.app_context():
        connector = db.session.get(Connector, live.connector_id)
        item = ScreenedItemFactory(
            connector=connector,
            external_id="2026-41",
            committee=BODY,
            meeting=MEETING,
            title="Kirkonkylän koulun liikennejärjestelyt",
            body="Koulun pihaan rakennetaan saattoliikenteen pysäköintialue 30 autolle.",
        )
        item_title, item_id = item.title, item.id
        slug = connector.municipality.slug
        UserFactory(municipality=connector.municipality, role="coordinator", email="ilmasto@hollola.fi")
        checklist = checklist_url(item, base)

    # the programme, from the Kausal Watch fake host (its address allowed like a connector's)
    result = invoke(
        runner,
        "programme",
        "import",
        "--municipality",
        slug,
        "--kausal",
        kausal.base_url,
        "--plan",
        "sunnydale",
    )
    assert result.exit_code == 0, result.output
    assert '"created": 5' in result.stdout

    # the coordinator signs in, creates a team for the body, and invites three people
    page.goto(f"{base}/admin/login")
    page.fill("input[name=email]", "ilmasto@hollola.fi")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{base}/admin/m/{slug}/teams?lang=fi")
    page.fill("#f-name", "Koulumatkat")
    page.fill("#f-theme", "Koulumatkat kävellen ja pyörällä")
    page.fill("#f-body", BODY)
    page.click("button:text-is('Luo tiimi')")
    page.wait_for_selector("text=Tiimi luotu")
    links = {}
    for name, role, group in (
        ("Aino (nuorisovaltuusto)", "stakeholder", "youth"),
        ("Pekka (Pyöräliike Oy)", "stakeholder", "business"),
        ("Liisa Lautakunta", "decision_maker", ""),
    ):
        page.fill("#f-name", name)
        page.select_option("#f-role", role)
        page.select_option("#f-group", group)
        page.click("button:text-is('Kutsu')")
        page.wait_for_selector("text=Jäsen kutsuttu")
        links[name] = page.locator("tr", has_text=name).locator("input.member-link").input_value()
    keep_screenshot(page, "teams-admin-fi")

    # the stakeholders open their links (no account), propose and support solutions on the drafted item
    youth_context, youth = _member_page(browser, links["Aino (nuorisovaltuusto)"])
    assert youth.locator("h1").inner_text() == "Koulumatkat"
    _propose(
        youth,
        "Pyöräparkki ja katos koulun pääovelle",
        "Saattoliikenne vähenee, kun pyörällä tulo helpottuu",
        "transport",
        "low",
        item_title,
    )
    business_context, business = _member_page(browser, links["Pekka (Pyöräliike Oy)"])
    _propose(
        business,
        "Saattoliikenteen pysäköintialueen sijaan pyöräkatu",
        "Autoliikenne koulun pihassa loppuu",
        "transport",
        "medium",
        item_title,
    )
    _support(business, "Pyöräparkki ja katos")
    youth.reload()
    _support(youth, "pyöräkatu")
    youth.locator("li.solution", has_text="pyöräkatu").locator("button", has_text="Tärkeimpiini").click()
    youth.wait_for_load_state()
    assert "1 tukee, 1 tärkeimpänä" in youth.locator("li.solution", has_text="pyöräkatu").inner_text()

    # the board member makes the first one a commitment (the commitments service's rules)
    board_context, board = _member_page(browser, links["Liisa Lautakunta"])
    board.locator("li.solution", has_text="Pyöräparkki").get_by_role(
        "link", name="Tee siitä sitoumuksesi"
    ).click()
    board.fill("#c-target", "40 pyöräpaikkaa katoksineen syksyyn 2027 mennessä")
    board.fill("#c-indicator", "Pyöräpaikkojen määrä ja pyörällä tulevien oppilaiden osuus")
    board.fill("#c-due_date", (date.today() + timedelta(days=300)).isoformat())
    board.fill("#c-owner", "Liisa Lautakunta")
    board.click("button:text-is('Tallenna sitoumus')")
    board.wait_for_selector("text=Sitoumus tallennettu")
    keep_screenshot(board, "teams-member-fi")

    # the coordinator links the second one to a measure of the imported programme and makes it an alternative
    with live.app.app_context():
        second = db.session.scalar(select(Solution).where(Solution.what.contains("pyöräkatu")))
        second_id = second.id
        measure_id = db.session.scalar(select(Measure.id).where(Measure.identifier == "T1"))
    page.goto(f"{base}/admin/m/{slug}/teams?lang=fi")
    page.click("text=Koulumatkat")
    row = page.locator(f"#solution-{second_id}")
    row.locator("select[name=measure_id]").select_option(str(measure_id))
    row.locator("button", has_text="Liitä").click()
    page.wait_for_selector("text=Ratkaisu liitetty toimenpiteeseen")
    page.locator(f"#solution-{second_id}").locator("button", has_text="Vaihtoehdoksi").click()
    page.wait_for_selector("text=Vaihtoehto päivitetty")
    keep_screenshot(page, "teams-admin-solutions-fi")
    page.goto(f"{base}/admin/m/{slug}/programme/{measure_id}?lang=fi")
    assert "pyöräkatu" in page.locator("#solutions + ul").inner_text()

    with live.app.app_context():
        commitment = db.session.scalar(select(Commitment).where(Commitment.item_id == item_id))
        assert commitment is not None and "Pyöräparkki" in commitment.what
        meeting = meeting_url(live.connector_id, MEETING, base)

    # the preparer's checklist shows the team's alternative at X1; the meeting view the item's team
    for lang in ("fi", "sv", "en"):
        page.goto(f"{checklist}?lang={lang}")
        box = page.locator("#team-alternatives")
        assert t("teams.x1.heading", lang) in box.inner_text()
        assert "pyöräkatu" in box.inner_text() and "Pyöräparkki" not in box.inner_text()
        keep_screenshot(page, f"teams-checklist-x1-{lang}")
        _keep_element(box.locator("xpath=.."), f"teams-checklist-x1-{lang}-question")
        page.goto(f"{meeting}?lang={lang}")
        section = page.locator("section.team-solutions")
        assert t("teams.meeting.heading", lang, team="Koulumatkat") in section.inner_text()
        assert "Pyöräparkki" in section.inner_text() and "pyöräkatu" in section.inner_text()
        assert t("teams.outcome.commitment", lang) in section.inner_text()
        keep_screenshot(page, f"teams-meeting-{lang}")
        youth.goto(f"{links['Aino (nuorisovaltuusto)']}?lang={lang}")
        assert youth.locator("html").get_attribute("lang") == lang
        assert t("teams.solutions.heading", lang) in youth.content()
        keep_screenshot(youth, f"teams-member-{lang}")
        youth.goto(f"{links['Aino (nuorisovaltuusto)'].split('?')[0]}/screen?lang={lang}")
        keep_screenshot(youth, f"teams-screen-{lang}")
    for context in (youth_context, business_context, board_context):
        context.close()
