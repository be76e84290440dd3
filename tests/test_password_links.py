"""Invitations and "forgot password": a person added in the admin pages gets a signed, expiring link by
e-mail (the development outbox), sets a password there under the accounts' rules, signs in with it, and the
link then works no more; a reset never tells whether an address has an account."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from climate_plugin.accounts.password_links import PURPOSE
from climate_plugin.db import db
from climate_plugin.mail import read_outbox
from climate_plugin.models import AuditEntry, User
from climate_plugin.models._types import utcnow
from climate_plugin.web.signed_links import make_token
from tests.support.admin import page, text

NEW_PASSWORD = "kolme pientä porsasta ja susi"


def _outbox(app) -> list:
    with app.app_context():
        return read_outbox()


def _link(message) -> str:
    return re.search(r"http://plugin\.test(/admin/password/\S+)", message.text).group(1)


def _token_field(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _set(client, path: str, password: str, again: str | None = None):
    html = client.get(path).get_data(as_text=True)
    data = {"csrf_token": _token_field(html), "password": password, "password_again": again or password}
    return client.post(path, data=data)


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_an_invited_person_sets_a_password_once_and_signs_in(app, client, auth, towns, lang):
    hollola, _ = towns
    auth.login_as(hollola.users["municipality_admin"])
    _, token = page(client, f"/admin/m/hollola/users?lang={lang}")
    created = client.post(
        f"/admin/m/hollola/users?lang={lang}",
        data={"csrf_token": token, "email": "Uusi.Henkilo@hollola.fi", "name": "Uusi Henkilö",
              "role": "viewer"},
    )
    assert created.status_code == 303
    assert text("admin.users.created", lang) in client.get(created.headers["Location"]).get_data(as_text=True)
    box = _outbox(app)
    assert len(box) == 1, [(m.to, m.subject) for m in box]
    mail = box[0]
    assert mail.to == "uusi.henkilo@hollola.fi"
    assert "Uusi Henkilö" in mail.text and "7" in mail.text  # Hollola's language is Finnish: fi mail
    path = _link(mail)
    client.post("/admin/logout")  # the invited person opens it in their own browser
    other = app.test_client()

    form = other.get(path)
    assert form.status_code == 200 and "uusi.henkilo@hollola.fi" in form.get_data(as_text=True)
    mismatch = _set(other, path, NEW_PASSWORD, "something else entirely")
    assert mismatch.status_code == 422
    short = _set(other, path, "short")
    assert short.status_code == 422
    # the link opens in the municipality's language (Finnish), whatever the inviter's page was
    assert text("auth.password.too_short", "fi", min=12) in short.get_data(as_text=True)
    done = _set(other, path, NEW_PASSWORD)
    assert done.status_code in (302, 303) and "password_set=1" in done.headers["Location"]

    signed_in = auth.for_client(other).login("uusi.henkilo@hollola.fi", NEW_PASSWORD)
    assert signed_in.status_code in (302, 303)
    assert other.get("/admin/m/hollola/items").status_code == 200
    # used once: the link no longer opens the form
    again = app.test_client().get(path)
    assert again.status_code == 404 and 'name="password"' not in again.get_data(as_text=True)
    with app.app_context():
        actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
        assert "user.invite" in actions and "user.password" in actions


def test_forgot_password_answers_the_same_for_unknown_addresses(app, client, towns):
    html = client.get("/admin/password/forgot?lang=en").get_data(as_text=True)
    answers = []
    for email in ("viewer@hollola.fi", "nobody@hollola.fi", "not an address"):
        response = client.post(
            "/admin/password/forgot?lang=en", data={"csrf_token": _token_field(html), "email": email}
        )
        assert response.status_code == 200
        answers.append(response.get_data(as_text=True))
    assert answers[0] == answers[1] == answers[2]
    assert text("auth.forgot.sent", "en") in answers[0]
    (mail,) = _outbox(app)  # only the account got mail
    assert mail.to == "viewer@hollola.fi"
    assert _set(app.test_client(), _link(mail), NEW_PASSWORD).status_code in (302, 303)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "viewer@hollola.fi"))
        assert user.password_hash is not None


def test_an_expired_or_forged_link_says_so(app, client, towns):
    hollola, _ = towns
    with app.app_context():
        user = db.session.get(User, hollola.users["viewer"])
        from climate_plugin.accounts.principal import password_fingerprint

        old = make_token(
            PURPOSE, f"{user.id}:{password_fingerprint(user.password_hash)}", utcnow() - timedelta(hours=1)
        )
    expired = client.get(f"/admin/password/{old}?lang=en")
    assert expired.status_code == 410
    assert text("auth.password.expired", "en") in expired.get_data(as_text=True)
    forged = client.get("/admin/password/not-a-token?lang=sv")
    assert forged.status_code == 404 and text("auth.password.unusable", "sv") in forged.get_data(as_text=True)
    assert client.post("/admin/password/not-a-token", data={}).status_code in (400, 404)


def test_the_login_page_links_to_forgot_password(client):
    html = client.get("/admin/login?lang=sv").get_data(as_text=True)
    assert "/admin/password/forgot" in html and text("auth.login.forgot", "sv") in html
