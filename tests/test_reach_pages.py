"""The picture's pages without a browser: links, errors in plain words, exports, the region's opt-in, the
admin page and its switches, open data; and the figures that need their own records (game elements switched
off in the middle of a period, proposals changed after their assessment)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

from openpyxl import load_workbook

from climate_plugin.commitments.service import local_today
from climate_plugin.db import db
from climate_plugin.models import AuditEntry
from climate_plugin.municipalities.service import change_settings
from climate_plugin.reach import service
from climate_plugin.regions import service as regions
from climate_plugin.reviews.service import coordinator_url
from climate_plugin.web.signed_links import make_token
from tests.factories import (
    AgendaItemFactory,
    AssessmentFactory,
    MunicipalityFactory,
    UserFactory,
)
from tests.support.auth import csrf_of

TODAY = local_today()


def _link(municipality) -> str:
    return coordinator_url(municipality, "http://x").removeprefix("http://x")


def _items(municipality, count=3):
    """Items first screened today, one submitted (with an X1 answer) and decided after a changed text."""
    made = []
    for n in range(count):
        item = AgendaItemFactory(
            connector__municipality=municipality,
            committee="Tekninen lautakunta",
            title=f"Koulun lämmitys {n}",
            content_hash=f"h{n}",
        )
        AssessmentFactory(item=item, relevance="high", content_hash=f"h{n}")
        made.append(item)
    first = made[0]
    AssessmentFactory(item=first, submitted=True, submitted_by="Pia", content_hash="h0")
    first.content_hash = "changed"  # the proposal changed after it was assessed
    first.decision_state = "decided"
    first.decided_on = TODAY
    db.session.commit()
    return made


def test_the_coordinators_picture_and_its_errors(app, client):
    with app.app_context():
        hollola = MunicipalityFactory()
        _items(hollola)
        link = _link(hollola)
        expired = "/coordinator/" + make_token("coordinator", "hollola", datetime(2020, 1, 1, tzinfo=UTC))
    page = client.get(f"{link}/picture?lang=sv")
    html = page.get_data(as_text=True)
    # a chart beside each table that has rows: no preparer overrode the screening, so that one has none
    assert page.status_code == 200 and 'lang="sv"' in html and html.count('role="img"') == 7
    assert "<script" not in html
    data = client.get(f"{link}/picture", headers={"Accept": "application/json"}).get_json()
    assert data["totals"]["screened"]["high"] == 3 and data["totals"]["assessed"] == 1
    assert client.get("/coordinator/forged/picture").status_code == 404
    assert client.get(f"{expired}/picture").status_code == 410
    bad = client.get(f"{link}/picture?from=2026-99-01&lang=en")
    assert bad.status_code == 400 and "from must be a date" in bad.get_data(as_text=True)
    assert client.get(f"{link}/picture/export.csv").status_code == 400  # which table?
    assert client.get(f"{link}/picture/export.csv?table=nope").status_code == 400
    assert client.get(f"{link}/picture/export.pdf").status_code == 400
    assert client.get(f"{link}/picture/secrets.csv").status_code == 404
    book = load_workbook(io.BytesIO(client.get(f"{link}/picture/export.xlsx?lang=fi").data))
    assert len(book.worksheets) == 8
    decisions = client.get(f"{link}/picture/export.csv?table=decisions&lang=en").get_data(as_text=True)
    row = next(csv.DictReader(io.StringIO(decisions)))
    assert (row["Decided"], row["Decided, assessed"], row["Changed after assessment"]) == ("1", "1", "1")
    assessments = client.get(f"{link}/picture/assessments.csv").get_data(as_text=True)
    assert "Pia" in assessments and "Koulun lämmitys 0" in assessments


def test_the_region_sees_only_members_that_share(app, client):
    with app.app_context():
        region = regions.create_region("paijat-hame", "Päijät-Hämeen liitto")
        hollola, orimattila = MunicipalityFactory(slug="hollola"), MunicipalityFactory(slug="orimattila")
        lahti = MunicipalityFactory(slug="lahti")
        for town in (hollola, orimattila):
            regions.set_region(town, region)
        regions.share_with_region(hollola, True)
        _items(hollola)
        _items(orimattila)
        base = regions.region_url(region, "http://x").removeprefix("http://x")
        regions.share_with_region(lahti, True)  # sharing means nothing outside the region
    overview = client.get(base, headers={"Accept": "application/json"}).get_json()
    assert [(m["slug"], m["shares"]) for m in overview["members"]] == [
        ("hollola", True),
        ("orimattila", False),
    ]
    assert "totals" not in overview["members"][1]
    assert overview["members"][0]["totals"]["screened"]["high"] == 3
    assert client.get(f"{base}/m/hollola?lang=fi").status_code == 200
    assert client.get(f"{base}/m/orimattila").status_code == 404
    assert client.get(f"{base}/m/lahti").status_code == 404
    assert client.get(f"{base}/m/orimattila/export.xlsx").status_code == 404
    assert client.get("/region/forged").status_code == 404


def test_the_admin_page_and_its_switches(app, client, auth):
    with app.app_context():
        hollola = MunicipalityFactory()
        _items(hollola)
        UserFactory(municipality=hollola, role="viewer", email="v@hollola.fi")
        admin = UserFactory(municipality=hollola, role="municipality_admin", email="a@hollola.fi")
        other = UserFactory(
            municipality=MunicipalityFactory(slug="lahti"), role="municipality_admin", email="a@lahti.fi"
        )
        admin_id, other_id = admin.id, other.id
    assert client.get("/api/v1/open-data/hollola/decisions").status_code == 404  # off by default
    auth.login_as(other_id)
    assert client.get("/admin/m/hollola/reach").status_code == 404
    auth.login_as(admin_id)
    page = client.get("/admin/m/hollola/reach?lang=en")
    assert page.status_code == 200
    token = csrf_of(page.get_data(as_text=True).split('id="opt-ins"')[1])
    assert client.post("/admin/m/hollola/reach/settings", data={"open_data": "on"}).status_code == 400
    done = client.post("/admin/m/hollola/reach/settings", data={"open_data": "on", "csrf_token": token})
    assert done.status_code == 303
    published = client.get("/api/v1/open-data/hollola/decisions")
    assert published.status_code == 200 and published.headers["Access-Control-Allow-Origin"] == "*"
    rows = published.get_json()["rows"]
    assert len(rows) == 1 and "submitted_by" not in rows[0] and rows[0]["changed_after_assessment"] is True
    text = client.get("/api/v1/open-data/hollola/commitments", headers={"Accept": "text/csv"})
    assert text.mimetype == "text/csv" and text.get_data(as_text=True).startswith("item,title,body,what")
    with app.app_context():
        assert db.session.query(AuditEntry).filter_by(action="municipality.open_data").count() == 1


def test_game_elements_on_against_off_follow_the_switches_in_the_audit_log(app):
    with app.app_context():
        hollola = MunicipalityFactory()
        switched = datetime.now(UTC) - timedelta(days=10)
        before = AgendaItemFactory(connector__municipality=hollola)
        AssessmentFactory(item=before, relevance="high", created_at=switched - timedelta(days=5))
        AssessmentFactory(item=before, submitted=True)
        after = AgendaItemFactory(connector__municipality=hollola)
        AssessmentFactory(item=after, relevance="high", created_at=switched + timedelta(days=5))
        change_settings(hollola, game_off=["item_badges"])
        entry = db.session.query(AuditEntry).filter_by(action="municipality.settings").one()
        entry.at = switched
        db.session.commit()
        filters = service.Filters(date.today() - timedelta(days=30), date.today())
        result = service.reach(hollola, filters, TODAY)
        rows = {(r["element"], r["state"]): r for r in service.game_engagement(hollola, result)}
        assert (rows[("item_badges", "on")]["high"], rows[("item_badges", "on")]["assessed"]) == (1, 1)
        assert (rows[("item_badges", "off")]["high"], rows[("item_badges", "off")]["assessed"]) == (1, 0)
        assert rows[("team_badges", "on")]["high"] == 2 and rows[("team_badges", "off")]["high"] == 0
