"""The items list in /admin: search, relevance and assessment-state filters, the municipality's own items
only, pages, and links to each item's checklist and meeting view."""

from __future__ import annotations

import re

import pytest

from climate_plugin.db import db
from climate_plugin.models import Connector
from tests.factories import AgendaItemFactory, AssessedItemFactory, SubmittedItemFactory
from tests.support.admin import text


@pytest.fixture
def listed(app, towns):
    hollola, lahti = towns
    with app.app_context():
        mine = db.session.get(Connector, hollola.connector_id)
        other = db.session.get(Connector, lahti.connector_id)
        ids = {
            "school": AssessedItemFactory(connector=mine, title="Koulun lämmitys maalämpöön",
                                          meeting="Tekninen lautakunta 1/2027",
                                          assessment__relevance="high").id,
            "road": SubmittedItemFactory(connector=mine, title="Kylätien päällystys",
                                         meeting="Tekninen lautakunta 1/2027",
                                         assessment__relevance="minor").id,
            "review": SubmittedItemFactory(connector=mine, title="Tuulivoimakaava",
                                           assessment__relevance="high", assessment__needs_review=True).id,
            "lahti": AssessedItemFactory(connector=other, title="Lahden koulun lämmitys").id,
        }
        db.session.commit()
    return ids


def _rows(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr id="item-(\d+)"', html)]


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_items_are_searched_and_filtered_within_the_municipality(client, auth, towns, listed, lang):
    hollola, _ = towns
    auth.login_as(hollola.users["viewer"])
    url = f"/admin/m/hollola/items?lang={lang}"
    html = client.get(url).get_data(as_text=True)
    assert set(_rows(html)) == {listed["school"], listed["road"], listed["review"]}  # not Lahti's
    assert text("admin.items.relevance.high", lang) in html
    assert set(_rows(client.get(url + "&q=l%C3%A4mmitys").get_data(as_text=True))) == {listed["school"]}
    assert _rows(client.get(url + "&relevance=minor").get_data(as_text=True)) == [listed["road"]]
    assert set(_rows(client.get(url + "&state=submitted").get_data(as_text=True))) == {
        listed["road"], listed["review"]
    }
    assert _rows(client.get(url + "&state=screened").get_data(as_text=True)) == [listed["school"]]
    assert _rows(client.get(url + "&state=review").get_data(as_text=True)) == [listed["review"]]
    # unknown filter values are ignored, not a 500
    assert client.get(url + "&relevance=medium&state=x&page=abc").status_code == 200


def test_each_item_links_to_its_checklist_and_meeting_view(client, auth, towns, listed):
    hollola, _ = towns
    auth.login_as(hollola.users["viewer"])
    html = client.get("/admin/m/hollola/items?lang=fi").get_data(as_text=True)
    row = re.search(rf'<tr id="item-{listed["school"]}">.*?</tr>', html, re.S).group(0)
    checklist = re.search(r'href="http://plugin.test(/checklist/[^"]+)"', row).group(1)
    meeting = re.search(r'href="http://plugin.test(/meetings/[^"]+)"', row).group(1)
    assert client.get(checklist).status_code == 200
    page = client.get(meeting)
    assert page.status_code == 200 and "Kylätien päällystys" in page.get_data(as_text=True)


def test_items_come_a_page_at_a_time(app, client, auth, towns):
    hollola, _ = towns
    with app.app_context():
        mine = db.session.get(Connector, hollola.connector_id)
        for n in range(51):
            AgendaItemFactory(connector=mine, title=f"Asia {n}")
        db.session.commit()
    auth.login_as(hollola.users["viewer"])
    first = client.get("/admin/m/hollola/items?lang=en").get_data(as_text=True)
    assert len(_rows(first)) == 50 and text("admin.items.page", "en", page=1, pages=2) in first
    following = re.search(r'href="([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
    second = client.get(following).get_data(as_text=True)
    assert len(_rows(second)) == 1 and 'rel="prev"' in second and 'rel="next"' not in second
