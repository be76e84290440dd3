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
    lang,
    municipality_or_404,
    principal,
    refuse_csrf,
    render,
)
from climate_plugin.checklist import checklist_for
from climate_plugin.db import db
from climate_plugin.i18n import t
from climate_plugin.models import AgendaItem, Connector, Delivery, Municipality, WriteBack
from climate_plugin.models import delivery as delivery_status
from climate_plugin.models import write_back as write_back_status
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


@bp.post("/m/<slug>/time-zone")
@require(*CHANGE)
def time_zone(slug: str) -> Any:
    """Set the time zone the municipality's pages and written-back blocks show dates and times in."""
    town = municipality_or_404(slug)
    if not csrf_ok():
        return refuse_csrf(town)
    value = request.form.get("time_zone", "").strip()
    try:
        service.update_municipality(town, {"time_zone": value})
    except ValidationError:
        db.session.rollback()
        problem = t("admin.time_zone.invalid", lang(), zone=value[:64])
        return _dashboard(town, time_zone_value=value, problem=problem, status=422)
    return redirect(url_for("admin.dashboard", slug=town.slug, lang=lang(), saved="time_zone"), 303)


def _dashboard(
    town: Municipality, time_zone_value: str | None = None, problem: str = "", status: int = 200
) -> Any:
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
    return render(
        "admin/dashboard.html",
        town,
        connectors=count,
        enabled=enabled,
        failed_deliveries=failed_deliveries,
        failed_write_backs=failed_write_backs,
        checklist_version=checklist_for(town).version,
        status=status,
        time_zone=town.time_zone if time_zone_value is None else time_zone_value,
        time_zones=_COMMON_ZONES,
        problem=problem,
        notice=t("admin.time_zone.saved", lang()) if request.args.get("saved") == "time_zone" else None,
        switch_endpoint="admin.dashboard",
    )
