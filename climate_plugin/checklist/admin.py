"""The checklist template editor: the resolved checklist in use, its versions, and the overrides as JSON
(validated by climate_plugin.checklist; a save is a new version, old assessments keep theirs)."""

from __future__ import annotations

import json
from typing import Any

from flask import redirect, request, url_for
from marshmallow import ValidationError

from climate_plugin.accounts import require
from climate_plugin.admin.pages import (
    CHANGE,
    VIEW,
    bp,
    csrf_ok,
    field_errors,
    lang,
    municipality_or_404,
    principal,
    refuse_csrf,
    render,
)
from climate_plugin.checklist import checklist_for, template_versions
from climate_plugin.checklist import service as checklist_service
from climate_plugin.db import db
from climate_plugin.i18n import t
from climate_plugin.models import Municipality

FIELD = "overrides"


def _page(
    town: Municipality, text: str | None = None, errors: list[str] | None = None, status: int = 200
) -> Any:
    current = lang()
    versions = template_versions(town)
    if text is None:
        latest = versions[-1].overrides if versions else {}
        text = json.dumps(latest or {}, indent=2, ensure_ascii=False, sort_keys=True)
    checklist = checklist_for(town)
    saved = request.args.get("saved")
    return render(
        "admin/checklist.html",
        town,
        status=status,
        checklist=checklist,
        categories=[c.name[current] for c in checklist.categories],
        questions=[(q.id, q.text[current]) for q in checklist.stage0],
        versions=list(reversed(versions)),
        text=text,
        errors=errors or [],
        notice=t("admin.checklist.saved", current, version=saved) if saved and saved.isdigit() else None,
        switch_endpoint="admin.checklist",
    )


@bp.get("/m/<slug>/checklist")
@require(*VIEW)
def checklist(slug: str) -> Any:
    return _page(municipality_or_404(slug))


@bp.post("/m/<slug>/checklist")
@require(*CHANGE)
def checklist_save(slug: str) -> Any:
    town = municipality_or_404(slug)
    if not csrf_ok():
        return refuse_csrf(town)
    text = request.form.get(FIELD, "")
    try:
        overrides = json.loads(text)
    except ValueError as exc:
        return _page(town, text, [t("admin.error.not_json", lang(), problem=str(exc))], 422)
    try:
        row = checklist_service.save_checklist_template(town, overrides, created_by=principal().name)
    except ValidationError as exc:
        db.session.rollback()
        messages = [m for ms in field_errors(exc).values() for m in ms]
        return _page(town, text, messages, 422)
    return redirect(url_for("admin.checklist", slug=town.slug, lang=lang(), saved=row.version), 303)
