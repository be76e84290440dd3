"""The start page (a platform administrator picks a municipality; everyone else goes to their own) and the
municipality's overview; the admin pages' own 403 and 404."""

from __future__ import annotations

from typing import Any

from flask import redirect, url_for
from sqlalchemy import func, select
from werkzeug.exceptions import HTTPException

from climate_plugin.accounts import current_principal, require, scoped
from climate_plugin.admin.pages import VIEW, bp, error_page, lang, municipality_or_404, principal, render
from climate_plugin.checklist import checklist_for
from climate_plugin.db import db
from climate_plugin.i18n import t
from climate_plugin.models import AgendaItem, Connector, Delivery, Municipality, WriteBack
from climate_plugin.models import delivery as delivery_status
from climate_plugin.models import write_back as write_back_status


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
    town = municipality_or_404(slug)
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
    )
