"""Outgoing HTTP for connectors: timeouts, and no requests to addresses an administrator did not allow.

Connector configs are written by administrators and webhook payloads by other systems, so a URL we fetch
could point at our own metadata service, database or admin port (SSRF). The check therefore runs where
the socket is opened, on the very address we connect to: a host name that resolves to a public address
when validated and to 127.0.0.1 when fetched (DNS rebinding) is still refused.

Policy:

* only ``http`` and ``https``; no proxies (a proxy would make the checked address the proxy's);
* a host name is resolved once per connection and *every* address it gives must be global, unless the
  host name itself is allowed; a mixed answer (one public, one private address) is refused outright;
* redirects are never followed: a 3xx ends in :class:`PermanentError`, so a public host cannot bounce
  us to an internal one, and credentials are never replayed to a different host;
* every request has a connect and a read timeout.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import sys
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.util.connection import allowed_gai_family

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# NAT64 (RFC 6052) carries an IPv4 address in its last 32 bits; Python counts the prefix as global.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
# One DNS label: letters, digits, hyphen; underscore too, since internal names sometimes have it.
_LABEL = re.compile(r"^(?!-)[a-z0-9_-]{1,63}(?<!-)$")


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


def _unwrap(address: IPAddress) -> IPAddress:
    """The IPv4 address hidden in an IPv4-mapped IPv6 address, else the address itself."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def is_internal(address: IPAddress) -> bool:
    """True for any address that is not a plain public unicast address."""
    address = _unwrap(address)
    if (
        not address.is_global
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or address.is_loopback
        or address.is_link_local
        or address.is_private
    ):
        return True
    if isinstance(address, ipaddress.IPv6Address):
        if address.is_site_local:
            return True
        # Tunnelling prefixes that Python reports as global but that lead to an embedded IPv4 address.
        embedded = address.sixtofour
        if embedded is None and address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return is_internal(embedded)
    return False


def _normalise_host(host: str) -> str:
    return host.strip("[]").rstrip(".").lower()


class AllowList:
    """Host names, addresses and CIDR ranges from CLIMATE_PLUGIN_OUTBOUND_ALLOW."""

    def __init__(self, entries: list[str] | tuple[str, ...] = ()) -> None:
        hosts: set[str] = set()
        networks: list[IPNetwork] = []
        for raw in entries:
            entry = raw.strip()
            if not entry:
                continue
            try:
                # strict: "10.0.0.1/8" is more likely a typo than a deliberate range
                network = ipaddress.ip_network(entry.strip("[]"), strict=True)
            except ValueError:
                network = None
            if network is not None:
                networks.append(network)
                continue
            looks_numeric = entry.replace(".", "").isdigit()
            if "/" in entry or ":" in entry or looks_numeric:
                raise ValueError(f"outbound allow list: {entry!r} is not a valid address or CIDR range")
            host = _normalise_host(entry)
            try:
                ascii_host = host.encode("idna").decode("ascii")
            except UnicodeError:
                ascii_host = ""
            if not ascii_host or not all(_LABEL.match(label) for label in ascii_host.split(".")):
                raise ValueError(f"outbound allow list: {entry!r} is not a host name, address or CIDR range")
            hosts.add(ascii_host)
        self.hosts: frozenset[str] = frozenset(hosts)
        self.networks: tuple[IPNetwork, ...] = tuple(networks)

    @classmethod
    def parse(cls, value: str) -> AllowList:
        """Parse the comma-separated setting; raise ValueError naming a bad entry."""
        return cls(tuple(value.split(",")) if value else ())

    def allows_host(self, host: str) -> bool:
        return _normalise_host(host) in self.hosts

    def allows_address(self, address: IPAddress) -> bool:
        # Compare both the address and its IPv4 form, so "127.0.0.1" also allows ::ffff:127.0.0.1.
        candidates = {address, _unwrap(address)}
        return any(a in net for a in candidates for net in self.networks if a.version == net.version)

    def __repr__(self) -> str:
        entries = sorted(self.hosts) + [str(n) for n in self.networks]
        return f"AllowList({entries!r})"


def _resolve_checked(host: str, port: int, allow: AllowList) -> list[tuple[Any, ...]]:
    """getaddrinfo, then refuse unless the host name or every resolved address is allowed.

    An IP literal is checked before getaddrinfo, so refusing it costs no lookup and no traffic, and does
    not depend on whether this machine has IPv6.
    """
    host = host.strip("[]")
    try:
        literal: IPAddress | None = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        _check_address(host, literal, allow)
    infos = socket.getaddrinfo(host, port, allowed_gai_family(), socket.SOCK_STREAM)
    if allow.allows_host(host):
        return infos
    for *_, sockaddr in infos:
        # sockaddr[0] may carry an IPv6 zone ("fe80::1%eth0"); ip_address understands that.
        _check_address(host, ipaddress.ip_address(sockaddr[0]), allow)
    return infos


def _check_address(host: str, address: IPAddress, allow: AllowList) -> None:
    if is_internal(address) and not allow.allows_address(address):
        # The operator reads this in a delivery's error and in sync health: say which setting lets it through.
        if str(address) == host:
            target, entry = f"the internal address {host}", host
        else:
            target, entry = f"{host}: it resolves to the internal address {address}", f"{host} (or {address})"
        raise OutboundRefused(
            f"refused to connect to {target}, which is not in the outbound allow list "
            f"(CLIMATE_PLUGIN_OUTBOUND_ALLOW); if the service should reach it, add {entry} to "
            "CLIMATE_PLUGIN_OUTBOUND_ALLOW and restart, then redeliver the failed work "
            "(climate-plugin deliveries redeliver)"
        )


class _GuardedConnectionMixin:
    """Replaces urllib3's socket opening with resolve → check every address → connect to a checked one."""

    allow: AllowList  # set on the per-client subclass

    def _new_conn(self) -> socket.socket:
        conn: Any = self  # the mixin is only ever combined with urllib3's HTTPConnection
        try:
            infos = _resolve_checked(conn._dns_host, conn.port, self.allow)
        except socket.gaierror as e:
            raise NameResolutionError(conn.host, conn, e) from e
        err: OSError | None = None
        for af, socktype, proto, _canon, sockaddr in infos:
            sock = None
            try:
                sock = socket.socket(af, socktype, proto)
                for opt in conn.socket_options or ():
                    sock.setsockopt(*opt)
                sock.settimeout(conn.timeout)
                if conn.source_address:
                    sock.bind(conn.source_address)
                sock.connect(sockaddr)
                sys.audit("http.client.connect", conn, conn.host, conn.port)
                return sock
            except TimeoutError as e:
                if sock is not None:
                    sock.close()
                raise ConnectTimeoutError(conn, f"connection to {conn.host} timed out") from e
            except OSError as e:
                err = e
                if sock is not None:
                    sock.close()
        raise NewConnectionError(conn, f"failed to establish a new connection: {err}")


class _GuardedAdapter(HTTPAdapter):
    """An HTTPAdapter whose pools open sockets only through the address check."""

    def __init__(self, allow: AllowList) -> None:
        # Per-client classes, because urllib3 pool keys cannot carry extra constructor arguments.
        http_conn = type("GuardedHTTPConnection", (_GuardedConnectionMixin, HTTPConnection), {"allow": allow})
        https_conn = type(
            "GuardedHTTPSConnection", (_GuardedConnectionMixin, HTTPSConnection), {"allow": allow}
        )
        self._pool_classes = {
            "http": type("GuardedHTTPPool", (HTTPConnectionPool,), {"ConnectionCls": http_conn}),
            "https": type("GuardedHTTPSPool", (HTTPSConnectionPool,), {"ConnectionCls": https_conn}),
        }
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = self._pool_classes

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        # A proxy's pools use urllib3's own connection classes and would skip the check.
        raise OutboundRefused("outgoing requests through a proxy are not supported")


def _describe(url: str) -> str:
    """The URL without credentials or query string, for error messages."""
    parts = urlsplit(url)
    host = parts.hostname or "?"
    if ":" in host:
        host = f"[{host}]"
    port = f":{parts.port}" if parts.port else ""
    return f"{host}{port}{parts.path or '/'}"


class OutboundClient:
    """A requests session that checks every address it connects to and always has a timeout."""

    def __init__(self, allow: AllowList, timeout: float = 10.0, user_agent: str = "climate-plugin") -> None:
        self.allow = allow
        self.timeout = timeout
        self.session = requests.Session()
        # trust_env off: no proxies from the environment, no credentials picked up from ~/.netrc.
        self.session.trust_env = False
        self.session.headers["User-Agent"] = user_agent
        #: the last refusal (4xx) this client got, in words: the pipeline names the host's 404 with it when a
        #: connector reports an item as missing
        self.last_refusal: str | None = None
        adapter = _GuardedAdapter(allow)
        self.session.adapters.clear()
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        """Send a request; return the response for 2xx; raise TransientError / PermanentError otherwise."""
        try:
            parts = urlsplit(url)
            scheme, host = parts.scheme.lower(), parts.hostname
            where = _describe(url)  # also raises ValueError for a port out of range
        except ValueError:
            raise PermanentError("the URL is not valid") from None
        if scheme not in ("http", "https"):
            raise OutboundRefused(f"only http and https URLs are allowed, not {scheme or 'no scheme'!r}")
        if not host:
            raise PermanentError("the URL has no host name")
        if kwargs.get("proxies"):
            raise OutboundRefused("outgoing requests through a proxy are not supported")
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = (self.timeout, self.timeout)
        kwargs["allow_redirects"] = False

        # Messages name the exception class, never str(exc): that would repeat the full URL (query-string
        # keys included). "from None" keeps the same URL out of logged tracebacks.
        try:
            response = self.session.request(method, url, **kwargs)
        except OutboundRefused:
            raise
        except requests.exceptions.SSLError:
            raise PermanentError(f"{method} {where}: TLS handshake or certificate check failed") from None
        except requests.exceptions.Timeout as e:
            raise TransientError(f"{method} {where}: timed out ({type(e).__name__})") from None
        except (requests.exceptions.InvalidURL, requests.exceptions.InvalidSchema,
                requests.exceptions.MissingSchema, requests.exceptions.InvalidHeader) as e:
            raise PermanentError(f"{method} {where}: invalid request ({type(e).__name__})") from None
        except requests.exceptions.RequestException as e:
            raise TransientError(f"{method} {where}: connection failed ({type(e).__name__})") from None
        try:
            return _check_status(response, method, where)
        except PermanentError as e:
            self.last_refusal = str(e)
            raise


def _check_status(response: requests.Response, method: str, where: str) -> requests.Response:
    status = response.status_code
    if 200 <= status < 300:
        return response
    reason = f"{status} {response.reason}".strip() if response.reason else str(status)
    message = f"{method} {where}: the host answered {reason}"
    if status == 429 or status >= 500:
        raise TransientError(message)
    if 300 <= status < 400:
        raise PermanentError(f"{message} (redirects are not followed)", status)
    raise PermanentError(message, status)
