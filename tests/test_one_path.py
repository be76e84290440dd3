"""One rule per action, whatever the entry point: the CLI's administrative actions go through the same
services as the admin pages and the API (and are audited), and one function decides whether an item's
block is (re)sent."""

from __future__ import annotations

import json

from sqlalchemy import select

from climate_plugin.cli import main
from climate_plugin.db import db
from climate_plugin.models import AuditEntry, Municipality
from climate_plugin.writeback.plan import host_takes_block
from tests.support.webhooks import register


def _actions(app) -> list[tuple[str, str]]:
    with app.app_context():
        return [(e.action, e.actor) for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def test_cli_municipality_and_connector_actions_are_audited(app, runner, tmp_path):
    result = runner.invoke(main, ["municipality", "create", "--slug", "hollola", "--name", "Hollola"])
    assert result.exit_code == 0, result.output
    config = tmp_path / "rest.json"
    config.write_text(json.dumps({"base_url": "http://127.0.0.1:9", "auth": {"type": "none"},
                                  "item_path": "/items/{id}", "fields": {"title": "/title"}}))
    result = runner.invoke(main, ["connector", "create", "--municipality", "hollola", "--kind", "rest",
                                  "--name", "Agenda", "--config", str(config)])
    assert result.exit_code == 0, result.output
    connector_id = json.loads(result.output)["id"]
    assert runner.invoke(main, ["connector", "rotate-secret", str(connector_id)]).exit_code == 0
    result = runner.invoke(main, ["connector", "test", str(connector_id)])
    assert result.exit_code != 0 and "cannot reach its host" in result.output
    result = runner.invoke(main, ["municipality", "set", "--slug", "hollola", "--game-off", "progress"])
    assert result.exit_code == 0, result.output
    assert _actions(app) == [
        ("municipality.create", "cli"),
        ("connector.create", "cli"),
        ("connector.rotate_secret", "cli"),
        ("connector.test", "cli"),
        ("municipality.settings", "cli"),
    ]


def test_cli_refuses_a_taken_slug_in_one_line(app, runner):
    create = ["municipality", "create", "--slug", "lahti", "--name", "Lahti"]
    assert runner.invoke(main, create).exit_code == 0
    result = runner.invoke(main, create)
    assert result.exit_code != 0 and "exists already" in result.output
    with app.app_context():
        assert db.session.scalar(select(Municipality).where(Municipality.slug == "lahti")) is not None


def test_the_block_goes_only_to_an_enabled_host_that_takes_writes(app):
    from climate_plugin.models import AgendaItem

    with app.app_context():
        row, _ = register()
        item = AgendaItem(connector=row, external_id="1", title="t", body="", content_hash="x")
        db.session.add(item)
        db.session.flush()
        assert host_takes_block(item)
        row.enabled = False
        assert not host_takes_block(item)
        row.enabled = True
        row.config = {**row.config, "write_back": None}
        assert not host_takes_block(item)
        row.config = {**row.config, "write_back": {"method": "PUT", "path": "/items/{id}/climate"}}
        from climate_plugin.models._types import utcnow

        item.deleted_at = utcnow()
        assert not host_takes_block(item)
        db.session.rollback()
