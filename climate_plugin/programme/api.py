"""/api/v1/measures: the municipality's climate programme, each measure with the decisions, commitments and
solutions linked to it. Reading needs any role; linking needs the coordinator's or an administrator's
token."""

from __future__ import annotations

from flask_smorest import abort
from marshmallow import fields, validate
from sqlalchemy import select

from climate_plugin.accounts import require, scoped
from climate_plugin.api.common import READ, SelectPage, get_or_404, make_blueprint, principal
from climate_plugin.api.schemas import _In, _Out
from climate_plugin.db import db
from climate_plugin.models import AgendaItem, Commitment, Measure, Solution
from climate_plugin.models.measure_link import EFFECTS, KINDS
from climate_plugin.programme.picture import measure_json, measure_picture
from climate_plugin.programme.service import MAX_NOTE, link_measure

bp = make_blueprint("measures", "/measures", "The climate programme's measures and what advances them.")

MANAGE = ("coordinator", "municipality_admin")


class MeasureSchema(_Out):
    id = fields.Integer()
    identifier = fields.String()
    title = fields.String()
    sector = fields.String()
    responsible_body = fields.String()
    indicator = fields.String()
    target = fields.String()
    status = fields.String()
    source = fields.String()
    url = fields.String(allow_none=True)
    missing_since = fields.String(allow_none=True)


class LinkedSchema(_Out):
    link_id = fields.Integer()
    effect = fields.String()
    note = fields.String()
    title = fields.String()
    what = fields.String()
    item_id = fields.Integer()
    commitment_id = fields.Integer()
    solution_id = fields.Integer()


class MeasureDetailSchema(MeasureSchema):
    decisions = fields.List(fields.Nested(LinkedSchema))
    commitments = fields.List(fields.Nested(LinkedSchema))
    solutions = fields.List(fields.Nested(LinkedSchema))


class LinkCreateSchema(_In):
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    id = fields.Integer(required=True, metadata={"description": "the item's, commitment's or solution's id"})
    effect = fields.String(required=True, validate=validate.OneOf(EFFECTS))
    note = fields.String(load_default="", validate=validate.Length(max=MAX_NOTE))


@bp.route("", methods=["GET"])
@require(*READ)
@bp.response(200, MeasureSchema(many=True))
@bp.paginate(SelectPage)
def list_measures():
    """The measures of your municipality's climate programme, by identifier."""
    return scoped(select(Measure).order_by(Measure.identifier, Measure.id), Measure)


@bp.route("/<int:measure_id>", methods=["GET"])
@require(*READ)
@bp.response(200, MeasureDetailSchema)
def get_measure(measure_id: int):
    """One measure with the decisions, commitments and solutions that advance it or conflict with it."""
    measure = get_or_404(Measure, measure_id)
    return {**measure_json(measure), **measure_picture(measure, "en")}


@bp.route("/<int:measure_id>/links", methods=["POST"])
@require(*MANAGE)
@bp.arguments(LinkCreateSchema)
@bp.response(201, MeasureDetailSchema)
def create_link(data: dict, measure_id: int):
    """Link a decision (an agenda item), a commitment or a solution of your municipality to the measure."""
    measure = get_or_404(Measure, measure_id)
    model = {"decision": AgendaItem, "commitment": Commitment, "solution": Solution}[data["kind"]]
    row = get_or_404(model, data["id"])
    keyword = {"decision": "item", "commitment": "commitment", "solution": "solution"}[data["kind"]]
    if model is AgendaItem and row.deleted_at is not None:
        abort(404, message=f"no agenda item with id {data['id']}")
    link_measure(measure, effect=data["effect"], note=data["note"], actor=principal().actor, **{keyword: row})
    db.session.refresh(measure)
    return {**measure_json(measure), **measure_picture(measure, "en")}
