"""The admin pages' test helpers: two towns with a connector, a failed delivery and a user per role, and
reading a page with its form token."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from markupsafe import escape

from climate_plugin.i18n import t
from tests.factories import DeliveryFactory, UserFactory
from tests.support.webhooks import register


@dataclass
class Town:
    slug: str
    id: int
    connector_id: int
    failed_delivery_id: int
    users: dict[str, int]


def _town(slug: str) -> Town:
    row, _secret = register(slug=slug)
    delivery = DeliveryFactory(
        connector=row,
        delivery_id=f"msg_{slug}_1",
        external_id="2026-1",
        status="failed",
        attempts=3,
        last_error="gave up after 3 attempts: TransientError: GET /items/2026-1: 500",
    )
    users = {
        role: UserFactory(municipality=row.municipality, role=role, name=f"{role.title()} {slug}").id
        for role in ("municipality_admin", "coordinator", "viewer")
    }
    return Town(slug, row.municipality_id, row.id, delivery.id, users)


@pytest.fixture
def towns(app):
    """Hollola and Lahti; Hollola's users also hold the platform administrator."""
    with app.app_context():
        hollola, lahti = _town("hollola"), _town("lahti")
        platform = UserFactory(
            municipality=None, role="platform_admin", email="root@platform.fi", name="Root"
        )
        hollola.users["platform_admin"] = platform.id
    return hollola, lahti


def token_of(html: str) -> str:
    """The form token of the page's own forms (the sign-out form at the top has its own scope)."""
    found = re.findall(r'name="csrf_token" value="([^"]+)"', html)
    assert len(found) > 1, "the page has no form besides sign-out"
    return found[-1]


def text(key: str, lang: str, **params: object) -> str:
    """A text as it appears in the HTML (apostrophes and the like escaped)."""
    return str(escape(t(key, lang, **params)))


def page(client, url: str) -> tuple[str, str]:
    """(html, csrf token of the page's forms)."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    html = response.get_data(as_text=True)
    return html, token_of(html)
