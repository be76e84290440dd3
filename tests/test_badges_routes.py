"""Badge images and JSON over HTTP: the catalogue, progress and team levels, caching, switches, bad input."""

from __future__ import annotations

from urllib.parse import quote
from xml.etree import ElementTree

import pytest

from climate_plugin.badges import CATALOGUE
from climate_plugin.db import db
from tests.factories import NO_IMPACT_ANSWERS, CommitmentFactory, MunicipalityFactory, SubmittedItemFactory

TECH = "Tekninen lautakunta"
EDU = "Sivistyslautakunta"

NS = "{http://www.w3.org/2000/svg}"


def title(response) -> str:
    return ElementTree.fromstring(response.get_data(as_text=True)).find(f"{NS}title").text


def test_catalogue_image_is_cached_with_an_etag(client):
    response = client.get("/badges/climate_assessed.svg?lang=sv")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert response.headers["Cache-Control"] == "public, max-age=86400"
    assert response.headers["Content-Language"] == "sv"
    assert title(response) == "Klimatkonsekvenserna bedömda"
    etag = response.headers["ETag"]
    assert (
        client.get("/badges/climate_assessed.svg?lang=sv", headers={"If-None-Match": etag}).status_code == 304
    )
    # another language is another image
    assert (
        client.get("/badges/climate_assessed.svg?lang=fi", headers={"If-None-Match": etag}).status_code == 200
    )
    assert client.get("/badges/team_climate_assessed.svg?lang=en").status_code == 200


def test_catalogue_json(client):
    listing = client.get("/badges.json").get_json()
    assert [b["code"] for b in listing] == list(CATALOGUE)
    one = client.get("/badges/team_commitments_kept.json")
    assert one.headers["ETag"] and one.get_json()["thresholds"] == [1, 5, 10, 30, 60]
    assert one.get_json()["scope"] == "team"
    assert client.get("/badges/indicator_set.json").get_json()["name"]["en"] == "Follow-up indicator set"
    assert client.get("/badges/nope.json").status_code == 404
    assert client.get("/badges/nope.svg").status_code == 404


def test_progress_json(app, client):
    with app.app_context():
        SubmittedItemFactory(committee=TECH)
        SubmittedItemFactory(committee=EDU)
    response = client.get("/progress/hollola.json?lang=en")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=300"
    data = response.get_json()
    assert [t["committee"] for t in data["teams"]] == [EDU, TECH]
    whole = {b["code"]: b for b in data["progress"]}
    assert whole["municipality_climate_assessed"]["level"] == 1
    assert whole["municipality_climate_assessed"]["count"] == 2
    assert whole["municipality_climate_assessed"]["next_threshold"] == 5
    assert whole["municipality_climate_assessed"]["name"] == "Municipality assesses climate impacts"
    team_badge = data["teams"][1]["badges"][0]
    assert team_badge["image_url"].startswith(
        "http://plugin.test/progress/hollola/badges/team_climate_assessed.svg?"
    )
    image = client.get(team_badge["image_url"])
    assert image.status_code == 200
    assert title(image) == "Committee assesses climate impacts, level 1 of 5"
    etag = response.headers["ETag"]
    assert client.get("/progress/hollola.json?lang=en", headers={"If-None-Match": etag}).status_code == 304
    assert client.get("/progress/nowhere.json").status_code == 404


def test_level_image_and_json(app, client):
    with app.app_context():
        SubmittedItemFactory(committee=TECH)
    committee = quote(TECH)
    svg = client.get(f"/progress/hollola/badges/team_climate_assessed.svg?committee={committee}&lang=fi")
    assert svg.status_code == 200 and title(svg) == "Toimielin arvioi ilmastovaikutukset, taso 1/5"
    assert svg.headers["Content-Security-Policy"].startswith("default-src 'none'")
    data = client.get(f"/progress/hollola/badges/team_climate_assessed.json?committee={committee}").get_json()
    assert (data["level"], data["count"], data["committee"]) == (1, 1, TECH)
    whole = client.get("/progress/hollola/badges/municipality_commitments_kept.json").get_json()
    assert (whole["level"], whole["committee"]) == (0, None)


@pytest.mark.parametrize(
    "url,status,error",
    [
        ("/progress/hollola/badges/team_climate_assessed.svg", 400, "committee_required"),
        (
            "/progress/hollola/badges/team_climate_assessed.json?committee=" + "x" * 501,
            400,
            "committee_too_long",
        ),
        (
            "/progress/hollola/badges/municipality_climate_assessed.svg?committee=X",
            400,
            "committee_not_allowed",
        ),
        ("/progress/hollola/badges/climate_assessed.svg", 404, "not_found"),
        ("/progress/hollola/badges/team_climate_assessed.svg?committee=Keksitty", 404, "no_such_committee"),
        ("/progress/nowhere/badges/municipality_climate_assessed.svg", 404, "not_found"),
    ],
)
def test_bad_requests_get_a_json_error(app, client, url, status, error):
    with app.app_context():
        SubmittedItemFactory(committee=TECH)
    response = client.get(url)
    assert response.status_code == status
    assert response.get_json()["error"] == error


def test_switched_off_elements_are_not_served(app, client):
    with app.app_context():
        SubmittedItemFactory(committee=TECH)
        municipality = MunicipalityFactory()
        municipality.update_settings(game={"team_badges": False})
        db.session.commit()
    team_url = f"/progress/hollola/badges/team_climate_assessed.svg?committee={quote(TECH)}"
    assert client.get(team_url).get_json()["error"] == "switched_off"
    data = client.get("/progress/hollola.json").get_json()
    assert data["teams"] is None and data["progress"]
    with app.app_context():
        MunicipalityFactory().update_settings(game={"progress": False})
        db.session.commit()
    assert client.get("/progress/hollola.json").status_code == 404
    assert client.get("/progress/hollola/badges/municipality_climate_assessed.svg").status_code == 404


def test_item_badges_from_stored_records_and_the_municipality_switch(app):
    # the write-back block, the checklist page and the meeting view all show what item_badges returns
    from climate_plugin.badges import item_badges

    with app.app_context():
        item = SubmittedItemFactory(committee=TECH, assessment__answers=NO_IMPACT_ANSWERS)
        marker = "climate_check_recommended"  # high relevance and a "no impact" verdict: still a to-do

        def codes() -> list[str]:
            return [b.code for b in item_badges(item, item.current_assessment)]

        assert codes() == [marker]
        commitment = CommitmentFactory(item=item, status="open")
        assert codes() == [marker, "commitment_made"]
        commitment.status = "kept"
        db.session.commit()
        assert codes() == [marker, "commitment_made"]  # kept, but the follow-up result is not written down
        commitment.result_note = "Lämmitysenergia -42 % vuonna 2029"
        db.session.commit()
        assert codes() == [marker, "commitment_made", "commitment_kept"]
        MunicipalityFactory().update_settings(game={"item_badges": False})
        db.session.commit()
        assert codes() == [marker]
