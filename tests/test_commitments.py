"""Commitments: Sitoumus2050 validation, recording through the checklist link (form and JSON), listing."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from climate_plugin.commitments.service import (
    block_commitments,
    commitment_facts,
    parse_date,
    validate_commitment,
)
from climate_plugin.db import db
from climate_plugin.models import AgendaItem, Commitment
from climate_plugin.web.signed_links import make_token
from tests.factories import CommitmentFormFactory, RestItemFactory

TODAY = date(2026, 11, 29)


def checklist_token(item: AgendaItem, expires: datetime | None = None) -> str:
    return make_token("checklist", item.public_id, expires or datetime.now(UTC) + timedelta(days=30))


# --- validation -------------------------------------------------------------------------------------------
def test_a_concrete_commitment_passes():
    assert validate_commitment(CommitmentFormFactory(due_date="2027-06-30"), "fi", today=TODAY) == {}


@pytest.mark.parametrize("field", ["what", "target", "indicator", "due_date", "owner"])
def test_each_required_field_is_named_in_each_language(field):
    messages = {
        lang: validate_commitment(CommitmentFormFactory(**{field: "  "}), lang, today=TODAY)
        for lang in ("fi", "sv", "en")
    }
    assert all(set(m) == {field} for m in messages.values())
    assert len({m[field] for m in messages.values()}) == 3  # three different languages, not one fallback


@pytest.mark.parametrize(
    ("lang", "what", "target", "word"),
    [
        ("fi", "Edistetään kestävää liikkumista.", "Kestävä liikkuminen lisääntyy", "edistetään"),
        ("fi", "Koulun energiankäyttö.", "Energiatehokkuutta pyritään parantamaan", "pyritään"),
        ("sv", "Vi ska främja cykling.", "Mer cykling i kommunen", "främja"),
        ("en", "We will promote cycling.", "More people cycle", "promote"),
        ("en", "Emissions.", "We strive for lower emissions", "strive"),
    ],
)
def test_vague_wording_without_an_amount_is_refused_with_how_to_fix_it(lang, what, target, word):
    errors = validate_commitment(CommitmentFormFactory(what=what, target=target), lang, today=TODAY)
    assert set(errors) == {"target"}
    assert f"”{word}”" in errors["target"] or f"“{word}”" in errors["target"]
    assert "Sitoumus2050" in errors["target"]
    assert re.search(r"\d", errors["target"])  # the message shows a measurable example


def test_vague_verb_with_a_measurable_target_is_accepted():
    data = CommitmentFormFactory(
        what="Edistetään pyöräilyä rakentamalla pyörätiet.", target="Pyöräilyn kulkutapaosuus 15 %"
    )
    assert validate_commitment(data, "fi", today=TODAY) == {}
    data = CommitmentFormFactory(what="We will promote cycling.", target="Cycling share of all trips to half")
    assert validate_commitment(data, "en", today=TODAY) == {}


@pytest.mark.parametrize(
    ("due", "message_part"),
    [
        ("2026-11-29", "tulevaisuudessa"),
        ("2020-01-01", "tulevaisuudessa"),
        ("31.2.2027", "31.12.2027"),
        ("tomorrow", "31.12.2027"),
        ("2070-01-01", "30 vuoden"),
    ],
)
def test_due_date_must_be_a_real_future_date(due, message_part):
    errors = validate_commitment(CommitmentFormFactory(due_date=due), "fi", today=TODAY)
    assert set(errors) == {"due_date"}
    assert message_part in errors["due_date"]


def test_dates_in_finnish_and_iso_form():
    assert parse_date("12.3.2027") == date(2027, 3, 12)
    assert parse_date("2027-03-12") == date(2027, 3, 12)
    assert parse_date("2027-3-12") is None
    assert parse_date(20270312) is None


def test_optional_fields_are_checked_when_given():
    errors = validate_commitment(CommitmentFormFactory(owner_email="not an address"), "en", today=TODAY)
    assert set(errors) == {"owner_email"}
    optional_left_out = CommitmentFormFactory(owner_email="", challenged_committee="")
    assert validate_commitment(optional_left_out, "en", today=TODAY) == {}
    errors = validate_commitment(CommitmentFormFactory(owner=["a list"], target="x" * 501), "en", today=TODAY)
    assert set(errors) == {"owner", "target"}


# --- the JSON API ---------------------------------------------------------------------------------------
def test_json_commitment_is_stored_listed_and_shown_to_the_host(app, client):
    with app.app_context():
        item = RestItemFactory()
        token = checklist_token(item)
    response = client.post(f"/checklist/{token}/commitments", json=CommitmentFormFactory())
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "open" and body["status_label"] == "avoin"
    assert body["challenged_committee"] == "Sivistyslautakunta"
    assert "owner_email" not in body  # the listing is readable by anyone with the link

    listing = client.get(f"/checklist/{token}/commitments", headers={"Accept": "application/json"})
    assert listing.status_code == 200
    assert [c["id"] for c in listing.get_json()["commitments"]] == [body["id"]]
    with app.app_context():
        stored = db.session.get(Commitment, body["id"])
        assert stored.owner_email == "anna.virtanen@hollola.fi"
        assert stored.municipality_id == stored.item.connector.municipality_id
        assert commitment_facts(stored.item_id) == {"made": True, "kept": False}
        [entry] = block_commitments(stored.item, "fi")
        assert entry["status"] == "open" and entry["reminder_sent"] is False
        assert "Sivistyslautakunta" in entry["text"] and "Määräaika:" in entry["text"]
        assert "owner_email" not in entry


def test_json_errors_per_field_in_the_readers_language(app, client):
    with app.app_context():
        item = RestItemFactory()
        token = checklist_token(item)
    response = client.post(
        f"/checklist/{token}/commitments?lang=sv",
        json=CommitmentFormFactory(what="Vi ska främja cykling.", target="Mer cykling", owner=""),
    )
    assert response.status_code == 422
    body = response.get_json()
    assert set(body["fields"]) == {"target", "owner"}
    assert "främja" in body["fields"]["target"] and "Åtagandet" in body["fields"]["target"]
    with app.app_context():
        assert db.session.query(Commitment).count() == 0


@pytest.mark.parametrize("payload", [[1, 2], "text", None])
def test_json_that_is_not_an_object_is_a_clear_400(app, client, payload):
    with app.app_context():
        token = checklist_token(RestItemFactory())
    response = client.post(
        f"/checklist/{token}/commitments",
        data=__import__("json").dumps(payload),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.get_json()["error"]


def test_unknown_forged_and_expired_links(app, client):
    with app.app_context():
        item = RestItemFactory()
        expired = checklist_token(item, datetime.now(UTC) - timedelta(days=1))
        other_purpose = make_token("meeting", item.public_id, datetime.now(UTC) + timedelta(days=1))
    assert client.get(f"/checklist/{expired}/commitments").status_code == 410
    assert client.post(f"/checklist/{expired}/commitments", json=CommitmentFormFactory()).status_code == 410
    assert client.get(f"/checklist/{other_purpose}/commitments").status_code == 404
    assert client.get("/checklist/forged.token/commitments").status_code == 404


def test_deleted_item_has_no_commitment_page(app, client):
    with app.app_context():
        item = RestItemFactory()
        item.deleted_at = datetime.now(UTC)
        db.session.commit()
        token = checklist_token(item)
    assert client.post(f"/checklist/{token}/commitments", json=CommitmentFormFactory()).status_code == 404


# --- the HTML form ------------------------------------------------------------------------------------------
def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_form_without_javascript_shows_errors_next_to_fields_then_saves(app, client):
    with app.app_context():
        item = RestItemFactory(title="<script>alert(1)</script> Koulu")
        token = checklist_token(item)
    page = client.get(f"/checklist/{token}/commitments")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert '<label for="what">' in html and 'lang="fi"' in html
    token_value = _csrf(html)

    vague = CommitmentFormFactory(
        what="Edistetään kestävää lämmitystä.", target="Parempi lämmitys", csrf_token=token_value
    )
    response = client.post(f"/checklist/{token}/commitments", data=vague)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="target-error"' in html and 'aria-invalid="true"' in html
    assert "edistetään" in html
    assert 'value="Parempi lämmitys"' in html  # what was typed is kept

    response = client.post(
        f"/checklist/{token}/commitments", data=CommitmentFormFactory(csrf_token=token_value)
    )
    assert response.status_code == 303
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Sitoumus tallennettiin." in html
    assert "Koulun öljylämmitys korvataan maalämmöllä." in html
    assert "anna.virtanen@hollola.fi" not in html


def test_form_post_needs_the_form_token(app, client):
    with app.app_context():
        token = checklist_token(RestItemFactory())
    response = client.post(f"/checklist/{token}/commitments", data=CommitmentFormFactory())
    assert response.status_code == 400
    response = client.post(f"/checklist/{token}/commitments", data=CommitmentFormFactory(csrf_token="forged"))
    assert response.status_code == 400
    response = client.post(f"/checklist/{token}/commitments", data="x", content_type="text/plain")
    assert response.status_code == 415
    with app.app_context():
        assert db.session.query(Commitment).count() == 0


def test_form_token_of_one_item_does_not_open_another(app, client):
    with app.app_context():
        first, second = RestItemFactory(), RestItemFactory(title="Toinen asia")
        token_one, token_two = checklist_token(first), checklist_token(second)
    csrf_one = _csrf(client.get(f"/checklist/{token_one}/commitments").get_data(as_text=True))
    response = client.post(
        f"/checklist/{token_two}/commitments", data=CommitmentFormFactory(csrf_token=csrf_one)
    )
    assert response.status_code == 400


def test_page_language_switch(app, client):
    with app.app_context():
        token = checklist_token(RestItemFactory())
    html = client.get(f"/checklist/{token}/commitments?lang=sv").get_data(as_text=True)
    assert '<html lang="sv">' in html and "Klimatåtaganden" in html
    assert 'hreflang="en"' in html and 'hreflang="fi"' in html
