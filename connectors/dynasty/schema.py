"""The ``dynasty`` connector's settings; only ``base_url`` has no default."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, post_load
from marshmallow.validate import Length, OneOf, Range

from climate_plugin.connectors.common.politeness import rate_field, robots_field, validate_site_url


class DynastyConfigSchema(Schema):
    #: where ``cgi/DREQUEST.PHP`` lives, e.g. https://jamsa10.oncloudos.com or, on a regional install,
    #: https://dynastyjulkaisu.pohjoiskarjala.net/<kunta>
    base_url = fields.String(required=True, validate=validate_site_url)
    #: the language of the items (Dynasty pages do not say)
    language = fields.String(load_default="fi", validate=OneOf(("fi", "sv")))
    #: how many of the newest items the feed is asked for (``show=``)
    feed_size = fields.Integer(load_default=100, validate=Range(min=1, max=1000))
    #: only items of these bodies (as the feed names them); empty: all
    bodies = fields.List(fields.String(validate=Length(min=1, max=200)), load_default=list)
    #: items of meetings this many days before a poll's window are read again (minutes come after)
    revisit_days = fields.Integer(load_default=14, validate=Range(min=0, max=365))
    #: items of meetings up to this many days after the window count too (agendas come before)
    ahead_days = fields.Integer(load_default=30, validate=Range(min=0, max=365))
    #: items read per poll page
    page_size = fields.Integer(load_default=10, validate=Range(min=1, max=100))
    requests_per_second = rate_field(1.0)
    obey_robots = robots_field()

    @post_load
    def _normalise(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        url = data["base_url"].strip().rstrip("/")
        for suffix in ("/cgi/DREQUEST.PHP", "/cgi"):
            if url.lower().endswith(suffix.lower()):
                url = url[: -len(suffix)]
        data["base_url"] = url.rstrip("/")
        data["bodies"] = [b.strip() for b in data["bodies"] if b.strip()]
        return data
