"""X5 follow-ups: made from the preparer's answer, moved by a new answer, recorded by the coordinator
(closing the item's commitments, and so their badge), reminded once, reached only through the municipality's
link."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from climate_plugin.assessments.service import submit_assessment
from climate_plugin.badges.item import item_badges
from climate_plugin.db import db
from climate_plugin.followups.service import follow_up_date, record_result, send_follow_up_reminders
from climate_plugin.mail import read_outbox
from climate_plugin.models import Commitment, FollowUp
from climate_plugin.reviews.service import coordinator_url
from tests.factories import AssessedItemFactory, CommitmentFactory, MunicipalityFactory, UserFactory

TODAY = date(2026, 12, 7)


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("Lämmitysenergia MWh/v, seuranta 2028", date(2028, 12, 31)),
        ("Energiankulutus, tarkistetaan 31.3.2027", date(2027, 3, 31)),
        ("kWh, 2027-06-30", date(2027, 6, 30)),
        ("Pyöräilyn osuus, 9/2027", date(2027, 9, 30)),
        ("Pyöräilyn kulkutapaosuus", None),
        ("31.2.2027", None),
        ("vuonna 2099", None),  # past the 30-year horizon
        (None, None),
    ],
)
def test_the_date_an_x5_answer_names(text, due):
    assert follow_up_date(text, TODAY) == due


def _submit(item, x5):
    answers = {"ratings": {"energy": {"rating": "+", "justification": "Maalämpö."}}, "questions": {"X5": x5}}
    submitted = submit_assessment(item, answers, "Pia")
    db.session.commit()
    return submitted


def test_a_submit_makes_moves_and_removes_the_follow_up(app):
    with app.app_context():
        item = AssessedItemFactory()
        _submit(item, "Lämmitysenergia MWh/v, seuranta 2028")
        follow_up = db.session.query(FollowUp).one()
        assert (follow_up.due_date, follow_up.status) == (date(2028, 12, 31), "open")
        assert follow_up.indicator == "Lämmitysenergia MWh/v, seuranta 2028"
        _submit(item, "Lämmitysenergia MWh/v, 31.3.2029")
        assert db.session.query(FollowUp).one().due_date == date(2029, 3, 31)
        _submit(item, "Lämmitysenergia MWh/v")
        assert db.session.query(FollowUp).count() == 0


def test_a_met_result_closes_the_items_commitments_and_earns_the_badge(app):
    with app.app_context():
        item = AssessedItemFactory()
        _submit(item, "MWh/v, seuranta 2027")
        commitment = CommitmentFactory(item=item, status="open")
        follow_up = db.session.query(FollowUp).one()
        assert "commitment_kept" not in {b.code for b in item_badges(item, item.current_assessment)}
        errors = record_result(follow_up, {"status": "met", "result_note": "", "reviewer": ""}, "en")
        assert set(errors) == {"result_note", "reviewer"}
        db.session.rollback()
        assert (
            record_result(
                follow_up, {"status": "met", "result_note": "−31 % (2027)", "reviewer": "Liisa"}, "fi"
            )
            == {}
        )
        db.session.commit()
        commitment = db.session.get(Commitment, commitment.id)
        assert commitment.status == "kept" and commitment.result_note == "Seurannan tulos: −31 % (2027)"
        assert "commitment_kept" in {b.code for b in item_badges(item, item.current_assessment)}
        again = record_result(follow_up, {"status": "not_met", "result_note": "x", "reviewer": "L"}, "en")
        assert "status" in again  # recorded once; never changed


def test_the_coordinators_page_records_a_result_through_the_link(app, client):
    with app.app_context():
        item = AssessedItemFactory()
        _submit(item, "MWh/v, seuranta 2027")
        follow_up_id = db.session.query(FollowUp).one().id
        link = coordinator_url(item.connector.municipality, "http://x").removeprefix("http://x")
        other = coordinator_url(MunicipalityFactory(slug="lahti"), "http://x").removeprefix("http://x")
    page = client.get(f"{link}/follow-ups?lang=en")
    assert page.status_code == 200 and "MWh/v, seuranta 2027" in page.get_data(as_text=True)
    assert client.post(f"{other}/follow-ups/{follow_up_id}", json={"status": "met"}).status_code == 404
    refused = client.post(f"{link}/follow-ups/{follow_up_id}", data={"status": "met"})
    assert refused.status_code == 400  # a form without its token
    answer = client.post(
        f"{link}/follow-ups/{follow_up_id}",
        json={"status": "unclear", "result_note": "Ei mittaridataa.", "reviewer": "Liisa"},
    )
    assert answer.status_code == 200 and answer.get_json()["status"] == "unclear"
    listing = client.get(f"{link}/follow-ups", headers={"Accept": "application/json"}).get_json()
    assert listing["open"] == [] and listing["recorded"][0]["result_note"] == "Ei mittaridataa."


def test_the_coordinator_is_reminded_once_before_it_is_due(app, tmp_path):
    app.instance_path = str(tmp_path / "instance")  # the tests' mail stays out of the developer's outbox
    with app.app_context():
        municipality = MunicipalityFactory()
        UserFactory(municipality=municipality, role="coordinator", email="liisa@hollola.fi")
        item = AssessedItemFactory(connector__municipality=municipality)
        soon = date.today() + timedelta(days=5)
        _submit(item, f"MWh/v, {soon.day}.{soon.month}.{soon.year}")
        first = send_follow_up_reminders()
        assert first.mailed == ["liisa@hollola.fi"] and len(first.reminded) == 1
        assert send_follow_up_reminders().reminded == []
        outbox = read_outbox()
    assert len(outbox) == 1 and "MWh/v" in outbox[0].text and outbox[0].to == "liisa@hollola.fi"


def test_follow_ups_are_due_and_overdue_by_the_municipalitys_calendar(app, tmp_path):
    from datetime import UTC, datetime

    from climate_plugin.followups.service import follow_up_json

    app.instance_path = str(tmp_path / "instance")
    # 23:30 UTC on 1 March: 2 March in Helsinki, still 1 March in New York
    now = datetime(2027, 3, 1, 23, 30, tzinfo=UTC)
    with app.app_context():
        rows = {}
        for slug, zone in [("hollola", "Europe/Helsinki"), ("newyork", "America/New_York")]:
            town = MunicipalityFactory(slug=slug, time_zone=zone)
            UserFactory(municipality=town, role="coordinator", email=f"liisa@{slug}.fi")
            item = AssessedItemFactory(connector__municipality=town, external_id=f"{slug}-1")
            _submit(item, "MWh/v, 16.3.2027")
            rows[slug] = db.session.query(FollowUp).filter_by(municipality_id=town.id).one()
        assert send_follow_up_reminders(now).reminded == [rows["hollola"].id]
        # "overdue" the day after the due date there
        assert follow_up_json(rows["hollola"], "fi", None)["overdue"] is False
        # due yesterday by New York's own calendar (the server's date, UTC, is a day ahead of it for five
        # hours of every day): overdue there, whenever the test runs
        from zoneinfo import ZoneInfo

        from climate_plugin.dates import local_today

        rows["newyork"].due_date = local_today(ZoneInfo("America/New_York")) - timedelta(days=1)
        assert follow_up_json(rows["newyork"], "fi")["overdue"] is True
        rows["newyork"].due_date = local_today(ZoneInfo("America/New_York"))
        assert follow_up_json(rows["newyork"], "fi")["overdue"] is False
