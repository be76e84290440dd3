"""/api/v1/audit: who changed what, and when (secret values are never stored)."""

from __future__ import annotations

from sqlalchemy import select

from climate_plugin.accounts import require, scoped
from climate_plugin.api.common import ADMIN, SelectPage, make_blueprint
from climate_plugin.api.schemas import AuditEntrySchema, AuditQuerySchema
from climate_plugin.models import AuditEntry

bp = make_blueprint("audit", "/audit", "The audit log.")


@bp.route("", methods=["GET"])
@require(*ADMIN)
@bp.arguments(AuditQuerySchema, location="query")
@bp.response(200, AuditEntrySchema(many=True))
@bp.paginate(SelectPage)
def list_audit(query: dict):
    """Entries, newest first; filter with ?action= (or a prefix such as connector.), ?target=, ?actor=."""
    stmt = select(AuditEntry).order_by(AuditEntry.id.desc())
    action = query.get("action")
    if action:
        stmt = stmt.where(
            AuditEntry.action.startswith(action, autoescape=True)
            if action.endswith(".")
            else AuditEntry.action == action
        )
    if "target" in query:
        stmt = stmt.where(AuditEntry.target == query["target"])
    if "actor" in query:
        stmt = stmt.where(AuditEntry.actor.contains(query["actor"], autoescape=True))
    if "municipality_id" in query:
        stmt = stmt.where(AuditEntry.municipality_id == query["municipality_id"])
    return scoped(stmt, AuditEntry)
