"""The start page (a platform administrator picks a municipality; everyone else goes to their own) and the
municipality's overview; the admin pages' own 403 and 404."""

from __future__ import annotations

from typing import Any

from flask import redirect, request, url_for
from marshmallow import ValidationError
from sqlalchemy import func, select
from werkzeug.exceptions import HTTPException

from climate_plugin.accounts import current_principal, require, scoped
from climate_plugin.admin.pages import (
    CHANGE,
    VIEW,
    bp,
    csrf_ok,
    error_page,
    field_errors,
    lang,
    municipality_or_404,
    principal,
    refuse_csrf,
    render,
)
from climate_plugin.checklist import checklist_for
from climate_plugin.db import db
from climate_plugin.hosts.polling import sync_health
from climate_plugin.i18n import LANGUAGE_NAMES, LANGUAGES, t
from climate_plugin.items.listing import items_query
from climate_plugin.models import AgendaItem, Connector, Delivery, Municipality, WriteBack
from climate_plugin.models import delivery as delivery_status
from climate_plugin.models import write_back as write_back_status
from climate_plugin.models.municipality import GAME_ELEMENTS, valid_frame_ancestor
from climate_plugin.municipalities import service

#: offered as suggestions; any IANA name is accepted
_COMMON_ZONES = ("Europe/Helsinki", "Europe/Stockholm", "Europe/Tallinn", "Europe/Oslo", "UTC")


@bp.errorhandler(403)
@bp.errorhandler(404)
def _error(exc: HTTPException) -> Any:
    if current_principal() is None:
        return exc
    key = "admin.error.forbidden" if exc.code == 403 else "admin.error.not_found"
    return error_page(exc.code or 404, t(key, lang()))


@bp.get("/")
@require(*VIEW)
def index() -> Any:
    p = principal()
    if p.municipality_id is not None:
        own = db.session.get(Municipality, p.municipality_id)
        if own is not None:
            return redirect(url_for("admin.dashboard", slug=own.slug, lang=lang()))
    towns = db.session.scalars(scoped(select(Municipality).order_by(Municipality.name), Municipality)).all()
    return render("admin/index.html", None, municipalities=towns)


@bp.get("/m/<slug>/")
@require(*VIEW)
def dashboard(slug: str) -> Any:
    return _dashboard(municipality_or_404(slug))


def _dashboard(town: Municipality) -> Any:
    connectors = select(Connector.id).where(Connector.municipality_id == town.id)
    count, enabled = db.session.execute(
        select(func.count(Connector.id), func.count(Connector.id).filter(Connector.enabled.is_(True))).where(
            Connector.municipality_id == town.id
        )
    ).one()
    failed_deliveries = db.session.scalar(
        select(func.count(Delivery.id)).where(
            Delivery.connector_id.in_(connectors), Delivery.status == delivery_status.FAILED
        )
    )
    failed_write_backs = db.session.scalar(
        select(func.count(WriteBack.id)).where(
            WriteBack.item_id.in_(select(AgendaItem.id).where(AgendaItem.connector_id.in_(connectors))),
            WriteBack.status == write_back_status.FAILED,
        )
    )
    rows = db.session.scalars(
        select(Connector).where(Connector.municipality_id == town.id).order_by(Connector.name)
    ).all()
    with_errors = [row for row in rows if _sync_failing(sync_health(row))]
    escalated = db.session.scalar(
        select(func.count()).select_from(items_query(town, state="review").subquery())
    )
    high_open = db.session.scalar(
        select(func.count()).select_from(
            items_query(town, relevance="high", state="open", upcoming=True).subquery()
        )
    )
    current = lang()

    def link(endpoint: str, **args: Any) -> str:
        return url_for(endpoint, slug=town.slug, lang=current, **args)

    attention = [
        ("failed_deliveries", failed_deliveries, link("admin.deliveries", status="failed")),
        ("failed_write_backs", failed_write_backs, link("admin.deliveries") + "#write-backs"),
        ("connector_errors", len(with_errors), link("admin.connectors")),
        ("escalated", escalated, link("admin.items", state="review")),
        ("high_open", high_open, link("admin.items", relevance="high", state="open", upcoming="1")),
    ]
    return render(
        "admin/dashboard.html",
        town,
        connectors=count,
        enabled=enabled,
        attention=attention,
        failing_connectors=[
            {"name": row.name, "url": link("admin.connector", connector_id=row.id)} for row in with_errors
        ],
        checklist_version=checklist_for(town).version,
        switch_endpoint="admin.dashboard",
    )


def _sync_failing(health: dict) -> bool:
    """A connector's last error is newer than its last success (or it never succeeded)."""
    if not health.get("last_error"):
        return False
    error_at, success = health.get("last_error_at"), health.get("last_success")
    return success is None or (error_at is not None and error_at > success)


# --- the municipality's settings ----------------------------------------------------------------------
#: how the screening model's text kinds are named on the settings page
SCREENING_HEADS = ("fi_text", "fi_titles", "sv", "en")


def _point_label(name: str) -> str:
    try:
        return t(f"admin.settings.point.{name}", lang())
    except KeyError:  # an operating point a newer model brings, before the catalogues name it
        return name


def _settings_page(town: Municipality, errors: dict[str, str] | None = None, status: int = 200) -> Any:
    from climate_plugin.screening import DEFAULT_SENSITIVITY, sensitivities

    points = [
        {
            "name": point["name"],
            "label": _point_label(point["name"]),
            "figures": [
                (head, point.get("figures", {}).get(head, {})) for head in SCREENING_HEADS
                if head in point.get("figures", {})
            ],
        }
        for point in sensitivities()
    ]
    done = request.args.get("done")
    return render(
        "admin/settings.html",
        town,
        status=status,
        language_codes=LANGUAGES,
        language_names=LANGUAGE_NAMES,
        game=[(name, town.game_enabled(name)) for name in GAME_ELEMENTS],
        frame_ancestors=town.frame_ancestors(),
        # what was typed, when it was refused; else the stored zone
        time_zone=request.form.get("time_zone", "") if (errors or {}).get("time_zone") else town.time_zone,
        time_zones=_COMMON_ZONES,
        points=points,
        sensitivity=town.screening_sensitivity or DEFAULT_SENSITIVITY,
        errors=errors or {},
        notice=t("admin.settings.saved", lang()) if done == "saved" else None,
        switch_endpoint="admin.settings",
    )


@bp.get("/m/<slug>/settings")
@require(*VIEW)
def settings(slug: str) -> Any:
    return _settings_page(municipality_or_404(slug))


@bp.post("/m/<slug>/settings")
@require(*CHANGE)
def settings_save(slug: str) -> Any:
    town = municipality_or_404(slug)
    if not csrf_ok():
        return refuse_csrf(town)
    current = lang()
    language = request.form.get("language", town.language)
    time_zone = request.form.get("time_zone", town.time_zone).strip()
    chosen = set(request.form.getlist("game"))
    origins = [line.strip() for line in request.form.get("frame_ancestors", "").splitlines() if line.strip()]
    sensitivity = request.form.get("sensitivity") or None
    errors: dict[str, str] = {}
    bad = [origin for origin in origins if not valid_frame_ancestor(origin)]
    if bad:
        errors["frame_ancestors"] = t("admin.settings.bad_origin", current, origins=", ".join(bad))
    if language not in LANGUAGES:
        errors["language"] = t("validation.one_of", current, choices=", ".join(LANGUAGES))
    if errors:
        db.session.rollback()
        return _settings_page(town, errors, 422)
    try:
        service.update_municipality(town, {"language": language, "time_zone": time_zone})
        service.change_settings(
            town,
            game_off=[name for name in GAME_ELEMENTS if name not in chosen],
            game_on=[name for name in GAME_ELEMENTS if name in chosen],
            frame_ancestors=origins,
            screening_sensitivity=sensitivity,
        )
    except ValidationError as exc:
        db.session.rollback()
        refused = {k: " ".join(v) for k, v in field_errors(exc).items()}
        if "time_zone" in refused:  # the service's words name the rule; the page names what was typed
            refused["time_zone"] = t("admin.time_zone.invalid", current, zone=time_zone[:64])
        return _settings_page(town, refused, 422)
    return redirect(url_for("admin.settings", slug=town.slug, lang=current, done="saved"), 303)
