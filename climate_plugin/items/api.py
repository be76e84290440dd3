"""/api/v1/items: agenda items, with their current assessment and badges."""

from __future__ import annotations

from sqlalchemy import select

from climate_plugin.accounts import require, scoped
from climate_plugin.api.common import READ, SelectPage, get_or_404, make_blueprint
from climate_plugin.api.schemas import ItemDetailSchema, ItemQuerySchema, ItemSchema
from climate_plugin.badges.item import item_badges
from climate_plugin.models import AgendaItem, Assessment

bp = make_blueprint("items", "/items", "Agenda items, assessments and badges (read only).")


@bp.route("", methods=["GET"])
@require(*READ)
@bp.arguments(ItemQuerySchema, location="query")
@bp.response(200, ItemSchema(many=True))
@bp.paginate(SelectPage)
def list_items(query: dict):
    """Items, most recently fetched first; filter with ?connector_id=, ?committee=, ?relevance=, ?q=."""
    stmt = select(AgendaItem).order_by(AgendaItem.id.desc())
    if not query.get("deleted"):
        stmt = stmt.where(AgendaItem.deleted_at.is_(None))
    if "connector_id" in query:
        stmt = stmt.where(AgendaItem.connector_id == query["connector_id"])
    if "committee" in query:
        stmt = stmt.where(AgendaItem.committee == query["committee"])
    if "q" in query:
        stmt = stmt.where(AgendaItem.title.contains(query["q"], autoescape=True))
    if "relevance" in query:
        # the relevance of the item's latest revision
        latest = (
            select(Assessment.relevance)
            .where(Assessment.item_id == AgendaItem.id)
            .order_by(Assessment.revision.desc())
            .limit(1)
            .scalar_subquery()
        )
        stmt = stmt.where(latest == query["relevance"])
    return scoped(stmt, AgendaItem)


@bp.route("/<int:item_id>", methods=["GET"])
@require(*READ)
@bp.response(200, ItemDetailSchema)
def get_item(item_id: int):
    """One item with its current assessment and badges."""
    item = get_or_404(AgendaItem, item_id)
    assessment = item.current_assessment
    return {
        **{key: getattr(item, key) for key in ItemDetailSchema().fields if hasattr(item, key)},
        "attachments": [a for a in item.attachments or [] if isinstance(a, dict)],
        "assessment": assessment,
        "badges": [
            {"code": b.code, "kind": b.kind, "name": dict(b.name)} for b in item_badges(item, assessment)
        ],
    }
