"""The ``decidim`` connector's settings; only ``base_url`` has no default."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, post_load
from marshmallow.validate import Length, OneOf, Range

from climate_plugin.connectors.common.politeness import rate_field, robots_field, validate_site_url


class WriteBackSchema(Schema):
    """A Decidim API user (key and secret, made by the instance's system administrator) allowed to comment."""

    api_key = fields.String(required=True, validate=Length(min=1, max=500))
    api_secret = fields.String(required=True, validate=Length(min=1, max=500))


class DecidimConfigSchema(Schema):
    #: the instance, e.g. https://omastadi.hel.fi (the API is <base_url>/api)
    base_url = fields.String(required=True, validate=validate_site_url)
    #: participatory processes to read, by slug or id; empty: every public process
    processes = fields.List(fields.String(validate=Length(min=1, max=200)), load_default=list)
    #: what to read from them
    components = fields.List(
        fields.String(validate=OneOf(("meetings", "proposals"))),
        load_default=lambda: ["meetings", "proposals"],
        validate=Length(min=1),
    )
    #: the language asked for translated fields (and the items' language)
    locale = fields.String(load_default="fi", validate=OneOf(("fi", "sv", "en")))
    #: meetings or proposals asked for per request
    page_size = fields.Integer(load_default=50, validate=Range(min=1, max=100))
    #: comment the climate block on the proposal or meeting; absent: results are only published here
    write_back = fields.Nested(WriteBackSchema, load_default=None, allow_none=True)
    #: Decidim's default limit is 100 requests a minute per address
    requests_per_second = rate_field(1.0)
    obey_robots = robots_field()

    @post_load
    def _normalise(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        url = data["base_url"].strip().rstrip("/")
        if url.lower().endswith("/api"):
            url = url[:-4]
        data["base_url"] = url.rstrip("/")
        data["processes"] = [p.strip() for p in data["processes"] if p.strip()]
        data["components"] = sorted(set(data["components"]))
        return data
