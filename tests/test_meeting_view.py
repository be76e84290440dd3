"""The board members' meeting view: signed link, content, languages, framing headers and the CLI."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from functools import partial

import pytest

from climate_plugin.cli import main
from climate_plugin.db import db
from climate_plugin.meetings.links import meeting_token, meeting_url
from climate_plugin.meetings.web import frame_ancestors
from climate_plugin.models import AgendaItem, Connector, Municipality
from climate_plugin.web.signed_links import make_token
from tests.factories import AgendaItemFactory, AssessmentFactory, ConnectorFactory

#: links stay valid for months after the agenda's last change, so the fixtures are from yesterday
RECENTLY = datetime.now(UTC) - timedelta(days=1)
MEETING = "Tekninen lautakunta 3/2026"
ASSESSED = {
    "checklist_version": "1",
    "ratings": {"energy": {"rating": "-", "justification": "Öljylämmitys jatkuu kaksi vuotta."}},
    "questions": {"X1": "Maalämpöä ja kaukolämpöä verrattiin.", "X5": "Ostoenergia MWh/v"},
}


@pytest.fixture
def agenda(app):
    """A meeting with an assessed, a screened-only, a not yet screened and a deleted item, plus another
    meeting; returns the meeting view's path."""
    with app.app_context():
        connector = ConnectorFactory(municipality__name="Hollolan kunta")
        item = partial(AgendaItemFactory, connector=connector, meeting=MEETING, updated_at=RECENTLY)
        school = item(external_id="2026-10", title="Koulun lämmitys <b>maalämpöön</b>")
        AssessmentFactory(item=school)
        AssessmentFactory(item=school, answers=dict(ASSESSED), source="preparer", state="submitted")
        AssessmentFactory(item=item(external_id="2026-9", title="Pöytäkirjantarkastajien valinta"),
                          relevance="none", categories=[])
        item(external_id="2026-11", title="Katuvalojen uusiminen", url="javascript:alert(1)")
        item(external_id="2026-12", title="Poistettu asia", deleted_at=datetime(2026, 1, 11, tzinfo=UTC))
        item(external_id="2026-13", title="Toisen kokouksen asia", meeting="Kaupunginhallitus 1/2026")
        db.session.commit()
        url = meeting_url(connector.id, MEETING, "")
    return url


def test_meeting_view_lists_the_meetings_items_in_agenda_order(client, agenda):
    response = client.get(agenda)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    # Natural order of the host's ids: 9 before 10 before 11; deleted and other meetings' items are absent.
    assert page.index("Asia 2026-9") < page.index("Asia 2026-10") < page.index("Asia 2026-11")
    assert "Poistettu asia" not in page and "Toisen kokouksen asia" not in page
    assert f"<h1>{MEETING}</h1>" in page
    assert "Todennäköisesti merkittäviä ilmastovaikutuksia" in page  # relevance in words
    assert "Ei arvioitavia ilmastovaikutuksia" in page
    assert "Esiarviointi on kesken" in page  # the item without an assessment yet
    # the assessed item shows the preparer's verdict, no longer an invitation to assess
    assert "Kokonaisarvio:</strong> Asialla arvioidaan olevan kielteisiä" in page


def test_the_assessed_verdict_and_its_ratings_are_shown(client, agenda):
    page = client.get(agenda).get_data(as_text=True)
    school = page[page.index("Koulun lämmitys") : page.index("Katuvalojen uusiminen")]
    assert 'class="verdict"' in school and "<h3" in school
    assert "Energia: <span class=\"symbol\">−</span>" in school
    assert "Öljylämmitys jatkuu kaksi vuotta." in school and "Maalämpöä ja kaukolämpöä verrattiin." in school
    assert "Valmistelijaa pyydetään" not in school
    assert page.count('class="verdict"') == 1  # only the submitted item has one
    sv = client.get(agenda + "?lang=sv").get_data(as_text=True)
    assert "Klimatkonsekvenser" in sv and "Energi: <span" in sv


def test_assessed_item_shows_its_badges_with_names_and_the_published_rules(client, agenda):
    page = client.get(agenda).get_data(as_text=True)
    assert 'src="/badges/climate_assessed.svg?lang=fi" alt="Ilmastovaikutukset arvioitu"' in page
    assert 'alt="Vaihtoehdot punnittu"' in page and 'alt="Seurantamittari asetettu"' in page
    # Only the assessed item has badges; the "none" item gets none (never a badge for "no impact").
    assert page.count('data-badge="climate_assessed"') == 1
    assert "Näin merkit ansaitaan" in page


def test_host_text_is_escaped_and_only_web_links_are_linked(client, agenda):
    page = client.get(agenda).get_data(as_text=True)
    assert "Koulun lämmitys &lt;b&gt;maalämpöön&lt;/b&gt;" in page
    assert "<b>maalämpöön" not in page
    assert "javascript:" not in page


def test_each_item_links_its_checklist_and_offers_a_labelled_commitment_form(app, client, agenda):
    page = client.get(agenda).get_data(as_text=True)
    with app.app_context():
        school = db.session.query(AgendaItem).filter_by(external_id="2026-10").one()
        anchor = f"item-{school.id}"
        from climate_plugin.assessments.links import checklist_url

        link = checklist_url(school, "")
    assert f'href="{link}?lang=fi"' in page
    assert f'action="{link}/commitments?lang=fi"' in page
    assert f'href="{link}/commitments?lang=fi"' in page
    for field in ("what", "target", "indicator", "due_date", "owner"):
        assert f'<label for="{anchor}-{field}"' in page
        assert f'id="{anchor}-{field}" name="{field}"' in page


def _form_fields(page: str, anchor: str) -> tuple[str, dict[str, str]]:
    """The action and the hidden fields of one item's commitment form, as a browser would send them."""
    form = page[page.index(f'<li id="{anchor}">') :]
    form = form[form.index("<form") : form.index("</form>")]
    action = re.search(r'action="([^"]+)"', form).group(1).replace("&amp;", "&")
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
    return action, hidden


def test_commitment_form_records_through_the_commitments_view_and_shows_up(app, client, agenda):
    with app.app_context():
        anchor = f"item-{db.session.query(AgendaItem).filter_by(external_id='2026-10').one().id}"
    action, hidden = _form_fields(client.get(agenda).get_data(as_text=True), anchor)
    vague = client.post(action, data={**hidden, "what": "Edistetään kestävää liikkumista"})
    assert vague.status_code == 422  # the commitments view explains what is missing
    due = (datetime.now(UTC) + timedelta(days=200)).date().isoformat()
    good = {
        "what": "Koulun lämmitys vaihdetaan maalämpöön",
        "target": "Öljyn kulutus 0 litraa vuodessa",
        "indicator": "Ostettu lämmitysöljy, l/v",
        "due_date": due,
        "owner": "Tilapalvelut",
    }
    assert client.post(action, data={**hidden, **good}).status_code == 303
    page = client.get(agenda).get_data(as_text=True)
    assert "Kirjatut sitoumukset" in page and "Öljyn kulutus 0 litraa vuodessa" in page
    # Without the form token the post is refused: another site cannot record commitments.
    assert client.post(action, data=good).status_code == 400


def test_language_switch_keeps_the_link_and_changes_the_texts(client, agenda):
    page = client.get(agenda).get_data(as_text=True)
    assert f'href="{agenda}?lang=sv"' in page and 'aria-current="page">suomi' in page
    swedish = client.get(agenda + "?lang=sv")
    assert swedish.headers["Content-Language"] == "sv"
    text = swedish.get_data(as_text=True)
    assert '<html lang="sv">' in text
    assert "Klimatkonsekvenser på föredragningslistan" in text and "Ärende 2026-10" in text
    assert "/badges/climate_assessed.svg?lang=sv" in text


def test_default_framing_is_self_only_and_never_x_frame_options_deny(client, agenda):
    response = client.get(agenda)
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in csp and "script-src" not in csp and "default-src 'none'" in csp
    assert "X-Frame-Options" not in response.headers
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "no-store" in response.headers["Cache-Control"]


def test_the_municipalitys_allowed_origins_may_frame_the_view(app, client, agenda):
    with app.app_context():
        town = db.session.query(Municipality).one()
        town.settings = {"frame_ancestors": ["https://dynasty.hollola.fi", "https://*.cloudnc.fi:8443"]}
        db.session.commit()
    csp = client.get(agenda).headers["Content-Security-Policy"]
    assert csp.endswith("frame-ancestors 'self' https://dynasty.hollola.fi https://*.cloudnc.fi:8443")


@pytest.mark.parametrize(
    "configured",
    [
        ["https://ok.example; script-src *"],
        ["https://ok.example/path"],
        ["'unsafe-inline'"],
        ["data:"],
        ["https://ok.example\r\nSet-Cookie: x=1"],
    ],
)
def test_hostile_frame_ancestors_are_dropped(configured):
    class Town:
        def frame_ancestors(self):
            return configured

    assert frame_ancestors(Town()) == "'self'"


def test_framing_can_be_refused_altogether_and_settings_may_be_missing():
    class NoneAllowed:
        def frame_ancestors(self):
            return ["'none'"]

    assert frame_ancestors(NoneAllowed()) == "'none'"
    assert frame_ancestors(object()) == "'self'"


def test_switched_off_item_badges_are_not_shown(app, client, agenda):
    with app.app_context():
        town = db.session.query(Municipality).one()
        town.settings = {"game": {"item_badges": False}}
        db.session.commit()
    page = client.get(agenda).get_data(as_text=True)
    assert "/badges/" not in page and "Näin merkit ansaitaan" not in page
    assert "Koulun lämmitys" in page  # the rest of the view stays


def test_forged_and_expired_links_are_refused_in_words(app, client, agenda):
    forged = client.get(agenda[:-3] + "xyz")
    assert forged.status_code == 404
    assert "Kokousnäkymää ei löytynyt" in forged.get_data(as_text=True)
    with app.app_context():
        connector = db.session.query(Connector).one()
        old = meeting_token(connector.id, MEETING, datetime.now(UTC) - timedelta(days=1))
        wrong_purpose = make_token(
            "checklist", f"{connector.id}:{MEETING}", datetime.now(UTC) + timedelta(days=1)
        )
    expired = client.get(f"/meetings/{old}?lang=en")
    assert expired.status_code == 410
    assert "The link to the meeting view has expired" in expired.get_data(as_text=True)
    assert client.get(f"/meetings/{wrong_purpose}").status_code == 404


def test_link_is_deterministic_and_changes_only_with_the_agenda(app, agenda):
    with app.app_context():
        connector = db.session.query(Connector).one()
        assert meeting_url(connector.id, MEETING, "") == agenda
        item = db.session.query(AgendaItem).filter_by(external_id="2026-9").one()
        item.updated_at = RECENTLY + timedelta(days=3)
        db.session.commit()
        assert meeting_url(connector.id, MEETING, "") != agenda


def test_cli_prints_the_link_that_opens_the_view(app, client, runner, agenda):
    with app.app_context():
        connector_id = db.session.query(Connector).one().id
    args = ["meeting", "link", "--connector", str(connector_id), "--meeting", MEETING]
    result = runner.invoke(main, args=args)
    assert result.exit_code == 0, result.output
    url = result.output.strip()
    assert url == "http://plugin.test" + agenda
    assert client.get(url.removeprefix("http://plugin.test")).status_code == 200


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--connector", "999", "--meeting", MEETING], "no connector with id 999"),
        (["--connector", "{id}", "--meeting", "Ei tällaista kokousta"], "has no items in a meeting named"),
    ],
)
def test_cli_refuses_unknown_connector_or_meeting_in_one_line(app, runner, agenda, args, fragment):
    with app.app_context():
        connector_id = db.session.query(Connector).one().id
    args = [a.format(id=connector_id) for a in args]
    result = runner.invoke(main, args=["meeting", "link", *args])
    assert result.exit_code != 0
    assert fragment in result.output
    assert "Traceback" not in result.output


def test_committee_badges_show_reached_levels_only_and_can_be_switched_off(app, client, agenda):
    with app.app_context():
        for item in db.session.query(AgendaItem).all():
            item.committee = "Tekninen lautakunta"
        db.session.commit()
        from climate_plugin.badges import TEAM_BADGES

        names = {code: b.name["fi"] for code, b in TEAM_BADGES.items()}
    page = client.get(agenda).get_data(as_text=True)
    assert "Toimielimen yhteiset merkit" in page
    # One assessed item reaches level 1 of the "assessed" team badge; nothing is shown at level 0.
    assert f'alt="{names["team_climate_assessed"]}, taso 1/5"' in page
    image = "/progress/hollola/badges/team_climate_assessed.svg?committee=Tekninen+lautakunta&lang=fi"
    assert image.replace("&", "&amp;") in page
    assert client.get(image).mimetype == "image/svg+xml"
    assert "taso 0/" not in page
    with app.app_context():
        town = db.session.query(Municipality).one()
        town.settings = {"game": {"team_badges": False}}
        db.session.commit()
    assert "Toimielimen yhteiset merkit" not in client.get(agenda).get_data(as_text=True)


def test_links_go_both_ways_checklist_commitments_and_meeting_view(app, client, agenda):
    """The checklist and the commitments page lead to the item on its meeting view; after a commitment is
    made, the confirmation offers the way back."""
    page = client.get(agenda).get_data(as_text=True)
    with app.app_context():
        from climate_plugin.assessments.links import checklist_url

        school = db.session.query(AgendaItem).filter_by(external_id="2026-10").one()
        checklist, anchor = checklist_url(school, ""), f"item-{school.id}"
    action, hidden = _form_fields(page, anchor)
    back = f'href="{agenda}?lang=fi#{anchor}"'
    assert back in client.get(checklist).get_data(as_text=True)
    made = client.post(action, data={**hidden, "what": "Selvitetään maalämmön laajennus",
                                     "target": "Öljyn käyttö loppuu 2027", "indicator": "Öljyä l/v",
                                     "due_date": "2027-06-30", "owner": "Tilapalvelut"})
    assert made.status_code == 303
    saved = client.get(made.headers["Location"]).get_data(as_text=True)
    assert "Takaisin kokousnäkymään" in saved and back in saved
    assert client.get(agenda).status_code == 200
