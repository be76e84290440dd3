"""What every admin page shares: the blueprint, language, the signed-in principal, the municipality looked
up within the principal's scope, the form token, and rendering with the page frame (navigation, language
switch)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from flask import Blueprint, abort, current_app, request, url_for
from marshmallow import ValidationError
from sqlalchemy import select

from climate_plugin.accounts import PLATFORM_ADMIN, ROLES, Principal, current_principal, scoped
from climate_plugin.accounts.csrf import session_form_token, session_form_token_ok
from climate_plugin.dates import format_datetime, zone_of
from climate_plugin.db import db
from climate_plugin.i18n import language_links, request_language, t
from climate_plugin.models import Municipality
from climate_plugin.web.form_token import FIELD as CSRF_FIELD
from climate_plugin.web.render import render as render_in
from climate_plugin.web.validation import translate

bp = Blueprint("admin", __name__, url_prefix="/admin")

#: any signed-in role may look; viewers and coordinators see but do not change
VIEW = ROLES
#: what changes connectors, deliveries, templates and users (a platform administrator always passes)
CHANGE = ("municipality_admin",)
#: the roles a municipality's users can be given on these pages (platform administrators are made with
#: the CLI: they belong to no municipality)
MUNICIPALITY_ROLES: tuple[str, ...] = tuple(r for r in ROLES if r != PLATFORM_ADMIN)


def lang() -> str:
    return request_language()


def principal() -> Principal:
    found = current_principal()
    if found is None:  # the views are all behind require(); this is a programming error
        abort(401)
    return found


def can_change() -> bool:
    return principal().role in (PLATFORM_ADMIN, *CHANGE)


def municipality_or_404(slug: str) -> Municipality:
    found = db.session.scalar(scoped(select(Municipality).where(Municipality.slug == slug), Municipality))
    if found is None:
        abort(404)
    return found


def scoped_one(model: type, row_id: int, *where: Any) -> Any:
    """The row if the principal may see it and it matches ``where`` (the page's municipality), else 404."""
    row = db.session.scalar(scoped(select(model).where(model.id == row_id, *where), model))
    if row is None:
        abort(404)
    return row


def _csrf_scope() -> str:
    # The signed form token (climate_plugin.web.form_token), bound to the principal and, through
    # climate_plugin.accounts.csrf, to this session: a token lifted from another page or session does not
    # work.
    p = principal()
    return f"admin:{p.kind}:{p.id}"


def csrf_ok() -> bool:
    return session_form_token_ok(_csrf_scope(), request.form.get(CSRF_FIELD))


def refuse_csrf(municipality: Municipality | None = None) -> Any:
    return error_page(400, t("admin.error.csrf", lang()), municipality)


def error_page(status: int, message: str, municipality: Municipality | None = None) -> Any:
    return render("admin/error.html", municipality, status=status, message=message)


def field_errors(exc: ValidationError) -> dict[str, list[str]]:
    """marshmallow's messages flattened to ``{"config.auth.token": ["…"]}``, in the page's language
    (climate_plugin.web.validation), shown next to the fields."""
    flat: dict[str, list[str]] = {}
    current = lang()

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, Mapping):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        elif isinstance(value, list | tuple):
            for inner in value:
                if isinstance(inner, Mapping | list | tuple):
                    walk(prefix, inner)
                else:
                    flat.setdefault(prefix or "_form", []).append(translate(str(inner), current))
        else:
            flat.setdefault(prefix or "_form", []).append(translate(str(value), current))

    walk("", exc.messages)
    return flat


def when(value: datetime | str | None, lang: str = "fi", municipality: Any = None) -> str:
    """A time in the municipality's time zone and the page's language (climate_plugin.dates)."""
    if value is None:
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    return format_datetime(value, lang, zone_of(municipality))


def _logout_form() -> dict[str, str] | None:
    # The sign-out view and its form scope belong to climate_plugin.accounts; only a session can sign out.
    from climate_plugin.accounts.web import LOGOUT_SCOPE

    if principal().kind != "user":
        return None
    return {"url": url_for("auth.logout", lang=lang()), "token": session_form_token(LOGOUT_SCOPE)}


def _nav(municipality: Municipality | None, current_lang: str) -> list[dict[str, Any]]:
    items = []
    if principal().role == PLATFORM_ADMIN:
        items.append(("admin.index", {}, "admin.nav.municipalities"))
    if municipality is not None:
        slug = {"slug": municipality.slug}
        items += [
            ("admin.dashboard", slug, "admin.nav.dashboard"),
            ("admin.reach", slug, "admin.nav.reach"),
            ("admin.items", slug, "admin.nav.items"),
            ("admin.connectors", slug, "admin.nav.connectors"),
            ("admin.deliveries", slug, "admin.nav.deliveries"),
            ("admin.checklist", slug, "admin.nav.checklist"),
            ("admin.teams", slug, "admin.nav.teams"),
            ("admin.programme", slug, "admin.nav.programme"),
            ("admin.users", slug, "admin.nav.users"),
            ("admin.settings", slug, "admin.nav.settings"),
            ("admin.audit", slug, "admin.nav.audit"),
        ]
    return [
        {
            "url": url_for(endpoint, lang=current_lang, **values),
            "label": t(key, current_lang),
            "current": request.endpoint == endpoint
            or (endpoint == "admin.connectors" and (request.endpoint or "").startswith("admin.connector"))
            or (endpoint == "admin.teams" and (request.endpoint or "").startswith("admin.team"))
            or (endpoint == "admin.programme" and (request.endpoint or "") == "admin.measure")
            or (endpoint == "admin.settings" and request.endpoint == "admin.settings_save"),
        }
        for endpoint, values, key in items
    ]


def render(template: str, municipality: Municipality | None, status: int = 200, **context: Any) -> Any:
    current = lang()
    p = principal()
    view_args = {k: v for k, v in (request.view_args or {}).items()}
    # A POST answered with a page (errors, a secret shown once) switches language to the list page, not to
    # a GET of the form's action, which has no page of its own.
    endpoint = request.endpoint if request.method == "GET" else context.pop("switch_endpoint", None)
    languages = (
        language_links(endpoint, current, **view_args) if endpoint else language_links("admin.index", current)
    )
    html = render_in(
        template,
        current,
        municipality=municipality,
        languages=languages,
        nav=_nav(municipality, current),
        principal=p,
        role_label=t(f"admin.role.{p.role}", current) if p.role in ROLES else p.role,
        # a feature whose pages another role may change too (climate teams: the coordinator) says so
        can_change=context.pop("can_change", can_change()),
        csrf_field=CSRF_FIELD,
        csrf_token=session_form_token(_csrf_scope()),
        logout=_logout_form(),
        when=lambda value: when(value, current, municipality),
        **context,
    )
    return html, status


def settings() -> Any:
    return current_app.extensions["climate_plugin.settings"]
