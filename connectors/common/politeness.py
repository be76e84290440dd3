"""Politeness towards hosts that were not built for machines: a request rate per host, and robots.txt.

The CaseM, Dynasty, Tweb and Decidim connectors read public sites and APIs that municipalities run on
small servers, with no agreement about automated reading. So every request they make (the pipeline's
attachment downloads included, since they go through the connector's ``http``) passes through a
:class:`PoliteClient`:

* **rate**: at most ``requests_per_second`` requests to one host (scheme, name and port), counted per
  process. The robots.txt ``Crawl-delay`` of the host, when larger, wins. Polls of one connector never
  overlap (the poller's lease), so per process is per connector in practice.
* **robots.txt** (RFC 9309), when ``obey_robots`` is on: read once an hour per host; a path the rules
  disallow for ``climate-plugin`` is not requested, and the poll stops with :class:`CrawlForbidden`,
  which says so in plain words. A robots.txt the host does not have (4xx) allows everything; one the host
  cannot give right now (5xx, network) means "not now": :class:`TransientError`, tried again later, as
  the RFC says a crawler must assume complete disallow meanwhile.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import requests

from climate_plugin.outbound import OutboundClient, PermanentError, TransientError

log = logging.getLogger(__name__)

#: the product token robots.txt rules are matched against (the client's User-Agent starts with it)
ROBOTS_AGENT = "climate-plugin"
#: how long a host's robots.txt is trusted before it is read again
ROBOTS_TTL = 3600.0
#: the longest Crawl-delay honoured; a host asking for more gets this (and a slow sync)
MAX_CRAWL_DELAY = 60.0
#: answers to GET /robots.txt that mean "no rules here"
_NO_ROBOTS = frozenset({301, 302, 303, 307, 308, 401, 403, 404, 410})
#: robots.txt larger than this is cut (RFC 9309 asks crawlers to read at least 500 KiB)
MAX_ROBOTS_BYTES = 512 * 1024


class CrawlForbidden(PermanentError):
    """The host's robots.txt forbids reading this path."""


def origin(url: str) -> str:
    """``scheme://host:port`` with the default port filled in: what limits and robots.txt apply to."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port or (443 if scheme == "https" else 80)
    return f"{scheme}://{(parts.hostname or '').lower()}:{port}"


class _Gate:
    """When the next request to one host may go out."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.next_at = 0.0


class _Robots:
    def __init__(self, parser: RobotFileParser | None, read_at: float) -> None:
        self.parser = parser  # None: the host has no robots.txt, everything is allowed
        self.read_at = read_at


_gates: dict[str, _Gate] = {}
_robots: dict[str, _Robots] = {}
_registry_lock = threading.Lock()
#: replaceable in tests
clock: Callable[[], float] = time.monotonic
sleep: Callable[[float], None] = time.sleep


def forget_robots() -> None:
    """Drop every cached robots.txt (tests; after a host changed its rules)."""
    with _registry_lock:
        _robots.clear()


def _gate(key: str) -> _Gate:
    with _registry_lock:
        return _gates.setdefault(key, _Gate())


class PoliteClient:
    """An :class:`OutboundClient` that waits its turn per host and asks robots.txt first.

    It has the client's ``request`` signature, so the pipeline's attachment reading uses it unchanged;
    everything else is the wrapped client's.
    """

    def __init__(
        self, http: OutboundClient, requests_per_second: float, obey_robots: bool, what: str = "the host"
    ) -> None:
        self.http = http
        self.interval = 1.0 / requests_per_second
        self.obey_robots = obey_robots
        self.what = what  # "the CaseM site", for messages

    def __getattr__(self, name: str) -> Any:
        return getattr(self.http, name)

    def request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        key = origin(url)
        delay = 0.0
        if self.obey_robots:
            robots = self._robots(key)
            if robots.parser is not None:
                parts = urlsplit(url)
                target = parts.path or "/"
                if parts.query:
                    target += "?" + parts.query
                if not robots.parser.can_fetch(ROBOTS_AGENT, f"{key}{target}"):
                    raise CrawlForbidden(
                        f"the robots.txt of {self.what} ({key}) forbids reading {parts.path or '/'}: this "
                        "service does not read it. Ask the host's owner to allow 'climate-plugin', or "
                        "(only with their permission) set obey_robots to false",
                        403,
                    )
                crawl_delay = robots.parser.crawl_delay(ROBOTS_AGENT)
                if crawl_delay:
                    delay = min(float(crawl_delay), MAX_CRAWL_DELAY)
        self._wait(key, max(self.interval, delay))
        return self.http.request(method, url, **kwargs)

    def _wait(self, key: str, interval: float) -> None:
        gate = _gate(key)
        with gate.lock:
            now = clock()
            if gate.next_at > now:
                sleep(gate.next_at - now)
                now = gate.next_at
            gate.next_at = now + interval

    def _robots(self, key: str) -> _Robots:
        with _registry_lock:
            cached = _robots.get(key)
        if cached is not None and clock() - cached.read_at < ROBOTS_TTL:
            return cached
        fresh = self._read_robots(key)
        with _registry_lock:
            _robots[key] = fresh
        return fresh

    def _read_robots(self, key: str) -> _Robots:
        self._wait(key, self.interval)
        url = f"{key}/robots.txt"
        try:
            response = self.http.request("GET", url, headers={"Accept": "text/plain"})
        except TransientError as e:
            raise TransientError(
                f"the robots.txt of {self.what} could not be read ({e}); nothing is read until it can be"
            ) from None
        except PermanentError as e:
            if e.status in _NO_ROBOTS:
                # no rules (RFC 9309 2.3.1.3); a redirect is not followed by this service, so its target's
                # rules are unknown: treated as no rules, and said in the log
                if e.status < 400:
                    log.info("robots.txt of %s redirects; treated as absent", key)
                return _Robots(None, clock())
            # a 400 or 405 for robots.txt says something is wrong with the host, not that it has no rules
            raise
        text = response.content[:MAX_ROBOTS_BYTES].decode("utf-8", "replace")
        parser = RobotFileParser()
        parser.parse(text.splitlines())
        return _Robots(parser, clock())


# --- the settings every polite connector has ---------------------------------------------------------
def validate_site_url(value: str) -> None:
    """An http(s) URL with a host and no user name, password, query or fragment (marshmallow validator)."""
    from marshmallow import ValidationError

    try:
        parts = urlsplit(value.strip())
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        raise ValidationError("Not a valid URL.") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValidationError("Must be an http:// or https:// URL with a host name.")
    if parts.username is not None or parts.password is not None:
        raise ValidationError("Must not contain a user name or password.")
    if parts.query or parts.fragment:
        raise ValidationError("Must not contain a query string or a fragment.")


def rate_field(requests_per_second: float) -> Any:
    """The ``requests_per_second`` setting, with a kind's own default."""
    from marshmallow import fields
    from marshmallow.validate import Range

    return fields.Float(load_default=requests_per_second, validate=Range(min=0.01, max=100))


def robots_field() -> Any:
    """The ``obey_robots`` setting: on unless the host's owner has allowed this service otherwise."""
    from marshmallow import fields

    return fields.Boolean(load_default=True)
