"""The checklist's JSON API: GET and PUT on the signed link, drafts, submits, errors per field, review."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from climate_plugin.assessments import service as assessments
from climate_plugin.badges import item_badges
from climate_plugin.db import db
from climate_plugin.items.store import content_hash
from climate_plugin.models import AgendaItem, WriteBack
from climate_plugin.web.signed_links import make_token
from climate_plugin.writeback.block import build_climate_block

JSON = {"Accept": "application/json"}


@pytest.fixture
def enqueued(monkeypatch) -> list[tuple[str, int]]:
    calls: list[tuple[str, int]] = []
    monkeypatch.setattr("climate_plugin.queue.enqueue", lambda task, record_id, countdown=0: calls.append(
        (task, record_id)))
    return calls


def good_answers(**changes) -> dict:
    body = {
        "prescreen": {"R1": "yes", "R2": "no", "R3": "yes", "R4": "no", "R5": "no", "R6": "no", "R7": "no",
                      "R8": "no"},
        "ratings": {
            "energy": {"rating": "+", "justification": "Maalämpö korvaa öljylämmityksen kokonaan."},
            "buildings": {"rating": "0"},
        },
        "questions": {"X1": "Kaukolämpöä verrattiin, mutta maalämpö oli vähäpäästöisempi.",
                      "X5": "Kiinteistön lämmitysenergia (MWh/v), seuranta vuonna 2028."},
        "submitted_by": "Maija Virtanen, kiinteistöpäällikkö",
        "submit": True,
    }
    body.update(changes)
    return body


def test_get_returns_checklist_suggestions_and_empty_answers(app, client, screened_item):
    _, path = screened_item()
    response = client.get(path, headers=JSON)
    assert response.status_code == 200 and response.mimetype == "application/json"
    data = response.get_json()
    assert data["item"]["id"] == "ext-1" and data["item"]["title"] == "Koulun peruskorjaus"
    assert data["checklist"]["version"] == "default-1"
    assert [q["id"] for q in data["checklist"]["stage0"]][:2] == ["R1", "R2"]
    assert data["suggestions"]["R1"]["suggestion"] == "yes"
    assert data["answers"] == {"prescreen": {}, "ratings": {}, "questions": {}, "reason": ""}
    assert data["state"] == "screened" and data["needs_review"] is False and data["revision"] == 1
    assert "impact_section" not in data
    assert response.headers["Cache-Control"] == "no-store"


def test_negative_rating_without_justification_is_422_per_field(app, client, enqueued, screened_item):
    item_id, path = screened_item()
    ratings = {"energy": {"rating": "-", "justification": ""}, "buildings": {"rating": "0"}}
    answers = good_answers(ratings=ratings)
    response = client.put(path, json=answers, headers={"Accept-Language": "en"})
    assert response.status_code == 422
    data = response.get_json()
    assert data["error"] == "invalid"
    message = data["errors"]["ratings.energy.justification"]
    assert message.startswith("The rating − (Energy) needs a justification")
    assert data["revision"] == 1 and data["state"] == "screened"  # nothing stored
    assert enqueued == []
    with app.app_context():
        assert len(db.session.get(AgendaItem, item_id).assessments) == 1


def test_all_no_needs_a_reason(app, client, screened_item):
    _, path = screened_item()
    all_no = {f"R{i}": "no" for i in range(1, 9)}
    response = client.put(path, json={"prescreen": all_no, "submit": True})
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"reason"}
    assert "yhden rivin perustelu" in response.get_json()["errors"]["reason"]  # the item's language
    reason = "Asia koskee vain sisäistä järjestäytymistä."
    response = client.put(path, json={"prescreen": all_no, "reason": reason, "submit": True})
    assert response.status_code == 200
    data = response.get_json()
    assert data["state"] == "submitted" and data["revision"] == 2
    assert "Ei arvioitavia ilmastovaikutuksia." in data["impact_section"]["text"]
    assert "sisäistä järjestäytymistä" in data["impact_section"]["text"]
    # a "no impact" verdict earns no badge
    assert [b["code"] for b in data["badges"] if b["kind"] == "achievement"] == []


def test_draft_is_kept_without_a_revision_or_a_write_back(app, client, enqueued, screened_item):
    item_id, path = screened_item()
    draft = {"prescreen": {"R1": "yes"}, "ratings": {"energy": {"rating": "−", "justification": "Kesken"}},
             "submit": False}
    response = client.put(path, json=draft)
    assert response.status_code == 200
    data = response.get_json()
    assert data["state"] == "draft" and data["revision"] == 1 and data["has_draft"] is True
    assert data["answers"]["ratings"]["energy"]["rating"] == "-"  # the typographic minus is read as "-"
    assert "prescreen.R2" in data["to_complete"]  # what a submit still needs
    assert enqueued == []
    with app.app_context():
        assert db.session.query(WriteBack).count() == 0
    again = client.get(path, headers=JSON).get_json()
    assert again["answers"]["prescreen"] == {"R1": "yes"}


def test_submit_stores_a_revision_writes_back_and_escalates(app, client, enqueued, screened_item):
    item_id, path = screened_item()
    answers = good_answers()
    answers["ratings"]["energy"] = {"rating": "--", "justification": "Uusi kaasukattila lisää päästöjä."}
    response = client.put(path, json=answers)
    assert response.status_code == 200, response.get_json()
    data = response.get_json()
    assert data["state"] == "submitted" and data["revision"] == 2 and data["needs_review"] is False
    assert data["submitted_by"] == "Maija Virtanen, kiinteistöpäällikkö"
    assert data["escalation"] == ["strongly_negative"]
    codes = [b["code"] for b in data["badges"]]
    assert "climate_assessed" in codes and "alternatives_considered" in codes and "indicator_set" in codes
    section = data["impact_section"]
    assert section["heading"] == "Ilmastovaikutukset"
    assert "Energia: −− (merkittävä kielteinen). Uusi kaasukattila lisää päästöjä." in section["text"]
    assert "Arvioinut Maija Virtanen, kiinteistöpäällikkö" in section["text"]
    with app.app_context():
        item = db.session.get(AgendaItem, item_id)
        current = item.current_assessment
        assert current.source == "preparer" and current.answers["checklist_version"] == "default-1"
        assert current.answers["stage0"]["R1"] == "yes" and "prescreen" in current.answers
        write_back = db.session.query(WriteBack).one()
        assert write_back.body["impact_section"] == section
        assert write_back.assessment_id == current.id
    assert enqueued == [("send_write_back", write_back.id)]


def test_bad_input_is_a_clear_4xx(app, client, screened_item):
    _, path = screened_item()
    assert client.put(path, data="x", content_type="text/plain").status_code == 415
    response = client.put(path, data="{not json", content_type="application/json")
    assert response.status_code == 400 and response.get_json()["error"] == "invalid_json"
    response = client.put(path, json=["R1"])
    assert response.status_code == 422 and "body" in response.get_json()["errors"]
    response = client.put(path, json={"prescreen": {"R1": "maybe", "R99": "yes"}, "submit": "yes", "extra": 1,
                                      "ratings": {"nope": {"rating": "+"}, "energy": {"rating": "+++"}},
                                      "questions": {"X1": 5}})
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {
        "prescreen.R1", "prescreen.R99", "submit", "extra", "ratings.nope", "ratings.energy", "questions.X1",
    }


def test_forged_and_expired_links(app, client, screened_item):
    item_id, path = screened_item()
    response = client.get(path[:-3] + "xyz", headers=JSON)
    assert response.status_code == 404 and response.get_json()["error"] == "not_found"
    with app.app_context():
        public_id = db.session.get(AgendaItem, item_id).public_id
        old = make_token("checklist", public_id, datetime.now(UTC) - timedelta(days=1))
    response = client.put(f"/checklist/{old}", json=good_answers(), headers={"Accept-Language": "sv"})
    assert response.status_code == 410
    assert response.get_json()["message"].startswith("Länken till den här checklistan gällde till och med")
    assert client.get(f"/checklist/{public_id}", headers=JSON).status_code == 404  # the bare id opens nothing


def test_material_change_marks_for_review_and_withholds_badges(app, client, enqueued, screened_item):
    item_id, path = screened_item()
    assert client.put(path, json=good_answers()).status_code == 200
    with app.app_context():
        item = db.session.get(AgendaItem, item_id)
        # an unchanged item is not screened again: same revision, identical block
        before = build_climate_block(item, item.current_assessment, "http://plugin.test")
        assert assessments.assess(item).revision == 2
        assert build_climate_block(item, item.current_assessment, "http://plugin.test") == before
        # the host sends new text
        item.body += " Lisäksi pihaan rakennetaan pysäköintitalo."
        item.content_hash = content_hash(item.title, item.body, "fi")
        review = assessments.assess(item)
        db.session.commit()
        assert review.revision == 3 and review.source == "screening"
        assert review.state == "submitted" and review.needs_review is True
        assert review.answers["ratings"]["energy"]["rating"] == "+"  # the preparer's answers carried forward
        assert "climate_assessed" not in [b.code for b in item_badges(item, review)]
        block = build_climate_block(item, review, "http://plugin.test")
        assert "valmistelija tarkistaa arvion" in block["impact_section"]["text"]
    data = client.get(path, headers=JSON).get_json()  # the old link still opens the item
    assert data["needs_review"] is True and data["answers"]["ratings"]["energy"]["rating"] == "+"
    # the preparer confirms: a new revision, no longer under review, badges back
    confirmed = client.put(path, json=good_answers(revision=3)).get_json()
    assert confirmed["revision"] == 4 and confirmed["needs_review"] is False
    assert "climate_assessed" in [b["code"] for b in confirmed["badges"]]


def test_stale_revision_after_a_text_change_is_a_conflict(app, client, screened_item):
    item_id, path = screened_item()
    with app.app_context():
        item = db.session.get(AgendaItem, item_id)
        item.body = "Aivan uusi teksti energiasta ja sähköstä."
        item.content_hash = content_hash(item.title, item.body, "fi")
        assessments.assess(item)
        db.session.commit()
    response = client.put(path, json=good_answers(revision=1))
    assert response.status_code == 409 and response.get_json()["error"] == "conflict"
