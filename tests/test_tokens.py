"""`climate-plugin token …` and `user …`: tokens shown once and stored hashed, passwords never arguments."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from climate_plugin.db import db
from climate_plugin.models import ApiToken, Municipality, User
from tests.factories import PASSWORD, MunicipalityFactory
from tests.support.cli import invoke


def test_token_create_prints_exactly_token_and_expiry_and_stores_only_a_hash(app, runner, client):
    with app.app_context():
        MunicipalityFactory()
    result = invoke(runner, "token", "create", "--municipality", "hollola", "--role", "municipality_admin")
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert set(printed) == {"token", "expires_at"}
    token = printed["token"]
    assert token.startswith("cpt_") and len(token) >= 4 + 43
    expires = datetime.fromisoformat(printed["expires_at"])
    assert timedelta(days=89) < expires - datetime.now(UTC) <= timedelta(days=90)
    with app.app_context():
        row = db.session.scalar(select(ApiToken))
        assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert row.role == "municipality_admin"
        assert row.municipality_id == db.session.scalar(select(Municipality.id))
        # the token itself is nowhere in the database
        dump = "\n".join(str(v) for v in db.session.execute(select(ApiToken.__table__)).one())
        assert token not in dump
    listed = invoke(runner, "token", "list")
    assert token not in listed.output and json.loads(listed.output)[0]["role"] == "municipality_admin"


def test_two_tokens_differ(app, runner):
    with app.app_context():
        MunicipalityFactory()
    a, b = (
        json.loads(invoke(runner, "token", "create", "--municipality", "hollola", "--role", "viewer").output)
        for _ in range(2)
    )
    assert a["token"] != b["token"]


def test_platform_token_has_no_municipality(app, runner):
    for args in (("--role", "platform_admin"), ("--platform", "--role", "platform_admin")):
        result = invoke(runner, "token", "create", *args, "--days", "7")
        assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalars(select(ApiToken.municipality_id)).all() == [None, None]


@pytest.mark.parametrize(
    "args,fragment",
    [
        (("--role", "viewer"), "needs a municipality"),
        (("--municipality", "hollola", "--role", "platform_admin"), "no municipality"),
        (("--municipality", "nowhere", "--role", "viewer"), "no municipality with slug"),
        (("--municipality", "hollola", "--role", "king"), "Invalid value"),
        (("--municipality", "hollola", "--role", "viewer", "--days", "0"), "Invalid value"),
        (("--platform", "--role", "viewer"), "--platform"),
    ],
)
def test_token_create_refuses_bad_input_in_one_line(app, runner, args, fragment):
    with app.app_context():
        MunicipalityFactory()
    result = invoke(runner, "token", "create", *args)
    assert result.exit_code != 0
    assert fragment in result.output
    assert "Traceback" not in result.output


def test_revoked_token_no_longer_works(app, runner, client):
    with app.app_context():
        MunicipalityFactory()
    created = invoke(runner, "token", "create", "--municipality", "hollola", "--role", "viewer")
    token = json.loads(created.output)
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id))
    from climate_plugin.accounts import current_principal

    def who(value: str):
        with app.test_request_context(headers={"Authorization": f"Bearer {value}"}):
            return current_principal()

    assert who(token["token"]).role == "viewer"
    result = invoke(runner, "token", "revoke", str(token_id))
    assert result.exit_code == 0 and json.loads(result.output)["revoked_at"]
    assert who(token["token"]) is None
    assert invoke(runner, "token", "revoke", "999").exit_code != 0


def test_user_create_reads_the_password_from_stdin_and_hashes_it(app, runner):
    with app.app_context():
        MunicipalityFactory()
    result = invoke(
        runner, "user", "create", "--municipality", "hollola", "--email", "Anna@Hollola.fi", "--name", "Anna",
        "--role", "municipality_admin", "--password-stdin", input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    shown = json.loads(result.output)
    assert shown["email"] == "anna@hollola.fi" and "password_hash" not in shown
    with app.app_context():
        stored = db.session.scalar(select(User.password_hash))
        assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_user_create_prompts_twice(app, runner):
    with app.app_context():
        MunicipalityFactory()
    result = invoke(
        runner, "user", "create", "--municipality", "hollola", "--email", "a@hollola.fi", "--name", "A",
        "--role", "viewer", input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert result.output.count("Password") >= 1 and "Repeat" in result.output


def test_no_password_option_exists(runner):
    result = invoke(runner, "user", "create", "--password", "x")
    assert result.exit_code != 0 and "No such option" in result.output


@pytest.mark.parametrize(
    "args,stdin,fragment",
    [
        (("--email", "not-an-address"), PASSWORD, "not an e-mail address"),
        (("--email", "a@hollola.fi"), "short", "at least 12"),
        (("--email", "dup@hollola.fi"), PASSWORD, "exists already"),
    ],
)
def test_user_create_refuses_bad_input(app, runner, args, stdin, fragment):
    with app.app_context():
        MunicipalityFactory()
    invoke(runner, "user", "create", "--municipality", "hollola", "--email", "dup@hollola.fi", "--name", "D",
           "--role", "viewer", "--password-stdin", input=PASSWORD + "\n")
    result = invoke(runner, "user", "create", "--municipality", "hollola", *args, "--name", "N",
                    "--role", "viewer", "--password-stdin", input=stdin + "\n")
    assert result.exit_code != 0 and fragment in result.output and "Traceback" not in result.output


def test_user_set_password_set_role_list_and_deactivate(app, runner):
    with app.app_context():
        MunicipalityFactory()
    invoke(runner, "user", "create", "--municipality", "hollola", "--email", "a@hollola.fi", "--name", "A",
           "--role", "viewer", "--sso-only")
    assert invoke(runner, "user", "set-password", "--email", "a@hollola.fi", "--password-stdin",
                  input="a brand new password\n").exit_code == 0
    assert json.loads(invoke(runner, "user", "set-role", "--email", "a@hollola.fi", "--role",
                             "coordinator").output)["role"] == "coordinator"
    assert invoke(runner, "user", "set-role", "--email", "a@hollola.fi", "--role",
                  "platform_admin").exit_code != 0
    deactivated = invoke(runner, "user", "deactivate", "--email", "a@hollola.fi")
    assert json.loads(deactivated.output)["active"] is False
    listed = json.loads(invoke(runner, "user", "list", "--municipality", "hollola").output)
    assert [u["email"] for u in listed] == ["a@hollola.fi"] and listed[0]["sso_only"] is False
