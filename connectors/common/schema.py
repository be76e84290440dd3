"""Config-schema pieces every connector kind uses (marshmallow validators)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from marshmallow import ValidationError

_HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")  # RFC 9110 token


def validate_base_url(value: str) -> None:
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        raise ValidationError("Not a valid URL.") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError("Must be an http:// or https:// URL with a host name.")
    if parts.username is not None or parts.password is not None:
        raise ValidationError("Must not contain a user name or password; put credentials in auth.")
    if parts.query or parts.fragment:
        raise ValidationError("Must not contain a query string or fragment.")


def validate_header(value: str) -> None:
    if not _HEADER_NAME.match(value):
        raise ValidationError("Not a valid HTTP header name.")
