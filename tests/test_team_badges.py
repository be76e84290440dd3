"""Team and municipality badges: counted from records per committee, levels stored and never lowered."""

from __future__ import annotations

import pytest

from climate_plugin.badges import THRESHOLDS, level_for
from climate_plugin.badges.team import count_records, progress, recompute_awards, stored_levels
from climate_plugin.connectors.base import FetchedItem
from climate_plugin.connectors.rest.connector import RestConfigSchema, RestConnector
from climate_plugin.db import db
from climate_plugin.items.store import upsert_item
from climate_plugin.models import AgendaItem, Assessment, BadgeAward
from tests.factories import (
    NO_IMPACT_ANSWERS,
    SUBMITTED_ANSWERS,
    CommitmentFactory,
    ConnectorFactory,
    MunicipalityFactory,
    SubmittedItemFactory,
)

TECH = "Tekninen lautakunta"
EDU = "Sivistyslautakunta"


def add_revision(item: AgendaItem, **fields) -> Assessment:
    current = item.current_assessment
    values = dict(
        source=current.source,
        relevance=current.relevance,
        categories=current.categories,
        evidence=[],
        answers=current.answers,
        screening_version="s",
        content_hash="h",
        state=current.state,
        needs_review=current.needs_review,
    )
    values.update(fields)
    row = Assessment(item=item, revision=current.revision + 1, **values)
    db.session.add(row)
    db.session.commit()
    db.session.refresh(item)
    return row


def test_levels_follow_the_thresholds():
    assert THRESHOLDS == (1, 5, 10, 30, 60)
    assert [level_for(n) for n in (0, 1, 4, 5, 9, 10, 29, 30, 59, 60, 500)] == [
        0,
        1,
        1,
        2,
        2,
        3,
        3,
        4,
        4,
        5,
        5,
    ]


def test_counts_quality_records_per_committee_and_municipality(app):
    with app.app_context():
        SubmittedItemFactory(committee=TECH)
        SubmittedItemFactory(committee=TECH)
        # a "no impact" verdict never counts
        SubmittedItemFactory(committee=TECH, assessment__answers=NO_IMPACT_ANSWERS)
        # an indicator on an unassessed form does not count
        SubmittedItemFactory(committee=TECH, assessment__answers={"questions": {"X5": "MWh"}})
        # assessed, no indicator
        SubmittedItemFactory(committee=EDU, assessment__answers={"ratings": SUBMITTED_ANSWERS["ratings"]})
        SubmittedItemFactory(committee=None)  # no committee from the host: counts for the municipality only
        SubmittedItemFactory(committee=TECH, assessment__state="draft")  # a draft is work in progress
        # the text changed after submitting: withheld
        SubmittedItemFactory(committee=TECH, assessment__needs_review=True)
        deleted = SubmittedItemFactory(committee=TECH)
        deleted.deleted_at = deleted.fetched_at
        db.session.commit()
        counts = count_records(MunicipalityFactory())
    assert counts[TECH] == {"climate_assessed": 2, "indicator_set": 2, "commitments_kept": 0}
    assert counts[EDU] == {"climate_assessed": 1, "indicator_set": 0, "commitments_kept": 0}
    assert counts[""] == {"climate_assessed": 4, "indicator_set": 3, "commitments_kept": 0}


def test_draft_on_top_of_a_submitted_revision_keeps_the_item_counted(app):
    with app.app_context():
        item = SubmittedItemFactory(committee=TECH)
        add_revision(item, state="draft", answers={})
        assert count_records(MunicipalityFactory())[TECH]["climate_assessed"] == 1


def test_kept_commitments_count_and_open_or_not_kept_do_not(app):
    with app.app_context():
        item = SubmittedItemFactory(committee=TECH, assessment__answers=NO_IMPACT_ANSWERS)
        CommitmentFactory(item=item, status="kept")
        CommitmentFactory(item=item, status="open")
        CommitmentFactory(item=item, status="not_kept")
        CommitmentFactory(item=item, status="kept", result_note=" ")  # claimed kept, result not written down
        counts = count_records(MunicipalityFactory())
    assert counts[TECH]["commitments_kept"] == 1
    assert counts[""]["commitments_kept"] == 1


def test_recompute_stores_each_level_once_and_never_lowers_it(app):
    with app.app_context():
        municipality = MunicipalityFactory()
        items = [SubmittedItemFactory(committee=TECH) for _ in range(5)]
        new = recompute_awards(municipality)
        db.session.commit()
        got = sorted((r.committee, r.code, r.level) for r in new)
        assert ("Tekninen lautakunta", "team_climate_assessed", 1) in got
        assert ("Tekninen lautakunta", "team_climate_assessed", 2) in got
        assert ("", "municipality_climate_assessed", 2) in got
        assert recompute_awards(municipality) == []  # nothing new: idempotent
        db.session.commit()
        # the item texts change and the assessments go under review: counts fall, levels stay
        for item in items[:4]:
            add_revision(item, needs_review=True)
        assert count_records(municipality)[TECH]["climate_assessed"] == 1
        assert recompute_awards(municipality) == []
        db.session.commit()
        assert stored_levels(municipality)[(TECH, "team_climate_assessed")] == 2
        shown = progress(municipality, "fi")
        team = next(t for t in shown["teams"] if t["committee"] == TECH)
        entry = next(b for b in team["badges"] if b["code"] == "team_climate_assessed")
        assert (entry["level"], entry["count"], entry["next_threshold"]) == (2, 1, 10)
        assert db.session.query(BadgeAward).filter_by(code="team_climate_assessed").count() == 2


def test_a_second_recompute_racing_the_first_keeps_one_row_per_level(app, monkeypatch):
    from climate_plugin.badges import team

    with app.app_context():
        municipality = MunicipalityFactory()
        SubmittedItemFactory(committee=TECH)
        # as if another process stored the level between this one's read and its insert
        db.session.add(
            BadgeAward(
                municipality_id=municipality.id,
                committee=TECH,
                code="team_climate_assessed",
                level=1,
                count=1,
            )
        )
        db.session.commit()
        monkeypatch.setattr(team, "stored_levels", lambda m: {})
        new = recompute_awards(municipality)
        db.session.commit()
        assert ("team_climate_assessed", TECH) not in [(r.code, r.committee) for r in new]
        assert ("team_indicators_set", TECH) in [(r.code, r.committee) for r in new]  # the rest went on
        assert (
            db.session.query(BadgeAward).filter_by(committee=TECH, code="team_climate_assessed").count() == 1
        )


def test_progress_lists_committees_by_name_and_respects_switches(app):
    with app.app_context():
        SubmittedItemFactory(committee=TECH)
        SubmittedItemFactory(committee=EDU)
        municipality = MunicipalityFactory()
        shown = progress(municipality, "sv")
        assert [t["committee"] for t in shown["teams"]] == sorted([TECH, EDU])  # by name, never by score
        assert shown["progress"][0]["name"] == "Kommunen bedömer klimatkonsekvenser"
        municipality.update_settings(game={"team_badges": False})
        db.session.commit()
        assert progress(municipality, "fi")["teams"] is None
        assert progress(municipality, "fi")["progress"] is not None
        municipality.update_settings(game={"progress": False})
        assert progress(municipality, "fi")["progress"] is None


def test_municipality_settings_accessors(app):
    with app.app_context():
        municipality = MunicipalityFactory()
        assert municipality.game_enabled("item_badges") and municipality.frame_ancestors() == []
        municipality.update_settings(
            game={"item_badges": False}, frame_ancestors=["https://agenda.example.fi"]
        )
        db.session.commit()
        db.session.expire_all()
        assert not municipality.game_enabled("item_badges")
        assert municipality.game_enabled("team_badges")
        assert municipality.frame_ancestors() == ["https://agenda.example.fi"]
        # a value that would break out of the CSP header is never handed out, however it got stored
        municipality.settings = {"frame_ancestors": ["https://ok.fi", "https://x.fi; script-src *", 7]}
        assert municipality.frame_ancestors() == ["https://ok.fi"]
        with pytest.raises(KeyError):
            municipality.game_enabled("leaderboard")


# --- committees from the host ------------------------------------------------------------------------
def test_rest_connector_reads_the_committee_pointer():
    config = {"base_url": "https://host.example", "fields": {"title": "/title", "committee": "/organ/name"}}
    connector = RestConnector(RestConfigSchema().load(config), http=None)
    item = connector._to_item("7", {"title": "Asia", "organ": {"name": "  Tekninen lautakunta "}})
    assert item.committee == "Tekninen lautakunta"
    assert connector._to_item("8", {"title": "Asia", "organ": {"name": {"x": 1}}}).committee is None
    # without the pointer, nothing is read and stored configs load as they were
    plain = RestConnector(
        RestConfigSchema().load({"base_url": "https://h.example", "fields": {"title": "/t"}}), http=None
    )
    assert plain._to_item("9", {"t": "Asia", "committee": "X"}).committee is None
    with pytest.raises(Exception, match="JSON Pointer"):
        RestConfigSchema().load(
            {"base_url": "https://h.example", "fields": {"title": "/t", "committee": "x"}}
        )


def test_upsert_stores_the_committee(app):
    with app.app_context():
        connector = ConnectorFactory()
        item = upsert_item(connector, FetchedItem(external_id="1", title="Asia", committee=TECH))
        assert item.committee == TECH
        item = upsert_item(connector, FetchedItem(external_id="1", title="Asia", committee=EDU))
        assert item.committee == EDU
