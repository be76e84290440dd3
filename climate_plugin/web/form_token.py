"""CSRF tokens for the plain HTML forms that people reach through a signed link (no account, no session).

The token is a signed, expiring statement "this form was rendered by us for this scope" (e.g. one item's
commitments): another site cannot make one, and it needs no cookie, so forms also work inside a host
system's frame where third-party cookies are blocked.
"""

from __future__ import annotations

from datetime import timedelta

from climate_plugin.models._types import utcnow
from climate_plugin.web.signed_links import LinkExpired, make_token, read_token

FIELD = "csrf_token"
#: long enough to write a careful justification, short enough that an old copied page stops working
LIFETIME = timedelta(hours=12)
_PURPOSE = "form"


def form_token(scope: str) -> str:
    # Whole minutes, so a page rendered twice in the same minute carries the same token.
    expires = utcnow().replace(second=0, microsecond=0) + LIFETIME
    return make_token(_PURPOSE, scope, expires)


def form_token_ok(scope: str, value: object) -> bool:
    if not isinstance(value, str) or not value:
        return False
    try:
        return read_token(_PURPOSE, value) == scope
    except LinkExpired:
        return False
