"""The admin overview says what needs attention, each count linking to the list it counts; the municipality
settings page (language, game elements, framing origins, screening sensitivity with its measured figures)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from climate_plugin.commitments.service import local_today
from climate_plugin.db import db
from climate_plugin.models import AuditEntry, Connector, Municipality, Review
from tests.factories import AssessedItemFactory, SubmittedItemFactory
from tests.support.admin import form_values, page, text


def _count(html: str, key: str) -> tuple[int, str]:
    found = re.search(rf'id="attention-{key}"><a href="([^"]+)"><span class="count">(\d+)</span>', html)
    assert found, key
    return int(found.group(2)), found.group(1).replace("&amp;", "&")


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_the_overview_counts_what_needs_attention_and_links_to_it(app, client, auth, towns, lang):
    hollola, _ = towns
    today = local_today()
    with app.app_context():
        mine = db.session.get(Connector, hollola.connector_id)
        AssessedItemFactory(connector=mine, title="Tuleva", assessment__relevance="high",
                            meeting="Lautakunta 9/2099", meeting_date=today + timedelta(days=7))
        AssessedItemFactory(connector=mine, title="Mennyt", assessment__relevance="high",
                            meeting_date=today - timedelta(days=7))
        waiting = SubmittedItemFactory(connector=mine, assessment__needs_review=True)
        reviewed = SubmittedItemFactory(connector=mine, assessment__needs_review=True)
        db.session.add(Review(assessment_id=reviewed.current_assessment.id,
                              municipality_id=mine.municipality_id,
                              outcome="ok", reason="escalated", reviewer="Kaisa"))
        db.session.commit()
        waiting_id = waiting.id
    auth.login_as(hollola.users["viewer"])
    html = client.get(f"/admin/m/hollola/?lang={lang}").get_data(as_text=True)
    assert text("admin.dashboard.attention.high_open", lang) in html
    expected = {
        "failed_deliveries": 1,  # the towns fixture's failed delivery
        "connector_errors": 1,  # its connector's last error is newer than any success
        "escalated": 1,  # the reviewed one waits no more
        "high_open": 1,  # only the meeting ahead counts
    }
    for key, count in expected.items():
        shown, url = _count(html, key)
        assert shown == count, key
        assert client.get(url).status_code == 200, url
    _, url = _count(html, "escalated")
    assert re.findall(r'<tr id="item-(\d+)"', client.get(url).get_data(as_text=True)) == [str(waiting_id)]
    _, url = _count(html, "high_open")
    listed = client.get(url).get_data(as_text=True)
    assert "Tuleva" in listed and "Mennyt" not in listed


def test_settings_are_shown_and_changed_through_the_service(app, client, auth, towns):
    hollola, _ = towns
    auth.login_as(hollola.users["viewer"])
    viewer = client.get("/admin/m/hollola/settings?lang=en").get_data(as_text=True)
    assert text("admin.settings.sensitivity", "en") in viewer and "disabled" in viewer
    assert "%" in viewer and text("admin.settings.head.fi_text", "en") in viewer  # the measured figures
    assert client.post("/admin/m/hollola/settings", data={"csrf_token": "x"}).status_code == 403

    auth.login_as(hollola.users["municipality_admin"])
    html, _ = page(client, "/admin/m/hollola/settings?lang=fi")
    values = form_values(html, "/settings?")
    assert values["sensitivity"] == "recall" and values["language"] == "fi"
    bad = {**values, "frame_ancestors": "https://ok.example\nhttps://x.example; script-src *"}
    refused = client.post("/admin/m/hollola/settings?lang=fi", data=bad)
    assert refused.status_code == 422
    assert 'id="f-frame-error"' in refused.get_data(as_text=True)

    games = [g for g in values["game"] if g != "progress"]
    good = {**values, "language": "sv", "game": games, "frame_ancestors": "https://dynasty.hollola.fi",
            "sensitivity": "strict"}
    assert client.post("/admin/m/hollola/settings", data=good).status_code == 303
    with app.app_context():
        town = db.session.scalar(select(Municipality).where(Municipality.slug == "hollola"))
        assert town.language == "sv" and town.screening_sensitivity == "strict"
        assert not town.game_enabled("progress") and town.game_enabled("item_badges")
        assert town.frame_ancestors() == ["https://dynasty.hollola.fi"]
        actions = db.session.scalars(select(AuditEntry.action)).all()
        assert "municipality.settings" in actions and "municipality.update" in actions
