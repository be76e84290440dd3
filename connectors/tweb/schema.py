"""The ``tweb`` connector's settings; only ``base_url`` has no default."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, post_load, validates
from marshmallow import ValidationError as _ValidationError
from marshmallow.validate import Length, OneOf, Range

from climate_plugin.connectors.common.politeness import rate_field, robots_field, validate_site_url


class TwebConfigSchema(Schema):
    #: the publication's host, e.g. http://asiakirjat.ouka.fi
    base_url = fields.String(required=True, validate=validate_site_url)
    #: where the publication's pages are: the classic path, or "/ktwebscr" on newer installs
    path = fields.String(load_default="/ktwebbin/dbisa.dll/ktwebscr", validate=Length(min=1, max=200))
    #: "minutes" (pöytäkirjat, pk_*) or "agendas" (esityslistat, epj_*)
    documents = fields.String(load_default="minutes", validate=OneOf(("minutes", "agendas")))
    #: the language of the items (Tweb pages do not say; Swedish bodies are bodies of their own)
    language = fields.String(load_default="fi", validate=OneOf(("fi", "sv")))
    #: only these bodies (their ids or names as the query page lists them); empty: every body
    bodies = fields.List(fields.String(validate=Length(min=1, max=200)), load_default=list)
    #: meetings this many days before a poll's window are read again (minutes come after the meeting)
    revisit_days = fields.Integer(load_default=14, validate=Range(min=0, max=365))
    #: meetings up to this many days after the window count too (agendas come before)
    ahead_days = fields.Integer(load_default=14, validate=Range(min=0, max=365))
    requests_per_second = rate_field(1.0)
    obey_robots = robots_field()

    @validates("path")
    def _path(self, value: str, **kwargs: Any) -> None:
        if (
            not value.startswith("/")
            or not value.strip("/")
            or any(c in value for c in "?#")
            or ".." in value
        ):
            raise _ValidationError("Must be a path on the host starting with '/', without '?', '#' or '..'.")

    @post_load
    def _normalise(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        data["base_url"] = data["base_url"].strip().rstrip("/")
        data["path"] = data["path"].rstrip("/")
        data["bodies"] = [b.strip() for b in data["bodies"] if b.strip()]
        return data
