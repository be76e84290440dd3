"""Secrets at rest: connector credentials and webhook secrets are stored encrypted, decrypt with the
configured keys (old keys too, after a rotation), fail clearly with the wrong key, and are never logged."""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography.fernet import Fernet, InvalidToken

from climate_plugin.cli import main
from climate_plugin.db import db
from climate_plugin.encryption import DecryptionError, Encryptor
from climate_plugin.hosts.connector import full_config, webhook_secrets
from climate_plugin.models import Connector, Delivery
from climate_plugin.worker.runner import run_task
from tests.support.app import TEST_KEY, build_app
from tests.support.webhooks import event_body, signed_headers

TOKEN = "tok-BEARER-c0ffee1234567890"
PASSWORD = "pw-BASIC-deadbeef0987654321"
API_KEY = "key-APIKEY-feedface13572468"


def config(base_url: str, auth: dict) -> dict:
    return {
        "base_url": base_url,
        "auth": auth,
        "fields": {"title": "/title", "body": "/body"},
        "write_back": {"method": "POST", "path": "/items/{id}/climate"},
    }


BEARER = {"type": "bearer", "token": TOKEN}
BASIC = {"type": "basic", "username": "clerk", "password": PASSWORD}
QUERY_KEY = {"type": "api_key", "key": API_KEY, "query_param": "api_key"}


def cli(app, *args: str, input: str | None = None):
    result = app.test_cli_runner().invoke(main, args=list(args), input=input)
    assert result.exit_code == 0, result.output
    return result


def create_via_cli(app, name: str, cfg: dict, slug: str = "hollola") -> tuple[dict, str]:
    """Create (the municipality if needed and) a connector with the CLI; return its JSON and the output."""
    with app.app_context():
        from climate_plugin.models import Municipality

        exists = db.session.query(Municipality).filter_by(slug=slug).count()
    if not exists:
        cli(app, "municipality", "create", "--slug", slug, "--name", slug.title())
    result = cli(
        app,
        "connector",
        "create",
        "--municipality",
        slug,
        "--kind",
        "rest",
        "--name",
        name,
        "--config",
        "-",
        input=json.dumps(cfg),
    )
    return json.loads(result.stdout), result.output


def variants(secret: str) -> list[bytes]:
    """The secret as it could appear in a column or a file: whole, without the whsec_ prefix, in UTF-16."""
    core = secret.removeprefix("whsec_")
    return [secret.encode(), core.encode(), core.encode("utf-16-le")]


def raw_values(db_path: Path) -> list[tuple[str, str, object]]:
    """Every value of every column of every table, read with plain sqlite3."""
    found = []
    with sqlite3.connect(db_path) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            cursor = conn.execute(f'SELECT * FROM "{table}"')
            columns = [d[0] for d in cursor.description]
            for row in cursor:
                found.extend((table, column, value) for column, value in zip(columns, row, strict=True))
    return found


def as_bytes(value: object) -> bytes:
    return value if isinstance(value, bytes) else str(value).encode()


def test_credentials_and_webhook_secrets_are_not_stored_in_plaintext(app, tmp_path):
    bearer, _ = create_via_cli(app, "Bearer", config("https://a.example", BEARER))
    basic, _ = create_via_cli(app, "Basic", config("https://b.example", BASIC))
    keyed, _ = create_via_cli(app, "Key", config("https://c.example", QUERY_KEY))
    rotated = json.loads(cli(app, "connector", "rotate-secret", str(bearer["id"])).stdout)["webhook_secret"]
    secrets = [TOKEN, PASSWORD, API_KEY, bearer["webhook_secret"], rotated, basic["webhook_secret"],
               keyed["webhook_secret"]]  # fmt: skip

    db_path = tmp_path / "test.sqlite3"
    values = raw_values(db_path)
    assert any(table == "connector" for table, _, _ in values)
    for table, column, value in values:
        for secret in secrets:
            for form in variants(secret):
                assert form not in as_bytes(value), f"{table}.{column} holds a secret in plaintext"
    # nor anywhere in the database files (free pages and the write-ahead log included)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    files = [p for p in tmp_path.iterdir() if p.name.startswith("test.sqlite3")]
    for path in files:
        content = path.read_bytes()
        for secret in secrets:
            assert all(form not in content for form in variants(secret)), path.name

    # ... and they decrypt with the configured key to exactly what was given
    fernet = Fernet(TEST_KEY)
    with sqlite3.connect(db_path) as conn:
        rows = {
            r[0]: r[1:]
            for r in conn.execute(
                "SELECT name, secrets_encrypted, webhook_secret_encrypted, previous_webhook_secret_encrypted,"
                " config FROM connector"
            )
        }

    def plain(token: str) -> str:
        return fernet.decrypt(token.encode()).decode()

    assert json.loads(plain(rows["Bearer"][0])) == {"auth.token": TOKEN}
    assert plain(rows["Bearer"][1]) == rotated
    assert plain(rows["Bearer"][2]) == bearer["webhook_secret"]
    assert json.loads(plain(rows["Basic"][0])) == {"auth.password": PASSWORD}
    assert json.loads(rows["Basic"][3])["auth"] == {"type": "basic", "username": "clerk"}
    assert json.loads(plain(rows["Key"][0])) == {"auth.key": API_KEY}
    with app.app_context():
        row = db.session.get(Connector, basic["id"])
        assert full_config(row)["auth"] == BASIC


def test_webhook_secret_encrypted_twice_gives_different_ciphertexts(app):
    # Fernet is randomised: equal secrets must not be recognisable as equal in the database
    with app.app_context():
        encryptor = app.extensions["climate_plugin.encryptor"]
        assert encryptor.encrypt(TOKEN) != encryptor.encrypt(TOKEN)


# --- key rotation -------------------------------------------------------------------------------------
OLD = Fernet.generate_key().decode()
NEW = Fernet.generate_key().decode()
OTHER = Fernet.generate_key().decode()


@pytest.fixture
def instance(tmp_path):
    """One database, opened by apps with different keys in turn."""
    return tmp_path


def post(app, connector_id: int, secret: str, item: str = "2026-1"):
    body = event_body(item)
    return app.test_client().post(
        f"/webhooks/{connector_id}", data=body, headers=signed_headers(secret, body)
    )


def test_after_a_key_rotation_secrets_encrypted_with_the_old_key_still_decrypt(instance):
    old_app = build_app(instance, encryption_keys=OLD)
    created, _ = create_via_cli(old_app, "Agenda", config("https://a.example", BEARER))
    assert post(old_app, created["id"], created["webhook_secret"]).status_code == 202

    new_app = build_app(instance, encryption_keys=f"{NEW},{OLD}")
    with new_app.app_context():
        row = db.session.get(Connector, created["id"])
        assert full_config(row)["auth"] == BEARER
        assert webhook_secrets(row) == [created["webhook_secret"]]
    assert post(new_app, created["id"], created["webhook_secret"], "2026-2").status_code == 202

    # what is encrypted from now on uses the new key (the first one) only
    rotated = json.loads(cli(new_app, "connector", "rotate-secret", str(created["id"])).stdout)[
        "webhook_secret"
    ]
    with new_app.app_context():
        row = db.session.get(Connector, created["id"])
        assert Fernet(NEW).decrypt(row.webhook_secret_encrypted.encode()).decode() == rotated
        with pytest.raises(InvalidToken):
            Fernet(OLD).decrypt(row.webhook_secret_encrypted.encode())
        # the previous secret was encrypted with OLD and still verifies during its grace period
        assert webhook_secrets(row) == [rotated, created["webhook_secret"]]
        # Encryptor.rotate re-encrypts old ciphertext with the newest key
        again = new_app.extensions["climate_plugin.encryptor"].rotate(row.secrets_encrypted)
        assert json.loads(Fernet(NEW).decrypt(again.encode())) == {"auth.token": TOKEN}
    assert post(new_app, created["id"], rotated, "2026-3").status_code == 202
    assert post(new_app, created["id"], created["webhook_secret"], "2026-4").status_code == 202


def test_with_only_an_unrelated_key_decryption_fails_clearly(instance, caplog):
    good_app = build_app(instance, encryption_keys=OLD)
    created, _ = create_via_cli(good_app, "Agenda", config("http://127.0.0.1:9", BEARER))
    accepted = post(good_app, created["id"], created["webhook_secret"])
    assert accepted.status_code == 202

    wrong_app = build_app(instance, encryption_keys=OTHER)
    with wrong_app.app_context():
        row = db.session.get(Connector, created["id"])
        with pytest.raises(DecryptionError, match="CLIMATE_PLUGIN_ENCRYPTION_KEYS"):
            webhook_secrets(row)
        with pytest.raises(DecryptionError, match="cannot be decrypted"):
            full_config(row)
    with pytest.raises(DecryptionError) as excinfo:
        Encryptor((OTHER,)).decrypt(Encryptor((OLD,)).encrypt(TOKEN))
    assert TOKEN not in str(excinfo.value)

    # the webhook endpoint: no secret to verify with is the service's fault, for a while: 503 with
    # Retry-After (the sender retries), a JSON answer naming the connector and the setting, the log
    # naming what to do, and nothing stored
    caplog.set_level(logging.ERROR)
    response = post(wrong_app, created["id"], created["webhook_secret"], "2026-2")
    assert response.status_code == 503 and int(response.headers["Retry-After"]) > 0
    assert response.is_json and "Traceback" not in response.get_data(as_text=True)
    answer = response.get_json()["error"]
    assert f"connector {created['id']}" in answer and "CLIMATE_PLUGIN_ENCRYPTION_KEYS" in answer
    assert f"connector {created['id']} ('Agenda'): its webhook secret cannot be decrypted" in caplog.text
    assert "add the key they were encrypted with" in caplog.text
    with wrong_app.app_context():
        assert db.session.query(Delivery).count() == 1

    # the worker: the delivery stored earlier fails with the reason recorded, not a crash
    with wrong_app.app_context():
        outcome = run_task("process_delivery", accepted.json["delivery"], 0, 3)
        assert isinstance(outcome.error, DecryptionError)
        delivery = db.session.get(Delivery, accepted.json["delivery"])
        assert delivery.status == "failed"
        assert "CLIMATE_PLUGIN_ENCRYPTION_KEYS" in delivery.last_error

    # the administrator commands that need no decryption keep working
    listed = json.loads(cli(wrong_app, "connector", "list").stdout)
    assert listed[0]["config"]["auth"] == {"type": "bearer"}


# --- never logged ------------------------------------------------------------------------------------
class EchoingFailure(BaseHTTPRequestHandler):
    """A broken host: answers 500 (or 401) and echoes everything it was sent, credentials included."""

    def _answer(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        echo = json.dumps(
            {"path": self.path, "headers": dict(self.headers), "body": self.rfile.read(length).decode()}
        )
        status = 401 if "unauthorised" in self.path else 500
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(echo)))
        self.end_headers()
        self.wfile.write(echo.encode())

    do_GET = do_POST = _answer

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def failing_host():
    server = ThreadingHTTPServer(("127.0.0.1", 0), EchoingFailure)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def run_pipeline_against(app, created: dict, items: list[str]) -> list[Delivery]:
    ids = []
    for item in items:
        response = post(app, created["id"], created["webhook_secret"], item)
        assert response.status_code == 202
        ids.append(response.json["delivery"])
    with app.app_context():
        for delivery_id in ids:
            run_task("process_delivery", delivery_id, 0, 1)  # retried later: logs the reason
            run_task("process_delivery", delivery_id, 0, 1)  # the last of two tries: gives up, logs it
        return [db.session.get(Delivery, i) for i in ids]


def test_secrets_never_appear_in_logs_or_cli_output(app, failing_host, caplog):
    caplog.set_level(logging.DEBUG)
    app.config["PUBLIC_URL"] = "http://plugin.test"
    outputs = []
    bearer, out = create_via_cli(app, "Bearer", config(failing_host, BEARER))
    outputs.append(out)
    basic, out = create_via_cli(app, "Basic", config(failing_host + "/unauthorised", BASIC))
    outputs.append(out)
    refused, out = create_via_cli(app, "Refused", config("http://127.0.0.1:9", BEARER))
    outputs.append(out)
    rotation = cli(app, "connector", "rotate-secret", str(bearer["id"]))
    outputs.append(rotation.output)
    outputs.append(cli(app, "connector", "list").output)
    bearer_new = json.loads(rotation.stdout)["webhook_secret"]

    # webhooks received with the old and the new secret, plus one forged; then the pipeline runs
    # against a host that fails with 500 (and echoes the credentials), one that answers 401, and a
    # closed port
    assert post(app, bearer["id"], "whsec_" + "QUJD" * 8, "forged").status_code == 401
    failed = run_pipeline_against(app, bearer, ["2026-1"])
    failed += run_pipeline_against(app, {"id": bearer["id"], "webhook_secret": bearer_new}, ["2026-2"])
    failed += run_pipeline_against(app, basic, ["2026-3"])
    failed += run_pipeline_against(app, refused, ["2026-4"])
    assert [d.status for d in failed] == ["failed"] * 4
    assert "500" in failed[0].last_error and "401" in failed[2].last_error
    assert "connection failed" in failed[3].last_error

    logged = caplog.text + "".join(f"{r.getMessage()} {r.exc_text or ''} {r.args!r}" for r in caplog.records)
    assert "retry" in logged and "giving up" in logged  # the failures were logged at all
    for secret in (TOKEN, PASSWORD):
        assert secret not in logged
        assert all(secret not in output for output in outputs)
        assert all(secret not in (d.last_error or "") for d in failed)
    for secret in (bearer["webhook_secret"], bearer_new, basic["webhook_secret"], refused["webhook_secret"]):
        assert secret.removeprefix("whsec_") not in logged
        assert all(secret not in (d.last_error or "") for d in failed)
    # a webhook secret is printed exactly once: by the command that made it
    assert sum(bearer["webhook_secret"] in o for o in outputs) == 1
    assert sum(bearer_new in o for o in outputs) == 1


def test_api_key_in_the_query_string_is_not_logged_even_at_debug(app, failing_host, caplog):
    caplog.set_level(logging.DEBUG)
    keyed, _ = create_via_cli(app, "Key", config(failing_host, QUERY_KEY))
    [delivery] = run_pipeline_against(app, keyed, ["2026-1"])
    assert delivery.status == "failed" and API_KEY not in delivery.last_error
    assert API_KEY not in caplog.text
