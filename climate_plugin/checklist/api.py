"""/api/v1/checklist-templates: a municipality's checklist overrides, one row per version."""

from __future__ import annotations

from sqlalchemy import select

from climate_plugin.accounts import require, scoped
from climate_plugin.api.common import (
    ADMIN,
    READ,
    SelectPage,
    get_or_404,
    make_blueprint,
    principal,
    target_municipality,
)
from climate_plugin.api.schemas import TemplateCreateSchema, TemplateQuerySchema, TemplateSchema
from climate_plugin.checklist import service as checklist_service
from climate_plugin.models import ChecklistTemplate

bp = make_blueprint(
    "checklist_templates", "/checklist-templates", "Checklist templates per municipality, versioned."
)


@bp.route("", methods=["GET"])
@require(*READ)
@bp.arguments(TemplateQuerySchema, location="query")
@bp.response(200, TemplateSchema(many=True))
@bp.paginate(SelectPage)
def list_templates(query: dict):
    """Every stored version, newest first; ?municipality_id= for one municipality."""
    stmt = select(ChecklistTemplate).order_by(
        ChecklistTemplate.municipality_id, ChecklistTemplate.version.desc()
    )
    if "municipality_id" in query:
        stmt = stmt.where(ChecklistTemplate.municipality_id == query["municipality_id"])
    return scoped(stmt, ChecklistTemplate)


@bp.route("/<int:template_id>", methods=["GET"])
@require(*READ)
@bp.response(200, TemplateSchema)
def get_template(template_id: int):
    """One version."""
    return get_or_404(ChecklistTemplate, template_id)


@bp.route("", methods=["POST"])
@require(*ADMIN)
@bp.arguments(TemplateCreateSchema)
@bp.response(201, TemplateSchema)
def create_template(data: dict):
    """Save new overrides as the municipality's next version (versions are never edited)."""
    municipality = target_municipality(data.get("municipality_id"))
    return checklist_service.save_checklist_template(
        municipality, data["overrides"], created_by=principal().actor[:200]
    )
