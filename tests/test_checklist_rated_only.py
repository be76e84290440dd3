"""The checklist asks only what matters: the flagged categories, plus any the preparer opens; the rest are
confirmed "no effect" in one step; the section written back lists only what was rated; switching the
language keeps unsaved input; the long form has contents and a progress line."""

from __future__ import annotations

import re

import pytest

from climate_plugin.badges import item_badges
from climate_plugin.checklist import CATEGORIES, DEFAULT_CHECKLIST, validate_answers
from climate_plugin.db import db
from climate_plugin.models import AgendaItem
from climate_plugin.writeback.block import build_climate_block

JSON = {"Accept": "application/json"}
ENERGY = "Maalämpö korvaa öljylämmityksen kokonaan, joten lämmityksen päästöt laskevat."
BUILDINGS = "Peruskorjaus parantaa vaipan energiatehokkuutta selvästi."
# The school item's screening flags these two (see tests/factories.py ScreenedItemFactory).
FLAGGED = ("energy", "buildings")
NOT_FLAGGED = [c for c in CATEGORIES if c.code not in FLAGGED]


@pytest.fixture(autouse=True)
def no_worker(monkeypatch) -> None:
    monkeypatch.setattr("climate_plugin.queue.enqueue", lambda *a, **k: None)


def flagged_only(**changes) -> dict:
    body = {
        "ratings": {
            "energy": {"rating": "+", "justification": ENERGY},
            "buildings": {"rating": "+", "justification": BUILDINGS},
        },
        "questions": {"X1": "Kaukolämpöä verrattiin; maalämpö oli vähäpäästöisempi."},
        "submitted_by": "Maija Virtanen",
        "submit": True,
    }
    body.update(changes)
    return body


def _item(app, item_id: int):
    return db.session.get(AgendaItem, item_id)


# --- the JSON face's contract ----------------------------------------------------------------------------


def test_json_accepts_only_the_flagged_categories_without_prescreen(app, client, screened_item):
    item_id, path = screened_item()
    got = client.get(path, headers=JSON).get_json()
    assert got["to_rate"] == list(FLAGGED)
    response = client.put(path, json=flagged_only())
    assert response.status_code == 200, response.get_json()
    data = response.get_json()
    assert data["state"] == "submitted"
    section = data["impact_section"]["text"]
    assert "Energia: + " in section and "Rakennukset ja rakentaminen: + " in section
    for category in NOT_FLAGGED:
        assert category.name["fi"] not in section, category.code
    assert data["answers"]["prescreen"] == {}  # derived stage 0 is not handed back as the preparer's
    with app.app_context():
        item = _item(app, item_id)
        stored = item.current_assessment.answers
        assert stored["stage0"]["R1"] == "yes" and stored["stage0"]["R2"] == "no"  # derived for readers
        block = build_climate_block(item, item.current_assessment, "https://x.example")
        lines = [line for line in block["impact_section"]["text"].splitlines() if line.startswith("- ")]
        assert len(lines) == 2  # the written-back section lists only what was rated
        # and the block's summary sentence is the submitted verdict, not an invitation to assess
        assert block["summary"] == (
            "Valmistelija on arvioinut ilmastovaikutukset. Asialla arvioidaan olevan myönteisiä "
            "ilmastovaikutuksia."
        )
        assert "climate_assessed" in [b.code for b in item_badges(item, item.current_assessment)]


def test_a_flagged_category_left_unrated_is_named(client, screened_item):
    _, path = screened_item()
    body = flagged_only(ratings={"energy": {"rating": "+", "justification": ENERGY}})
    response = client.put(path, json=body)
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert set(errors) == {"ratings.buildings"}
    assert "Rakennukset ja rakentaminen" in errors["ratings.buildings"]


def test_justifications_are_still_required(client, screened_item):
    _, path = screened_item()
    body = flagged_only()
    body["ratings"]["energy"]["justification"] = ""
    response = client.put(path, json=body)
    assert response.status_code == 422
    assert "ratings.energy.justification" in response.get_json()["errors"]


def test_another_category_may_be_added_and_is_listed(app, client, screened_item):
    _, path = screened_item()
    body = flagged_only()
    traffic = "Työmaaliikenne lisää raskasta liikennettä."
    body["ratings"]["transport"] = {"rating": "-", "justification": traffic}
    response = client.put(path, json=body)
    assert response.status_code == 200, response.get_json()
    assert "Liikenne ja liikkuminen: −" in response.get_json()["impact_section"]["text"]


def test_declining_to_confirm_the_rest_needs_their_ratings(client, screened_item):
    _, path = screened_item()
    response = client.put(path, json=flagged_only(rest_no_effect=False))
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"rest_no_effect"}
    assert client.put(path, json=flagged_only(rest_no_effect="yes")).status_code == 422  # not a boolean


def test_nothing_flagged_nothing_rated_needs_the_all_no_reason(app, client, screened_item):
    item_id, path = screened_item(title="Pöytäkirjan tarkastajat", body="Valitaan kaksi tarkastajaa.")
    assert client.get(path, headers=JSON).get_json()["to_rate"] == []
    body = {"submit": True, "submitted_by": "Maija"}
    response = client.put(path, json=body)
    assert response.status_code == 422 and set(response.get_json()["errors"]) == {"reason"}
    ok = client.put(path, json={**body, "reason": "Asia koskee vain lautakunnan sisäistä järjestäytymistä."})
    assert ok.status_code == 200, ok.get_json()
    section = ok.get_json()["impact_section"]["text"]
    assert "Ei arvioitavia ilmastovaikutuksia" in section and "sisäistä järjestäytymistä" in section
    with app.app_context():
        item = _item(app, item_id)
        # badges are never for "no impact"
        assert [b.code for b in item_badges(item, item.current_assessment) if b.kind == "achievement"] == []


def test_the_older_shape_with_stage0_still_works():
    stage0 = {f"R{i}": "no" for i in range(1, 9)} | {"R1": "yes"}
    answers = {"stage0": stage0, "ratings": {"energy": {"rating": "0"}}}
    assert validate_answers(DEFAULT_CHECKLIST, answers, "en", flagged=FLAGGED) == {}
    extra = {**answers, "ratings": {**answers["ratings"], "transport": {"rating": "0"}}}
    assert "ratings.transport" in validate_answers(DEFAULT_CHECKLIST, extra, "en", flagged=FLAGGED)


# --- the HTML form -----------------------------------------------------------------------------------------


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def posted(token: str, **fields: str) -> dict[str, str]:
    data = {
        "csrf_token": token,
        "revision": "1",
        "action": "submit",
        "ratings.energy.rating": "+",
        "ratings.energy.justification": ENERGY,
        "ratings.buildings.rating": "0",
        "submitted_by": "Maija Virtanen",
    }
    data.update(fields)
    return data


def test_form_shows_contents_and_progress_and_collapses_the_rest(client, screened_item):
    _, path = screened_item()
    html = client.get(path).get_data(as_text=True)
    assert 'class="contents"' in html and 'href="#rate-heading"' in html and 'href="#send-heading"' in html
    assert "0/3 kohtaa vastattu" in html  # two categories to rate and one tick for the rest
    assert html.count('<div class="category opened"') == 2
    assert html.count('<details class="category"') == len(NOT_FLAGGED)


def test_form_submit_needs_the_one_tick_then_lists_only_the_rated(app, client, screened_item):
    item_id, path = screened_item()
    token = csrf(client.get(path).get_data(as_text=True))
    refused = client.post(path, data=posted(token))
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert 'href="#f-rest_no_effect"' in html and "Vahvista, ettei muilla aihepiireillä" in html
    assert "2/3 kohtaa vastattu" in html
    done = client.post(path, data=posted(token, rest_no_effect="yes"))
    assert done.status_code == 303
    with app.app_context():
        item = _item(app, item_id)
        assert item.current_assessment.state == "submitted"
        text = build_climate_block(item, item.current_assessment, "https://x.example")["impact_section"]["text"]
    assert [line.split(":")[0] for line in text.splitlines() if line.startswith("- ")] == [
        "- Energia",
        "- Rakennukset ja rakentaminen",
    ]


def test_switching_language_keeps_unsaved_input_and_saves_nothing(app, client, screened_item):
    item_id, path = screened_item()
    token = csrf(client.get(path).get_data(as_text=True))
    data = posted(token, action="", switch_lang="sv", **{"questions.X3": "Hinku <b>tavoite</b>"})
    data.pop("action")
    response = client.post(f"{path}?lang=sv", data=data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="sv">' in html and "Områden att bedöma" in html
    assert ENERGY in html and "Hinku &lt;b&gt;tavoite&lt;/b&gt;" in html
    assert re.search(r'name="ratings.energy.rating" id="f-ratings-energy-2" value="\+" checked', html)
    assert 'class="error-summary"' not in html  # nothing was checked: the preparer is not done yet
    with app.app_context():
        item = _item(app, item_id)
        assert len(item.assessments) == 1 and item.current_assessment.state == "screened"


def test_nothing_flagged_but_one_category_opened_needs_the_tick_it_was_shown(app, client, screened_item):
    _, path = screened_item(title="Pöytäkirjan tarkastajat", body="Valitaan kaksi tarkastajaa.")
    html = client.get(path).get_data(as_text=True)
    assert 'name="rest_no_effect"' in html and 'name="reason"' in html
    token = csrf(html)
    traffic = {
        "csrf_token": token, "revision": "1", "action": "submit", "submitted_by": "Maija",
        "ratings.transport.rating": "-",
        "ratings.transport.justification": "Kokousmatkat tehdään jatkossa autolla.",
    }
    refused = client.post(path, data=traffic)
    assert refused.status_code == 422
    assert set(re.findall(r'href="#(f-[^"]+)"', refused.get_data(as_text=True))) == {"f-rest_no_effect"}
    assert client.post(path, data={**traffic, "rest_no_effect": "yes"}).status_code == 303
