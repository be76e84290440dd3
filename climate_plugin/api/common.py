"""What every API resource shares: blueprints that answer errors as JSON, role sets, scoped look-ups,
pagination over SQLAlchemy selects."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app, request
from flask_smorest import Blueprint, abort
from flask_smorest.pagination import Page
from marshmallow import ValidationError, validate
from sqlalchemy import Select, func, select
from werkzeug.exceptions import HTTPException

from climate_plugin.accounts import current_principal, scoped
from climate_plugin.db import db
from climate_plugin.models import Municipality
from climate_plugin.services import NotAllowed, NotPossible
from climate_plugin.web.edge import MAX_ID

#: every signed-in role may read; platform_admin passes every require() anyway
READ = ("viewer", "coordinator", "municipality_admin")
#: configuration: connectors, templates, users, tokens, redeliveries, the audit log
ADMIN = ("municipality_admin",)
PLATFORM = ("platform_admin",)

PREFIX = "/api/v1"


def error_payload(error: HTTPException) -> tuple[dict, int, dict]:
    """flask-smorest's error shape: {"code", "status", "message"?, "errors"?: {field: [messages]}}."""
    payload: dict[str, Any] = {"code": error.code, "status": error.name}
    headers: dict = {}
    data = getattr(error, "data", None) or {}
    if "message" in data:
        payload["message"] = data["message"]
    elif error.description and error.description != type(error).description:
        payload["message"] = error.description
    if "errors" in data:
        payload["errors"] = data["errors"]
    elif "messages" in data:  # webargs' parse errors
        payload["errors"] = data["messages"]
    headers = data.get("headers") or {}
    return payload, error.code or 500, headers


class ApiBlueprint(Blueprint):
    """flask-smorest's Blueprint, its pagination bounded and documented as it is sent."""

    def paginate(self, pager=None, **kwargs):
        decorate = super().paginate(pager, **kwargs)

        def decorator(func):
            view = decorate(func)
            # The page number becomes an OFFSET: beyond this the database cannot compute it (a 500); with
            # the bound in the page parameters' schema it is a 422, and the OpenAPI document says so.
            page_schema = view._apidoc["pagination"]["parameters"]["schema"]
            page_schema._declared_fields["page"].validators.append(validate.Range(max=MAX_ID))
            return view

        return decorator

    def _document_pagination_metadata(self, spec, resp_doc):
        # What is sent: a header carries text, here a JSON object as a string (flask-smorest documents it
        # as an object, which no header value can be).
        resp_doc.setdefault("headers", {})[self.PAGINATION_HEADER_NAME] = {
            "description": 'Pagination metadata as JSON, e.g. {"total": 42, "total_pages": 5, '
            '"first_page": 1, "last_page": 5, "page": 2, "previous_page": 1, "next_page": 3}',
            "schema": {"type": "string"},
        }


def make_blueprint(name: str, url_prefix: str, description: str) -> Blueprint:
    """A resource blueprint under /api/v1 whose errors are JSON (the app's own handler stays for pages)."""
    bp = ApiBlueprint(name, __name__, url_prefix=PREFIX + url_prefix, description=description)
    bp.before_request(_refuse_unknown_query_parameters)
    bp.register_error_handler(HTTPException, error_payload)
    bp.register_error_handler(ValidationError, lambda exc: error_payload(_unprocessable(exc)))
    bp.register_error_handler(NotPossible, lambda exc: error_payload(_http(409, str(exc))))
    # Another municipality's objects do not exist for this principal (see the rule 3).
    bp.register_error_handler(NotAllowed, lambda exc: error_payload(_http(404, "not found")))
    return bp


def _refuse_unknown_query_parameters() -> None:
    """A query parameter the operation does not document is refused (422), as an unknown JSON field is: a
    misspelt filter (?stauts=failed) must not silently list everything."""
    view = current_app.view_functions.get(request.endpoint or "")
    doc = getattr(view, "_apidoc", {})
    allowed = {"page", "page_size"} if "pagination" in doc else set()
    for parameter in doc.get("arguments", {}).get("parameters", []):
        if isinstance(parameter, dict) and parameter.get("in") == "query":
            schema = parameter["schema"]
            schema = schema() if isinstance(schema, type) else schema
            allowed |= {field.data_key or name for name, field in schema.fields.items()}
    unknown = sorted(set(request.args) - allowed)
    if unknown:
        abort(
            422,
            message=f"unknown query parameter {unknown[0]!r}",
            errors={"query": {name: ["unknown parameter"] for name in unknown}},
        )


def _http(code: int, message: str) -> HTTPException:
    try:
        abort(code, message=message)
    except HTTPException as exc:
        return exc
    raise AssertionError("unreachable")


def _unprocessable(exc: ValidationError) -> HTTPException:
    messages = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
    try:
        abort(422, message="the request has invalid fields", errors={"json": messages})
    except HTTPException as err:
        return err
    raise AssertionError("unreachable")


def principal():
    found = current_principal()
    if found is None:  # require() ran before the view; this only guards a mis-wired route
        abort(401, message="authentication required")
    return found


def get_or_404(model, record_id: int):
    """The record, if it exists and is within the principal's municipality; 404 otherwise (the same answer
    either way, so ids of other municipalities cannot be probed)."""
    found = db.session.scalar(scoped(select(model).where(model.id == record_id), model))
    if found is None:
        abort(404, message=f"no {model.__tablename__.replace('_', ' ')} with id {record_id}")
    return found


def target_municipality(municipality_id: int | None) -> Municipality:
    """The municipality a new record goes to: the given one (if within reach), or the principal's own."""
    who = principal()
    if municipality_id is None:
        municipality_id = who.municipality_id
    if municipality_id is None:
        abort(422, message="municipality_id is required", errors={"json": {"municipality_id": ["required"]}})
    return get_or_404(Municipality, municipality_id)


class Shown:
    """A select and how to show each of its rows (a view returns this to a paginated route)."""

    def __init__(self, stmt: Select, show: Callable[[Any], Any]) -> None:
        self.stmt = stmt
        self.show = show


class SelectPage(Page):
    """A page of a SQLAlchemy select (or :class:`Shown`): a COUNT for X-Pagination, LIMIT/OFFSET for rows."""

    def _parts(self) -> tuple[Select, Callable[[Any], Any]]:
        if isinstance(self.collection, Shown):
            return self.collection.stmt, self.collection.show
        return self.collection, lambda row: row

    @property
    def item_count(self) -> int:
        stmt, _ = self._parts()
        return db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))

    @property
    def items(self) -> list:
        stmt, show = self._parts()
        params = self.page_params
        rows = db.session.scalars(stmt.limit(params.page_size).offset(params.first_item))
        return [show(row) for row in rows]


def public_url() -> str:
    return current_app.config["PUBLIC_URL"]
