"""Who is asking and what they see: bearer tokens, the admin session, roles, municipality scoping."""

from __future__ import annotations

import pytest
from flask import jsonify
from sqlalchemy import select

from climate_plugin.accounts import (
    Principal,
    current_principal,
    get_scoped_or_404,
    municipality_scope,
    require,
    scoped,
)
from climate_plugin.accounts.passwords import hash_password, verify_password
from climate_plugin.accounts.users import set_active, set_password
from climate_plugin.db import db
from climate_plugin.models import (
    AgendaItem,
    ApiToken,
    Assessment,
    AuditEntry,
    ChecklistTemplate,
    Connector,
    Delivery,
    Municipality,
    User,
    WriteBack,
)
from tests.factories import PASSWORD, AssessedItemFactory, DeliveryFactory, UserFactory, WriteBackFactory
from tests.support.auth import AuthActions, csrf_of
from tests.support.webhooks import register


@pytest.fixture
def app(app):
    """The fixture app with two probe views: an API one and an admin page, both behind require()."""

    @app.get("/api/v1/_probe/connectors/<int:connector_id>")
    @require("municipality_admin", "viewer")
    def probe_connector(connector_id: int):
        row = get_scoped_or_404(Connector, connector_id)
        return jsonify({"id": row.id, "who": current_principal().name})

    @app.post("/api/v1/_probe/change")
    @require("municipality_admin")
    def probe_change():
        return jsonify({"ok": True})

    @app.get("/admin/_probe")
    @require()
    def probe_page():
        return "signed in as " + current_principal().name

    @app.get("/admin/_probe/admins")
    @require("municipality_admin")
    def probe_admins():
        return "admins only"

    return app


def bearer(value: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {value}"}


# --- tokens -----------------------------------------------------------------------------------------
def test_no_token_is_401_json_with_www_authenticate(app, client):
    with app.app_context():
        row_id = register()[0].id
    response = client.get(f"/api/v1/_probe/connectors/{row_id}")
    assert response.status_code == 401
    assert response.json["code"] == 401 and response.json["message"]  # the API's documented shape
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "header", ["Bearer cpt_wrong", "Bearer ", "Basic dXNlcjpwYXNz", "cpt_no_scheme", "Bearer " + "x" * 5000]
)
def test_a_wrong_token_is_401(app, client, header):
    with app.app_context():
        row_id = register()[0].id
    response = client.get(f"/api/v1/_probe/connectors/{row_id}", headers={"Authorization": header})
    assert response.status_code == 401


def test_a_token_sees_its_own_municipality_and_another_municipality_is_404(app, client, auth):
    with app.app_context():
        own_id = register(slug="hollola")[0].id
        other_id = register(slug="lahti")[0].id
        token = auth.token()
    assert client.get(f"/api/v1/_probe/connectors/{own_id}", headers=bearer(token)).status_code == 200
    response = client.get(f"/api/v1/_probe/connectors/{other_id}", headers=bearer(token))
    # exactly the answer for an id that does not exist
    missing = client.get("/api/v1/_probe/connectors/999999", headers=bearer(token))
    assert response.status_code == missing.status_code == 404


def test_platform_admin_sees_every_municipality(app, client, auth):
    with app.app_context():
        other_id = register(slug="lahti")[0].id
        token = auth.token("platform_admin", None)
    assert client.get(f"/api/v1/_probe/connectors/{other_id}", headers=bearer(token)).status_code == 200


def test_a_role_not_allowed_is_403(app, client, auth):
    with app.app_context():
        register(slug="hollola")
        token = auth.token("coordinator")
    response = client.post("/api/v1/_probe/change", headers=bearer(token))
    assert response.status_code == 403
    assert response.json["code"] == 403 and response.json["message"]


def test_expired_and_revoked_tokens_are_401(app, client, auth):
    from datetime import timedelta

    from climate_plugin.accounts.tokens import find_token, revoke
    from climate_plugin.models._types import utcnow

    with app.app_context():
        row_id = register(slug="hollola")[0].id
        expired, revoked = auth.token(), auth.token()
        find_token(expired).expires_at = utcnow() - timedelta(seconds=1)
        revoke(find_token(revoked))
        db.session.commit()
    for value in (expired, revoked):
        assert client.get(f"/api/v1/_probe/connectors/{row_id}", headers=bearer(value)).status_code == 401


def test_using_a_token_records_when(app, client, auth):
    with app.app_context():
        row_id = register(slug="hollola")[0].id
        token = auth.token()
    client.get(f"/api/v1/_probe/connectors/{row_id}", headers=bearer(token))
    with app.app_context():
        assert db.session.scalar(select(ApiToken.last_used_at)) is not None


# --- scoping ----------------------------------------------------------------------------------------
def test_scoped_limits_every_model_to_the_principals_municipality(app, auth):
    with app.app_context():
        own, _ = register(slug="hollola")
        other, _ = register(slug="lahti")
        for connector in (own, other):
            item = AssessedItemFactory(connector=connector)
            DeliveryFactory(connector=connector)
            WriteBackFactory(item=item)
            db.session.add_all([
                ChecklistTemplate(municipality_id=connector.municipality_id, version=1, overrides={}),
                AuditEntry(actor="cli", municipality_id=connector.municipality_id, action="x", target="y",
                           details={}),
            ])
        db.session.commit()
        UserFactory(email="anna@hollola.fi")
        UserFactory(municipality__slug="lahti", email="lasse@lahti.fi")
        auth.token()
        auth.token(slug="lahti")
        hollola = own.municipality_id
        viewer = Principal("token", 1, "t", "viewer", hollola)
        for model in (Municipality, Connector, Delivery, AgendaItem, WriteBack, ChecklistTemplate, User,
                      ApiToken, AuditEntry, Assessment):
            everything = db.session.scalars(select(model)).all()
            seen = db.session.scalars(scoped(select(model), model, viewer)).all()
            assert 0 < len(seen) < len(everything), model.__name__
            admin = Principal("token", 2, "p", "platform_admin", None)
            assert len(db.session.scalars(scoped(select(model), model, admin)).all()) == len(everything)


def test_scoped_without_a_principal_sees_nothing(app):
    with app.app_context():
        register(slug="hollola")
        assert db.session.scalars(scoped(select(Connector), Connector)).all() == []


def test_municipality_scope(app):
    assert municipality_scope(Principal("user", 1, "a", "platform_admin", None)) is None
    assert municipality_scope(Principal("user", 1, "a", "viewer", 7)) == 7
    with pytest.raises(ValueError):
        municipality_scope(Principal("user", 1, "a", "viewer", None))


def test_scoped_refuses_a_model_it_does_not_know(app):
    from climate_plugin.models import Commitment  # has municipality_id: known
    from climate_plugin.models.badge_award import BadgeAward

    principal = Principal("user", 1, "a", "viewer", 1)
    with app.app_context():
        scoped(select(Commitment), Commitment, principal)
        if not hasattr(BadgeAward, "municipality_id"):
            with pytest.raises(TypeError):
                scoped(select(BadgeAward), BadgeAward, principal)


# --- passwords --------------------------------------------------------------------------------------
def test_passwords_are_argon2id_and_verify():
    stored = hash_password(PASSWORD)  # outside an app: the default parameters, RFC 9106's low-memory set
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$") and PASSWORD not in stored
    assert verify_password(stored, PASSWORD)
    assert not verify_password(stored, PASSWORD + "x")
    assert not verify_password(None, PASSWORD)
    with pytest.raises(ValueError):
        hash_password("short")


# --- sessions ---------------------------------------------------------------------------------------
def test_admin_page_without_session_redirects_to_login(app, client):
    response = client.get("/admin/_probe?x=1")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login?next=")


def test_login_sets_a_safe_session_cookie_and_lets_the_person_in(app, client, auth):
    with app.app_context():
        UserFactory(email="anna@hollola.fi")
    response = auth.login("ANNA@hollola.fi", next_path="/admin/_probe")
    assert response.status_code == 302 and response.headers["Location"] == "/admin/_probe"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Expires=" in cookie
    assert "Secure" not in cookie  # PUBLIC_URL is http in the tests
    assert client.get("/admin/_probe").get_data(as_text=True) == "signed in as Anna"
    with app.app_context():
        assert db.session.scalar(select(User.last_login_at)) is not None
        assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.login")) is not None


def test_secure_cookie_when_public_url_is_https(tmp_path):
    from tests.support.app import build_app

    app = build_app(tmp_path, public_url="https://plugin.example.fi")
    with app.app_context():
        UserFactory(email="anna@hollola.fi")
    response = AuthActions(app, app.test_client()).login("anna@hollola.fi")
    assert "Secure" in response.headers["Set-Cookie"]


def test_a_cheap_test_hash_is_replaced_by_the_configured_parameters_at_sign_in(tmp_path):
    from tests.support.app import build_app

    fast = build_app(tmp_path)  # the tests' apps hash with CLIMATE_PLUGIN_PASSWORD_HASHING=insecure-fast
    with fast.app_context():
        UserFactory(email="anna@hollola.fi")
        assert db.session.scalar(select(User.password_hash)).startswith("$argon2id$v=19$m=8,t=1,p=1$")
    default = build_app(tmp_path, password_hashing="rfc9106-low-memory")  # the same database
    assert AuthActions(default, default.test_client()).login("anna@hollola.fi").status_code == 302
    with default.app_context():
        assert db.session.scalar(select(User.password_hash)).startswith("$argon2id$v=19$m=65536,t=3,p=4$")


@pytest.mark.parametrize(
    "email,password", [("anna@hollola.fi", "wrong password!!"), ("nobody@x.fi", PASSWORD)]
)
def test_wrong_email_or_password_get_the_same_generic_message(app, client, email, password, auth):
    with app.app_context():
        UserFactory(email="anna@hollola.fi")
    response = auth.login(email, password)
    assert response.status_code == 401
    assert "Väärä sähköpostiosoite tai salasana" in response.get_data(as_text=True)
    assert client.get("/admin/_probe").status_code == 302


def test_login_page_in_three_languages(client):
    for lang, title in (("fi", "Kirjaudu sisään"), ("sv", "Logga in"), ("en", "Sign in")):
        page = client.get(f"/admin/login?lang={lang}").get_data(as_text=True)
        assert title in page and f'lang="{lang}"' in page


def test_login_without_csrf_token_is_refused(app, client):
    with app.app_context():
        UserFactory(email="anna@hollola.fi")
    response = client.post("/admin/login", data={"email": "anna@hollola.fi", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/admin/_probe").status_code == 302


@pytest.mark.parametrize(
    "target", ["//evil.example/admin", "https://evil.example/", "/public/x", "/admin\\@evil"]
)
def test_login_never_redirects_elsewhere(app, client, target, auth):
    with app.app_context():
        UserFactory(email="anna@hollola.fi")
    response = auth.login("anna@hollola.fi", next_path=target)
    assert response.headers["Location"] == "/admin/"


def test_deactivated_users_and_changed_passwords_end_sessions(app, client, auth):
    with app.app_context():
        UserFactory(email="anna@hollola.fi")
    auth.login("anna@hollola.fi")
    assert client.get("/admin/_probe").status_code == 200
    with app.app_context():
        set_password(db.session.scalar(select(User)), "another long password")
        db.session.commit()
    assert client.get("/admin/_probe").status_code == 302

    auth.login("anna@hollola.fi", "another long password")
    assert client.get("/admin/_probe").status_code == 200
    with app.app_context():
        set_active(db.session.scalar(select(User)), False)
        db.session.commit()
    assert client.get("/admin/_probe").status_code == 302
    assert auth.login("anna@hollola.fi", "another long password").status_code == 401


def test_sso_only_user_cannot_use_a_password(app, client, auth):
    with app.app_context():
        UserFactory(email="anna@hollola.fi", password=None)
    assert auth.login("anna@hollola.fi", "").status_code == 401


def test_page_with_another_role_is_403(app, client, auth):
    with app.app_context():
        UserFactory(email="vera@hollola.fi", role="viewer")
    auth.login("vera@hollola.fi")
    assert client.get("/admin/_probe/admins").status_code == 403


def test_session_reads_the_api_but_changes_need_a_token(app, client, auth):
    with app.app_context():
        row_id = register(slug="hollola")[0].id
        UserFactory(email="anna@hollola.fi")
    auth.login("anna@hollola.fi")
    assert client.get(f"/api/v1/_probe/connectors/{row_id}").status_code == 200
    # a cross-site form could POST with the cookie; the API has no CSRF token, so the cookie is not enough
    assert client.post("/api/v1/_probe/change").status_code == 401


def test_logout_needs_the_sessions_token_and_ends_the_session(app, client, auth):
    from climate_plugin.accounts.csrf import session_form_token

    @app.get("/admin/_probe/logout-token")
    @require()
    def probe_logout_token():
        return session_form_token("admin-logout")

    with app.app_context():
        UserFactory(email="anna@hollola.fi")
        UserFactory(email="mallory@hollola.fi")
    other = app.test_client()
    auth.for_client(other).login("mallory@hollola.fi")
    foreign = other.get("/admin/_probe/logout-token").get_data(as_text=True)

    auth.login("anna@hollola.fi")
    assert client.post("/admin/logout", data={"csrf_token": "forged"}).status_code == 400
    # a token rendered for another person's session does not work in this one
    assert client.post("/admin/logout", data={"csrf_token": foreign}).status_code == 400
    assert client.get("/admin/_probe").status_code == 200

    own = client.get("/admin/_probe/logout-token").get_data(as_text=True)
    response = client.post("/admin/logout", data={"csrf_token": own})
    assert response.status_code == 302 and "signed_out=1" in response.headers["Location"]
    assert client.get("/admin/_probe").status_code == 302


def test_logout_page_text(client):
    assert "Du har loggat ut." in client.get("/admin/login?lang=sv&signed_out=1").get_data(as_text=True)
    assert csrf_of(client.get("/admin/login").get_data(as_text=True))
