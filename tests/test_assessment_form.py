"""The preparer's HTML form: no JavaScript, CSRF, errors next to the fields, draft, submit, the section."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from climate_plugin.assessments.impact_section import impact_section
from climate_plugin.checklist import DEFAULT_CHECKLIST
from climate_plugin.db import db
from climate_plugin.models import AgendaItem
from climate_plugin.web.signed_links import make_token


def csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the form carries a CSRF token"
    return match.group(1)


def form(token: str, action: str = "submit", **fields: str) -> dict[str, str]:
    data = {"csrf_token": token, "action": action, "revision": "1"}
    data.update({f"prescreen.R{i}": "no" for i in range(2, 9)})
    data.update({"prescreen.R1": "yes", "ratings.energy.rating": "+",
                 "ratings.energy.justification": "Maalämpö korvaa öljylämmityksen kokonaan.",
                 "questions.X1": "Kaukolämpöä verrattiin.", "submitted_by": "Maija Virtanen"})
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def test_form_is_accessible_and_needs_no_javascript(app, client, screened_item):
    _, path = screened_item()
    response = client.get(path)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<script" not in html and f'action="{path}?lang=fi"' in html
    # the language switch submits the form to the same token (keeping unsaved input)
    assert f'formaction="{path}?lang=sv" name="switch_lang" value="sv"' in html
    assert response.headers["Cache-Control"] == "no-store"
    # every control has a label
    ids = re.findall(r'<(?:input|textarea|select)[^>]*\bid="([^"]+)"', html)
    assert len(ids) > 40
    for control in ids:
        assert f'for="{control}"' in html, control
    # only what the screening flagged is open; the others are one tick (or a disclosure each) away
    assert 'name="prescreen.' not in html
    assert '<div class="category opened" id="category-energy">' in html
    assert '<details class="category" id="category-transport">' in html
    assert 'type="checkbox" name="rest_no_effect" value="yes"' in html
    assert 'type="submit" name="action" value="draft"' in html and 'value="submit"' in html
    sv = client.get(path + "?lang=sv").get_data(as_text=True)
    assert "Spara utkast" in sv and "Skicka bedömningen" in sv and '<html lang="sv">' in sv


def test_post_without_csrf_token_is_400_and_keeps_the_answers(app, client, screened_item):
    item_id, path = screened_item()
    client.get(path)
    response = client.post(path, data=form("forged", **{"questions.X2": "Oma <b>vastaus</b>"}))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Lomakkeen tietoja ei tallennettu" in html
    assert "Oma &lt;b&gt;vastaus&lt;/b&gt;" in html  # kept, and escaped
    with app.app_context():
        assert len(db.session.get(AgendaItem, item_id).assessments) == 1


def test_a_form_token_made_for_another_item_is_refused(app, client, screened_item):
    from climate_plugin.web.form_token import form_token

    item_id, path = screened_item()
    with app.test_request_context():
        other = form_token("checklist:0123456789abcdef0123456789abcdef")  # a real token, another scope
    response = client.post(path, data=form(other))
    assert response.status_code == 400
    with app.app_context():
        assert len(db.session.get(AgendaItem, item_id).assessments) == 1


def test_validation_error_is_shown_next_to_the_field(app, client, screened_item):
    _, path = screened_item()
    token = csrf(client.get(path).get_data(as_text=True))
    response = client.post(path, data=form(token, **{"ratings.energy.rating": "-",
                                                     "ratings.energy.justification": ""}))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'class="error-summary"' in html and 'href="#f-ratings-energy-justification"' in html
    error = r'<p class="field-error" id="f-ratings-energy-justification-error">.*tarvitsee perustelun'
    assert re.search(error, html)
    assert re.search(r'<textarea name="ratings.energy.justification" id="f-ratings-energy-justification" '
                     r'rows="2" aria-describedby="f-ratings-energy-justification-error" aria-invalid="true">',
                     html)
    assert re.search(r'name="ratings.energy.rating" id="f-ratings-energy-4" value="-" checked', html)


def test_draft_then_submit(app, client, monkeypatch, screened_item):
    monkeypatch.setattr("climate_plugin.queue.enqueue", lambda *a, **k: None)
    item_id, path = screened_item()
    token = csrf(client.get(path).get_data(as_text=True))
    draft = client.post(path, data=form(token, action="draft", **{"prescreen.R2": None}))
    assert draft.status_code == 303 and "done=draft" in draft.headers["Location"]
    html = client.get(draft.headers["Location"]).get_data(as_text=True)
    assert "Luonnos on tallennettu" in html and "Maalämpö korvaa öljylämmityksen kokonaan." in html
    # the draft's own (missing) answer, not the suggestion
    assert not re.search(r'name="prescreen.R2" [^>]*checked', html)
    hostile = "Maalämpö <script>alert(1)</script> korvaa öljyn."
    sent = client.post(path, data=form(token, **{"ratings.energy.justification": hostile}))
    assert sent.status_code == 303
    html = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "Arvio on lähetetty" in html and "Lähetetty " in html
    assert "<h2>Ilmastovaikutukset</h2>" in html  # the section as written back
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'alt="Ilmastovaikutukset arvioitu"' in html  # the badge appears
    with app.app_context():
        current = db.session.get(AgendaItem, item_id).current_assessment
        assert current.revision == 2 and current.state == "submitted"
        assert current.submitted_by == "Maija Virtanen"
        assert "draft" not in current.answers


def test_expired_and_forged_links_in_the_readers_language(app, client, screened_item):
    item_id, path = screened_item()
    with app.app_context():
        public_id = db.session.get(AgendaItem, item_id).public_id
        old = make_token("checklist", public_id, datetime(2026, 1, 2, 12, tzinfo=UTC) - timedelta(hours=1))
    response = client.get(f"/checklist/{old}", headers={"Accept-Language": "sv-FI"})
    assert response.status_code == 410
    html = response.get_data(as_text=True)
    assert "Länken har gått ut" in html and "2.1.2026" in html
    assert "Linkki on vanhentunut" in client.get(f"/checklist/{old}").get_data(as_text=True)
    assert client.get(path + "x").status_code == 404


def test_section_text_and_html():
    assessment = SimpleNamespace(
        answers={
            "stage0": {"R1": "yes", "R3": "unknown", **{f"R{i}": "no" for i in (2, 4, 5, 6, 7, 8)}},
            "ratings": {"energy": {"rating": "+", "justification": "Öljy <pois>.", "scope": "own_operations"},
                        "buildings": {"rating": "?"}},
            "questions": {"X2": "Työmaan päästöt kompensoidaan & seurataan.", "X5": "MWh/v, 2028"},
        },
        submitted_by="A & B", submitted_at=datetime(2026, 11, 29, 23, 30, tzinfo=UTC),
        needs_review=False, escalation=["nonzero_steering"],
    )
    section = impact_section(assessment, DEFAULT_CHECKLIST, "fi")
    assert section["text"].splitlines() == [
        "Ilmastovaikutukset",
        "Kokonaisarvio: Asialla arvioidaan olevan myönteisiä ilmastovaikutuksia. "
        "Osa vaikutuksista ei ole vielä tiedossa.",
        "Vaikutukset aihepiireittäin:",
        "- Energia: + (myönteinen), rajaus: kunnan oma toiminta. Öljy <pois>.",
        "- Rakennukset ja rakentaminen: ? (ei tiedossa).",
        "Haittojen lieventäminen: Työmaan päästöt kompensoidaan & seurataan.",
        "Seurantamittari: MWh/v, 2028",
        "Ohjattu ilmastokoordinaattorin arvioitavaksi: Ohjausvaikutus on arvioitu muuksi kuin 0.",
        "Arvioinut A & B, 30.11.2026.",  # the municipality's date: 01:30 in Helsinki
    ]
    html = section["html"]
    assert html.startswith('<section class="climate-impacts" lang="fi"><h2>Ilmastovaikutukset</h2>')
    assert "Öljy &lt;pois&gt;." in html and "A &amp; B" in html and "<pois>" not in html
    en = impact_section(assessment, DEFAULT_CHECKLIST, "en")
    assert en["heading"] == "Climate impacts" and "Assessed by A & B, 30 Nov 2026." in en["text"]
    # the municipality's own time zone decides the day: 23:30 UTC is still the 29th in New York
    assessment.item = SimpleNamespace(connector=SimpleNamespace(municipality=SimpleNamespace(
        time_zone="America/New_York")))
    assert "Arvioinut A & B, 29.11.2026." in impact_section(assessment, DEFAULT_CHECKLIST, "fi")["text"]
    # deterministic: the same record gives the same characters
    sv = impact_section(assessment, DEFAULT_CHECKLIST, "sv")
    assert sv == impact_section(assessment, DEFAULT_CHECKLIST, "sv") and sv["heading"] == "Klimatkonsekvenser"
