"""A municipality's screening sensitivity: set from the CLI, stored, used by the pipeline's screening."""

from __future__ import annotations

import json
from pathlib import Path

from climate_plugin.assessments.service import assess
from climate_plugin.cli import main
from climate_plugin.db import db
from climate_plugin.models import AgendaItem, Connector
from climate_plugin.screening import SCREENING_VERSION, screen, sensitivities
from tests.factories import ConnectorFactory

CORPUS = Path(__file__).resolve().parent.parent / "bench" / "corpus"


def _item_the_points_tell_apart() -> tuple[str, str]:
    """A real Finnish item of the corpus that the default and the strict operating point screen apart."""
    for name in ("fi_titles", "fi_text"):
        for line in (CORPUS / f"{name}.jsonl").read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            title, body = item["title"], item["body"]
            strict = screen(title, body, "fi", sensitivity="strict")
            if screen(title, body, "fi").relevance != strict.relevance:
                return title, body
    raise AssertionError("no corpus item screened differently at the two points")


TITLE, BODY = _item_the_points_tell_apart()
SET = ["municipality", "set", "--slug", "hollola", "--screening-sensitivity"]


def _item(body: str = BODY) -> AgendaItem:
    municipality = ConnectorFactory().municipality
    connector = db.session.query(Connector).filter_by(municipality_id=municipality.id).first()
    item = AgendaItem(
        connector=connector, external_id="s-1", title=TITLE, body=body, language="fi", content_hash="h1"
    )
    db.session.add(item)
    db.session.commit()
    return item


def test_cli_sets_and_shows_the_sensitivity_with_its_figures(app, runner):
    with app.app_context():
        ConnectorFactory()
    result = runner.invoke(main, [*SET, "strict"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)["screening_sensitivity"]
    strict = next(p for p in sensitivities() if p["name"] == "strict")
    assert shown == {"name": "strict", "figures": strict["figures"]}
    assert set(shown["figures"]["fi_text"]) >= {"recall_high", "flag_rate_on_none"}
    with app.app_context():
        assert ConnectorFactory().municipality.screening_sensitivity == "strict"
    # the default is stored as "not set"
    runner.invoke(main, [*SET, "recall"])
    with app.app_context():
        assert ConnectorFactory().municipality.screening_sensitivity is None


def test_cli_refuses_an_unknown_sensitivity(app, runner):
    with app.app_context():
        ConnectorFactory()
    result = runner.invoke(main, [*SET, "loud"])
    assert result.exit_code != 0 and isinstance(result.exception, SystemExit)
    assert "'loud' is not one of: recall, balanced, strict" in result.stderr
    assert "Traceback" not in result.output


def test_the_pipeline_screens_at_the_municipality_sensitivity_and_again_when_it_changes(app):
    default_level = screen(TITLE, BODY, "fi").relevance
    strict_level = screen(TITLE, BODY, "fi", sensitivity="strict").relevance
    assert default_level != strict_level  # the item tells the two points apart
    with app.app_context():
        item = _item()
        first = assess(item)
        assert (first.relevance, first.screening_version) == (default_level, SCREENING_VERSION)
        db.session.commit()
        assert assess(item) is first  # nothing changed: no new revision
        ConnectorFactory().municipality.screening_sensitivity = "strict"
        db.session.commit()
        second = assess(item)
        assert second.revision == first.revision + 1
        assert (second.relevance, second.screening_version) == (strict_level, f"{SCREENING_VERSION}:strict")
