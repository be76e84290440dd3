"""OutboundClient and AllowList against a local server on 127.0.0.1.

Nothing here may send traffic to a non-loopback address: refusals of other addresses are checked with
sockets disabled, so a test that would open one fails instead of connecting.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from climate_plugin import outbound
from climate_plugin.outbound import (
    AllowList,
    OutboundClient,
    OutboundRefused,
    PermanentError,
    TransientError,
    is_internal,
)

SECRET = "s3cret-value-never-shown"


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self.server.seen.append((self.path, dict(self.headers)))
        status, delay, extra_headers = self.server.routes.get(self.path.split("?")[0], (404, 0.0, {}))
        if delay:
            time.sleep(delay)
        body = b'{"ok": true}'
        self.send_response(status)
        for name, value in extra_headers.items():
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    routes: dict[str, tuple[int, float, dict[str, str]]]
    seen: list[tuple[str, dict[str, str]]]

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # the client gave up on /sleep: expected
            super().handle_error(request, client_address)


def _serve(ssl_context: ssl.SSLContext | None = None) -> Iterator[_Server]:
    server = _Server(("127.0.0.1", 0), _Handler)
    server.routes = {
        "/ok": (200, 0.0, {}),
        "/busy": (503, 0.0, {}),
        "/slow-down": (429, 0.0, {}),
        "/gone": (404, 0.0, {}),
        "/sleep": (200, 1.0, {}),
        "/redirect": (302, 0.0, {"Location": "http://169.254.169.254/latest/meta-data/"}),
    }
    server.seen = []
    if ssl_context is not None:
        server.socket = ssl_context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def server() -> Iterator[_Server]:
    yield from _serve()


def _url(server: _Server, path: str, host: str = "127.0.0.1") -> str:
    return f"http://{host}:{server.server_address[1]}{path}"


def _client(allow: str = "127.0.0.1", timeout: float = 30.0) -> OutboundClient:
    return OutboundClient(AllowList.parse(allow), timeout=timeout)


class _NoSockets:
    """Stands in for the socket module inside outbound: lookups work, opening a socket fails the test."""

    def __init__(self, fake_dns: dict[str, list[str]] | None = None) -> None:
        self.fake_dns = fake_dns or {}

    def __getattr__(self, name: str) -> Any:
        return getattr(socket, name)

    def socket(self, *args: Any, **kwargs: Any) -> socket.socket:
        raise AssertionError("a socket was opened although the target should have been refused")

    def getaddrinfo(self, host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        if host in self.fake_dns:
            return [_addrinfo(a, port) for a in self.fake_dns[host]]
        if host.replace(".", "").isdigit() or ":" in host or host == "localhost":
            return socket.getaddrinfo(host, port, *args, **kwargs)
        raise AssertionError(f"unexpected real DNS lookup of {host}")


def _addrinfo(address: str, port: int) -> tuple[Any, ...]:
    if ":" in address:
        return (socket.AF_INET6, socket.SOCK_STREAM, 6, "", (address, port, 0, 0))
    return (socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))


class _FakeDNS(_NoSockets):
    """Fake answers for chosen names, real sockets (used only towards 127.0.0.1)."""

    def socket(self, *args: Any, **kwargs: Any) -> socket.socket:
        return socket.socket(*args, **kwargs)


# --- AllowList -----------------------------------------------------------------------------------
def test_allow_list_parses_hosts_addresses_and_ranges() -> None:
    allow = AllowList.parse(" Intranet.Example. , 10.0.0.0/8, 127.0.0.1 ,, fd00::/8,")
    assert allow.allows_host("intranet.example")
    assert allow.allows_host("INTRANET.example.")
    assert not allow.allows_host("other.example")
    assert allow.allows_address(ipaddress.ip_address("10.200.3.4"))
    assert allow.allows_address(ipaddress.ip_address("127.0.0.1"))
    assert not allow.allows_address(ipaddress.ip_address("127.0.0.2"))
    assert allow.allows_address(ipaddress.ip_address("fd12::1"))
    # an IPv4-mapped address is allowed by its IPv4 entry
    assert allow.allows_address(ipaddress.ip_address("::ffff:10.1.1.1"))


def test_empty_allow_list_allows_nothing() -> None:
    allow = AllowList.parse("")
    assert not allow.allows_host("localhost")
    assert not allow.allows_address(ipaddress.ip_address("127.0.0.1"))


@pytest.mark.parametrize(
    "bad", ["10.0.0.0/33", "10.0.0.1/8", "http://a.example", "a b", "10.0.0.256", "-x.org"]
)
def test_allow_list_names_the_bad_entry(bad: str) -> None:
    with pytest.raises(ValueError) as excinfo:
        AllowList.parse(f"a.example, {bad}, 127.0.0.1")
    assert repr(bad) in str(excinfo.value)


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
     "224.0.0.1", "255.255.255.255", "240.0.0.1", "::1", "::", "fe80::1", "fc00::1", "fec0::1", "ff02::1",
     "::ffff:127.0.0.1", "::ffff:10.0.0.1", "2002:7f00:1::", "64:ff9b::a00:1", "::127.0.0.1"],
)
def test_internal_addresses(address: str) -> None:
    assert is_internal(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:4700::1111", "::ffff:93.184.216.34"])
def test_public_addresses(address: str) -> None:
    assert not is_internal(ipaddress.ip_address(address))


# --- refusals --------------------------------------------------------------------------------------
def test_loopback_refused_without_allow_entry(server: _Server) -> None:
    with pytest.raises(OutboundRefused, match="CLIMATE_PLUGIN_OUTBOUND_ALLOW"):
        _client(allow="").request("GET", _url(server, "/ok"))
    assert server.seen == []


@pytest.mark.parametrize("allow", ["127.0.0.1", "127.0.0.0/8", "localhost"])
def test_loopback_allowed_by_entry(server: _Server, allow: str) -> None:
    host = "localhost" if allow == "localhost" else "127.0.0.1"
    response = _client(allow=allow).request("GET", _url(server, "/ok", host=host))
    assert response.status_code == 200
    assert response.json() == {"ok": True}
    assert [path for path, _ in server.seen] == ["/ok"]


def test_localhost_name_refused_without_allow_entry(server: _Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outbound, "socket", _NoSockets())
    with pytest.raises(OutboundRefused):
        _client(allow="").request("GET", _url(server, "/ok", host="localhost"))


@pytest.mark.parametrize(
    "host", ["10.0.0.1", "169.254.169.254", "[::1]", "[::ffff:127.0.0.1]", "[fe80::1]", "0.0.0.0"]
)
def test_internal_literals_refused_before_any_socket(monkeypatch: pytest.MonkeyPatch, host: str) -> None:
    monkeypatch.setattr(outbound, "socket", _NoSockets())
    for scheme in ("http", "https"):
        with pytest.raises(OutboundRefused):
            _client(allow="").request("GET", f"{scheme}://{host}/latest/meta-data/")


def test_rebinding_name_checked_at_connect_time(server: _Server, monkeypatch: pytest.MonkeyPatch) -> None:
    # The name resolves to loopback only at connection time: the check there must catch it.
    monkeypatch.setattr(outbound, "socket", _NoSockets({"rebind.example": ["127.0.0.1"]}))
    with pytest.raises(OutboundRefused, match="rebind.example"):
        _client(allow="").request("GET", _url(server, "/ok", host="rebind.example"))


def test_mixed_dns_answer_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outbound, "socket", _NoSockets({"mixed.example": ["93.184.216.34", "10.0.0.5"]}))
    with pytest.raises(OutboundRefused, match="10.0.0.5"):
        _client(allow="").request("GET", "http://mixed.example/x")


def test_allowed_host_name_may_resolve_internally(server: _Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outbound, "socket", _FakeDNS({"intranet.example": ["127.0.0.1"]}))
    response = _client(allow="intranet.example").request("GET", _url(server, "/ok", host="intranet.example"))
    assert response.status_code == 200
    assert server.seen[0][1]["Host"].startswith("intranet.example")


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://127.0.0.1/", "//x/y"])
def test_other_schemes_refused(url: str) -> None:
    with pytest.raises(OutboundRefused, match="http"):
        _client().request("GET", url)


@pytest.mark.parametrize("url", ["http://127.0.0.1:99999/", "http://[::1/", "http:///path"])
def test_malformed_urls_are_permanent(url: str) -> None:
    with pytest.raises(PermanentError):
        _client().request("GET", url)


def test_proxies_refused(server: _Server) -> None:
    with pytest.raises(OutboundRefused, match="proxy"):
        _client().request("GET", _url(server, "/ok"), proxies={"http": "http://127.0.0.1:1"})


# --- status and error mapping ---------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/busy", "/slow-down"])
def test_retryable_statuses_are_transient(server: _Server, path: str) -> None:
    with pytest.raises(TransientError):
        _client().request("GET", _url(server, path))


def test_404_is_permanent_with_status(server: _Server) -> None:
    with pytest.raises(PermanentError) as excinfo:
        _client().request("GET", _url(server, "/gone"))
    assert excinfo.value.status == 404
    assert not isinstance(excinfo.value, TransientError)


def test_redirect_not_followed(server: _Server) -> None:
    with pytest.raises(PermanentError) as excinfo:
        _client().request("GET", _url(server, "/redirect"))
    assert excinfo.value.status == 302
    assert [path for path, _ in server.seen] == ["/redirect"]


def test_timeout_is_transient(server: _Server) -> None:
    # /sleep answers after 1 s: without the 0.2 s timeout the request would succeed
    with pytest.raises(TransientError, match="timed out"):
        _client(timeout=0.2).request("GET", _url(server, "/sleep"))


def test_connection_refused_is_transient() -> None:
    with socket.socket() as probe:  # a port that nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(TransientError):
        _client().request("GET", f"http://127.0.0.1:{port}/")


def test_error_messages_hold_no_secrets(server: _Server) -> None:
    client = _client()
    kwargs = {"params": {"api_key": SECRET}, "headers": {"Authorization": f"Bearer {SECRET}"}}
    for path in ("/gone", "/busy"):
        with pytest.raises(PermanentError if path == "/gone" else TransientError) as excinfo:
            client.request("GET", _url(server, path) + f"?token={SECRET}", **kwargs)
        assert SECRET not in str(excinfo.value)
        assert path in str(excinfo.value)
    with pytest.raises(TransientError) as excinfo2:
        _client(timeout=0.2).request("GET", _url(server, "/sleep") + f"?token={SECRET}", **kwargs)
    assert SECRET not in str(excinfo2.value)
    assert excinfo2.value.__cause__ is None


# --- https keeps certificate and host-name verification ----------------------------------------------
def _self_signed(tmp_path: Any) -> tuple[str, str]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return str(cert_file), str(key_file)


@pytest.fixture
def tls_server(tmp_path: Any) -> Iterator[tuple[_Server, str]]:
    cert_file, key_file = _self_signed(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    for server in _serve(context):
        yield server, cert_file


def test_https_verifies_certificate_and_host_name(tls_server: tuple[_Server, str]) -> None:
    server, cert_file = tls_server
    port = server.server_address[1]
    client = _client(allow="127.0.0.1, localhost")
    # trusted certificate, matching name: works through the guarded connection
    assert client.request("GET", f"https://localhost:{port}/ok", verify=cert_file).status_code == 200
    # same certificate, but it does not name 127.0.0.1: the host-name check must still run
    with pytest.raises(PermanentError, match="TLS"):
        client.request("GET", f"https://127.0.0.1:{port}/ok", verify=cert_file)
    # certificate not trusted
    with pytest.raises(PermanentError, match="TLS"):
        client.request("GET", f"https://localhost:{port}/ok")
