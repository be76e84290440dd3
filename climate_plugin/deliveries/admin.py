"""Recent deliveries (filterable by status) with a redeliver button on failed ones, and failed write-backs
with a retry button."""

from __future__ import annotations

from typing import Any

from flask import redirect, request, url_for
from sqlalchemy import select

from climate_plugin import services
from climate_plugin.accounts import require, scoped
from climate_plugin.admin.pages import (
    CHANGE,
    VIEW,
    bp,
    csrf_ok,
    error_page,
    lang,
    municipality_or_404,
    refuse_csrf,
    render,
    scoped_one,
)
from climate_plugin.db import db
from climate_plugin.deliveries import service as deliveries_service
from climate_plugin.i18n import t
from climate_plugin.models import AgendaItem, Connector, Delivery, Municipality, WriteBack
from climate_plugin.models import delivery as delivery_status
from climate_plugin.models import write_back as write_back_status
from climate_plugin.writeback import service as writeback_service

STATUSES = (
    delivery_status.FAILED,
    delivery_status.RECEIVED,
    delivery_status.PROCESSING,
    delivery_status.DONE,
)
#: rows on the page; the API lists and pages through all of them
SHOWN = 100


def _connector_ids(town: Municipality):
    return select(Connector.id).where(Connector.municipality_id == town.id)


@bp.get("/m/<slug>/deliveries")
@require(*VIEW)
def deliveries(slug: str) -> Any:
    town = municipality_or_404(slug)
    status = request.args.get("status") or ""
    if status not in STATUSES:
        status = ""
    stmt = select(Delivery).where(Delivery.connector_id.in_(_connector_ids(town)))
    if status:
        stmt = stmt.where(Delivery.status == status)
    rows = db.session.scalars(scoped(stmt.order_by(Delivery.id.desc()).limit(SHOWN), Delivery)).all()
    named = select(Connector.id, Connector.name).where(Connector.municipality_id == town.id)
    names = dict(db.session.execute(named).all())
    items = select(AgendaItem.id).where(AgendaItem.connector_id.in_(_connector_ids(town)))
    failed_write_backs = db.session.scalars(
        scoped(
            select(WriteBack)
            .where(WriteBack.item_id.in_(items), WriteBack.status == write_back_status.FAILED)
            .order_by(WriteBack.id.desc())
            .limit(SHOWN),
            WriteBack,
        )
    ).all()
    done = request.args.get("done")
    notices = {"redelivered": "admin.deliveries.redelivered", "retried": "admin.write_backs.retried"}
    notice = notices.get(done or "")
    return render(
        "admin/deliveries.html",
        town,
        deliveries=rows,
        connector_names=names,
        statuses=STATUSES,
        selected=status,
        shown=SHOWN,
        write_backs=failed_write_backs,
        notice=t(notice, lang()) if notice else None,
    )


@bp.post("/m/<slug>/deliveries/<int:delivery_id>/redeliver")
@require(*CHANGE)
def redeliver(slug: str, delivery_id: int) -> Any:
    town = municipality_or_404(slug)
    row = scoped_one(Delivery, delivery_id, Delivery.connector_id.in_(_connector_ids(town)))
    if not csrf_ok():
        return refuse_csrf(town)
    try:
        deliveries_service.redeliver(row)
    except services.NotPossible as exc:
        return error_page(409, t("admin.error.not_possible", lang(), message=str(exc)), town)
    return redirect(url_for("admin.deliveries", slug=town.slug, lang=lang(), done="redelivered"), 303)


@bp.post("/m/<slug>/write-backs/<int:write_back_id>/retry")
@require(*CHANGE)
def retry_write_back(slug: str, write_back_id: int) -> Any:
    town = municipality_or_404(slug)
    items = select(AgendaItem.id).where(AgendaItem.connector_id.in_(_connector_ids(town)))
    row = scoped_one(WriteBack, write_back_id, WriteBack.item_id.in_(items))
    if not csrf_ok():
        return refuse_csrf(town)
    try:
        writeback_service.retry_write_back(row)
    except services.NotPossible as exc:
        return error_page(409, t("admin.error.not_possible", lang(), message=str(exc)), town)
    return redirect(url_for("admin.deliveries", slug=town.slug, lang=lang(), done="retried"), 303)
