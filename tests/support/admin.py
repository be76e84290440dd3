"""The admin pages' test helpers: two towns with a connector, a failed delivery and a user per role, and
reading a page with its form token."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

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


class _FormReader(HTMLParser):
    def __init__(self, action: str) -> None:
        super().__init__(convert_charrefs=True)
        self.action = action
        self.inside = False
        self.done = False
        self.values: dict[str, list[str]] = {}
        self._select: str | None = None
        self._option: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def _add(self, name: str | None, value: str) -> None:
        if name:
            self.values.setdefault(name, []).append(value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and not self.done and self.action in a.get("action", ""):
            self.inside = True
        if not self.inside:
            return
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._add(a.get("name"), a.get("value", "on"))
            elif kind not in ("submit", "button"):
                self._add(a.get("name"), a.get("value", ""))
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self._add(self._select, a.get("value", ""))
        elif tag == "textarea":
            self._textarea, self._text = a.get("name"), []

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.inside:
            self.inside, self.done = False, True
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self._add(self._textarea, "".join(self._text).removeprefix("\n"))
            self._textarea = None


def form_values(html: str, action: str) -> dict[str, str | list[str]]:
    """What a browser would send from the page's form whose action contains ``action`` (its inputs as
    filled in, checked boxes, selected options; no submit button): tests change what they are about."""
    reader = _FormReader(action)
    reader.feed(html)
    assert reader.done, f"no form with action containing {action!r}"
    return {k: v[0] if len(v) == 1 else v for k, v in reader.values.items()}
