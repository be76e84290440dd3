"""Migrations take a database that already holds work to head, on SQLite and PostgreSQL, losing nothing."""

from __future__ import annotations

from contextlib import ExitStack

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from climate_plugin.app import MIGRATIONS_DIR
from climate_plugin.db import db
from tests.support.app import build_app
from tests.support.services import scratch_database

# Rows as a first deployment (revision 0001) stored them, written with plain SQL: today's models have
# columns that did not exist then.
ROWS_AT_0001 = [
    "INSERT INTO municipality (id, slug, name, language, created_at) "
    "VALUES (1, 'hollola', 'Hollolan kunta', 'fi', '2026-01-01 00:00:00+00:00')",
    "INSERT INTO connector (id, municipality_id, kind, name, config, webhook_secret_encrypted, enabled, "
    "created_at) VALUES (1, 1, 'rest', 'Agenda', '{}', 'x', true, '2026-01-01 00:00:00+00:00')",
    "INSERT INTO agenda_item (id, connector_id, external_id, public_id, title, body, content_hash, "
    "fetched_at) VALUES (1, 1, '2026-1', 'abc', 'Koulun peruskorjaus', '', 'h', '2026-01-01 00:00:00+00:00')",
    "INSERT INTO assessment (id, item_id, revision, source, relevance, categories, evidence, answers, "
    "screening_version, content_hash, created_at) VALUES (1, 1, 1, 'screening', 'high', '[\"buildings\"]', "
    "'[]', '{}', '1', 'h', '2026-01-01 00:00:00+00:00')",
    "INSERT INTO write_back (id, item_id, assessment_id, body, body_hash, idempotency_key, status, attempts, "
    "created_at) VALUES (1, 1, 1, '{}', 'b', 'k', 'sent', 1, '2026-01-01 00:00:00+00:00')",
    "INSERT INTO delivery (id, connector_id, delivery_id, event_type, action, external_id, body, headers, "
    "status, attempts, received_at) VALUES (1, 1, 'msg_1', 'agenda_item.drafted', 'upsert', '2026-1', "
    "'x', '{}', 'done', 1, '2026-01-01 00:00:00+00:00')",
]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_upgrade_from_the_first_schema_keeps_stored_work(tmp_path, backend):
    with ExitStack() as stack:
        env = {"database_url": stack.enter_context(scratch_database())} if backend == "postgresql" else {}
        app = build_app(tmp_path, **env)
        with app.app_context():
            downgrade(directory=MIGRATIONS_DIR, revision="base")
            upgrade(directory=MIGRATIONS_DIR, revision="0001")
            with db.engine.begin() as conn:
                for statement in ROWS_AT_0001:
                    conn.execute(text(statement.replace("true", "1") if backend == "sqlite" else statement))
            upgrade(directory=MIGRATIONS_DIR)
            with db.engine.connect() as conn:
                counts = {
                    table: conn.execute(text(f"SELECT count(*) FROM {table}")).scalar()
                    for table in (
                        "municipality",
                        "connector",
                        "agenda_item",
                        "assessment",
                        "write_back",
                        "delivery",
                    )
                }
                assert counts == dict.fromkeys(counts, 1)
                state = conn.execute(text("SELECT state, needs_review FROM assessment")).one()
                assert state[0] and not state[1]
                attachments = conn.execute(text("SELECT attachments FROM agenda_item")).scalar()
                assert attachments in ("[]", [])
                if backend == "sqlite":
                    assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
            db.engine.dispose()
