"""The `climate-plugin` command: administrator commands, `screen`, and errors that never show a traceback.

In-process tests invoke the real command group (`climate_plugin.cli.main`) through the fixture app's
CLI runner, which hands the fixture app to every `with_appcontext` command. Note: `runner.invoke(args=...)`
without `main` would run `app.cli`, which does not have this project's commands.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from climate_plugin.app import create_app
from climate_plugin.cli import main
from climate_plugin.config import load_settings
from climate_plugin.db import db
from climate_plugin.demo.sample_host import SampleHost
from climate_plugin.models import Connector, Municipality, WriteBack
from climate_plugin.models._types import utcnow
from climate_plugin.worker.runner import run_task
from tests.support.app import TEST_KEY
from tests.support.cli import assert_clean_failure, invoke, run_cli, start_cli
from tests.support.webhooks import event_body, register, signed_headers

REPO = Path(__file__).resolve().parent.parent


def write_json(path: Path, value) -> str:
    path.write_text(json.dumps(value), encoding="utf-8")
    return str(path)


def rest_config(base_url: str = "https://agenda.example", auth: dict | None = None) -> dict:
    return {
        "base_url": base_url,
        "auth": auth or {"type": "none"},
        "fields": {"title": "/title", "body": "/body", "language": "/language"},
        "write_back": {"method": "POST", "path": "/items/{id}/climate"},
    }


# --- municipality ---------------------------------------------------------------------------------
def test_municipality_create_prints_json_and_list_shows_it(app, runner):
    result = invoke(runner, "municipality", "create", "--slug", "hollola", "--name", "Hollolan kunta")
    assert result.exit_code == 0, result.output
    created = json.loads(result.stdout)
    assert created == {"id": created["id"], "slug": "hollola", "name": "Hollolan kunta", "language": "fi"}
    result = invoke(
        runner, "municipality", "create", "--slug", "raasepori", "--name", "Raseborg", "--language", "sv"
    )
    assert json.loads(result.stdout)["language"] == "sv"

    listed = json.loads(invoke(runner, "municipality", "list").stdout)
    assert [(m["slug"], m["language"]) for m in listed] == [("hollola", "fi"), ("raasepori", "sv")]
    with app.app_context():
        assert db.session.get(Municipality, created["id"]).name == "Hollolan kunta"


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--slug", "hollola", "--name", "Again"], "a municipality with slug 'hollola' exists already"),
        (["--slug", "Hollola", "--name", "X"], "--slug"),
        (["--slug", "-lead", "--name", "X"], "lowercase letters, digits and hyphens"),
        (["--slug", "a" * 64, "--name", "X"], "--slug"),
        (["--slug", "hämeenlinna", "--name", "X"], "--slug"),
        (["--slug", "ok", "--name", "X", "--language", "de"], "'de' is not one of 'fi', 'sv', 'en'"),
        (["--slug", "ok", "--name", "   "], "--name: must not be empty"),
        # the column is VARCHAR(200): PostgreSQL would refuse a longer one with a database error
        (["--slug", "ok", "--name", "x" * 201], "at most 200 characters"),
    ],
    ids=[
        "duplicate",
        "uppercase",
        "leading-hyphen",
        "too-long-slug",
        "non-ascii",
        "language",
        "empty-name",
        "too-long-name",
    ],
)
def test_municipality_create_refuses_bad_input_clearly(app, runner, args, fragment):
    assert invoke(runner, "municipality", "create", "--slug", "hollola", "--name", "Hollola").exit_code == 0
    result = invoke(runner, "municipality", "create", *args)
    assert_clean_failure(result, fragment)
    assert result.stdout == ""
    with app.app_context():
        assert db.session.scalars(select(Municipality.slug)).all() == ["hollola"]


# --- connector create ---------------------------------------------------------------------------------
@pytest.fixture
def town(runner):
    result = invoke(runner, "municipality", "create", "--slug", "hollola", "--name", "Hollola")
    assert result.exit_code == 0, result.output
    return "hollola"


def create_connector(runner, tmp_path: Path, config: dict, name: str = "Agenda", slug: str = "hollola"):
    path = write_json(tmp_path / f"{name}.json", config)
    result = invoke(
        runner,
        "connector",
        "create",
        "--municipality",
        slug,
        "--kind",
        "rest",
        "--name",
        name,
        "--config",
        path,
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_connector_create_prints_id_url_and_a_working_secret(app, runner, client, town, tmp_path):
    created = create_connector(runner, tmp_path, rest_config())
    assert set(created) == {"id", "webhook_url", "webhook_secret"}
    assert created["webhook_secret"].startswith("whsec_") and len(created["webhook_secret"]) > 30
    assert created["webhook_url"] == f"http://plugin.test/webhooks/{created['id']}"
    # the printed URL and secret are exactly what a sender needs
    body = event_body("2026-1")
    path = created["webhook_url"].removeprefix("http://plugin.test")
    response = client.post(path, data=body, headers=signed_headers(created["webhook_secret"], body))
    assert response.status_code == 202
    with app.app_context():
        row = db.session.get(Connector, created["id"])
        assert (row.kind, row.name, row.municipality.slug) == ("rest", "Agenda", "hollola")
        assert row.config["base_url"] == "https://agenda.example"


def test_connector_create_reads_config_from_stdin(runner, town):
    result = invoke(
        runner,
        "connector",
        "create",
        "--municipality",
        "hollola",
        "--kind",
        "rest",
        "--name",
        "Piped",
        "--config",
        "-",
        input=json.dumps(rest_config()),
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["webhook_secret"].startswith("whsec_")


BAD_CONNECTORS = {
    "unknown-kind": (dict(kind="soap"), rest_config(), ["unknown connector kind 'soap'", "rest"]),
    "unknown-municipality": (dict(slug="nowhere"), rest_config(), ["no municipality with slug 'nowhere'"]),
    "not-json": (dict(), "{base_url: https://x", ["not valid JSON"]),
    "not-utf8": (dict(), b'{"base_url": "https://x\xff"}', ["not valid JSON", "not UTF-8"]),
    "not-an-object": (dict(), [rest_config()], ["must be a JSON object"]),
    "missing-base-url": (
        dict(),
        {k: v for k, v in rest_config().items() if k != "base_url"},
        ["invalid configuration for kind 'rest'", "base_url: Missing data for required field."],
    ),
    "bad-auth-type": (dict(), rest_config(auth={"type": "kerberos"}), ["auth.type: Must be one of"]),
    "bearer-without-token": (dict(), rest_config(auth={"type": "bearer"}), ["auth.token: Required when"]),
    "base-url-with-credentials": (
        dict(),
        rest_config("https://user:pw@agenda.example"),
        ["base_url: Must not contain a user name or password"],
    ),
    "empty-name": (dict(name=" "), rest_config(), ["--name: must not be empty"]),
}


@pytest.mark.parametrize("case", list(BAD_CONNECTORS))
def test_connector_create_refuses_bad_input_with_one_clear_message(app, runner, town, tmp_path, case):
    options, config, fragments = BAD_CONNECTORS[case]
    path = tmp_path / "config.json"
    if isinstance(config, bytes):
        path.write_bytes(config)
    elif isinstance(config, str):
        path.write_text(config, encoding="utf-8")
    else:
        write_json(path, config)
    result = invoke(
        runner,
        "connector",
        "create",
        "--municipality",
        options.get("slug", "hollola"),
        "--kind",
        options.get("kind", "rest"),
        "--name",
        options.get("name", "Agenda"),
        "--config",
        str(path),
    )
    message = assert_clean_failure(result, *fragments)
    [error] = [line for line in message.splitlines() if line.startswith("Error:")]
    assert all(fragment in error for fragment in fragments), message
    assert result.stdout == ""
    with app.app_context():
        assert db.session.query(Connector).count() == 0


def test_connector_create_with_a_missing_config_file(runner, town, tmp_path):
    result = invoke(
        runner,
        "connector",
        "create",
        "--municipality",
        "hollola",
        "--kind",
        "rest",
        "--name",
        "Agenda",
        "--config",
        str(tmp_path / "nope.json"),
    )
    assert_clean_failure(result, "nope.json", "No such file")


def test_connector_kinds_lists_the_installed_kinds(runner):
    result = invoke(runner, "connector", "kinds")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == ["ahjo", "casem", "decidim", "dynasty", "oparl", "rest", "tweb"]


# --- connector list -----------------------------------------------------------------------------------
def test_connector_list_never_shows_secret_values(runner, town, tmp_path):
    token, password = "tok-BEARER-7f3a9c1e5d", "pw-BASIC-2b8e4d6f0a"
    bearer = create_connector(
        runner, tmp_path, rest_config(auth={"type": "bearer", "token": token}), "Bearer"
    )
    basic = create_connector(
        runner,
        tmp_path,
        rest_config(auth={"type": "basic", "username": "clerk", "password": password}),
        "Basic",
    )
    result = invoke(runner, "connector", "list")
    assert result.exit_code == 0
    for secret in (token, password, bearer["webhook_secret"], basic["webhook_secret"]):
        assert secret not in result.output
        assert secret.removeprefix("whsec_") not in result.output
    listed = json.loads(result.stdout)
    assert [c["name"] for c in listed] == ["Bearer", "Basic"]
    # the non-secret parts are still there for the administrator
    assert listed[0]["config"]["auth"] == {"type": "bearer"}
    assert listed[1]["config"]["auth"] == {"type": "basic", "username": "clerk"}
    assert listed[0]["webhook_url"] == bearer["webhook_url"]
    filtered = invoke(runner, "connector", "list", "--municipality", "hollola")
    assert json.loads(filtered.stdout) == listed
    assert_clean_failure(invoke(runner, "connector", "list", "--municipality", "nowhere"), "nowhere")


# --- connector rotate-secret -------------------------------------------------------------------------
def test_rotate_secret_prints_a_new_secret_and_the_old_one_verifies_for_24_hours(
    app, runner, client, town, tmp_path
):
    created = create_connector(runner, tmp_path, rest_config())
    old = created["webhook_secret"]
    result = invoke(runner, "connector", "rotate-secret", str(created["id"]))
    assert result.exit_code == 0, result.output
    rotated = json.loads(result.stdout)
    new = rotated["webhook_secret"]
    assert rotated["id"] == created["id"]
    assert new.startswith("whsec_") and new != old
    assert old not in result.output

    def post(secret: str, item: str) -> int:
        body = event_body(item)
        return client.post(
            f"/webhooks/{created['id']}", data=body, headers=signed_headers(secret, body)
        ).status_code

    assert post(new, "a") == 202
    assert post(old, "b") == 202
    assert post("whsec_" + "QUJD" * 8, "c") == 401
    with app.app_context():
        row = db.session.get(Connector, created["id"])
        until = row.previous_secret_expires_at
        assert timedelta(hours=23, minutes=59) < until - utcnow() <= timedelta(hours=24)
        assert str(until.year) in rotated["previous_valid_until"]
        # after the 24 hours the old secret no longer verifies; the new one still does
        row.previous_secret_expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert post(old, "d") == 401
    assert post(new, "e") == 202


def test_rotate_secret_of_an_unknown_connector(runner):
    result = invoke(runner, "connector", "rotate-secret", "4711")
    assert_clean_failure(result, "no connector with id 4711")
    result = invoke(runner, "connector", "rotate-secret", "seven")
    assert_clean_failure(result, "'seven' is not a valid integer")


# --- items list ---------------------------------------------------------------------------------------
SCHOOL = {
    "id": "2026-41",
    "title": "Koulun öljylämmitys korvataan maalämmöllä ja katolle asennetaan aurinkopaneelit",
    "body": "Koulun öljylämmitys korvataan maalämpöjärjestelmällä.",
    "language": "fi",
}
MINUTES = {
    "id": "2026-42",
    "title": "Pöytäkirjan tarkastajien valinta",
    "body": "Valitaan kaksi pöytäkirjantarkastajaa.",
    "language": "fi",
}


@pytest.fixture
def host():
    host = SampleHost(retry_delays=(0.1,)).start()
    yield host
    host.stop()


def process(app, client, connector_id: int, secret: str, item_id: str, write_back: bool = True) -> None:
    """Post a signed webhook and run the worker's tasks for it in this thread."""
    body = event_body(item_id)
    response = client.post(f"/webhooks/{connector_id}", data=body, headers=signed_headers(secret, body))
    assert response.status_code == 202
    with app.app_context():
        assert run_task("process_delivery", response.json["delivery"], 0, 3).error is None
        if write_back:
            for write_back_id in db.session.scalars(
                select(WriteBack.id).where(WriteBack.status == "pending")
            ):
                assert run_task("send_write_back", write_back_id, 0, 3).error is None


def test_items_list_shows_relevance_categories_and_write_back(app, runner, client, host):
    with app.app_context():
        row, secret = register(host.base_url)
        connector_id = row.id
    host.add(SCHOOL)
    host.add(MINUTES)
    process(app, client, connector_id, secret, SCHOOL["id"])
    process(app, client, connector_id, secret, MINUTES["id"], write_back=False)

    result = invoke(runner, "items", "list", "--municipality", "hollola", "--json")
    assert result.exit_code == 0, result.output
    school, minutes = json.loads(result.stdout)
    assert school["external_id"] == SCHOOL["id"]
    assert school["title"] == SCHOOL["title"]
    assert school["relevance"] == "high"
    assert "energy" in school["categories"]
    assert school["write_back"] == "sent"
    assert school["deleted"] is False
    assert minutes["external_id"] == MINUTES["id"]
    assert (minutes["relevance"], minutes["categories"], minutes["write_back"]) == ("none", [], "pending")
    assert host.climate_blocks()[SCHOOL["id"]]["relevance"] == "high"

    table = invoke(runner, "items", "list", "--municipality", "hollola")
    assert table.exit_code == 0
    lines = table.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].split()[:2] == [SCHOOL["id"], "high"] and "sent" in lines[0]
    assert lines[1].split()[:2] == [MINUTES["id"], "none"] and "pending" in lines[1]

    # another municipality sees none of them; an unknown one is an error
    invoke(runner, "municipality", "create", "--slug", "lahti", "--name", "Lahti")
    assert json.loads(invoke(runner, "items", "list", "--municipality", "lahti", "--json").stdout) == []
    assert_clean_failure(invoke(runner, "items", "list", "--municipality", "nowhere", "--json"), "'nowhere'")


# --- a database that has not been migrated ---------------------------------------------------------------
@pytest.fixture
def unmigrated(tmp_path):
    environ = {
        "CLIMATE_PLUGIN_DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        "CLIMATE_PLUGIN_ENCRYPTION_KEYS": TEST_KEY,
        "CLIMATE_PLUGIN_SECRET_KEY": "x",
        "CLIMATE_PLUGIN_LOG_LEVEL": "WARNING",
    }
    app = create_app(load_settings(tmp_path, environ))
    return app


@pytest.mark.parametrize(
    "args",
    [
        ["municipality", "list"],
        ["municipality", "create", "--slug", "hollola", "--name", "Hollola"],
        ["connector", "list"],
        [
            "connector",
            "create",
            "--municipality",
            "hollola",
            "--kind",
            "rest",
            "--name",
            "A",
            "--config",
            "-",
        ],
        ["connector", "rotate-secret", "1"],
        ["items", "list", "--municipality", "hollola", "--json"],
    ],
    ids=lambda a: " ".join(a[:2]),
)
def test_commands_on_an_unmigrated_database_say_to_run_db_upgrade(unmigrated, args):
    runner = unmigrated.test_cli_runner()
    result = runner.invoke(main, args=args, input=json.dumps(rest_config()))
    assert_clean_failure(result, "run `climate-plugin db upgrade` first")


def test_db_upgrade_then_commands_work(unmigrated):
    runner = unmigrated.test_cli_runner()
    result = runner.invoke(main, args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, args=["municipality", "create", "--slug", "hollola", "--name", "Hollola"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["slug"] == "hollola"


# --- secrets new-key --------------------------------------------------------------------------------------
def test_secrets_new_key_prints_a_fresh_fernet_key(runner):
    keys = [invoke(runner, "secrets", "new-key").stdout.strip() for _ in range(2)]
    assert keys[0] != keys[1]
    for key in keys:
        token = Fernet(key).encrypt(b"x")
        assert Fernet(key).decrypt(token) == b"x"


# --- a real process, configured by environment variables -------------------------------------------------
@pytest.mark.slow
def test_administrator_session_in_a_real_process(tmp_path):
    """db upgrade → municipality create → connector create → list, as an operator would type them."""
    assert run_cli(tmp_path, "db", "upgrade").returncode == 0
    made = run_cli(tmp_path, "municipality", "create", "--slug", "hollola", "--name", "Hollolan kunta")
    assert made.returncode == 0, made.stderr
    assert json.loads(made.stdout)["name"] == "Hollolan kunta"

    config = write_json(
        tmp_path / "rest.json", rest_config(auth={"type": "bearer", "token": "tok-PROC-91ab"})
    )
    created = run_cli(
        tmp_path,
        "connector",
        "create",
        "--municipality",
        "hollola",
        "--kind",
        "rest",
        "--name",
        "Agenda",
        "--config",
        config,
        PUBLIC_URL="https://climate.hollola.fi",
    )
    assert created.returncode == 0, created.stderr
    connector = json.loads(created.stdout)
    assert connector["webhook_url"] == f"https://climate.hollola.fi/webhooks/{connector['id']}"

    listed = run_cli(tmp_path, "connector", "list")
    assert listed.returncode == 0
    assert b"tok-PROC-91ab" not in listed.stdout + listed.stderr
    assert connector["webhook_secret"].encode() not in listed.stdout + listed.stderr
    assert json.loads(listed.stdout)[0]["name"] == "Agenda"


# --- screen ------------------------------------------------------------------------------------------------
GOOD_FI = {"id": "a1", "title": "Maalämpö koulun lämmitykseen", "language": "fi"}
GOOD_EN = {
    "id": 7,
    "title": "Flood risk and stormwater management",
    "body": "Stormwater basins.",
    "language": "en",
}
SCREEN_INPUT = (
    "\n".join(
        [
            json.dumps(GOOD_FI),
            "{not json",
            "[1, 2]",
            json.dumps({"id": "no-title", "body": "x"}),
            json.dumps({"id": "num-title", "title": 5}),
            json.dumps({"id": "bad-body", "title": "x", "body": ["a"]}),
            json.dumps({"id": {"nested": 1}, "title": "x"}),
            "",
            json.dumps(GOOD_EN),
        ]
    )
    + "\n"
)


def check_screen_output(stdout: str) -> list[dict]:
    records = [json.loads(line) for line in stdout.splitlines()]
    for record in records:
        assert set(record) == {"id", "relevance", "categories", "evidence"}
    return records


@pytest.mark.slow
def test_screen_in_real_processes_from_stdin_and_from_a_file(tmp_path):
    """Both processes run at once: each spends most of its time loading the language dictionaries."""
    path = tmp_path / "items.jsonl"
    path.write_text(json.dumps(GOOD_FI) + "\n" + json.dumps(GOOD_EN) + "\n", encoding="utf-8")
    from_stdin = start_cli(tmp_path, "screen")
    # `screen` needs no database: a wrong value for a database-only setting does not stop it
    from_file = start_cli(tmp_path, "screen", str(path), DATABASE_URL="mysql://db")
    stdout, stderr = from_stdin.communicate(SCREEN_INPUT.encode(), timeout=120)
    file_stdout, file_stderr = from_file.communicate(timeout=120)

    assert from_stdin.returncode == 1
    records = check_screen_output(stdout.decode())
    assert [r["id"] for r in records] == ["a1", 7]
    fi, en = records
    assert fi["relevance"] == "high" and fi["categories"][0] == "energy"
    assert fi["evidence"][0]["term"] == "Maalämpö"
    assert en["relevance"] == "high" and "adaptation" in en["categories"]
    errors = stderr.decode().splitlines()
    assert [e.split(":")[0] for e in errors] == [f"line {n}" for n in (2, 3, 4, 5, 6, 7)]
    assert "invalid JSON" in errors[0]
    assert "expected a JSON object" in errors[1]
    assert "title" in errors[2] and "title" in errors[3]
    assert "body" in errors[4] and "id" in errors[5]

    assert from_file.returncode == 0, file_stderr
    assert file_stderr == b""
    assert check_screen_output(file_stdout.decode()) == records


def test_screen_empty_input_prints_nothing_and_succeeds(runner, tmp_path):
    for data in ("", "\n\n  \n"):
        result = invoke(runner, "screen", input=data)
        assert result.exit_code == 0
        assert result.output == ""
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    result = invoke(runner, "screen", str(empty))
    assert (result.exit_code, result.output) == (0, "")


def test_screen_line_that_is_not_utf8_is_reported_and_the_others_screened(runner):
    data = (
        json.dumps(GOOD_FI).encode()
        + b"\n"
        + b'{"id": "x", "title": "\xff\xfe"}\n'
        + json.dumps(GOOD_EN).encode()
    )
    result = invoke(runner, "screen", input=data)
    assert result.exit_code == 1
    assert [r["id"] for r in check_screen_output(result.stdout)] == ["a1", 7]
    assert result.stderr == "line 2: not valid UTF-8\n"


def test_screen_missing_file_is_a_usage_error(runner, tmp_path):
    result = invoke(runner, "screen", str(tmp_path / "missing.jsonl"))
    assert_clean_failure(result, "missing.jsonl", "No such file")
