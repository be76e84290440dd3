"""Outgoing HTTP for connectors: timeouts, and no requests to addresses an administrator did not allow.

(Stub: the interface is fixed, the implementation is being written.)
"""

from __future__ import annotations

import requests


class OutboundError(Exception):
    """Base of every error an outgoing request can end in."""


class TransientError(OutboundError):
    """Worth retrying later: network error, timeout, 5xx, 429."""


class PermanentError(OutboundError):
    """Retrying will not help: 4xx, refused address, bad URL."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class OutboundRefused(PermanentError):
    """The target resolves to a loopback, private, link-local or otherwise internal address."""


class AllowList:
    """Host names, addresses and CIDR ranges from CLIMATE_PLUGIN_OUTBOUND_ALLOW."""

    def __init__(self, entries: list[str] | tuple[str, ...] = ()) -> None:
        raise NotImplementedError

    @classmethod
    def parse(cls, value: str) -> AllowList:
        """Parse the comma-separated setting; raise ValueError naming a bad entry."""
        raise NotImplementedError


class OutboundClient:
    """A requests session that checks every address it connects to and always has a timeout."""

    def __init__(self, allow: AllowList, timeout: float = 10.0, user_agent: str = "climate-plugin") -> None:
        raise NotImplementedError

    def request(self, method: str, url: str, **kwargs) -> requests.Response:
        """Send a request; return the response for 2xx; raise TransientError / PermanentError otherwise."""
        raise NotImplementedError
