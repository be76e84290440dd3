"""The climate programme under /admin: the municipality's measures, importing them (a CSV file, a Kausal
Watch plan), and a measure's page with its decisions, commitments and solutions, where the coordinator links
another one. Anyone signed in may look; the coordinator and the municipality's administrator may change."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, redirect, request, url_for
from sqlalchemy import select

from climate_plugin.accounts import require
from climate_plugin.admin.pages import (
    VIEW,
    bp,
    csrf_ok,
    lang,
    municipality_or_404,
    principal,
    refuse_csrf,
    render,
    scoped_one,
)
from climate_plugin.db import db
from climate_plugin.i18n import t
from climate_plugin.models import (
    AgendaItem,
    Commitment,
    Connector,
    Measure,
    MeasureLink,
    Municipality,
    Solution,
)
from climate_plugin.models.measure import KAUSAL
from climate_plugin.models.measure_link import EFFECTS
from climate_plugin.programme.csv_import import read_csv
from climate_plugin.programme.kausal import fetch_plan
from climate_plugin.programme.picture import measure_picture, status_text
from climate_plugin.programme.service import (
    MAX_NOTE,
    ProgrammeInputError,
    import_measures,
    link_measure,
    measures_of,
)
from climate_plugin.services import NotPossible

MANAGE = ("coordinator", "municipality_admin")
#: a programme file bigger than this is not a programme (the request limit stops far larger bodies)
MAX_CSV_BYTES = 2 * 1024 * 1024


def _can_manage() -> bool:
    return principal().role in ("platform_admin", *MANAGE)


def _list_page(town: Municipality, problem: str | None = None, values: dict | None = None, status: int = 200):
    current = lang()
    rows = measures_of(town)
    counts = dict(
        db.session.execute(
            select(MeasureLink.measure_id, db.func.count(MeasureLink.id))
            .where(MeasureLink.municipality_id == town.id)
            .group_by(MeasureLink.measure_id)
        ).all()
    )
    done = request.args.get("done")
    notice = None
    if done == "imported":
        notice = t(
            "programme.imported",
            current,
            created=request.args.get("created", "0"),
            updated=request.args.get("updated", "0"),
        )
    return render(
        "programme/admin_list.html",
        town,
        status=status,
        measures=[
            {"row": m, "status": status_text(m.status, current), "links": counts.get(m.id, 0)} for m in rows
        ],
        problem=problem,
        notice=notice,
        values=values or {},
        can_manage=_can_manage(),
        can_change=_can_manage(),
        switch_endpoint="admin.programme",
    )


@bp.get("/m/<slug>/programme")
@require(*VIEW)
def programme(slug: str) -> Any:
    return _list_page(municipality_or_404(slug))


def _imported(town: Municipality, result: Any) -> Any:
    return redirect(
        url_for(
            "admin.programme",
            slug=town.slug,
            lang=lang(),
            done="imported",
            created=result.created,
            updated=result.updated,
        ),
        303,
    )


@bp.post("/m/<slug>/programme/csv")
@require(*MANAGE)
def programme_csv(slug: str) -> Any:
    town = municipality_or_404(slug)
    if not csrf_ok():
        return refuse_csrf(town)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _list_page(town, t("programme.error.no_file", lang()), status=422)
    data = upload.read(MAX_CSV_BYTES + 1)
    if len(data) > MAX_CSV_BYTES:
        return _list_page(town, t("programme.error.too_big", lang(), max=MAX_CSV_BYTES // 1024), status=413)
    try:
        rows = read_csv(data)
    except ProgrammeInputError as exc:
        return _list_page(town, t("programme.error.import", lang(), detail=str(exc)), status=422)
    return _imported(town, import_measures(town, rows))


@bp.post("/m/<slug>/programme/kausal")
@require(*MANAGE)
def programme_kausal(slug: str) -> Any:
    town = municipality_or_404(slug)
    if not csrf_ok():
        return refuse_csrf(town)
    values = {k: request.form.get(k, "").strip() for k in ("url", "plan")}
    if not values["url"] or not values["plan"]:
        return _list_page(town, t("programme.error.kausal_fields", lang()), values, 422)
    client = current_app.extensions["climate_plugin.outbound"]
    try:
        plan = fetch_plan(client, values["url"], values["plan"], town.language)
    except ProgrammeInputError as exc:
        return _list_page(town, t("programme.error.import", lang(), detail=str(exc)), values, 422)
    result = import_measures(town, plan.rows, source=KAUSAL, source_ref=plan.source_ref, urls=plan.urls)
    return _imported(town, result)


# --- one measure ------------------------------------------------------------------------------------------
def _choices(town: Municipality) -> dict[str, list]:
    items = db.session.scalars(
        select(AgendaItem)
        .join(Connector, AgendaItem.connector_id == Connector.id)
        .where(Connector.municipality_id == town.id, AgendaItem.deleted_at.is_(None))
        .order_by(AgendaItem.fetched_at.desc(), AgendaItem.id.desc())
        .limit(100)
    ).all()
    commitments = db.session.scalars(
        select(Commitment)
        .where(Commitment.municipality_id == town.id)
        .order_by(Commitment.id.desc())
        .limit(100)
    ).all()
    found = db.session.scalars(
        select(Solution)
        .where(Solution.municipality_id == town.id, Solution.withdrawn_at.is_(None))
        .order_by(Solution.id.desc())
        .limit(100)
    ).all()
    return {"items": items, "commitments": commitments, "solutions": found}


def _measure_page(town: Municipality, measure: Measure, problem: str | None = None, status: int = 200) -> Any:
    current = lang()
    return render(
        "programme/admin_measure.html",
        town,
        status=status,
        measure=measure,
        status_label=status_text(measure.status, current),
        picture=measure_picture(measure, current),
        effects=[{"code": e, "label": t(f"programme.effect.{e}", current)} for e in EFFECTS],
        choices=_choices(town),
        problem=problem,
        notice=t("programme.linked", current) if request.args.get("done") == "linked" else None,
        can_manage=_can_manage(),
        can_change=_can_manage(),
        switch_endpoint="admin.measure",
    )


@bp.get("/m/<slug>/programme/<int:measure_id>")
@require(*VIEW)
def measure(slug: str, measure_id: int) -> Any:
    town = municipality_or_404(slug)
    return _measure_page(town, scoped_one(Measure, measure_id, Measure.municipality_id == town.id))


@bp.post("/m/<slug>/programme/<int:measure_id>/links")
@require(*MANAGE)
def measure_link(slug: str, measure_id: int) -> Any:
    town = municipality_or_404(slug)
    found = scoped_one(Measure, measure_id, Measure.municipality_id == town.id)
    if not csrf_ok():
        return refuse_csrf(town)
    subject = request.form.get("subject", "")  # "item:12", "commitment:3", "solution:7"
    kind, _, raw = subject.partition(":")
    model = {"item": AgendaItem, "commitment": Commitment, "solution": Solution}.get(kind)
    row = db.session.get(model, int(raw)) if model is not None and raw.isdigit() else None
    if row is None:
        return _measure_page(town, found, t("programme.error.choose_subject", lang()), 422)
    if request.form.get("effect") not in EFFECTS or len(request.form.get("note", "")) > MAX_NOTE:
        return _measure_page(town, found, t("programme.error.effect", lang(), max=MAX_NOTE), 422)
    try:
        link_measure(
            found,
            effect=request.form.get("effect", ""),
            note=request.form.get("note", ""),
            actor=principal().actor,
            **{kind: row},
        )
    except NotPossible:
        db.session.rollback()
        abort(404)  # another municipality's record: as if it did not exist
    return redirect(
        url_for("admin.measure", slug=town.slug, measure_id=found.id, lang=lang(), done="linked"), 303
    )
