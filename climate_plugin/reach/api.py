"""/api/v1/reach: the picture's figures as JSON, CSV (``Accept: text/csv`` or ``?format=csv``) or an XLSX
workbook (``?format=xlsx``); the records behind them; and the open data a municipality publishes.

Readable with any token or account of the municipality (viewer and up) and a platform administrator's;
another municipality's token gets 404, as if the municipality did not exist.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from flask import Response, jsonify, request
from flask_smorest import abort
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from climate_plugin.accounts import require, scoped
from climate_plugin.api.common import READ, make_blueprint
from climate_plugin.dates import local_today, zone_of
from climate_plugin.db import db
from climate_plugin.models import Municipality
from climate_plugin.reach import records, service
from climate_plugin.reach.exports import CSV_TYPE, XLSX_TYPE, Sheet, to_csv, to_xlsx
from climate_plugin.reach.service import FLAT_KEYS, BadFilter, Filters, flat_row

bp = make_blueprint(
    "reach_api", "/reach", "What the climate work reaches, per body and over time (read-only)."
)
open_bp = make_blueprint(
    "open_data", "/open-data", "Open data a municipality chooses to publish: assessed decisions, commitments."
)

FORMATS = ("json", "csv", "xlsx")


class _Query(Schema):
    from_ = fields.Date(data_key="from", metadata={"description": "first day (YYYY-MM-DD)"})
    to = fields.Date(metadata={"description": "last day, included (YYYY-MM-DD); default today"})
    body = fields.String(metadata={"description": "only the items of this body (as the host names it)"})
    format = fields.String(validate=validate.OneOf(FORMATS), metadata={"description": "json, csv or xlsx"})


class ReachQuerySchema(_Query):
    municipality = fields.String(required=True, metadata={"description": "the municipality's slug"})
    by = fields.String(load_default="body", validate=validate.OneOf(service.GROUPINGS))


class RecordsQuerySchema(_Query):
    municipality = fields.String(required=True, metadata={"description": "the municipality's slug"})


class _Screened(Schema):
    high = fields.Integer()
    minor = fields.Integer()
    none = fields.Integer()


class _Commitments(Schema):
    made = fields.Integer()
    kept = fields.Integer()
    not_kept = fields.Integer()


class ReachRowSchema(Schema):
    class Meta:
        ordered = True

    body = fields.String(
        allow_none=True, metadata={"description": 'null: every body; "": the host names none'}
    )
    period = fields.String(metadata={"description": "YYYY-MM, YYYY-Qn, or from/to for rows by body"})
    screened = fields.Nested(_Screened)
    assessed = fields.Integer()
    assessed_before_meeting = fields.Integer()
    no_effect_on_high = fields.Integer()
    overrides = fields.Integer()
    commitments = fields.Nested(_Commitments)
    participants = fields.Integer()


class ReachSchema(Schema):
    rows = fields.List(fields.Nested(ReachRowSchema))
    totals = fields.Nested(ReachRowSchema)


_TABULAR = {
    "text/csv": {"schema": {"type": "string"}},
    XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}},
}


def _tabular_doc(json_schema: Any, description: str) -> dict[str, Any]:
    """The 200 answer in its three formats (flask-smorest documents only the JSON one by itself)."""
    content = {"application/json": {"schema": json_schema}, **_TABULAR}
    return {"responses": {"200": {"description": description, "content": content}}}


class RecordsSchema(Schema):
    columns = fields.List(fields.String())
    rows = fields.List(fields.Dict())


class OpenDataSchema(RecordsSchema):
    municipality = fields.String()


def _municipality(slug: str) -> Municipality:
    found = db.session.scalar(scoped(select(Municipality).where(Municipality.slug == slug), Municipality))
    if found is None:
        abort(404, message=f"no municipality {slug!r}")
    return found


def _filters(query: dict[str, Any], by: str = "body") -> Filters:
    today = local_today()
    raw = {
        "from": query.get("from_").isoformat() if query.get("from_") else None,
        "to": query.get("to").isoformat() if query.get("to") else None,
        "by": query.get("by", by),
        "body": query.get("body"),
    }
    try:
        return service.parse_filters(raw, today)
    except BadFilter as exc:
        abort(422, message=str(exc))
    raise AssertionError("unreachable")


def _format(query: dict[str, Any]) -> str:
    if query.get("format"):
        return query["format"]
    best = request.accept_mimetypes.best_match(["application/json", "text/csv", XLSX_TYPE])
    return {"text/csv": "csv", XLSX_TYPE: "xlsx"}.get(best or "", "json")


def _download(name: str, fmt: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> Response:
    if fmt == "csv":
        response = Response(to_csv(columns, rows), mimetype="text/csv")
        response.headers["Content-Type"] = CSV_TYPE
    else:
        response = Response(to_xlsx([Sheet(name, columns, rows)]), mimetype=XLSX_TYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    response.headers["Vary"] = "Accept"
    return response


@bp.route("", methods=["GET"])
@require(*READ)
@bp.arguments(ReachQuerySchema, location="query")
@bp.response(200, ReachSchema)
@bp.doc(**_tabular_doc(ReachSchema, "the rows and their totals"))
def get_reach(query: dict):
    """Items screened, assessed, assessed before their meeting, rated "no effect" although screened high,
    overridden, commitments and participants: per body (``by=body``) or per month or quarter; each item
    counts in the period it was first screened. ``Accept: text/csv`` or ``?format=csv``: the rows and
    the totals as CSV (nested counts as ``screened_high``, …); ``?format=xlsx``: an XLSX workbook."""
    municipality = _municipality(query["municipality"])
    filters = _filters(query)
    result = service.reach(municipality, filters, local_today(zone_of(municipality)))
    fmt = _format(query)
    if fmt == "json":
        response = jsonify(result.as_json())
        response.headers["Vary"] = "Accept"
        return response
    flat = [flat_row(row) for row in [*result.rows, {**result.totals, "body": "TOTAL"}]]
    name = f"reach-{municipality.slug}-{filters.start.isoformat()}-{filters.end.isoformat()}-{filters.by}"
    return _download(name, fmt, FLAT_KEYS, [[row[k] for k in FLAT_KEYS] for row in flat])


def _records_view(name: str, columns: Sequence[str], read: Callable[..., list[dict[str, Any]]]):
    def view(query: dict):
        municipality = _municipality(query["municipality"])
        filters = _filters(query)
        rows = read(municipality, filters, local_today(zone_of(municipality)))
        fmt = _format(query)
        if fmt == "json":
            return jsonify({"columns": list(columns), "rows": [_json_row(r) for r in rows]})
        return _download(f"{name}-{municipality.slug}", fmt, columns, [[r[c] for c in columns] for r in rows])

    view.__name__ = f"export_{name}"
    view.__doc__ = (
        f"The {name} of the items in the picture's filters, one row each, as JSON, CSV or XLSX "
        "(the same filters and formats as /reach)."
    )
    return view


def _json_row(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in row.items()}


for _name, _columns, _read in (
    ("assessments", records.ASSESSMENT_COLUMNS, records.assessments),
    ("commitments", records.COMMITMENT_COLUMNS, records.commitments),
    ("reviews", records.REVIEW_COLUMNS, records.reviews),
):
    bp.route(f"/{_name}", methods=["GET"])(
        require(*READ)(
            bp.arguments(RecordsQuerySchema, location="query")(
                bp.response(200, RecordsSchema)(
                    bp.doc(**_tabular_doc(RecordsSchema, f"the {_name}"))(
                        _records_view(_name, _columns, _read)
                    )
                )
            )
        )
    )


# --- open data -------------------------------------------------------------------------------------------
def _published(slug: str) -> Municipality:
    found = db.session.scalar(select(Municipality).where(Municipality.slug == slug))
    if found is None or not found.publishes_open_data():
        abort(404, message=f"{slug!r} publishes no open data")
    return found


def _open_view(name: str, columns: Sequence[str], read: Callable[..., list[dict[str, Any]]]):
    def view(query: dict, slug: str):
        municipality = _published(slug)
        filters = _filters(query)
        rows = read(municipality, filters, local_today(zone_of(municipality)))
        fmt = _format(query)
        if fmt == "json":
            response = jsonify(
                {
                    "municipality": municipality.slug,
                    "columns": list(columns),
                    "rows": [_json_row(r) for r in rows],
                }
            )
        else:
            response = _download(
                f"{name}-{municipality.slug}", fmt, columns, [[r[c] for c in columns] for r in rows]
            )
        response.headers["Access-Control-Allow-Origin"] = "*"  # open data: any page may read it
        return response

    view.__name__ = f"open_{name}"
    view.__doc__ = (
        f"The municipality's {name.replace('_', ' ')} as open data (JSON, CSV or XLSX), only if it publishes "
        "them (`climate-plugin reach publish`); otherwise 404. No sign-in; no person's name but a "
        "commitment's named owner. Default period: the last twelve months."
    )
    return view


for _name, _columns, _read in (
    ("decisions", records.OPEN_DECISION_COLUMNS, records.open_decisions),
    ("commitments", records.OPEN_COMMITMENT_COLUMNS, records.open_commitments),
):
    open_bp.route(f"/<slug>/{_name}", methods=["GET"])(
        open_bp.arguments(_Query, location="query")(
            open_bp.response(200, OpenDataSchema)(
                open_bp.doc(security=[], **_tabular_doc(OpenDataSchema, f"the {_name}"))(
                    _open_view(_name, _columns, _read)
                )
            )
        )
    )
