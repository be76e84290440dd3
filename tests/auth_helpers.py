"""Helpers for the authentication tests: municipalities, users, tokens, a signed-in client."""

from __future__ import annotations

import re

from climate_plugin.accounts.tokens import create_token
from climate_plugin.accounts.users import create_user
from climate_plugin.db import db
from climate_plugin.models import Municipality

PASSWORD = "correct horse battery staple"


def town(slug: str) -> Municipality:
    row = db.session.query(Municipality).filter_by(slug=slug).one_or_none()
    if row is None:
        row = Municipality(slug=slug, name=slug.title(), language="fi")
        db.session.add(row)
        db.session.commit()
    return row


def token_for(slug: str | None, role: str = "municipality_admin") -> str:
    """A fresh API token (committed) of ``role`` in the municipality ``slug`` (None: platform)."""
    _, value = create_token(town(slug) if slug else None, role, f"{role} test")
    db.session.commit()
    return value


def user_for(slug: str | None, email: str, role: str = "municipality_admin", password: str | None = PASSWORD):
    row = create_user(town(slug) if slug else None, email, email.split("@")[0].title(), role, password)
    db.session.commit()
    return row


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def sign_in(client, email: str, password: str = PASSWORD, next_path: str | None = None):
    page = client.get("/admin/login")
    data = {"csrf_token": csrf_of(page.get_data(as_text=True)), "email": email, "password": password}
    if next_path:
        data["next"] = next_path
    return client.post("/admin/login", data=data)
