"""CLIMATE_PLUGIN_* settings: checked at start-up, every wrong value named, all reported at once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography.fernet import Fernet

from climate_plugin.app import create_app
from climate_plugin.cli import main
from climate_plugin.config import PREFIX, SECRET_SETTINGS, ConfigError, load_settings
from tests.support.app import TEST_KEY

OTHER_KEY = Fernet.generate_key().decode()


def problems_of(tmp_path: Path, **env: str) -> list[str]:
    with pytest.raises(ConfigError) as excinfo:
        load_settings(tmp_path, {PREFIX + k: v for k, v in env.items()})
    return excinfo.value.problems


def test_four_wrong_values_give_four_messages_at_once(tmp_path):
    with pytest.raises(ConfigError) as excinfo:
        load_settings(
            tmp_path,
            {
                "CLIMATE_PLUGIN_DATABASE_URL": "mysql://db.example/climate",
                "CLIMATE_PLUGIN_MAX_BODY_BYTES": "1MB",
                "CLIMATE_PLUGIN_OUTBOUND_ALLOW": "agenda.example,10.0.0.1/8",
                "CLIMATE_PLUGIN_ENCRYPTION_KEYS": f"{TEST_KEY},not-a-fernet-key",
                "CLIMATE_PLUGIN_PUBLIC_URL": "https://climate.example",  # a good one among them
            },
        )
    problems = excinfo.value.problems
    assert len(problems) == 4, problems
    by_name = {p.split("=")[0]: p for p in problems}
    assert set(by_name) == {
        "CLIMATE_PLUGIN_DATABASE_URL",
        "CLIMATE_PLUGIN_MAX_BODY_BYTES",
        "CLIMATE_PLUGIN_OUTBOUND_ALLOW",
        "CLIMATE_PLUGIN_ENCRYPTION_KEYS",
    }
    assert "mysql://db.example/climate" in by_name["CLIMATE_PLUGIN_DATABASE_URL"]
    assert "sqlite:/// or postgresql://" in by_name["CLIMATE_PLUGIN_DATABASE_URL"]
    assert "positive whole number" in by_name["CLIMATE_PLUGIN_MAX_BODY_BYTES"]
    assert "'10.0.0.1/8'" in by_name["CLIMATE_PLUGIN_OUTBOUND_ALLOW"]
    # the second key is the bad one, and the message says which, without repeating key material
    assert "key 2 is not a Fernet key" in by_name["CLIMATE_PLUGIN_ENCRYPTION_KEYS"]
    assert "secrets new-key" in by_name["CLIMATE_PLUGIN_ENCRYPTION_KEYS"]
    # str() is what the CLI prints: a heading and one line per problem
    lines = str(excinfo.value).splitlines()
    assert lines[0] == "invalid configuration:"
    assert lines[1:] == [f"  - {p}" for p in problems]


@pytest.mark.parametrize(
    ("name", "value", "fragment"),
    [
        ("DATABASE_URL", "mysql://x/y", "must be a sqlite:/// or postgresql:// URL"),
        ("DATABASE_URL", "climate.sqlite3", "must be a sqlite:/// or postgresql:// URL"),
        ("DATABASE_URL", "postgresql+psycopg2://u@db/climate", "driver 'psycopg2' is not installed"),
        ("DATABASE_URL", "postgres+asyncpg://u@db/climate", "driver 'asyncpg' is not installed"),
        ("BROKER_URL", "http://redis:6379", "must be a URL starting with redis://"),
        ("QUEUE_NAME", "climate plugin", "use letters, digits"),
        ("PUBLIC_URL", "ftp://climate.example", "must be a URL starting with http:// or https://"),
        ("PUBLIC_URL", "climate.example", "must be a URL starting with http:// or https://"),
        ("ENCRYPTION_KEYS", ",,", "must list at least one key"),
        ("ENCRYPTION_KEYS", "c2hvcnQ=", "key 1 is not a Fernet key"),
        ("OUTBOUND_ALLOW", "300.1.1.1", "not a valid address or CIDR range"),
        ("OUTBOUND_TIMEOUT", "-1", "must be a positive number"),
        ("OUTBOUND_TIMEOUT", "ten", "must be a positive number"),
        ("OUTBOUND_TIMEOUT", "nan", "must be a positive number"),
        ("SWEEP_INTERVAL", "0", "must be a positive number"),
        # "inf" parses as a float, but an infinite wait kills the embedded worker's thread (OverflowError)
        ("SWEEP_INTERVAL", "inf", "must be a positive number"),
        ("MAX_BODY_BYTES", "0", "must be a positive whole number"),
        ("MAX_BODY_BYTES", "1.5", "must be a positive whole number"),
        ("MAX_BODY_BYTES", "lots", "must be a positive whole number"),
        ("TASK_MAX_RETRIES", "-3", "must be a positive whole number"),
        ("LOG_LEVEL", "VERBOSE", "must be DEBUG, INFO, WARNING or ERROR"),
        ("PASSWORD_HASHING", "md5", "must be one of rfc9106-low-memory, insecure-fast"),
    ],
)
def test_each_wrong_value_is_named_with_a_plain_message(tmp_path, name, value, fragment):
    [problem] = problems_of(tmp_path, **{name: value})
    shown = "(value hidden)" if name in SECRET_SETTINGS else repr(value)  # keys are never echoed
    assert problem.startswith(f"CLIMATE_PLUGIN_{name}={shown}: ")
    assert fragment in problem
    # Python's own parser messages mean nothing to an operator
    assert "invalid literal" not in problem and "could not convert" not in problem


def test_defaults_run_on_sqlite_in_the_instance_folder_with_the_embedded_worker(tmp_path):
    settings = load_settings(tmp_path, {})
    assert settings.database_url == f"sqlite:///{tmp_path / 'climate_plugin.sqlite3'}"
    assert settings.broker_url is None
    assert settings.encryption_keys is None
    assert settings.public_url == "http://127.0.0.1:5000"
    assert settings.max_body_bytes == 1024 * 1024
    assert settings.queue_name == "climate-plugin"
    assert settings.log_level == "INFO"
    assert settings.password_hashing == "rfc9106-low-memory"
    assert not settings.outbound_allow.allows_host("localhost")
    # empty and blank values count as unset
    blank = load_settings(tmp_path, {PREFIX + "DATABASE_URL": "", PREFIX + "MAX_BODY_BYTES": "  "})
    assert (blank.database_url, blank.max_body_bytes) == (settings.database_url, settings.max_body_bytes)


def test_without_a_broker_the_app_queues_work_for_the_embedded_worker(tmp_path):
    from climate_plugin.worker.embedded import EmbeddedWorker

    app = create_app(load_settings(tmp_path, {PREFIX + "ENCRYPTION_KEYS": TEST_KEY}))
    assert isinstance(app.extensions["climate_plugin.queue"], EmbeddedWorker)
    assert "celery" not in app.extensions
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'climate_plugin.sqlite3'}"
    assert app.config["MAX_CONTENT_LENGTH"] == 1024 * 1024


def test_with_a_broker_the_app_uses_celery(tmp_path):
    from climate_plugin.worker.celery_app import CeleryQueue

    env = {PREFIX + "ENCRYPTION_KEYS": TEST_KEY, PREFIX + "BROKER_URL": "memory://"}
    app = create_app(load_settings(tmp_path, env))
    assert isinstance(app.extensions["climate_plugin.queue"], CeleryQueue)
    assert app.extensions["celery"].conf.broker_url == "memory://"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@db:5432/climate", "postgresql+psycopg://u:p@db:5432/climate"),
        (
            "postgresql://u:p@db/climate?sslmode=require",
            "postgresql+psycopg://u:p@db/climate?sslmode=require",
        ),
        ("postgresql+psycopg://u@db/climate", "postgresql+psycopg://u@db/climate"),
        ("postgres+psycopg://u@db/climate", "postgresql+psycopg://u@db/climate"),
        ("sqlite:////var/lib/climate.sqlite3", "sqlite:////var/lib/climate.sqlite3"),
        ("sqlite+pysqlite:///climate.sqlite3", "sqlite+pysqlite:///climate.sqlite3"),
    ],
)
def test_database_urls_are_normalised_to_the_shipped_drivers(tmp_path, given, expected):
    settings = load_settings(tmp_path, {PREFIX + "DATABASE_URL": f"  {given} "})
    assert settings.database_url == expected


def test_a_normalised_postgres_url_gives_an_engine_with_psycopg(tmp_path):
    # create_app builds the engine: a URL naming a driver that is not installed would fail right here
    env = {PREFIX + "DATABASE_URL": "postgres://u@127.0.0.1:1/none", PREFIX + "ENCRYPTION_KEYS": TEST_KEY}
    app = create_app(load_settings(tmp_path, env))
    with app.app_context():
        from climate_plugin.db import db

        assert db.engine.url.drivername == "postgresql+psycopg"


def test_keys_newest_first_and_whitespace_tolerated(tmp_path):
    settings = load_settings(tmp_path, {PREFIX + "ENCRYPTION_KEYS": f" {OTHER_KEY} , {TEST_KEY} ,"})
    assert settings.encryption_keys == (OTHER_KEY, TEST_KEY)


def test_other_environment_variables_are_ignored(tmp_path):
    settings = load_settings(
        tmp_path, {"CLIMATE_PLUGIN": "x", "DATABASE_URL": "mysql://x", "climate_plugin_log_level": "x"}
    )
    assert settings.database_url == load_settings(tmp_path, {}).database_url
    assert settings.log_level == "INFO"


# --- the command line ---------------------------------------------------------------------------------
def test_cli_with_bad_settings_prints_every_problem_and_exits_2(monkeypatch):
    """In-process: the real `_create_app` path, which the fixture runner bypasses."""
    for name in [k for k in os.environ if k.startswith(PREFIX)]:
        monkeypatch.delenv(name)
    env = {
        PREFIX + "DATABASE_URL": "mysql://db/climate",
        PREFIX + "LOG_LEVEL": "loud",
        PREFIX + "ENCRYPTION_KEYS": TEST_KEY,
    }
    result = CliRunner().invoke(main, ["municipality", "list"], env=env)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "climate-plugin: invalid configuration:",
        "  - CLIMATE_PLUGIN_DATABASE_URL='mysql://db/climate': must be a sqlite:/// or postgresql:// URL",
        "  - CLIMATE_PLUGIN_LOG_LEVEL='loud': must be DEBUG, INFO, WARNING or ERROR",
    ]


def test_cli_with_bad_settings_in_a_real_process(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(PREFIX)}
    env.update(
        {
            PREFIX + "DATABASE_URL": "postgresql+psycopg2://u@127.0.0.1/climate",
            PREFIX + "MAX_BODY_BYTES": "1MB",
            PREFIX + "OUTBOUND_ALLOW": "10.0.0.1/8",
            PREFIX + "ENCRYPTION_KEYS": "hunter2",
            PREFIX + "SWEEP_INTERVAL": "inf",
        }
    )
    result = subprocess.run(
        [sys.executable, "-m", "climate_plugin", "connector", "list"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines[0] == "climate-plugin: invalid configuration:"
    named = sorted(line.split("=")[0].removeprefix("  - ") for line in lines[1:])
    assert named == [
        "CLIMATE_PLUGIN_DATABASE_URL",
        "CLIMATE_PLUGIN_ENCRYPTION_KEYS",
        "CLIMATE_PLUGIN_MAX_BODY_BYTES",
        "CLIMATE_PLUGIN_OUTBOUND_ALLOW",
        "CLIMATE_PLUGIN_SWEEP_INTERVAL",
    ]


def test_wrong_values_never_show_passwords_or_keys(tmp_path):
    with pytest.raises(ConfigError) as excinfo:
        load_settings(
            tmp_path,
            {
                "CLIMATE_PLUGIN_SMTP_URL": "ftp://mailer:s3cret-pass@mail.example:25",
                "CLIMATE_PLUGIN_DATABASE_URL": "mysql://app:db-pass@db.example/climate",
                "CLIMATE_PLUGIN_ENCRYPTION_KEYS": "almost-a-key-but-not-quite",
            },
        )
    text = str(excinfo.value)
    assert len(excinfo.value.problems) == 3
    for secret in ("s3cret-pass", "db-pass", "almost-a-key-but-not-quite"):
        assert secret not in text
    assert "mysql://app:***@db.example/climate" in text
