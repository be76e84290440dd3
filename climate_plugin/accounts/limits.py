"""Abuse limits: sign-in attempts (Flask-Limiter's decorators) and webhook floods (:class:`WebhookCounter`,
counted by the webhook view in the same store, without Flask-Limiter's per-request work).

The limiter lives here, importable without an app, so views can carry its decorators; the app factory
picks the storage: Redis in production, so every worker process counts together (a per-process
memory count would multiply the limit by the number of gunicorn workers).
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from dataclasses import dataclass

from flask import current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import FixedWindowRateLimiter

from climate_plugin.config import is_redis_url

log = logging.getLogger(__name__)

# No X-RateLimit headers: Flask-Limiter would also stamp a Retry-After on ordinary answers (a 503
# with its own Retry-After included); the 429 handler in setup.py sets Retry-After itself.
limiter = Limiter(key_func=get_remote_address, headers_enabled=False, strategy="fixed-window")


def _settings():
    return current_app.extensions["climate_plugin.settings"]


def storage_url(settings) -> str:
    """Where counts are kept: the explicit setting, else a Redis broker, else this process's memory."""
    if settings.ratelimit_storage_url:
        return settings.ratelimit_storage_url
    if is_redis_url(settings.broker_url):
        return settings.broker_url
    return "memory://"


def login_limit() -> str:
    return _settings().login_rate_limit


#: seconds a process keeps the connectors' own webhook limits before reading them again
OVERRIDES_TTL = 30.0
#: the app's extensions key of (read at, {connector id: its own limit})
_OVERRIDES = "climate_plugin.webhook_limits"


def webhook_limit(connector_id: int | None) -> str:
    """The connector's own limit (Connector.webhook_rate_limit), else CLIMATE_PLUGIN_WEBHOOK_RATE_LIMIT."""
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


def webhook_key(connector_id: int | None, sender: str | None) -> str:
    # Per connector and sender: one noisy host cannot use up another municipality's allowance.
    connector = "?" if connector_id is None else connector_id
    return f"{_deployment()}:webhook:{connector}:{sender or '127.0.0.1'}"


#: decorators for the views (stacked: each limit counts on its own)
login_per_ip = limiter.limit(login_limit, methods=["POST"], key_func=login_ip_key, scope="login-ip")
login_per_email = limiter.limit(login_limit, methods=["POST"], key_func=login_email_key, scope="login-email")

#: seconds the webhook count stays in this process's memory after the shared store failed, before Redis is
#: tried again: a hung Redis must not cost every webhook a socket timeout
STORE_RETRY_AFTER = 5.0
#: the app's extensions key of this process's webhook counter
_COUNTER = "climate_plugin.webhook_counter"

#: a lease is at most this share of the limit (1/1000) ...
LEASE_SHARE = 1000
#: ... and at most this many webhooks
LEASE_MAX = 100
#: windows shorter than this (seconds) are counted one webhook at a time
LEASE_MIN_WINDOW = 10
#: seconds before the window's end (as the store reports it, in whole seconds) a lease stops being used
LEASE_MARGIN = 1.0
#: leases a process keeps at most (one per connector and sender)
_LEASES_SIZE = 4096


def lease_size(item: RateLimitItem) -> int:
    """How many webhooks one count in the store reserves for this process: 1 (every webhook counted in the
    store, as before) unless the limit is at least 2000 per window of 10 s or more; then 1/1000 of the
    limit, at most LEASE_MAX."""
    if item.get_expiry() < LEASE_MIN_WINDOW:
        return 1
    return max(1, min(LEASE_MAX, item.amount // LEASE_SHARE))


@dataclass
class _Lease:
    #: webhooks reserved in the store and not used yet
    left: int
    #: time.monotonic() after which they are not used (shortly before the store's window ends)
    until: float


class WebhookCounter:
    """The per-sender webhook limit, counted without Flask-Limiter's per-request machinery.

    The same fixed window, in the same store (Redis in production, so every worker process counts together)
    under the same keys as a ``limiter.limit`` decorator would use. What Flask-Limiter adds around it
    (resolving the view's limits on every request, twice, and its hooks after the request) cost more than
    the count itself on the webhook path. While the store fails, the count is kept in this process's memory,
    as Flask-Limiter's in-memory fallback does, and the store is tried again after STORE_RETRY_AFTER seconds.

    A limit of 2000 or more per window (an operator's allowance for a host replaying a backlog) is counted
    in leases: one count in the store reserves :func:`lease_size` webhooks (1/1000 of the limit, at most
    LEASE_MAX) for this process, which it then admits without asking the store, until the window ends. So
    the limit is never exceeded: every webhook admitted was counted in the store, in the window it was
    admitted in (a lease is given up LEASE_MARGIN seconds before the store's window ends). A sender may be
    refused a little early instead: webhooks reserved by one process and not yet used are not available to
    the others, at most ``(lease size - 1)`` per process, i.e. 1/1000 of the limit per gunicorn worker. The
    default limit (600/minute) and anything below 2000 per window are counted one webhook at a time.
    """

    def __init__(self, store: FixedWindowRateLimiter) -> None:
        self._store = store
        self._memory = FixedWindowRateLimiter(MemoryStorage())
        self._store_failed_at = float("-inf")
        self._items: dict[str, tuple[RateLimitItem, int]] = {}
        # gunicorn's threads share the leases
        self._lock = threading.Lock()
        self._leases: dict[str, _Lease] = {}

    def _item(self, limit: str) -> tuple[RateLimitItem, int]:
        known = self._items.get(limit)
        if known is None:  # parsed once per distinct limit: parsing costs more than the check
            item = parse(limit)
            known = self._items[limit] = (item, lease_size(item))
        return known

    def hit(self, limit: str, key: str) -> int | None:
        """Count one webhook; None when within the limit, else the seconds until its window resets."""
        item, size = self._item(limit)
        if size > 1:
            lease_key = f"{limit}|{key}"
            with self._lock:
                lease = self._leases.get(lease_key)
                if lease is not None and lease.left > 0 and time.monotonic() < lease.until:
                    lease.left -= 1
                    return None
        counter = self._store
        if time.monotonic() - self._store_failed_at < STORE_RETRY_AFTER:
            counter = self._memory
        try:
            count = counter.storage.incr(item.key_for(key, "webhook"), item.get_expiry(), amount=size)
        except Exception as exc:  # the store is down or hangs: count here meanwhile, never refuse for it
            log.warning("webhook rate limit store unreachable (%s); counting in memory", type(exc).__name__)
            self._store_failed_at = time.monotonic()
            counter = self._memory
            count = counter.storage.incr(item.key_for(key, "webhook"), item.get_expiry(), amount=size)
        # What this count reserved within the limit (a lease may straddle it: part of it is still allowed).
        granted = min(size, item.amount - (count - size))
        reset_at: float | None = None
        if granted > 0 and size > 1:
            try:
                reset_at = counter.storage.get_expiry(item.key_for(key, "webhook"))
            except Exception:
                reset_at = None  # no lease without the window's end: this webhook alone is admitted
            if reset_at is not None:
                until = time.monotonic() + (reset_at - time.time()) - LEASE_MARGIN
                with self._lock:
                    if len(self._leases) >= _LEASES_SIZE:
                        self._leases.clear()
                    self._leases[lease_key] = _Lease(left=granted - 1, until=until)
        if granted > 0:
            return None
        try:
            reset_at = counter.storage.get_expiry(item.key_for(key, "webhook"))
        except Exception:
            return 60
        return max(1, int(reset_at - time.time()))


def webhook_over_limit(connector_id: int | None, sender: str | None) -> int | None:
    """Count a webhook to ``connector_id`` from the address ``sender`` against their limit: None, or seconds
    to wait (a 429). Needs an app context only (the webhook fast path has no request context)."""
    counter = current_app.extensions.get(_COUNTER)
    if counter is None:
        counter = current_app.extensions[_COUNTER] = WebhookCounter(FixedWindowRateLimiter(limiter.storage))
    return counter.hit(webhook_limit(connector_id), webhook_key(connector_id, sender))
