"""Regions: members, opting in to share the picture, the regional coordinator's link, and the region's
checklist template inherited and overridden by its members."""

from __future__ import annotations

import pytest
from marshmallow import ValidationError

from climate_plugin.assessments.service import assess
from climate_plugin.checklist import checklist_for, save_template
from climate_plugin.checklist.store import save_region_template
from climate_plugin.db import db
from climate_plugin.models import AuditEntry
from climate_plugin.regions import service as regions
from climate_plugin.services import NotPossible
from climate_plugin.teams import service as teams
from tests.factories import MunicipalityFactory, ScreenedItemFactory

TEXT = {
    "fi": "Onko hanke Päijät-Hämeen ilmasto-ohjelman mukainen?",
    "sv": "Följer projektet programmet?",
    "en": "Does the project follow the regional climate programme?",
}
OWN_X1 = {
    "fi": "Vertasitteko kaukolämpöön?",
    "sv": "Jämförde ni med fjärrvärme?",
    "en": "Was district heat compared?",
}


@pytest.fixture
def region(app):
    with app.app_context():
        region = regions.create_region("paijat-hame", "Päijät-Hämeen liitto")
        for slug in ("hollola", "orimattila"):
            regions.set_region(MunicipalityFactory(slug=slug), region)
        yield region


def test_a_region_groups_municipalities_and_each_opts_in_to_share(app, region):
    hollola = MunicipalityFactory(slug="hollola")
    assert [m.slug for m in regions.members(region)] == ["hollola", "orimattila"]
    assert regions.shared_member(region, "hollola") is None  # off until it opts in
    regions.share_with_region(hollola, True)
    assert regions.shared_member(region, "hollola").id == hollola.id
    assert regions.shared_member(region, "lahti") is None
    actions = [e.action for e in db.session.query(AuditEntry).order_by(AuditEntry.id)]
    assert actions[-1] == "municipality.share_with_region" and "region.create" in actions
    with pytest.raises(NotPossible):
        regions.create_region("paijat-hame", "Toinen")


def test_the_regions_template_is_inherited_and_a_member_overrides_it(app, region):
    hollola, orimattila = MunicipalityFactory(slug="hollola"), MunicipalityFactory(slug="orimattila")
    save_region_template(
        region,
        {
            "extra_questions": [{"id": "PH1", "stage": "cross_cutting", "text": TEXT}],
            "escalation": {"negative_count": 3},
            "disabled_categories": ["consumption"],
        },
    )
    db.session.commit()
    inherited = checklist_for(orimattila)
    assert inherited.version == "orimattila-0+paijat-hame-r1+default-1"
    assert inherited.question("PH1").text["fi"] == TEXT["fi"]
    assert inherited.escalation["negative_count"] == 3 and "consumption" not in inherited.category_codes
    save_template(
        hollola, {"questions": {"X1": OWN_X1}, "escalation": {"negative_count": 2}, "disabled_categories": []}
    )
    db.session.commit()
    own = checklist_for(hollola)
    assert own.version == "hollola-1+paijat-hame-r1+default-1"
    assert own.question("X1").text == OWN_X1 and own.question("PH1") is not None  # its own and the region's
    assert own.escalation["negative_count"] == 2 and "consumption" in own.category_codes
    # a stored version keeps its wording after the region changes its template
    save_region_template(region, {"escalation": {"negative_count": 4}})
    db.session.commit()
    assert checklist_for(orimattila).version == "orimattila-0+paijat-hame-r2+default-1"
    assert checklist_for(orimattila, "orimattila-0+paijat-hame-r1+default-1").question("PH1") is not None
    assert checklist_for(orimattila).question("PH1") is None


def test_a_new_region_template_screens_the_members_items_again_with_it(app, region):
    item = ScreenedItemFactory(connector__municipality=MunicipalityFactory(slug="orimattila"))
    first = item.current_assessment
    assert first.answers["checklist_version"] == "default-1"
    save_region_template(region, {"extra_questions": [{"id": "PH1", "stage": "cross_cutting", "text": TEXT}]})
    db.session.commit()
    again = assess(item)
    assert again.revision == first.revision + 1
    assert again.answers["checklist_version"] == "orimattila-0+paijat-hame-r1+default-1"


def test_a_team_for_the_whole_region_is_listed_on_the_regions_page(app, client, region):
    """A member's coordinator starts a team for the region: the team keeps the municipality that runs it,
    names the region, and the region's page lists it (a municipality in no region is refused)."""
    hollola = MunicipalityFactory(slug="hollola")
    regional = teams.create_team(
        hollola, {"name": "Seudun liikenne", "theme": "Joukkoliikenne", "for_region": True}
    )
    teams.create_team(hollola, {"name": "Oma tiimi", "theme": "Koulumatkat"})
    assert (regional.municipality_id, regional.region_id) == (hollola.id, region.id)
    assert [t.name for t in teams.teams_of_region(region.id)] == ["Seudun liikenne"]
    with pytest.raises(ValidationError) as refused:
        teams.create_team(MunicipalityFactory(slug="lahti"), {"name": "X", "theme": "Y", "for_region": True})
    assert "for_region" in refused.value.messages
    path = regions.region_url(region, "http://x").removeprefix("http://x")
    page = client.get(path + "?lang=en").get_data(as_text=True)
    assert "Seudun liikenne" in page and "Oma tiimi" not in page
    assert client.get(path, headers={"Accept": "application/json"}).get_json()["teams"] == [
        {
            "id": regional.id,
            "name": "Seudun liikenne",
            "theme": "Joukkoliikenne",
            "run_by": hollola.name,
            "members": 0,
            "solutions": 0,
        }
    ]
