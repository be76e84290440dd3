"""/api/v1/write-backs: climate blocks sent to the hosts; a failed one can be retried."""

from __future__ import annotations

from sqlalchemy import select

from climate_plugin.accounts import require, scoped
from climate_plugin.api.common import ADMIN, READ, SelectPage, get_or_404, make_blueprint
from climate_plugin.api.schemas import WriteBackQuerySchema, WriteBackSchema
from climate_plugin.models import WriteBack
from climate_plugin.writeback import service as writeback_service

bp = make_blueprint("write_backs", "/write-backs", "Climate blocks written back; retry failed ones.")


@bp.route("", methods=["GET"])
@require(*READ)
@bp.arguments(WriteBackQuerySchema, location="query")
@bp.response(200, WriteBackSchema(many=True))
@bp.paginate(SelectPage)
def list_write_backs(query: dict):
    """Write-backs, newest first; ?status=failed lists those that need attention."""
    stmt = select(WriteBack).order_by(WriteBack.id.desc())
    if "status" in query:
        stmt = stmt.where(WriteBack.status == query["status"])
    if "item_id" in query:
        stmt = stmt.where(WriteBack.item_id == query["item_id"])
    return scoped(stmt, WriteBack)


@bp.route("/<int:write_back_id>", methods=["GET"])
@require(*READ)
@bp.response(200, WriteBackSchema)
def get_write_back(write_back_id: int):
    """One write-back with the block it sends."""
    return get_or_404(WriteBack, write_back_id)


@bp.route("/<int:write_back_id>/retry", methods=["POST"])
@require(*ADMIN)
@bp.response(202, WriteBackSchema)
def retry(write_back_id: int):
    """Send a failed block again; 409 unless it failed."""
    return writeback_service.retry_write_back(get_or_404(WriteBack, write_back_id))
