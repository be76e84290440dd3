"""The audit log: entries name who did what, and never hold a secret value (nor do log lines)."""

from __future__ import annotations

import json
import logging

import pytest
from flask import jsonify
from sqlalchemy import select

from climate_plugin.accounts import Principal, audit, require
from climate_plugin.accounts.audit import scrub
from climate_plugin.cli import main
from climate_plugin.db import db
from climate_plugin.models import AuditEntry
from tests.factories import PASSWORD, MunicipalityFactory, UserFactory

#: the single sign-on client secret given through the CLI; it must never reach the audit log
CLIENT_SECRET = "s3cr3t-client-value-for-tests"


def entries(app) -> list[AuditEntry]:
    with app.app_context():
        rows = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        db.session.expunge_all()
        return rows


def test_actor_is_the_token_the_user_the_cli_or_the_system(app, client, runner, auth):
    @app.post("/api/v1/_probe/audit")
    @require()
    def probe_audit():
        audit("probe.change", "thing:1", None, {"colour": "green"})
        db.session.commit()
        return jsonify({})

    @app.post("/admin/_probe/audit")
    @require()
    def probe_audit_page():
        audit("probe.change", "thing:2", None)
        db.session.commit()
        return ""

    with app.app_context():
        token = auth.token("municipality_admin")
        UserFactory(email="anna@hollola.fi")
        audit("probe.change", "thing:3", None)  # no request, no command: the system (a worker)
        db.session.commit()
    client.post("/api/v1/_probe/audit", headers={"Authorization": f"Bearer {token}"})
    session_client = app.test_client()
    auth.for_client(session_client).login("anna@hollola.fi")
    session_client.post("/admin/_probe/audit")
    runner.invoke(main, args=["token", "create", "--municipality", "hollola", "--role", "viewer"])

    by_target = {e.target: e for e in entries(app) if e.action == "probe.change"}
    assert by_target["thing:1"].actor.startswith("token:")
    assert by_target["thing:1"].details == {"colour": "green"}
    assert by_target["thing:2"].actor.startswith("user:") and "Anna" in by_target["thing:2"].actor
    assert by_target["thing:3"].actor == "system"
    cli_created = [e for e in entries(app) if e.action == "token.create"]
    assert cli_created[-1].actor == "cli"
    assert all(e.at is not None for e in entries(app))


def test_audit_scrubs_secret_keys_and_secret_looking_values():
    details = {
        "config": {"base_url": "https://agenda.example.fi", "api_key": "k-123", "auth": {"password": "pw"}},
        "webhook_secret": "whsec_abc",
        "client_secret": "c",
        "note": "cpt_sometoken",
        "header": "Bearer xyz",
        "token_id": 5,
        "expires_at": "2027-01-01",
        "secret_fields": ["api_key"],
        "password_set": True,
        "items": [{"token": "t"}],
        "empty_secret": None,
    }
    shown = scrub(details)
    text = json.dumps(shown)
    for secret in ("k-123", '"pw"', "whsec_abc", '"c"', "cpt_sometoken", "xyz", '"t"'):
        assert secret not in text
    assert shown["config"]["base_url"] == "https://agenda.example.fi"
    assert shown["token_id"] == 5 and shown["expires_at"] == "2027-01-01"
    assert shown["secret_fields"] == ["api_key"] and shown["password_set"] is True
    assert shown["empty_secret"] is None


@pytest.mark.parametrize(
    "auth,secret",
    [
        ({"type": "bearer", "token": "host-bearer-123456"}, "host-bearer-123456"),
        ({"type": "basic", "username": "u", "password": "host-password-123"}, "host-password-123"),
        ({"type": "api_key", "key": "host-key-123456"}, "host-key-123456"),
    ],
)
def test_connector_configs_never_put_their_secrets_in_the_audit_log(app, auth, secret):
    from climate_plugin.connectors.registry import get_connector_class, redact
    from climate_plugin.demo.sample_host import rest_connector_config

    config = {**rest_connector_config("http://127.0.0.1:9", True), "auth": auth}
    with app.app_context():
        MunicipalityFactory()
        audit("connector.update", "connector:1", 1, {"config": redact(get_connector_class("rest"), config)})
        # a caller that forgot to redact: still scrubbed
        audit("connector.update", "connector:1", 1, {"config": config})
        db.session.commit()
    stored = json.dumps([e.details for e in entries(app)])
    assert secret not in stored
    assert "http://127.0.0.1:9" in stored  # the rest of the configuration is kept


def test_every_auth_change_is_audited_without_its_secret(app, client, runner):
    with app.app_context():
        MunicipalityFactory()
    created = runner.invoke(main, args=["token", "create", "--municipality", "hollola", "--role", "viewer"])
    token = json.loads(created.output)["token"]
    runner.invoke(main, args=["user", "create", "--municipality", "hollola", "--email", "a@hollola.fi",
                              "--name", "A", "--role", "viewer", "--password-stdin"], input=PASSWORD + "\n")
    runner.invoke(main, args=["user", "set-role", "--email", "a@hollola.fi", "--role", "coordinator"])
    runner.invoke(main, args=["user", "set-password", "--email", "a@hollola.fi", "--password-stdin"],
                  input="the second password\n")
    runner.invoke(main, args=["user", "deactivate", "--email", "a@hollola.fi"])
    runner.invoke(main, args=["token", "revoke", "1"])
    runner.invoke(main, args=[
        "sso", "set", "--municipality", "hollola", "--issuer", "https://id.example.fi", "--client-id", "c",
        "--client-secret-stdin", "--authorization-endpoint", "https://id.example.fi/a",
        "--token-endpoint", "https://id.example.fi/t", "--jwks-uri", "https://id.example.fi/k",
    ], input=CLIENT_SECRET + "\n")

    rows = entries(app)
    actions = [e.action for e in rows]
    for action in ("token.create", "user.create", "user.role", "user.password", "user.deactivate",
                   "token.revoke", "sso.set"):
        assert action in actions
    role_change = next(e for e in rows if e.action == "user.role")
    assert role_change.details == {"from": "viewer", "to": "coordinator"}
    stored = json.dumps([[e.actor, e.action, e.target, e.details] for e in rows])
    for secret in (token, PASSWORD, "the second password", CLIENT_SECRET, "$argon2"):
        assert secret not in stored


def test_no_secret_reaches_a_log_line(app, client, runner, caplog, auth):
    caplog.set_level(logging.DEBUG)
    with app.app_context():
        MunicipalityFactory()
    token = json.loads(runner.invoke(main, args=["token", "create", "--municipality", "hollola", "--role",
                                                 "viewer"]).output)["token"]
    runner.invoke(main, args=["user", "create", "--municipality", "hollola", "--email", "a@hollola.fi",
                              "--name", "A", "--role", "viewer", "--password-stdin"], input=PASSWORD + "\n")
    auth.login("a@hollola.fi", PASSWORD)
    auth.for_client(app.test_client()).login("a@hollola.fi", "a wrong password guess")
    client.get("/api/v1/nothing", headers={"Authorization": f"Bearer {token}"})
    client.get("/api/v1/nothing", headers={"Authorization": "Bearer cpt_a_guess"})
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for secret in (token, PASSWORD, "a wrong password guess", "cpt_a_guess"):
        assert secret not in logged


@pytest.mark.parametrize("role", ["platform_admin", "viewer"])
def test_principal_actor_names_kind_id_and_name(role):
    principal = Principal("token", 7, "deploy", role, None if role == "platform_admin" else 1)
    assert principal.actor == "token:7 (deploy)"
