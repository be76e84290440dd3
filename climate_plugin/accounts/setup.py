"""Wiring into the app factory: session cookie settings, the rate limiter, the sign-in blueprint."""

from __future__ import annotations

import functools
import time
from datetime import timedelta

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface

from climate_plugin.accounts.limits import limiter, storage_url
from climate_plugin.config import is_redis_url
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
            if is_redis_url(storage_url(settings))
            else {}
        ),
        # A Redis outage must not turn away webhooks or sign-ins: count in memory meanwhile.
        RATELIMIT_SWALLOW_ERRORS=True,
        RATELIMIT_IN_MEMORY_FALLBACK_ENABLED=True,
    )
    limiter.init_app(app)
    _skip_for_webhooks(app, limiter._check_request_limit)
    app.session_interface = _SessionInterface()

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


class _SessionInterface(SecureCookieSessionInterface):
    """Signed cookie sessions, except for webhooks: a sender's request is verified by its signature and
    never carries a person's session, so none is read from a cookie (and none is saved)."""

    def open_session(self, app: Flask, request):  # type: ignore[override]
        if request.path.startswith("/webhooks/"):
            return None  # Flask's null session: nothing read, nothing saved
        return super().open_session(app, request)


def _skip_for_webhooks(app: Flask, hook) -> None:
    """Run the before-request ``hook`` for every request but webhooks.

    Flask-Limiter checks every request for limits that apply to its view; webhooks have none of its limits
    (their rate is counted in the view, by ``limits.webhook_over_limit``), and resolving that costs a
    webhook more than its own count. Neither ``limiter.exempt`` nor a request filter avoids that work.
    """
    hooks = app.before_request_funcs[None]
    index = hooks.index(hook)  # fails at start-up, loudly, if Flask-Limiter registers it differently

    @functools.wraps(hook)
    def unless_webhook():
        if request.blueprint == "webhooks":
            return None
        return hook()

    hooks[index] = unless_webhook
