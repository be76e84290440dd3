"""/api/v1/deliveries: webhooks as received, their processing state, and redelivery."""

from __future__ import annotations

from sqlalchemy import select

from climate_plugin.accounts import require, scoped
from climate_plugin.api.common import ADMIN, READ, SelectPage, get_or_404, make_blueprint
from climate_plugin.api.schemas import DeliveryDetailSchema, DeliveryQuerySchema, DeliverySchema
from climate_plugin.deliveries import service as deliveries_service
from climate_plugin.models import Delivery

bp = make_blueprint("deliveries", "/deliveries", "Webhook deliveries: list, filter, redeliver.")


@bp.route("", methods=["GET"])
@require(*READ)
@bp.arguments(DeliveryQuerySchema, location="query")
@bp.response(200, DeliverySchema(many=True))
@bp.paginate(SelectPage)
def list_deliveries(query: dict):
    """Deliveries, newest first; filter with ?status= and ?connector_id=."""
    stmt = select(Delivery).order_by(Delivery.id.desc())
    if "status" in query:
        stmt = stmt.where(Delivery.status == query["status"])
    if "connector_id" in query:
        stmt = stmt.where(Delivery.connector_id == query["connector_id"])
    return scoped(stmt, Delivery)


@bp.route("/<int:delivery_id>", methods=["GET"])
@require(*READ)
@bp.response(200, DeliveryDetailSchema)
def get_delivery(delivery_id: int):
    """One delivery with the host's payload (signature headers left out)."""
    return get_or_404(Delivery, delivery_id)


@bp.route("/<int:delivery_id>/redeliver", methods=["POST"])
@require(*ADMIN)
@bp.response(202, DeliverySchema)
def redeliver(delivery_id: int):
    """Process the stored delivery again from the start; 409 while it is being processed."""
    return deliveries_service.redeliver(get_or_404(Delivery, delivery_id))
