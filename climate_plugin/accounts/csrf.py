"""CSRF tokens for forms of signed-in people: the signed form token, bound to this session.

``climate_plugin.web.form_token`` alone would let someone replay a token rendered for their own account
against another person's session; mixing a per-session random value into the scope stops that.
"""

from __future__ import annotations

import secrets

from flask import session

from climate_plugin.web.form_token import FIELD, form_token, form_token_ok

SESSION_NONCE = "auth_csrf"

__all__ = ["FIELD", "session_form_token", "session_form_token_ok"]


def _nonce() -> str:
    value = session.get(SESSION_NONCE)
    if not isinstance(value, str):
        value = secrets.token_urlsafe(16)
        session[SESSION_NONCE] = value
    return value


def session_form_token(scope: str) -> str:
    """The value of the hidden ``csrf_token`` field of a form with this ``scope`` (e.g. "connector-new")."""
    return form_token(f"{scope}|{_nonce()}")


def session_form_token_ok(scope: str, value: object) -> bool:
    nonce = session.get(SESSION_NONCE)
    return isinstance(nonce, str) and form_token_ok(f"{scope}|{nonce}", value)
