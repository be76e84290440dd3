"""OpenID Connect single sign-on against a small fake provider on 127.0.0.1 (code flow, PKCE, state, nonce).
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from sqlalchemy import select

from climate_plugin.accounts import current_principal, require
from climate_plugin.accounts import sso as sso_service
from climate_plugin.cli import main
from climate_plugin.db import db
from climate_plugin.models import AuditEntry, Municipality
from tests.factories import MunicipalityFactory, UserFactory

CLIENT_ID = "climate-plugin"
CLIENT_SECRET = "s3cr3t-client-value-for-tests"


class FakeProvider:
    """Just enough of an OpenID provider: /authorize, /token (checks PKCE and client auth), /userinfo, /jwks.
    """

    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "k1"})
        self.signing_key = self.key  # a test swaps in another key to forge a signature
        self.email = "anna@hollola.fi"
        self.email_verified = True
        self.nonce_override: str | None = None
        self.codes: dict[str, dict] = {}
        self.access: dict[str, str] = {}
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def settings(self, **extra) -> dict:
        return {
            "issuer": self.url,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "authorization_endpoint": f"{self.url}/authorize",
            "token_endpoint": f"{self.url}/token",
            **extra,
        }

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def _json(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                if parts.path == "/authorize":
                    assert query["response_type"] == "code" and query["client_id"] == CLIENT_ID
                    assert query["code_challenge_method"] == "S256" and "openid" in query["scope"]
                    code = secrets.token_urlsafe(16)
                    provider.codes[code] = query
                    self.send_response(302)
                    self.send_header("Location", f"{query['redirect_uri']}?" + urlencode(
                        {"code": code, "state": query["state"]}))
                    self.end_headers()
                elif parts.path == "/jwks":
                    self._json(200, KeySet([provider.key]).as_dict(private=False))
                elif parts.path == "/userinfo":
                    token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    if token not in provider.access:
                        self._json(401, {"error": "invalid_token"})
                        return
                    self._json(200, {"sub": provider.access[token], "email": provider.email,
                                     "email_verified": provider.email_verified})
                else:
                    self._json(404, {})

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                form = {k: v[0] for k, v in parse_qs(body).items()}
                expected = "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
                if self.headers.get("Authorization") != expected:
                    self._json(401, {"error": "invalid_client"})
                    return
                grant = provider.codes.pop(form.get("code", ""), None)
                if grant is None or form.get("redirect_uri") != grant["redirect_uri"]:
                    self._json(400, {"error": "invalid_grant"})
                    return
                challenge = base64.urlsafe_b64encode(
                    hashlib.sha256(form.get("code_verifier", "").encode()).digest()
                ).rstrip(b"=").decode()
                if challenge != grant["code_challenge"]:
                    self._json(400, {"error": "invalid_grant", "error_description": "PKCE"})
                    return
                now = int(time.time())
                claims = {
                    "iss": provider.url, "aud": CLIENT_ID, "sub": "subject-1", "iat": now, "exp": now + 300,
                    "nonce": provider.nonce_override or grant["nonce"], "email": provider.email,
                    "email_verified": provider.email_verified,
                }
                id_token = jwt.encode({"alg": "RS256", "kid": "k1"}, claims, provider.signing_key)
                access = secrets.token_urlsafe(16)
                provider.access[access] = "subject-1"
                self._json(200, {"access_token": access, "token_type": "Bearer", "id_token": id_token})

        return Handler


@pytest.fixture
def provider():
    fake = FakeProvider()
    yield fake
    fake.close()


@pytest.fixture
def app(app):
    @app.get("/admin/_probe")
    @require()
    def probe_page():
        principal = current_principal()
        return f"{principal.name} {principal.role}"

    return app


def configure(app, provider, **extra) -> None:
    with app.app_context():
        sso_service.save_config(MunicipalityFactory(), provider.settings(**extra))
        db.session.commit()


def sign_in_through(client, provider, slug: str = "hollola"):
    """Follow the redirects a browser would: plugin → provider → plugin callback."""
    start = client.get(f"/admin/sso/{slug}?next=/admin/_probe")
    assert start.status_code == 302
    to_provider = start.headers["Location"]
    assert to_provider.startswith(provider.url + "/authorize?")
    back = requests.get(to_provider, allow_redirects=False, timeout=60)
    callback = urlsplit(back.headers["Location"])
    assert callback.netloc == "plugin.test"  # PUBLIC_URL, not the request's Host
    return client.get(f"{callback.path}?{callback.query}")


@pytest.mark.parametrize("verify", ["jwks", "userinfo", "both"])
def test_an_existing_user_signs_in_through_the_provider(app, client, provider, verify):
    extra = {
        "jwks": {"jwks_uri": f"{provider.url}/jwks"},
        "userinfo": {"userinfo_endpoint": f"{provider.url}/userinfo"},
        "both": {"jwks_uri": f"{provider.url}/jwks", "userinfo_endpoint": f"{provider.url}/userinfo"},
    }[verify]
    configure(app, provider, **extra)
    with app.app_context():
        UserFactory(email="anna@hollola.fi", role="coordinator", password=None)
    response = sign_in_through(client, provider)
    assert response.status_code == 302 and response.headers["Location"] == "/admin/_probe"
    assert client.get("/admin/_probe").get_data(as_text=True) == "Anna coordinator"
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.login"))
        assert entry.details == {"method": "sso"}


def test_the_login_page_offers_configured_providers(app, client, provider):
    configure(app, provider, jwks_uri=f"{provider.url}/jwks")
    page = client.get("/admin/login?lang=en").get_data(as_text=True)
    assert "Sign in: Hollola" in page and "/admin/sso/hollola" in page


def test_nobody_is_created_for_an_unknown_address(app, client, provider):
    configure(app, provider, jwks_uri=f"{provider.url}/jwks")
    provider.email = "stranger@hollola.fi"
    response = sign_in_through(client, provider)
    assert response.status_code == 403
    assert "ei ole käyttöoikeutta" in response.get_data(as_text=True)
    assert client.get("/admin/_probe").status_code == 302
    with app.app_context():
        from climate_plugin.models import User

        assert db.session.scalars(select(User)).all() == []


def test_a_user_of_another_municipality_cannot_use_this_ones_provider(app, client, provider):
    configure(app, provider, jwks_uri=f"{provider.url}/jwks")
    with app.app_context():
        UserFactory(municipality__slug="lahti", email="anna@hollola.fi")
    assert sign_in_through(client, provider).status_code == 403
    assert client.get("/admin/_probe").status_code == 302


def test_a_deactivated_user_cannot_sign_in(app, client, provider):
    from climate_plugin.accounts.users import set_active

    configure(app, provider, jwks_uri=f"{provider.url}/jwks")
    with app.app_context():
        set_active(UserFactory(email="anna@hollola.fi"), False)
        db.session.commit()
    assert sign_in_through(client, provider).status_code == 403


@pytest.mark.parametrize("problem", ["forged_signature", "wrong_nonce", "unverified_email"])
def test_a_bad_id_token_is_refused(app, client, provider, problem):
    configure(app, provider, jwks_uri=f"{provider.url}/jwks")
    with app.app_context():
        UserFactory(email="anna@hollola.fi")
    if problem == "forged_signature":
        provider.signing_key = RSAKey.generate_key(2048, parameters={"kid": "k1"})
    elif problem == "wrong_nonce":
        provider.nonce_override = "replayed"
    else:
        provider.email_verified = False
    response = sign_in_through(client, provider)
    assert response.status_code == 400
    assert "ei onnistunut" in response.get_data(as_text=True)
    assert client.get("/admin/_probe").status_code == 302


def test_a_callback_with_another_state_or_a_second_time_is_refused(app, client, provider):
    configure(app, provider, jwks_uri=f"{provider.url}/jwks")
    with app.app_context():
        UserFactory(email="anna@hollola.fi")
    start = client.get("/admin/sso/hollola")
    answer = requests.get(start.headers["Location"], allow_redirects=False, timeout=60)
    back = urlsplit(answer.headers["Location"])
    query = parse_qs(back.query)
    forged = client.get(f"{back.path}?code={query['code'][0]}&state=attacker")
    assert forged.status_code == 400
    # the pending sign-in was used up by the forged attempt: the real callback no longer works either
    assert client.get(f"{back.path}?{back.query}").status_code == 400
    assert client.get("/admin/_probe").status_code == 302
    # a callback without any sign-in started in this browser
    assert app.test_client().get(f"{back.path}?{back.query}").status_code == 400


def test_the_provider_reporting_an_error(app, client, provider):
    configure(app, provider, jwks_uri=f"{provider.url}/jwks")
    start = client.get("/admin/sso/hollola")
    state = parse_qs(urlsplit(start.headers["Location"]).query)["state"][0]
    response = client.get(f"/admin/sso/hollola/callback?error=access_denied&state={state}")
    assert response.status_code == 400


def test_unknown_or_unconfigured_municipality_is_404(app, client):
    with app.app_context():
        MunicipalityFactory()
    assert client.get("/admin/sso/hollola").status_code == 404
    assert client.get("/admin/sso/nowhere").status_code == 404


def test_a_provider_outside_the_allow_list_is_not_contacted(tmp_path, provider):
    from tests.support.app import build_app

    app = build_app(tmp_path, outbound_allow="10.0.0.1")
    configure(app, provider, jwks_uri=f"{provider.url}/jwks")
    with app.app_context():
        UserFactory(email="anna@hollola.fi")
    response = sign_in_through(app.test_client(), provider)
    assert response.status_code == 400


def test_the_client_secret_is_stored_encrypted_and_never_shown(app, runner, provider):
    with app.app_context():
        MunicipalityFactory()
    result = runner.invoke(main, args=[
        "sso", "set", "--municipality", "hollola", "--issuer", provider.url, "--client-id", CLIENT_ID,
        "--client-secret-stdin", "--authorization-endpoint", f"{provider.url}/authorize",
        "--token-endpoint", f"{provider.url}/token", "--jwks-uri", f"{provider.url}/jwks",
    ], input=CLIENT_SECRET + "\n")
    assert result.exit_code == 0, result.output
    assert CLIENT_SECRET not in result.output and json.loads(result.output)["client_secret"] == "***"
    with app.app_context():
        stored = db.session.scalar(select(Municipality.settings))
        assert CLIENT_SECRET not in json.dumps(stored)
        assert sso_service.load_config(db.session.scalar(select(Municipality))).client_secret == CLIENT_SECRET
        audit_rows = db.session.scalars(select(AuditEntry.details)).all()
        assert audit_rows and CLIENT_SECRET not in json.dumps(audit_rows)
    shown = runner.invoke(main, args=["sso", "show", "--municipality", "hollola"])
    assert CLIENT_SECRET not in shown.output


def test_sso_set_refuses_a_configuration_it_cannot_use(app, runner):
    with app.app_context():
        MunicipalityFactory()
    result = runner.invoke(main, args=[
        "sso", "set", "--municipality", "hollola", "--issuer", "https://id.example.fi", "--client-id", "c",
        "--client-secret-stdin", "--authorization-endpoint", "ftp://id.example.fi/a",
        "--token-endpoint", "https://id.example.fi/t",
    ], input="secret\n")
    assert result.exit_code != 0
    assert "--authorization-endpoint" in result.output and "--userinfo-endpoint" in result.output
    assert "Traceback" not in result.output
