"""/api/v1/municipalities: the tenants. Everyone sees their own; only platform admins add or change them."""

from __future__ import annotations

from flask_smorest import abort
from sqlalchemy import select

from climate_plugin.accounts import require, scoped
from climate_plugin.api.common import PLATFORM, READ, SelectPage, get_or_404, make_blueprint
from climate_plugin.api.schemas import MunicipalityCreateSchema, MunicipalitySchema, MunicipalityUpdateSchema
from climate_plugin.db import db
from climate_plugin.models import Municipality
from climate_plugin.municipalities import service

bp = make_blueprint("municipalities", "/municipalities", "Municipalities (tenants).")


@bp.route("", methods=["GET"])
@require(*READ)
@bp.response(200, MunicipalitySchema(many=True))
@bp.paginate(SelectPage)
def list_municipalities():
    """List the municipalities you can see (all of them for a platform admin)."""
    return scoped(select(Municipality).order_by(Municipality.slug), Municipality)


@bp.route("/<int:municipality_id>", methods=["GET"])
@require(*READ)
@bp.response(200, MunicipalitySchema)
def get_municipality(municipality_id: int):
    """One municipality."""
    return get_or_404(Municipality, municipality_id)


@bp.route("", methods=["POST"])
@require(*PLATFORM)
@bp.arguments(MunicipalityCreateSchema)
@bp.response(201, MunicipalitySchema)
def create_municipality(data: dict):
    """Register a municipality (platform admins only)."""
    if db.session.scalar(select(Municipality.id).where(Municipality.slug == data["slug"])) is not None:
        abort(409, message="a municipality with this slug exists", errors={"json": {"slug": ["taken"]}})
    return service.create_municipality(data["slug"], data["name"], data["language"], data["time_zone"])


@bp.route("/<int:municipality_id>", methods=["PATCH"])
@require(*PLATFORM)
@bp.arguments(MunicipalityUpdateSchema)
@bp.response(200, MunicipalitySchema)
def update_municipality(data: dict, municipality_id: int):
    """Change a municipality's name, language or time zone (platform admins only)."""
    return service.update_municipality(get_or_404(Municipality, municipality_id), data)
