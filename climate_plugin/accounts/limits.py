"""Abuse limits (Flask-Limiter): sign-in attempts and webhook floods.

The limiter lives here, importable without an app, so views can carry its decorators; the app factory
picks the storage: Redis in production, so every worker process counts together (a per-process
memory count would multiply the limit by the number of gunicorn workers).
"""

from __future__ import annotations

import hashlib
import time

from flask import current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

# No X-RateLimit headers: Flask-Limiter would also stamp a Retry-After on ordinary answers (a 503
# with its own Retry-After included); the 429 handler in setup.py sets Retry-After itself.
limiter = Limiter(key_func=get_remote_address, headers_enabled=False, strategy="fixed-window")


def _settings():
    return current_app.extensions["climate_plugin.settings"]


def storage_url(settings) -> str:
    """Where counts are kept: the explicit setting, else a Redis broker, else this process's memory."""
    if settings.ratelimit_storage_url:
        return settings.ratelimit_storage_url
    broker = settings.broker_url or ""
    if broker.startswith(("redis://", "rediss://")):
        return broker
    return "memory://"


def login_limit() -> str:
    return _settings().login_rate_limit


#: seconds a process keeps the connectors' own webhook limits before reading them again
OVERRIDES_TTL = 30.0
#: the app's extensions key of (read at, {connector id: its own limit})
_OVERRIDES = "climate_plugin.webhook_limits"


def webhook_limit() -> str:
    """The connector's own limit (Connector.webhook_rate_limit), else CLIMATE_PLUGIN_WEBHOOK_RATE_LIMIT."""
    connector_id = (request.view_args or {}).get("connector_id")
    return _connector_limits().get(connector_id) or _settings().webhook_rate_limit


def _connector_limits() -> dict[int, str]:
    # Read once per OVERRIDES_TTL, not per webhook: this runs before every webhook, on the hot path. A change
    # made in this process is seen at once (forget_webhook_limits), in other processes within the TTL.
    read_at, limits = current_app.extensions.get(_OVERRIDES, (float("-inf"), {}))
    now = time.monotonic()
    if now - read_at > OVERRIDES_TTL:
        from sqlalchemy import select

        from climate_plugin.db import db
        from climate_plugin.models import Connector

        try:
            stmt = select(Connector.id, Connector.webhook_rate_limit).where(
                Connector.webhook_rate_limit.isnot(None)
            )
            limits = dict(db.session.execute(stmt).all())
        except Exception:  # the database away: the default limit holds; the endpoint answers the outage
            db.session.rollback()
            current_app.extensions[_OVERRIDES] = (now, limits)  # and not asked on every webhook meanwhile
            return limits
        current_app.extensions[_OVERRIDES] = (now, limits)
    return limits


def forget_webhook_limits() -> None:
    """Read the connectors' own limits again at the next webhook (after one of them changed)."""
    current_app.extensions.pop(_OVERRIDES, None)


def _deployment() -> str:
    # Deployments that share one Redis (see QUEUE_NAME) count separately. (Flask-Limiter's own key
    # prefix is fixed by the first app it meets in a process, so the keys carry it themselves.)
    return _settings().queue_name


def login_ip_key() -> str:
    return f"{_deployment()}:login-ip:{get_remote_address()}"


def login_email_key() -> str:
    # Per address as well as per IP: guessing one person's password from many addresses is still limited.
    # Hashed, so the store of counts holds no e-mail addresses.
    email = request.form.get("email", "").strip().lower()[:320]
    return f"{_deployment()}:login-email:{hashlib.sha256(email.encode()).hexdigest()[:32]}"


def webhook_key() -> str:
    # Per connector and sender: one noisy host cannot use up another municipality's allowance.
    connector = (request.view_args or {}).get("connector_id", "?")
    return f"{_deployment()}:webhook:{connector}:{get_remote_address()}"


#: decorators for the views (stacked: each limit counts on its own)
login_per_ip = limiter.limit(login_limit, methods=["POST"], key_func=login_ip_key, scope="login-ip")
login_per_email = limiter.limit(login_limit, methods=["POST"], key_func=login_email_key, scope="login-email")
webhook_per_sender = limiter.limit(webhook_limit, methods=["POST"], key_func=webhook_key, scope="webhook")
