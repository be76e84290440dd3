"""The checklist template editor: the resolved checklist in use, its versions, and the municipality's
overrides as a form (climate_plugin.checklist.overrides_form): wording per question and category in fi,
sv and en, categories switched off, extra questions, escalation rules. A save is a new version through the
checklist service; old assessments keep theirs."""

from __future__ import annotations

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
from climate_plugin.checklist import checklist_for, overrides_form, template_versions
from climate_plugin.checklist import service as checklist_service
from climate_plugin.checklist.store import inherited_overrides
from climate_plugin.db import db
from climate_plugin.i18n import LANGUAGE_NAMES, t
from climate_plugin.models import Municipality


def _page(
    town: Municipality,
    overrides: dict | None = None,
    errors: dict[str, list[str]] | None = None,
    status: int = 200,
) -> Any:
    current = lang()
    versions = template_versions(town)
    if overrides is None:
        overrides = (versions[-1].overrides if versions else {}) or {}
    checklist = checklist_for(town)
    inherited = overrides_form.Inherited(inherited_overrides(town))
    saved = request.args.get("saved")
    return render(
        "admin/checklist.html",
        town,
        status=status,
        checklist=checklist,
        categories=[c.name[current] for c in checklist.categories],
        questions=[(q.id, q.text[current]) for q in checklist.stage0],
        versions=list(reversed(versions)),
        form=overrides_form.build(overrides, current, inherited),
        languages_named=LANGUAGE_NAMES,
        codes=overrides_form.CATEGORY_CODES,
        category_names={c.code: c.name for c in overrides_form.CATEGORIES},
        errors=errors or {},
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
    overrides = overrides_form.read(request.form, overrides_form.Inherited(inherited_overrides(town)))
    errors = overrides_form.errors_by_input(overrides, lang())
    if errors:
        return _page(town, overrides, errors, 422)
    try:
        row = checklist_service.save_checklist_template(town, overrides, created_by=principal().name)
    except ValidationError as exc:  # the service's own check: one line, shown above the form
        db.session.rollback()
        messages = [m for ms in field_errors(exc).values() for m in ms]
        return _page(town, overrides, {"_form": messages}, 422)
    return redirect(url_for("admin.checklist", slug=town.slug, lang=lang(), saved=row.version), 303)
