"""Wiring into the app factory: session cookie settings, the rate limiter, the sign-in blueprint."""

from __future__ import annotations

import time
from datetime import timedelta

from flask import Flask, request

from climate_plugin.accounts.limits import limiter, storage_url
from climate_plugin.web.errors import error_page, json_error, wants_json


def init_app(app: Flask) -> None:
    settings = app.extensions["climate_plugin.settings"]
    app.config.update(
        SESSION_COOKIE_NAME="climate_plugin_session",
        SESSION_COOKIE_HTTPONLY=True,
        # Lax: the cookie is not sent with cross-site POSTs (a first CSRF barrier), but following a link
        # to an admin page from e-mail still finds the person signed in.
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.public_url.startswith("https://"),
        PERMANENT_SESSION_LIFETIME=timedelta(hours=settings.session_hours),
        RATELIMIT_STORAGE_URI=storage_url(settings),
        # a hung Redis must not hold a request either: give up quickly and count in memory (below)
        RATELIMIT_STORAGE_OPTIONS=(
            {"socket_timeout": settings.broker_timeout, "socket_connect_timeout": settings.broker_timeout}
            if storage_url(settings).startswith(("redis://", "rediss://"))
            else {}
        ),
        # A Redis outage must not turn away webhooks or sign-ins: count in memory meanwhile.
        RATELIMIT_SWALLOW_ERRORS=True,
        RATELIMIT_IN_MEMORY_FALLBACK_ENABLED=True,
    )
    limiter.init_app(app)

    from climate_plugin.accounts.web import bp, too_many_logins

    app.register_blueprint(bp)

    @app.errorhandler(429)
    def too_many_requests(exc):
        if request.path.startswith("/admin/login") and request.accept_mimetypes.best != "application/json":
            response = too_many_logins()
        elif request.path.startswith(("/webhooks/", "/api/")) or wants_json():
            response = json_error(429, "too many requests; wait and try again")
        else:
            response = error_page(429)
        response.headers["Retry-After"] = str(_retry_after())
        return response

    @app.context_processor
    def auth_helpers():
        from climate_plugin.accounts.csrf import session_form_token
        from climate_plugin.accounts.principal import current_principal

        return {"current_principal": current_principal, "session_form_token": session_form_token}


def _retry_after() -> int:
    """Seconds until the limit that was hit resets."""
    current = limiter.current_limit
    if current is None:
        return 60
    return max(1, int(current.reset_at - time.time()))
