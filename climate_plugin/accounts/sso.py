"""OpenID Connect single sign-on per municipality: authorization code flow with PKCE, state and nonce.

The configuration lives in ``Municipality.settings["sso"]`` with the client secret encrypted
("client_secret_encrypted"); every request to the provider goes through the OutboundClient, so the
provider's host must be in CLIMATE_PLUGIN_OUTBOUND_ALLOW like any other outgoing address.

Sign-in only matches an existing, active account of that municipality by e-mail; nobody is created
here. A municipality's identity provider usually knows every employee (often residents too): creating
accounts from it would give all of them access. An administrator decides who gets a role.
"""

from __future__ import annotations

import base64
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from authlib.oauth2.rfc7636 import create_s256_code_challenge
from flask import current_app

from climate_plugin.models.municipality import Municipality
from climate_plugin.outbound import OutboundClient, OutboundError

#: id tokens signed with these algorithms are accepted when a jwks_uri is configured
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "ES256", "ES384")
URL_FIELDS = ("issuer", "authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri")
#: an id token issued this long ago or more in the future is refused (clock skew allowance)
_LEEWAY = 120


class SsoError(Exception):
    """Sign-in through the provider failed; the message is for the log, never for the browser."""


@dataclass(frozen=True)
class SsoConfig:
    issuer: str
    client_id: str
    client_secret: str
    authorization_endpoint: str
    token_endpoint: str
    userinfo_endpoint: str | None
    jwks_uri: str | None
    scopes: str = "openid email profile"


def _encryptor():
    return current_app.extensions["climate_plugin.encryptor"]


def _outbound() -> OutboundClient:
    return current_app.extensions["climate_plugin.outbound"]


def validate(fields: dict[str, Any]) -> dict[str, str]:
    """Problems per field (empty when fine) of a configuration about to be saved."""
    problems: dict[str, str] = {}
    for name in ("issuer", "client_id", "client_secret", "authorization_endpoint", "token_endpoint"):
        if not isinstance(fields.get(name), str) or not fields[name].strip():
            problems[name] = "required"
    for name in URL_FIELDS:
        value = fields.get(name)
        if isinstance(value, str) and value:
            parts = urlsplit(value)
            if parts.scheme not in ("https", "http") or not parts.hostname:
                problems[name] = "must be an https:// URL"
    if not fields.get("userinfo_endpoint") and not fields.get("jwks_uri"):
        problems["userinfo_endpoint"] = "give a userinfo_endpoint or a jwks_uri (or both)"
    for name in ("client_id", "client_secret"):
        if isinstance(fields.get(name), str) and len(fields[name]) > 2000:
            problems[name] = "at most 2000 characters"
    return problems


def save_config(municipality: Municipality, fields: dict[str, Any]) -> None:
    """Store the configuration (client secret encrypted); raise ValueError with the problems if wrong."""
    problems = validate(fields)
    if problems:
        raise ValueError(problems)
    stored = {name: fields[name].strip() for name in URL_FIELDS if fields.get(name)}
    stored["client_id"] = fields["client_id"].strip()
    stored["client_secret_encrypted"] = _encryptor().encrypt(fields["client_secret"])
    if fields.get("scopes"):
        stored["scopes"] = str(fields["scopes"])
    settings = dict(municipality.settings or {})
    settings["sso"] = stored
    municipality.settings = settings  # a new dict, so SQLAlchemy notices the JSON change


def remove_config(municipality: Municipality) -> None:
    settings = dict(municipality.settings or {})
    settings.pop("sso", None)
    municipality.settings = settings


def shown_config(municipality: Municipality) -> dict[str, Any] | None:
    """The configuration as it may be shown: without the client secret."""
    raw = (municipality.settings or {}).get("sso")
    if not isinstance(raw, dict):
        return None
    shown = {k: v for k, v in raw.items() if k != "client_secret_encrypted"}
    shown["client_secret"] = "***" if raw.get("client_secret_encrypted") else None
    return shown


def client_secret_readable(municipality: Municipality) -> bool | None:
    """Whether a configured key decrypts the municipality's client secret; None without one (a start-up
    check: see climate_plugin.startup)."""
    from climate_plugin.encryption import DecryptionError

    raw = (municipality.settings or {}).get("sso") if isinstance(municipality.settings, dict) else None
    if not isinstance(raw, dict) or not raw.get("client_secret_encrypted"):
        return None
    try:
        _encryptor().decrypt(raw["client_secret_encrypted"])
    except DecryptionError:
        return False
    return True


def load_config(municipality: Municipality) -> SsoConfig | None:
    raw = (municipality.settings or {}).get("sso") if isinstance(municipality.settings, dict) else None
    if not isinstance(raw, dict) or not raw.get("client_secret_encrypted"):
        return None
    try:
        return SsoConfig(
            issuer=raw["issuer"],
            client_id=raw["client_id"],
            client_secret=_encryptor().decrypt(raw["client_secret_encrypted"]),
            authorization_endpoint=raw["authorization_endpoint"],
            token_endpoint=raw["token_endpoint"],
            userinfo_endpoint=raw.get("userinfo_endpoint"),
            jwks_uri=raw.get("jwks_uri"),
            scopes=raw.get("scopes") or "openid email profile",
        )
    except KeyError:
        return None


def start(config: SsoConfig, redirect_uri: str) -> tuple[str, dict[str, str]]:
    """The provider URL to send the browser to, and what the session must keep for the callback."""
    pending = {
        "state": secrets.token_urlsafe(32),
        "nonce": secrets.token_urlsafe(32),
        "verifier": secrets.token_urlsafe(64),
    }
    query = urlencode(
        {
            "response_type": "code",
            "client_id": config.client_id,
            "redirect_uri": redirect_uri,
            "scope": config.scopes,
            "state": pending["state"],
            "nonce": pending["nonce"],
            "code_challenge": create_s256_code_challenge(pending["verifier"]),
            "code_challenge_method": "S256",
        }
    )
    separator = "&" if "?" in config.authorization_endpoint else "?"
    return config.authorization_endpoint + separator + query, pending


def finish(config: SsoConfig, code: str, redirect_uri: str, pending: dict[str, str]) -> str:
    """Exchange the code and return the verified e-mail address (lower-case); raise SsoError otherwise."""
    try:
        response = _outbound().request(
            "POST",
            config.token_endpoint,
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "code_verifier": pending["verifier"],
            },
            auth=(config.client_id, config.client_secret),
            headers={"Accept": "application/json"},
        )
        tokens = response.json()
    except (OutboundError, ValueError) as exc:
        raise SsoError(f"token request failed: {exc}") from None
    if not isinstance(tokens, dict) or not isinstance(tokens.get("id_token"), str):
        raise SsoError("the token response has no id_token")
    claims = _id_token_claims(config, tokens["id_token"])
    _check_claims(config, claims, pending["nonce"])
    if config.userinfo_endpoint and isinstance(tokens.get("access_token"), str):
        info = _userinfo(config, tokens["access_token"])
        if info.get("sub") != claims.get("sub"):
            # OIDC Core 5.3.2: a userinfo answer about someone else must not be used
            raise SsoError("userinfo is about another subject than the id token")
        claims = {**claims, **{k: info[k] for k in ("email", "email_verified") if k in info}}
    email = claims.get("email")
    if not isinstance(email, str) or "@" not in email:
        raise SsoError("the provider did not tell an e-mail address (is the 'email' scope allowed?)")
    if claims.get("email_verified") is False:
        raise SsoError("the provider says the e-mail address is not verified")
    return email.strip().lower()


def _id_token_claims(config: SsoConfig, id_token: str) -> dict[str, Any]:
    if config.jwks_uri:
        from joserfc import jwt
        from joserfc.errors import JoseError
        from joserfc.jwk import KeySet

        try:
            keys = KeySet.import_key_set(_outbound().request("GET", config.jwks_uri).json())
            return dict(jwt.decode(id_token, keys, algorithms=list(ALGORITHMS)).claims)
        except (OutboundError, ValueError, JoseError) as exc:
            raise SsoError(f"the id token's signature cannot be verified: {type(exc).__name__}") from None
    # Without a jwks_uri the token came straight from the token endpoint over our own connection, which
    # OIDC Core 3.1.3.7 accepts instead of a signature check; the claims are still checked.
    try:
        payload = id_token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        raise SsoError("the id token is not a JWT") from None
    if not isinstance(claims, dict):
        raise SsoError("the id token's claims are not an object")
    return claims


def _check_claims(config: SsoConfig, claims: dict[str, Any], nonce: str) -> None:
    if claims.get("iss") != config.issuer:
        raise SsoError("the id token comes from another issuer")
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if config.client_id not in audiences:
        raise SsoError("the id token is meant for another client")
    if claims.get("nonce") != nonce:
        raise SsoError("the id token's nonce does not match this sign-in")
    now = time.time()
    exp = claims.get("exp")
    if not isinstance(exp, (int, float)) or exp < now - _LEEWAY:
        raise SsoError("the id token has expired")
    if not isinstance(claims.get("sub"), str):
        raise SsoError("the id token has no subject")


def _userinfo(config: SsoConfig, access_token: str) -> dict[str, Any]:
    try:
        info = _outbound().request(
            "GET", config.userinfo_endpoint, headers={"Authorization": f"Bearer {access_token}"}
        ).json()
    except (OutboundError, ValueError) as exc:
        raise SsoError(f"userinfo request failed: {exc}") from None
    if not isinstance(info, dict):
        raise SsoError("the userinfo answer is not an object")
    return info
