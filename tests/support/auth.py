"""Signing in and API tokens, in the style of the Flask tutorial's conftest: the ``auth`` fixture is an
:class:`AuthActions` on the test client (``auth.login(email)``, ``auth.token("viewer")``)."""

from __future__ import annotations

import re
from contextlib import nullcontext

from flask import has_app_context

from climate_plugin.accounts.principal import SESSION_PASSWORD, SESSION_USER, password_fingerprint
from climate_plugin.accounts.tokens import create_token
from climate_plugin.db import db
from climate_plugin.models import User
from tests.factories import PASSWORD, MunicipalityFactory


def csrf_of(html: str) -> str:
    """The form token of the first form on a page."""
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


class AuthActions:
    """Sign-in and tokens for one test client; make users with :class:`tests.factories.UserFactory`."""

    def __init__(self, app, client) -> None:
        self.app = app
        self.client = client

    def for_client(self, client) -> AuthActions:
        """The same actions on another client (another browser)."""
        return AuthActions(self.app, client)

    def _context(self):
        return nullcontext() if has_app_context() else self.app.app_context()

    def login(self, email: str, password: str = PASSWORD, next_path: str | None = None):
        """Sign in through the login form, as a person does; returns the form's response."""
        page = self.client.get("/admin/login")
        data = {"csrf_token": csrf_of(page.get_data(as_text=True)), "email": email, "password": password}
        if next_path:
            data["next"] = next_path
        return self.client.post("/admin/login", data=data)

    def login_as(self, user_id: int) -> None:
        """Start a session the way a successful sign-in does, without the form (and its password check)."""
        with self._context():
            fingerprint = password_fingerprint(db.session.get(User, user_id).password_hash)
        with self.client.session_transaction() as session:
            session.clear()  # a fresh session, as signing in makes
            session[SESSION_USER] = user_id
            session[SESSION_PASSWORD] = fingerprint

    def token(self, role: str = "municipality_admin", slug: str | None = "hollola") -> str:
        """A fresh API token of ``role`` in ``slug`` (None: platform), committed; its value."""
        with self._context():
            municipality = MunicipalityFactory(slug=slug) if slug else None
            _, value = create_token(municipality, role, f"{role} test")
            db.session.commit()
            return value
