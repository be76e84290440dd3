"""Box-ticking: an item screened high and rated "no effect" throughout goes to the coordinator's queue, unless
the municipality switches the rule off in its checklist template."""

from __future__ import annotations

from climate_plugin.assessments.service import submit_assessment
from climate_plugin.checklist import DEFAULT_CHECKLIST, escalation_reasons, save_template
from climate_plugin.db import db
from climate_plugin.reviews.service import escalated_queue
from tests.factories import AssessedItemFactory, MunicipalityFactory

ALL_ZERO = {"ratings": {"energy": {"rating": "0", "justification": ""}, "transport": {"rating": "0"}}}


def test_the_rule_fires_only_on_high_items_rated_zero_throughout():
    assert escalation_reasons(DEFAULT_CHECKLIST, {"energy": "0"}, relevance="high") == ["no_effect_on_high"]
    assert escalation_reasons(DEFAULT_CHECKLIST, {}, relevance="high") == ["no_effect_on_high"]
    assert escalation_reasons(DEFAULT_CHECKLIST, {"energy": "0"}, relevance="minor") == []
    assert escalation_reasons(DEFAULT_CHECKLIST, {"energy": "0", "waste": "+"}, relevance="high") == []
    assert escalation_reasons(DEFAULT_CHECKLIST, {"energy": "0"}) == []  # no relevance given: older callers


def test_a_submitted_zero_assessment_of_a_high_item_reaches_the_queue(app):
    with app.app_context():
        item = AssessedItemFactory(assessment__relevance="high")
        submitted = submit_assessment(item, ALL_ZERO, "Pia Preparer")
        db.session.commit()
        assert submitted.escalation == ["no_effect_on_high"]
        queue = escalated_queue(item.connector.municipality)
        assert [(a.id, reasons) for a, reasons in queue] == [(submitted.id, ["no_effect_on_high"])]
        minor = AssessedItemFactory(assessment__relevance="minor")
        assert submit_assessment(minor, ALL_ZERO, "Pia").escalation == []


def test_a_municipality_can_switch_the_rule_off(app):
    with app.app_context():
        municipality = MunicipalityFactory()
        save_template(municipality, {"escalation": {"no_effect_on_high": False}})
        db.session.commit()
        item = AssessedItemFactory(assessment__relevance="high")
        assert submit_assessment(item, ALL_ZERO, "Pia").escalation == []
