"""Start-up: `serve`, `worker` and `beat` refuse a database that is not at the migrations' head (one line
naming `climate-plugin db upgrade`), stored secrets no key can read are named (and refused when none can),
and CLIMATE_PLUGIN_* variables that are not settings are reported with a "did you mean"."""

from __future__ import annotations

import dataclasses
import json
import logging
import os
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from click.testing import CliRunner
from cryptography.fernet import Fernet
from flask_migrate import upgrade
from sqlalchemy import text

from climate_plugin.accounts import sso
from climate_plugin.app import MIGRATIONS_DIR, create_app
from climate_plugin.cli import main
from climate_plugin.config import PREFIX, load_settings, setting_names, unknown_variables
from climate_plugin.db import db
from climate_plugin.demo.sample_host import rest_connector_config
from climate_plugin.startup import NotReady, check, check_database, check_secrets
from tests.factories import MunicipalityFactory, RestConnectorFactory
from tests.support.app import TEST_KEY, build_app
from tests.support.cli import assert_clean_failure, invoke, run_cli

HEADS = sorted(ScriptDirectory(MIGRATIONS_DIR).get_heads())
OTHER_KEY = Fernet.generate_key().decode()


def _with_token(token: str) -> dict:
    return {**rest_connector_config("http://127.0.0.1:9"), "auth": {"type": "bearer", "token": token}}


def _app(tmp_path: Path, **settings: str):
    """An app on its own SQLite file in ``tmp_path``, not migrated."""
    environ = {
        PREFIX + "DATABASE_URL": f"sqlite:///{tmp_path / 'start.sqlite3'}",
        PREFIX + "ENCRYPTION_KEYS": TEST_KEY,
        PREFIX + "SECRET_KEY": "x",
        PREFIX + "LOG_LEVEL": "WARNING",
        **{PREFIX + k.upper(): v for k, v in settings.items()},
    }
    return create_app(load_settings(tmp_path, environ))


# --- the database ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("command", [["serve"], ["worker"], ["beat"]])
def test_a_database_without_tables_is_refused_with_the_command_to_run(tmp_path, command):
    app = _app(tmp_path, broker_url="memory://")  # worker and beat need a broker to get this far
    result = invoke(app.test_cli_runner(), *command)
    message = assert_clean_failure(result, "run `climate-plugin db upgrade` first", "has no tables yet")
    assert len(message.strip().splitlines()) == 1


def test_a_database_behind_the_head_is_refused_naming_both_revisions(tmp_path):
    app = _app(tmp_path)
    previous = ScriptDirectory(MIGRATIONS_DIR).get_revision(HEADS[0]).down_revision
    with app.app_context():
        upgrade(directory=MIGRATIONS_DIR, revision=previous)
    message = assert_clean_failure(invoke(app.test_cli_runner(), "serve"), "run `climate-plugin db upgrade`")
    assert f"at revision {previous}, this version needs {HEADS[0]}" in message


def test_a_database_migrated_by_a_newer_version_is_refused_without_suggesting_an_upgrade(tmp_path):
    app = _app(tmp_path)
    with app.app_context():
        upgrade(directory=MIGRATIONS_DIR)
        db.session.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
        db.session.commit()
    message = assert_clean_failure(invoke(app.test_cli_runner(), "serve"), "9999_from_the_future")
    assert "does not know" in message and "db upgrade" not in message


def test_an_unreachable_database_is_refused_naming_the_setting(tmp_path):
    app = _app(tmp_path, database_url="postgresql://climate@127.0.0.1:9/climate")
    result = invoke(app.test_cli_runner(), "serve")
    assert_clean_failure(result, "cannot be reached", "CLIMATE_PLUGIN_DATABASE_URL")


def test_a_database_at_the_head_passes(app):
    with app.app_context():
        check_database()
        assert check_secrets() == []


def test_the_test_suites_cheap_password_hashing_is_named_at_start_up(app):
    with app.app_context():
        assert app.extensions["climate_plugin.settings"].password_hashing == "insecure-fast"
        (warning,) = check()
        assert "CLIMATE_PLUGIN_PASSWORD_HASHING=insecure-fast" in warning
        settings = app.extensions["climate_plugin.settings"]
        app.extensions["climate_plugin.settings"] = dataclasses.replace(
            settings, password_hashing="rfc9106-low-memory"
        )
        assert check() == []


@pytest.mark.slow
def test_serve_on_an_empty_database_in_a_real_process(tmp_path):
    """The contract: `serve` on a database not at the head exits non-zero, naming the command to run."""
    result = run_cli(tmp_path, "serve", "--port", "9")
    assert result.returncode != 0
    lines = result.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and "climate-plugin db upgrade" in lines[0], lines
    assert b"Traceback" not in result.stderr and b"Listening" not in result.stderr


# --- stored secrets ----------------------------------------------------------------------------------------
def test_no_key_that_reads_the_stored_secrets_refuses_to_start(tmp_path):
    first = build_app(tmp_path)  # TEST_KEY
    with first.app_context():
        row = RestConnectorFactory(name="Agenda API", config=_with_token("tok-1"))
        connector_id = row.id
    wrong = build_app(tmp_path, encryption_keys=OTHER_KEY)  # the same database, another key
    with wrong.app_context(), pytest.raises(NotReady) as refused:
        check()
    message = str(refused.value)
    assert "CLIMATE_PLUGIN_ENCRYPTION_KEYS" in message
    assert f"connector {connector_id} ('Agenda API')" in message
    assert "tok-1" not in message
    assert_clean_failure(invoke(wrong.test_cli_runner(), "serve"), "decrypt none of the stored secrets")


def test_secrets_some_key_cannot_read_are_named_one_by_one(tmp_path, caplog):
    first = build_app(tmp_path)
    with first.app_context():
        old = RestConnectorFactory(name="Old agenda", municipality__slug="hollola")
        old_id = old.id
    # the new deployment has a new key first and forgot the old one; a connector made since reads fine
    second = build_app(tmp_path, encryption_keys=OTHER_KEY)
    with second.app_context():
        RestConnectorFactory(name="New agenda", municipality__slug="lahti", config=_with_token("tok-2"))
        town = MunicipalityFactory(slug="orimattila")
        sso.save_config(
            town,
            {"issuer": "https://id.example", "client_id": "c", "client_secret": "s",
             "authorization_endpoint": "https://id.example/a", "token_endpoint": "https://id.example/t",
             "userinfo_endpoint": "https://id.example/u"},
        )
        db.session.commit()
    third = build_app(tmp_path, encryption_keys=TEST_KEY)  # the old key only: the newer secrets fail
    with third.app_context():
        warnings = check_secrets()
    assert len(warnings) == 2
    assert "connector 2 ('New agenda'): its credentials and its webhook secret" in warnings[0]
    assert "climate-plugin connector rotate-secret 2" in warnings[0]
    assert warnings[1].startswith("municipality orimattila: its single sign-on client secret")
    with second.app_context():
        assert len(check_secrets()) == 1 and f"connector {old_id} ('Old agenda')" in check_secrets()[0]


# --- unknown variables -------------------------------------------------------------------------------------
def test_every_setting_read_is_a_known_name(tmp_path):
    class Recording(dict):
        read: set[str] = set()

        def get(self, key, default=None):
            self.read.add(key)
            return super().get(key, default)

    environ = Recording()
    load_settings(tmp_path, environ)
    assert environ.read == set(setting_names())
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    assert all(f"`{name}`" in readme for name in setting_names())


def test_unknown_variables_are_reported_with_the_close_name():
    environ = {
        PREFIX + "DATABSE_URL": "postgresql://x",
        PREFIX + "ENCRYPTION_KEY": "k",
        PREFIX + "FAVOURITE_COLOUR": "green",
        PREFIX + "LOG_LEVEL": "INFO",  # a setting
        PREFIX + "TEST_REQUIRE_SERVICES": "1",  # the test suite's own
        "DATABASE_URL": "x",  # not ours
    }
    assert unknown_variables(environ) == [
        "CLIMATE_PLUGIN_DATABSE_URL is not a setting of climate-plugin and is ignored "
        "(did you mean CLIMATE_PLUGIN_DATABASE_URL?)",
        "CLIMATE_PLUGIN_ENCRYPTION_KEY is not a setting of climate-plugin and is ignored "
        "(did you mean CLIMATE_PLUGIN_ENCRYPTION_KEYS?)",
        "CLIMATE_PLUGIN_FAVOURITE_COLOUR is not a setting of climate-plugin and is ignored",
    ]


def test_a_command_warns_about_a_misspelled_setting_and_still_runs(monkeypatch, tmp_path, caplog):
    for name in [k for k in os.environ if k.startswith(PREFIX)]:
        monkeypatch.delenv(name)
    env = {
        PREFIX + "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
        PREFIX + "ENCRYPTION_KEYS": TEST_KEY,
        PREFIX + "LOG_LEVL": "DEBUG",
    }
    caplog.set_level(logging.WARNING, logger="climate_plugin.config")
    result = CliRunner().invoke(main, ["db", "upgrade"], env=env)
    assert result.exit_code == 0, result.output
    assert "CLIMATE_PLUGIN_LOG_LEVL is not a setting" in caplog.text
    assert "did you mean CLIMATE_PLUGIN_LOG_LEVEL?" in caplog.text


def test_rotating_an_unreadable_webhook_secret_lets_the_host_in_again(tmp_path):
    from climate_plugin.demo.sample_host import generate_secret
    from tests.support.webhooks import event_body, signed_headers

    first = build_app(tmp_path)
    with first.app_context():
        connector_id = RestConnectorFactory(name="Agenda").id
    moved = build_app(tmp_path, encryption_keys=OTHER_KEY)  # the old key is lost
    body = event_body("2026-1")
    unverifiable = signed_headers(generate_secret(), body)
    refused = moved.test_client().post(f"/webhooks/{connector_id}", data=body, headers=unverifiable)
    assert refused.status_code == 503 and "CLIMATE_PLUGIN_ENCRYPTION_KEYS" in refused.get_json()["error"]
    rotated = invoke(moved.test_cli_runner(), "connector", "rotate-secret", str(connector_id))
    assert rotated.exit_code == 0, rotated.output
    secret = json.loads(rotated.stdout)["webhook_secret"]
    # the new secret verifies; the old one, unreadable now, is simply no longer among the valid ones
    accepted = moved.test_client().post(
        f"/webhooks/{connector_id}", data=body, headers=signed_headers(secret, body)
    )
    assert accepted.status_code == 202
    with moved.app_context():  # while the old secret would still be valid, its loss is worth a warning
        (warning,) = check_secrets()
        assert "its previous webhook secret cannot be decrypted" in warning
