"""Dates and times as people read them: the municipality's time zone (validated, settable through the
service's faces) and the language's format, from one home (climate_plugin.dates)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from climate_plugin.dates import (
    DEFAULT_TIME_ZONE,
    format_date,
    format_datetime,
    is_time_zone,
    local_day,
    local_day_start,
    zone,
)
from climate_plugin.db import db
from climate_plugin.models import Municipality
from tests.factories import MunicipalityFactory
from tests.support.admin import towns as towns  # noqa: F401 - a fixture for the admin test
from tests.support.cli import assert_clean_failure, invoke

LATE = datetime(2026, 12, 6, 22, 30, tzinfo=UTC)  # 00:30 on the 7th in Helsinki


@pytest.mark.parametrize(
    ("lang", "day", "moment"),
    [("fi", "7.12.2026", "7.12.2026 klo 0.30"), ("sv", "7.12.2026", "7.12.2026 kl. 0.30"),
     ("en", "7 Dec 2026", "7 Dec 2026, 00:30")],
)
def test_formats_follow_the_language_and_the_zone(lang, day, moment):
    assert format_date(LATE, lang) == day and format_datetime(LATE, lang) == moment
    assert format_date(LATE, lang, zone("UTC")) != day  # still the 6th in UTC
    assert format_date(None, lang) == ""


def test_dates_without_a_time_are_not_shifted_and_days_start_at_local_midnight():
    assert format_date(date(2027, 3, 12), "fi") == "12.3.2027"
    assert local_day(LATE) == date(2026, 12, 7) and local_day(LATE, zone("UTC")) == date(2026, 12, 6)
    assert local_day_start(date(2026, 12, 7)) == datetime(2026, 12, 6, 22, 0, tzinfo=UTC)
    assert local_day(datetime(2026, 12, 6, 22, 30)) == date(2026, 12, 7)  # naive = stored UTC


def test_only_iana_names_are_time_zones():
    assert is_time_zone("Europe/Helsinki") and is_time_zone("Europe/Stockholm") and is_time_zone("UTC")
    for bad in ("Mars/Olympus", "", None, 3, "../../etc/passwd", "/etc/localtime", "x" * 100):
        assert not is_time_zone(bad), bad
    assert zone("Mars/Olympus") == zone(DEFAULT_TIME_ZONE)


def test_cli_sets_and_refuses_a_time_zone(app, runner):
    with app.app_context():
        MunicipalityFactory(slug="sipoo")
        db.session.commit()
    ok = invoke(runner, "municipality", "set", "--slug", "sipoo", "--time-zone", "Europe/Stockholm")
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.stdout)["time_zone"] == "Europe/Stockholm"
    bad = invoke(runner, "municipality", "set", "--slug", "sipoo", "--time-zone", "Europe/Sipoo")
    assert_clean_failure(bad, "--time-zone", "IANA")
    with app.app_context():
        assert db.session.query(Municipality).filter_by(slug="sipoo").one().time_zone == "Europe/Stockholm"


def test_api_shows_sets_and_refuses_a_time_zone(app, client, auth):
    with app.app_context():
        town = MunicipalityFactory(slug="porvoo")
        db.session.commit()
        town_id = town.id
    headers = {"Authorization": f"Bearer {auth.token('platform_admin', slug=None)}"}
    got = client.get(f"/api/v1/municipalities/{town_id}", headers=headers).get_json()
    assert got["time_zone"] == DEFAULT_TIME_ZONE
    path = f"/api/v1/municipalities/{town_id}"
    bad = client.patch(path, json={"time_zone": "Nowhere/Land"}, headers=headers)
    assert bad.status_code == 422 and "time_zone" in json.dumps(bad.get_json())
    ok = client.patch(path, json={"time_zone": "UTC"}, headers=headers)
    assert ok.status_code == 200 and ok.get_json()["time_zone"] == "UTC"


def test_pages_and_the_reach_figures_use_the_municipalitys_zone(app, client, screened_item):
    """The checklist page's "screened on" and the reach picture's day of screening follow the zone."""
    from climate_plugin.models import AgendaItem
    from climate_plugin.reach.service import Filters, item_facts

    item_id, path = screened_item()
    with app.app_context():
        item = db.session.get(AgendaItem, item_id)
        item.current_assessment.created_at = LATE
        town = item.connector.municipality
        db.session.commit()
    assert "Esiarvioitu 7.12.2026" in client.get(path).get_data(as_text=True)
    with app.app_context():
        town = db.session.merge(town)
        week = Filters(date(2026, 12, 7), date(2026, 12, 13), "body", None)
        assert [f.id for f in item_facts(town, week, date(2026, 12, 14))] == [item_id]
        town.time_zone = "UTC"
        db.session.commit()
        assert item_facts(town, week, date(2026, 12, 14)) == []  # the 6th, outside the week in UTC
    assert "Esiarvioitu 6.12.2026" in client.get(path).get_data(as_text=True)


def test_admin_settings_set_the_time_zone_through_the_service(client, app, towns, auth):
    from climate_plugin.models import AuditEntry
    from climate_plugin.models.municipality import GAME_ELEMENTS
    from tests.support.admin import page

    hollola, _ = towns
    auth.login_as(hollola.users["municipality_admin"])
    html, token = page(client, "/admin/m/hollola/settings?lang=sv")
    assert 'name="time_zone" value="Europe/Helsinki"' in html and "Tidszon" in html
    url = "/admin/m/hollola/settings?lang=sv"
    form = {"csrf_token": token, "language": "fi", "game": list(GAME_ELEMENTS), "sensitivity": "recall"}
    bad = client.post(url, data={**form, "time_zone": "Mars/Base"})
    assert bad.status_code == 422 and "är ingen tidszon" in bad.get_data(as_text=True)
    assert 'value="Mars/Base"' in bad.get_data(as_text=True)  # what was typed stays in the field
    ok = client.post(url, data={**form, "time_zone": "Europe/Oslo"})
    assert ok.status_code == 303
    assert 'value="Europe/Oslo"' in client.get(ok.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Municipality).filter_by(slug="hollola").one().time_zone == "Europe/Oslo"
        audited = db.session.query(AuditEntry).filter_by(action="municipality.update").all()
        assert any("Europe/Oslo" in json.dumps(e.details) for e in audited)
    auth.login_as(hollola.users["viewer"])
    refused = client.post(url, data={**form, "time_zone": "UTC"})
    assert refused.status_code == 403
