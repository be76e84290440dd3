"""Authentication and authorisation: who is asking (API token or admin session), what their role allows,
which municipality's data they see, and the audit log.

The shared interface other modules code against is re-exported here.
"""

from __future__ import annotations

from climate_plugin.accounts.audit import audit
from climate_plugin.accounts.principal import (
    PLATFORM_ADMIN,
    ROLES,
    Principal,
    current_principal,
    get_scoped,
    get_scoped_or_404,
    municipality_scope,
    require,
    scoped,
)

__all__ = [
    "PLATFORM_ADMIN",
    "ROLES",
    "Principal",
    "audit",
    "current_principal",
    "get_scoped",
    "get_scoped_or_404",
    "init_app",
    "municipality_scope",
    "require",
    "scoped",
]


def init_app(app) -> None:
    """Session cookie settings, the rate limiter and the sign-in pages (called by the app factory)."""
    from climate_plugin.accounts.setup import init_app as _init

    _init(app)
