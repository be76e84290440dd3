"""The climate coordinator: the signed link, the escalation queue, the daily sample, reviews, commitments."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from climate_plugin.checklist import DEFAULT_CHECKLIST, escalation_reasons
from climate_plugin.cli import main
from climate_plugin.commitments.service import commitment_facts, record_commitment
from climate_plugin.db import db
from climate_plugin.models import Assessment, Commitment, Review
from climate_plugin.reviews.service import PURPOSE, escalated_queue, review_sample
from climate_plugin.web.signed_links import make_token
from tests.factories import AssessmentFactory, CommitmentFormFactory, MunicipalityFactory, RestItemFactory

JUSTIFIED = "Lämmitys vaihtuu öljystä maalämpöön, mikä vähentää päästöjä selvästi."


def submit(item, ratings: dict[str, str], questions: dict[str, str] | None = None) -> Assessment:
    """A preparer's submitted revision, stored the way the form stores it."""
    stored = {
        code: {"rating": r, "justification": "" if r == "0" else JUSTIFIED} for code, r in ratings.items()
    }
    return AssessmentFactory(
        item=item,
        submitted=True,
        categories=list(ratings),
        answers={"checklist_version": "default-1", "ratings": stored, "questions": questions or {}},
        escalation=escalation_reasons(DEFAULT_CHECKLIST, stored),
    )


def link(app, slug: str = "hollola", expires: datetime | None = None) -> str:
    with app.app_context():
        return "/coordinator/" + make_token(PURPOSE, slug, expires or datetime.now(UTC) + timedelta(days=5))


@pytest.fixture
def items(app):
    """Hollola: one escalated item (−− energy), four ordinary ones; Orimattila: one escalated."""
    with app.app_context():
        escalated = RestItemFactory(title="Biokaasulaitoksen <b>lupa</b>")
        submit(escalated, {"energy": "--", "transport": "+"})
        ordinary = []
        for n in range(4):
            item = RestItemFactory(title=f"Tavallinen asia {n}")
            ordinary.append(submit(item, {"energy": "+"}, {"X1": "Vaihtoehtona tutkittiin kaukolämpö."}).id)
        other = RestItemFactory(title="Orimattilan asia", connector__municipality__slug="orimattila")
        foreign = submit(other, {"energy": "--"})
        draft_only = RestItemFactory(title="Vain esiarvioitu")  # screening revision only: nothing to review
        return {
            "escalated": escalated.current_assessment.id,
            "ordinary": ordinary,
            "foreign": foreign.id,
            "draft_only": draft_only.id,
        }


# --- queue and sample -----------------------------------------------------------------------------------
def test_queue_holds_escalated_submissions_of_this_municipality_only(app, items):
    with app.app_context():
        hollola = MunicipalityFactory()
        queue = escalated_queue(hollola)
        assert [(a.id, reasons) for a, reasons in queue] == [(items["escalated"], ["strongly_negative"])]
        orimattila = MunicipalityFactory(slug="orimattila")
        assert [a.id for a, _ in escalated_queue(orimattila)] == [items["foreign"]]


def test_a_revision_replaces_the_older_one_in_the_queue(app, items):
    with app.app_context():
        hollola = MunicipalityFactory()
        item = db.session.get(Assessment, items["escalated"]).item
        revised = submit(item, {"energy": "-", "transport": "+"})
        assert escalated_queue(hollola) == []  # one "−" escalates nothing
        again = submit(item, {"energy": "-", "transport": "-"})
        assert [(a.id, r) for a, r in escalated_queue(hollola)] == [(again.id, ["negative_count"])]
        assert revised.id != again.id


def test_sample_is_the_same_all_day_and_excludes_escalated_ones(app, items):
    day = date(2027, 3, 1)
    with app.app_context():
        hollola = MunicipalityFactory()
        first = [a.id for a, _ in review_sample(hollola, day, 2)]
        assert len(first) == 2 and set(first) <= set(items["ordinary"])
        assert [a.id for a, _ in review_sample(hollola, day, 2)] == first
        everything = [a.id for a, _ in review_sample(hollola, day, 10)]
        assert sorted(everything) == sorted(items["ordinary"])
        assert review_sample(hollola, day, 0) == []
        # Other days draw differently (one of several days differs from the first: not a fixed order).
        others = {
            tuple(a.id for a, _ in review_sample(hollola, day + timedelta(days=n), 2)) for n in range(1, 8)
        }
        assert others - {tuple(first)}


def test_reviewed_today_stays_marked_and_reviewed_before_is_not_drawn_again(app, items):
    day = date(2027, 3, 1)
    with app.app_context():
        hollola = MunicipalityFactory()
        first = [a.id for a, _ in review_sample(hollola, day, 2)]
        today = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
        db.session.add(
            Review(
                assessment_id=first[0],
                municipality_id=hollola.id,
                outcome="ok",
                reason="sample",
                note="",
                reviewer="Koordinaattori",
                created_at=today,
            )
        )
        db.session.commit()
        same_day = review_sample(hollola, day, 2)
        assert [a.id for a, _ in same_day] == first
        assert same_day[0][1] is not None and same_day[1][1] is None
        next_day = [a.id for a, _ in review_sample(hollola, day + timedelta(days=1), 10)]
        assert first[0] not in next_day and len(next_day) == 3


# --- pages and JSON -------------------------------------------------------------------------------------
def test_overview_json_and_html(app, client, items):
    response = client.get(link(app), headers={"Accept": "application/json", "Accept-Language": "en"})
    assert response.status_code == 200
    body = response.get_json()
    [entry] = body["queue"]
    assert entry["assessment_id"] == items["escalated"] and entry["escalation"] == ["strongly_negative"]
    assert entry["reasons"] == ["A category is rated strongly negative (−−)."]
    assert {s["assessment_id"] for s in body["sample"]} <= set(items["ordinary"])
    assert items["foreign"] not in {s["assessment_id"] for s in body["sample"] + body["queue"]}

    page = client.get(link(app))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<html lang="fi">' in html and "Ilmastokoordinaattorin työjono" in html
    assert "Biokaasulaitoksen &lt;b&gt;lupa&lt;/b&gt;" in html and "<b>lupa</b>" not in html
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["Cache-Control"] == "no-store"
    assert "<script" not in html
    sv = client.get(link(app) + "?lang=sv").get_data(as_text=True)
    assert "Klimatkoordinatorns arbetskö" in sv


def test_links_expire_and_cannot_be_forged_or_reused_elsewhere(app, client, items):
    assert client.get(link(app, expires=datetime.now(UTC) - timedelta(hours=1))).status_code == 410
    assert client.get("/coordinator/forged").status_code == 404
    assert client.get(link(app, "nowhere")).status_code == 404
    with app.app_context():
        checklist_token = make_token("checklist", "hollola", datetime.now(UTC) + timedelta(days=1))
    assert client.get(f"/coordinator/{checklist_token}").status_code == 404
    # Hollola's link does not open Orimattila's assessment.
    assert client.get(f"{link(app)}/assessments/{items['foreign']}").status_code == 404
    assert client.get(f"{link(app, 'orimattila')}/assessments/{items['foreign']}").status_code == 200


def test_review_json_stores_outcome_and_clears_the_queue(app, client, items):
    url = f"{link(app)}/assessments/{items['escalated']}/reviews"
    response = client.post(url, json={"outcome": "needs_changes", "reviewer": ""})
    assert response.status_code == 422
    assert set(response.get_json()["fields"]) == {"note", "reviewer"}
    assert client.post(url, json={"outcome": "great", "reviewer": "K"}).get_json()["fields"].keys() == {
        "outcome"
    }

    response = client.post(
        url, json={"outcome": "in_depth", "note": "Laskekaa päästöt.", "reviewer": "Kaisa K."}
    )
    assert response.status_code == 201
    assert response.get_json()["reason"] == "escalated"
    with app.app_context():
        hollola = MunicipalityFactory()
        assert escalated_queue(hollola) == []
        [review] = db.session.query(Review).all()
        assert (review.outcome, review.reviewer, review.note) == ("in_depth", "Kaisa K.", "Laskekaa päästöt.")
    detail = client.get(
        f"{link(app)}/assessments/{items['escalated']}", headers={"Accept": "application/json"}
    )
    assert [r["outcome"] for r in detail.get_json()["reviews"]] == ["in_depth"]


def test_review_form_needs_its_token_and_shows_errors_next_to_fields(app, client, items):
    page_url = f"{link(app)}/assessments/{items['escalated']}"
    html = client.get(page_url).get_data(as_text=True)
    assert JUSTIFIED in html
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    url = f"{page_url}/reviews"
    assert client.post(url, data={"outcome": "ok", "reviewer": "K"}).status_code == 400
    response = client.post(url, data={"csrf_token": token, "outcome": "needs_changes", "reviewer": "K"})
    assert response.status_code == 422
    assert 'id="note-error"' in response.get_data(as_text=True)
    response = client.post(url, data={"csrf_token": token, "outcome": "ok", "reviewer": "Kaisa"})
    assert response.status_code == 303
    assert "Arvio tallennettiin." in client.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Review).count() == 1


def test_coordinator_marks_commitments_kept_with_a_result(app, client, items):
    with app.app_context():
        item = db.session.get(Assessment, items["escalated"]).item
        row, errors = record_commitment(item, CommitmentFormFactory(), "fi")
        db.session.commit()
        commitment_id = row.id
        assert commitment_facts(item.id) == {"made": True, "kept": False}
    url = f"{link(app)}/commitments/{commitment_id}"
    response = client.post(url, json={"status": "kept", "result_note": "", "reviewer": "Kaisa"})
    assert response.status_code == 422 and set(response.get_json()["fields"]) == {"result_note"}
    assert client.post(url, json={"status": "open", "result_note": "x", "reviewer": "K"}).status_code == 422
    response = client.post(
        url, json={"status": "kept", "result_note": "Öljyä ei kulunut 2027.", "reviewer": "Kaisa"}
    )
    assert response.status_code == 200 and response.get_json()["status"] == "kept"
    with app.app_context():
        stored = db.session.get(Commitment, commitment_id)
        assert (stored.status, stored.closed_by) == ("kept", "Kaisa")
        assert commitment_facts(stored.item_id) == {"made": True, "kept": True}
    assert client.post(f"{link(app, 'orimattila')}/commitments/{commitment_id}", json={}).status_code == 404
    html = client.get(link(app)).get_data(as_text=True)
    assert "Öljyä ei kulunut 2027." in html and "toteutunut" in html


def test_commitment_form_on_the_overview(app, client, items):
    with app.app_context():
        item = db.session.get(Assessment, items["escalated"]).item
        row, _ = record_commitment(item, CommitmentFormFactory(), "fi")
        db.session.commit()
        commitment_id = row.id
    html = client.get(link(app)).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    url = f"{link(app)}/commitments/{commitment_id}"
    response = client.post(url, data={"csrf_token": token, "status": "not_kept", "reviewer": "K"})
    assert response.status_code == 422
    assert f'id="result_note-{commitment_id}-error"' in response.get_data(as_text=True)
    response = client.post(
        url,
        data={"csrf_token": token, "status": "not_kept", "result_note": "Hanke siirtyi.", "reviewer": "K"},
    )
    assert response.status_code == 303


# --- CLI --------------------------------------------------------------------------------------------------
def test_link_command_prints_a_working_link(app, client, runner, items):
    result = runner.invoke(main, args=["coordinator", "link", "--municipality", "hollola", "--days", "3"])
    assert result.exit_code == 0, result.output
    url = result.output.strip()
    assert url.startswith("http://plugin.test/coordinator/")
    assert client.get(url.removeprefix("http://plugin.test")).status_code == 200
    result = runner.invoke(main, args=["coordinator", "link", "--municipality", "nowhere"])
    assert result.exit_code != 0 and "no municipality" in result.output


def test_commitments_list_command(app, runner, items):
    with app.app_context():
        item = db.session.get(Assessment, items["escalated"]).item
        record_commitment(item, CommitmentFormFactory(), "fi")
        db.session.commit()
    result = runner.invoke(
        main, args=["commitments", "list", "--municipality", "hollola", "--status", "open"]
    )
    assert result.exit_code == 0, result.output
    assert '"challenged_committee": "Sivistyslautakunta"' in result.output
    result = runner.invoke(main, args=["commitments", "list", "--municipality", "orimattila"])
    assert result.output.strip() == "[]"
