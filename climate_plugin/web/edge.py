"""Input checked once, at the edge, for every face (API, pages, webhooks): what the database cannot store or
compare is refused with a 4xx before any view runs, instead of surfacing as a 500 from deep inside.

- ids: every ``<int:…>`` in a URL is within the integer column (a larger one is an unknown record: 404), and
  the API's integer fields and query parameters are too (:func:`bound_field`; out of range: 422);
- text: a NUL character or a lone surrogate (``"\\ud800"`` in JSON) in the path, the query string, a form
  field or a JSON body is refused with 400: PostgreSQL cannot store either;
- times: a time with no UTC equivalent (``0001-01-01T00:00:00+14:00``) is refused (:func:`bound_field`; the
  webhook endpoint for the connector's event time);
- ``PATCH`` without a body is a 400, not a change of nothing answered 200.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from flask import Flask, request
from marshmallow import ValidationError, fields, validate
from werkzeug.routing import IntegerConverter

from climate_plugin.web.errors import error_page, json_error, wants_json

#: the largest value of the integer (INT4) id columns
MAX_ID = 2**31 - 1
#: what PostgreSQL cannot store in text: NUL, and UTF-16 surrogates not in a pair (not valid UTF-8)
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class BoundedInt(IntegerConverter):
    """``<int:…>`` in every route: 0 … MAX_ID unless the route says otherwise; beyond, no route matches."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False) -> None:  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def bound_field(name: str, field: fields.Field) -> None:
    """Give an input field the database's bounds (an API input schema calls this for each of its fields):
    an integer within the integer columns (an id from 1), a time with a UTC equivalent."""
    if isinstance(field, fields.Integer) and not any(isinstance(v, validate.Range) for v in field.validators):
        low = 1 if name == "id" or name.endswith("_id") else -MAX_ID - 1
        field.validators.append(validate.Range(min=low, max=MAX_ID))
    elif isinstance(field, fields.DateTime):
        field.validators.append(_has_utc)


def _has_utc(value: datetime) -> None:
    storable_time(value)


def storable_time(value: datetime) -> datetime:
    """``value`` in UTC; ValidationError when it has none (past the calendar's first or last day)."""
    try:
        return value.astimezone(UTC)
    except (OverflowError, ValueError):
        raise ValidationError("the time is outside the calendar (it has no UTC equivalent)") from None


def unstorable(value: Any) -> bool:
    """Whether a string anywhere in ``value`` (a JSON document: dicts, lists, strings) has a NUL or lone
    surrogate."""
    if isinstance(value, str):
        return _UNSTORABLE.search(value) is not None
    if isinstance(value, dict):
        return any(unstorable(k) or unstorable(v) for k, v in value.items())
    if isinstance(value, list):
        return any(unstorable(v) for v in value)
    return False


def _refuse(message: str):
    if request.path.startswith(("/api/", "/webhooks/")) or wants_json():
        return json_error(400, message)
    return error_page(400)


def _check_request():
    what = _bad_part()
    if what is not None:
        return _refuse(f"{what} contains a NUL character or an unpaired surrogate, which cannot be stored")
    if (
        request.method == "PATCH"
        and request.path.startswith("/api/")
        and request.routing_exception is None  # a PATCH the address does not take is a 405, not this
        and not request.get_data(cache=True)
    ):
        return _refuse("a PATCH needs a JSON object with the fields to change")
    return None


def _bad_part() -> str | None:
    if unstorable(request.path):
        return "the URL path"
    if any(unstorable(k) or unstorable(v) for k, v in request.args.items(multi=True)):
        return "the query string"
    if request.path.startswith("/webhooks/"):
        # the raw body is verified before it is parsed, and the connector's parse checks what it keeps
        return None
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data") and any(
        unstorable(k) or unstorable(v) for k, v in request.form.items(multi=True)
    ):
        return "a form field"
    if request.is_json and request.content_length != 0:
        document = request.get_json(silent=True)
        if unstorable(document):
            return "the JSON body"
    return None


def init_app(app: Flask) -> None:
    app.before_request(_check_request)
