"""The ``casem`` connector's settings; only ``base_url`` has no default."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, post_load
from marshmallow.validate import Length, OneOf, Range

from climate_plugin.connectors.common.politeness import rate_field, robots_field, validate_site_url

#: what an administrator may paste instead of the site's root; cut off so every URL is built the same way
_SUFFIXES = ("/api/opennc/v1", "/fi-FI", "/sv-FI", "/en-US")


class CaseMConfigSchema(Schema):
    #: the public site, e.g. https://hollola.cloudnc.fi
    base_url = fields.String(required=True, validate=validate_site_url)
    #: "api": the OData API; "pages": the public item pages; "auto": the API while it answers, else pages
    source = fields.String(load_default="auto", validate=OneOf(("auto", "api", "pages")))
    #: the language of body names and of the public pages linked (items keep their own language)
    language = fields.String(load_default="fi", validate=OneOf(("fi", "sv", "en")))
    #: only these bodies (names or NodeIds as text); empty: every body under "Toimielimet"
    bodies = fields.List(fields.String(validate=Length(min=1, max=200)), load_default=list)
    #: meetings this many days before a poll's window are read again (minutes are published after the
    #: meeting; CaseM's meeting dates say when it met, not when its page changed)
    revisit_days = fields.Integer(load_default=14, validate=Range(min=0, max=365))
    #: meetings up to this many days after a poll's window count too (agendas are published before)
    ahead_days = fields.Integer(load_default=14, validate=Range(min=0, max=365))
    requests_per_second = rate_field(4.0)
    obey_robots = robots_field()

    @post_load
    def _normalise(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        url = data["base_url"].strip().rstrip("/")
        for suffix in _SUFFIXES:
            if url.lower().endswith(suffix.lower()):
                url = url[: -len(suffix)]
        data["base_url"] = url.rstrip("/")
        data["bodies"] = [b.strip() for b in data["bodies"] if b.strip()]
        return data
