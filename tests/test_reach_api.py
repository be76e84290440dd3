"""/api/v1/reach: the contract's counts against stored records made with the factories, its CSV and XLSX,
scoping by token, and the records' exports."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from openpyxl import load_workbook

from climate_plugin.db import db
from climate_plugin.models import Review
from tests.factories import (
    AgendaItemFactory,
    AssessmentFactory,
    CommitmentFactory,
    ConnectorFactory,
    MunicipalityFactory,
)

TECH = "Tekninen lautakunta"
BOARD = "Kaupunginhallitus"
WINDOW = "municipality=hollola&from=2026-03-01&to=2026-04-30"


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def _item(committee, relevance, screened, meeting=None, connector=None, **fields):
    item = AgendaItemFactory(
        committee=committee, meeting_date=meeting, connector=connector or ConnectorFactory(), **fields
    )
    AssessmentFactory(item=item, relevance=relevance, created_at=at(screened))
    return item


def _submit(item, day, by, answers):
    return AssessmentFactory(
        item=item,
        relevance=item.assessments[0].relevance,
        source="preparer",
        state="submitted",
        submitted_by=by,
        submitted_at=at(day),
        created_at=at(day),
        answers=answers,
    )


ZERO = {"ratings": {"energy": {"rating": "0"}}, "questions": {"X1": "Kaukolämpöä verrattiin."}}
OVERRIDDEN = {
    "prescreen": {"R1": {"suggestion": "yes"}, "R2": {"suggestion": "no"}},
    "stage0": {"R1": "no", "R2": "no"},
    "ratings": {"buildings": {"rating": "+", "justification": "Energialuokka A."}},
}


@pytest.fixture
def records(app):
    """Stored records whose counts the tests know (see the expected rows below)."""
    with app.app_context():
        a = _item(TECH, "high", "2026-03-02", meeting=date(2026, 3, 20))
        submitted_a = _submit(a, "2026-03-10", "Pia Preparer", ZERO)  # before its meeting; "no effect"
        CommitmentFactory(item=a, status="kept", owner="Anna Omistaja")
        db.session.add(
            Review(
                assessment_id=submitted_a.id,
                municipality_id=a.connector.municipality_id,
                outcome="needs_changes",
                reason="escalated",
                note="Perustele.",
                reviewer="Kari K",
            )
        )
        b = _item(TECH, "high", "2026-03-05", meeting=date(2026, 3, 20))
        _submit(b, "2026-03-25", "  pia   PREPARER ", OVERRIDDEN)  # the same person; after its meeting
        CommitmentFactory(item=b, status="open", owner="Anna Omistaja")
        _item(BOARD, "minor", "2026-04-03")
        _item(None, "none", "2026-04-10")
        early = _item(TECH, "high", "2026-02-27")  # first screened before the window: not counted
        AssessmentFactory(item=early, relevance="high", created_at=at("2026-03-15"))
        gone = _item(TECH, "high", "2026-03-03")
        gone.deleted_at = at("2026-03-04")
        other = ConnectorFactory(municipality=MunicipalityFactory(slug="orimattila"))
        _item(TECH, "high", "2026-03-03", connector=other)
        # 23:30 UTC on 30 April is 1 May in Finland: outside the window
        late = AgendaItemFactory(committee=BOARD, connector=ConnectorFactory())
        AssessmentFactory(item=late, relevance="none", created_at=datetime(2026, 4, 30, 23, 30, tzinfo=UTC))
        db.session.commit()


def row(
    body,
    period,
    high=0,
    minor=0,
    none=0,
    assessed=0,
    before=0,
    no_effect=0,
    overrides=0,
    made=0,
    kept=0,
    not_kept=0,
    participants=0,
):
    return {
        "body": body,
        "period": period,
        "screened": {"high": high, "minor": minor, "none": none},
        "assessed": assessed,
        "assessed_before_meeting": before,
        "no_effect_on_high": no_effect,
        "overrides": overrides,
        "commitments": {"made": made, "kept": kept, "not_kept": not_kept},
        "participants": participants,
    }


INTERVAL = "2026-03-01/2026-04-30"
TECH_ROW = dict(high=2, assessed=2, before=1, no_effect=1, overrides=1, made=2, kept=1, participants=3)


def test_rows_by_body_agree_with_the_stored_records(records, client, auth):
    answer = client.get(
        f"/api/v1/reach?{WINDOW}&by=body", headers={"Authorization": f"Bearer {auth.token('viewer')}"}
    )
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json() == {
        "rows": [
            row("", INTERVAL, none=1),
            row(BOARD, INTERVAL, minor=1),
            row(TECH, INTERVAL, **TECH_ROW),
        ],
        "totals": row(None, INTERVAL, minor=1, none=1, **TECH_ROW),
    }


def test_rows_by_month_count_each_item_in_the_month_it_was_first_screened(records, client, auth):
    answer = client.get(
        f"/api/v1/reach?{WINDOW}&by=month", headers={"Authorization": f"Bearer {auth.token('viewer')}"}
    )
    assert answer.get_json()["rows"] == [
        row(None, "2026-03", **TECH_ROW),
        row(None, "2026-04", minor=1, none=1),
    ]
    quarters = client.get(
        "/api/v1/reach?municipality=hollola&from=2026-01-01&to=2026-06-30&by=quarter",
        headers={"Authorization": f"Bearer {auth.token('viewer')}"},
    ).get_json()
    # the early item (first screened in February) and the one screened at 23:30 UTC on 30 April join
    assert [(r["period"], r["screened"]) for r in quarters["rows"]] == [
        ("2026-Q1", {"high": 3, "minor": 0, "none": 0}),
        ("2026-Q2", {"high": 0, "minor": 1, "none": 2}),
    ]


def test_csv_has_the_same_rows_and_the_totals(records, client, auth):
    answer = client.get(
        f"/api/v1/reach?{WINDOW}&by=body",
        headers={"Authorization": f"Bearer {auth.token('viewer')}", "Accept": "text/csv"},
    )
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    table = list(csv.DictReader(io.StringIO(answer.get_data(as_text=True))))
    assert [r["body"] for r in table] == ["", BOARD, TECH, "TOTAL"]
    tech = table[2]
    assert (
        tech["screened_high"],
        tech["assessed"],
        tech["assessed_before_meeting"],
        tech["no_effect_on_high"],
        tech["overrides"],
        tech["commitments_made"],
        tech["commitments_kept"],
        tech["participants"],
    ) == ("2", "2", "1", "1", "1", "2", "1", "3")
    assert table[3]["screened_none"] == "1" and table[3]["screened_minor"] == "1"


def test_xlsx_is_a_workbook_with_the_rows(records, client, auth):
    answer = client.get(
        f"/api/v1/reach?{WINDOW}&by=month&format=xlsx",
        headers={"Authorization": f"Bearer {auth.token('viewer')}"},
    )
    assert answer.status_code == 200
    assert answer.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(answer.data)).worksheets[0]
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0][:3] == ["body", "period", "screened_high"]
    assert [r[1] for r in values[1:]] == ["2026-03", "2026-04", INTERVAL]
    assert values[1][2] == 2 and values[2][4] == 1


def test_only_that_municipalitys_tokens_read_it(records, client, auth):
    assert client.get(f"/api/v1/reach?{WINDOW}").status_code == 401
    other = auth.token("municipality_admin", slug="orimattila")
    answer = client.get(f"/api/v1/reach?{WINDOW}", headers={"Authorization": f"Bearer {other}"})
    assert answer.status_code == 404
    for role in ("viewer", "coordinator", "municipality_admin"):
        token = auth.token(role)
        assert (
            client.get(f"/api/v1/reach?{WINDOW}", headers={"Authorization": f"Bearer {token}"}).status_code
            == 200
        )
    platform = auth.token("platform_admin", slug=None)
    answer = client.get(
        "/api/v1/reach?municipality=orimattila&from=2026-03-01&to=2026-04-30",
        headers={"Authorization": f"Bearer {platform}"},
    )
    assert answer.get_json()["totals"]["screened"]["high"] == 1


@pytest.mark.parametrize(
    ("query", "word"),
    [
        ("municipality=hollola&from=2026-13-01", "from"),
        ("municipality=hollola&by=week", "by"),
        ("municipality=hollola&from=2026-05-01&to=2026-04-01", "before"),
        ("from=2026-01-01", "municipality"),
        ("municipality=hollola&format=pdf", "format"),
    ],
)
def test_bad_filters_are_a_clear_422(app, client, auth, query, word):
    answer = client.get(f"/api/v1/reach?{query}", headers={"Authorization": f"Bearer {auth.token('viewer')}"})
    assert answer.status_code == 422
    assert word in str(answer.get_json())


def test_records_behind_the_picture_export_as_json_csv_and_xlsx(records, client, auth):
    headers = {"Authorization": f"Bearer {auth.token('viewer')}"}
    assessments = client.get(f"/api/v1/reach/assessments?{WINDOW}", headers=headers).get_json()
    assert sorted(r["submitted_by"] for r in assessments["rows"]) == ["  pia   PREPARER ", "Pia Preparer"]
    assert {r["X1"] for r in assessments["rows"]} == {"Kaukolämpöä verrattiin.", ""}
    commitments = client.get(f"/api/v1/reach/commitments?{WINDOW}&format=csv", headers=headers)
    table = list(csv.DictReader(io.StringIO(commitments.get_data(as_text=True))))
    assert sorted(r["status"] for r in table) == ["kept", "open"] and "owner_email" not in table[0]
    reviews = client.get(f"/api/v1/reach/reviews?{WINDOW}&format=xlsx", headers=headers)
    sheet = load_workbook(io.BytesIO(reviews.data)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][5:9] == ("escalated", "needs_changes", "Perustele.", "Kari K")


def test_text_that_looks_like_a_formula_stays_text(app, client, auth):
    with app.app_context():
        item = _item('=HYPERLINK("http://x")', "high", "2026-03-02")
        _submit(item, "2026-03-03", "@Pia", ZERO)
        db.session.commit()
    headers = {"Authorization": f"Bearer {auth.token('viewer')}"}
    text = client.get(f"/api/v1/reach/assessments?{WINDOW}&format=csv", headers=headers).get_data(
        as_text=True
    )
    assert "'=HYPERLINK" in text and "'@Pia" in text
    book = client.get(f"/api/v1/reach/assessments?{WINDOW}&format=xlsx", headers=headers).data
    cell = load_workbook(io.BytesIO(book)).worksheets[0]["C2"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


@pytest.mark.services
def test_on_postgresql_the_seeded_rows_add_up_to_their_totals(tmp_path, postgres_url):
    from sqlalchemy import func, select

    from climate_plugin.commitments.service import local_today
    from climate_plugin.models import AgendaItem, Connector, Municipality
    from climate_plugin.reach import service
    from climate_plugin.reach.history import seed_history
    from tests.support.app import build_app

    app = build_app(tmp_path, database_url=postgres_url)
    with app.app_context():
        end = local_today()
        seed_history(end, months=2, seed=3)
        hollola = db.session.scalar(select(Municipality).where(Municipality.slug == "hollola"))
        filters = service.Filters(end - timedelta(days=365), end, by="month")
        result = service.reach(hollola, filters, end)
        stored = db.session.scalar(
            select(func.count(AgendaItem.id)).join(Connector).where(Connector.municipality_id == hollola.id)
        )
        assert sum(result.totals["screened"].values()) == stored > 0
        for key in ("assessed", "assessed_before_meeting", "no_effect_on_high", "overrides"):
            assert sum(row[key] for row in result.rows) == result.totals[key]
        assert max(row["participants"] for row in result.rows) <= result.totals["participants"]
        db.engine.dispose()
