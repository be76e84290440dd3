"""Reading the text of PDF attachments from a local host on 127.0.0.1, within limits."""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from pypdf import PdfReader

from climate_plugin.config import PREFIX, ConfigError, load_settings
from climate_plugin.connectors.base import Attachment, FetchedItem
from climate_plugin.connectors.common.pdf import make_pdf
from climate_plugin.connectors.rest.connector import RestConnector
from climate_plugin.items.attachments import AttachmentText, _clean, fetch_attachment_texts, safe_url
from climate_plugin.outbound import AllowList, OutboundClient
from tests.support.pdf import encrypt
from tests.support.waiting import wait_for

SENTENCE = "Koulun öljylämmitys korvataan maalämmöllä."
SECRET = "tok-SECRET-123"
MIB = 1024 * 1024


def test_the_hand_written_pdf_is_valid() -> None:
    # the fixtures below are only meaningful if pypdf reads this PDF as a PDF reader would
    reader = PdfReader(io.BytesIO(make_pdf([SENTENCE, "Toinen sivu (2)"])), strict=True)
    assert [page.extract_text() for page in reader.pages] == [SENTENCE, "Toinen sivu (2)"]


# --- a local host -----------------------------------------------------------------------------------
Route = Callable[[BaseHTTPRequestHandler], None]


@dataclass
class Host:
    port: int = 0
    routes: dict[str, Route] = field(default_factory=dict)
    seen: list[str] = field(default_factory=list)  # request paths, query included
    sent: dict[str, int] = field(default_factory=dict)  # bytes written by streaming routes
    finished: set[str] = field(default_factory=set)  # paths whose route has returned

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def file(self, path: str, body: bytes, content_type: str = "application/pdf", status: int = 200,
             headers: dict[str, str] | None = None) -> None:
        def route(handler: BaseHTTPRequestHandler) -> None:
            handler.send_response(status)
            handler.send_header("Content-Type", content_type)
            handler.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                handler.send_header(name, value)
            handler.end_headers()
            handler.wfile.write(body)

        self.routes[path] = route


@pytest.fixture
def host() -> Iterator[Host]:
    state = Host()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            state.seen.append(self.path)
            route = state.routes.get(self.path.split("?")[0])
            if route is None:
                self.send_error(404)
                return
            # the client hangs up on an oversized or slow file, as it should
            try:
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    route(self)
            finally:
                state.finished.add(self.path.split("?")[0])

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def client() -> OutboundClient:
    # Generous: no test here waits for it, and a busy machine must not make a local answer time out.
    return OutboundClient(AllowList.parse("127.0.0.1"), timeout=30.0)


def read(client: OutboundClient, *attachments: Attachment, max_bytes: int = MIB, max_files: int = 5,
         **kwargs: Any) -> list[AttachmentText]:
    return fetch_attachment_texts(client, attachments, max_bytes=max_bytes, max_files=max_files, **kwargs)


# --- reading ----------------------------------------------------------------------------------------
def test_reads_the_text_of_a_pdf(host: Host, client: OutboundClient) -> None:
    host.file("/files/a.pdf", make_pdf([SENTENCE, "Hankinta 2026"]))
    url = host.url(f"/files/a.pdf?token={SECRET}#page=2")
    [result] = read(client, Attachment(url, name="Liite 1"))
    assert result.text == f"{SENTENCE}\n\nHankinta 2026"
    assert (result.name, result.error, result.transient, result.truncated) == ("Liite 1", None, False, False)
    # the query string (a signed link's token) is used for the download but never kept
    assert host.seen == [f"/files/a.pdf?token={SECRET}"]
    assert result.url == host.url("/files/a.pdf")


def test_reads_a_pdf_whatever_type_the_host_sends(host: Host, client: OutboundClient) -> None:
    host.file("/download", make_pdf([SENTENCE]), content_type="application/octet-stream")
    for declared in ("application/pdf", "application/octet-stream", None):
        [result] = read(client, Attachment(host.url("/download"), mime_type=declared))
        assert (result.text, result.error) == (SENTENCE, None), declared


def test_reads_a_chunked_pdf(host: Host, client: OutboundClient) -> None:
    pdf = make_pdf([SENTENCE])

    def route(handler: BaseHTTPRequestHandler) -> None:
        handler.protocol_version = "HTTP/1.1"  # chunked transfer coding needs HTTP/1.1
        handler.send_response(200)
        handler.send_header("Transfer-Encoding", "chunked")
        handler.send_header("Connection", "close")
        handler.end_headers()
        for start in range(0, len(pdf), 100):
            piece = pdf[start:start + 100]
            handler.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
        handler.wfile.write(b"0\r\n\r\n")

    host.routes["/chunked.pdf"] = route
    [result] = read(client, Attachment(host.url("/chunked.pdf")))
    assert (result.text, result.error) == (SENTENCE, None)


def test_a_password_free_encryption_is_read(host: Host, client: OutboundClient) -> None:
    # only an owner password: anybody may open it, so its text counts
    host.file("/open.pdf", encrypt(make_pdf([SENTENCE]), user_password=""))
    [result] = read(client, Attachment(host.url("/open.pdf")))
    assert (result.text, result.error) == (SENTENCE, None)


def test_page_and_character_limits(host: Host, client: OutboundClient) -> None:
    host.file("/long.pdf", make_pdf(["Sivu yksi.", "Sivu kaksi.", "Sivu kolme."]))
    [by_pages] = read(client, Attachment(host.url("/long.pdf")), max_pages=2)
    assert by_pages.text == "Sivu yksi.\n\nSivu kaksi."
    assert by_pages.truncated and by_pages.error is None
    [by_chars] = read(client, Attachment(host.url("/long.pdf")), max_chars=15)
    assert by_chars.text == "Sivu yksi."  # cut at a word boundary within 15 characters
    assert by_chars.truncated
    [whole] = read(client, Attachment(host.url("/long.pdf")))
    assert not whole.truncated and whole.text.endswith("Sivu kolme.")


def test_a_pdf_without_text_is_noted(host: Host, client: OutboundClient) -> None:
    host.file("/scan.pdf", make_pdf(["", ""]))
    [result] = read(client, Attachment(host.url("/scan.pdf")))
    assert result.text == "" and "no text layer" in (result.error or "")


def test_extracted_text_is_storable() -> None:
    # NUL is refused by PostgreSQL text columns; a lone surrogate cannot be encoded as UTF-8
    cleaned = _clean("a\x00b\ud800c\r\n\n\n\nd   e\x0c")
    assert cleaned == "a bc\n\nd e"
    cleaned.encode("utf-8")


# --- what is not read, and why -----------------------------------------------------------------------
def test_too_large_by_content_length(host: Host, client: OutboundClient) -> None:
    host.file("/big.pdf", make_pdf([SENTENCE]) + b"\0" * 200_000)
    [result] = read(client, Attachment(host.url("/big.pdf")), max_bytes=100_000)
    assert result.text == ""
    assert result.error is not None and result.error.startswith("too large: 196 KiB")
    assert "98 KiB" in result.error and not result.transient


def _stream(host: Host, path: str, first: bytes, total: int, encoding: str | None = None) -> None:
    """A close-delimited body (no Content-Length) of ``total`` bytes; records how much was written."""

    def route(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/pdf")
        handler.end_headers()
        host.sent[path] = 0
        body = first + b"\0" * (total - len(first))
        for start in range(0, total, 64 * 1024):
            handler.wfile.write(body[start:start + 64 * 1024])
            host.sent[path] = start + 64 * 1024

    host.routes[path] = route


def test_too_large_while_streaming_without_content_length(host: Host, client: OutboundClient) -> None:
    total = 64 * MIB
    _stream(host, "/endless.pdf", b"%PDF-1.4\n", total)
    [result] = read(client, Attachment(host.url("/endless.pdf")), max_bytes=MIB)
    assert result.error == "too large: more than 1.0 MiB, the limit for one file"
    # the client hung up instead of reading the rest (socket buffers take a few MiB at most): the host's
    # writes fail and its route ends early
    wait_for(lambda: "/endless.pdf" in host.finished)
    assert host.sent["/endless.pdf"] < total


def test_too_large_after_decompression(host: Host, client: OutboundClient) -> None:
    # a small gzip body that unpacks far beyond the limit must be stopped by what it unpacks to
    bomb = gzip.compress(b"%PDF-1.4\n" + b"\0" * (20 * MIB))
    assert len(bomb) < 100_000
    host.file("/bomb.pdf", bomb, headers={"Content-Encoding": "gzip"})
    [result] = read(client, Attachment(host.url("/bomb.pdf")), max_bytes=MIB)
    assert result.error is not None and result.error.startswith("too large")


def test_not_a_pdf(host: Host, client: OutboundClient) -> None:
    host.file("/login", b"<html><body>Please log in</body></html>" * 100, content_type="text/html")
    host.file("/tiny.txt", b"hello", content_type="text/plain")
    login, tiny = read(client, Attachment(host.url("/login")), Attachment(host.url("/tiny.txt")))
    assert login.error == "not a PDF file (the host sent text/html); only PDF files are read"
    assert tiny.error == "not a PDF file (the host sent text/plain); only PDF files are read"


def test_a_declared_other_type_is_not_downloaded(host: Host, client: OutboundClient) -> None:
    memo = Attachment(host.url("/memo.docx"), name="Muistio", mime_type="application/msword")
    [result] = read(client, memo)
    assert result.error == "not a PDF file (the host lists it as application/msword); only PDF files are read"
    assert host.seen == []


def test_empty_file(host: Host, client: OutboundClient) -> None:
    host.file("/empty.pdf", b"")
    [result] = read(client, Attachment(host.url("/empty.pdf")))
    assert result.error == "the file is empty"


def test_not_found(host: Host, client: OutboundClient) -> None:
    [result] = read(client, Attachment(host.url(f"/gone.pdf?sig={SECRET}")))
    assert result.error is not None and "404" in result.error and "could not be downloaded" in result.error
    assert not result.transient
    assert SECRET not in repr(result)


def test_server_error_is_noted_as_transient(host: Host, client: OutboundClient) -> None:
    host.file("/flaky.pdf", b"busy", status=503)
    [result] = read(client, Attachment(host.url("/flaky.pdf")))
    assert result.transient and "503" in (result.error or "")


@pytest.mark.parametrize(
    "body",
    [
        b"%PDF-1.4\nthis is not really a PDF at all",
        make_pdf([SENTENCE])[:300],  # cut off in the middle
        make_pdf([SENTENCE, "x"]).replace(b"/Kids [4 0 R 6 0 R]", b"/Kids [2 0 R 4 0 R]"),  # a loop
    ],
    ids=["garbage", "truncated", "page-tree-loop"],
)
def test_a_broken_pdf_is_noted(host: Host, client: OutboundClient, body: bytes) -> None:
    host.file("/broken.pdf", body)
    host.file("/good.pdf", make_pdf([SENTENCE]))
    broken, good = read(client, Attachment(host.url("/broken.pdf")), Attachment(host.url("/good.pdf")))
    assert broken.text == ""
    assert (broken.error or "").startswith("the PDF could not be read; it may be damaged")
    assert not broken.transient
    assert good.text == SENTENCE  # one bad file does not cost the others


def test_damage_that_can_be_repaired_still_gives_text(host: Host, client: OutboundClient) -> None:
    # a wrong /Root: pypdf finds the catalog by searching, as PDF readers do
    host.file("/repairable.pdf", make_pdf([SENTENCE]).replace(b"/Root 1 0 R", b"/Root 9 0 R"))
    [result] = read(client, Attachment(host.url("/repairable.pdf")))
    assert (result.text, result.error) == (SENTENCE, None)


def test_a_password_protected_pdf_is_noted(host: Host, client: OutboundClient) -> None:
    host.file("/secret.pdf", encrypt(make_pdf([SENTENCE]), user_password="pw"))
    [result] = read(client, Attachment(host.url("/secret.pdf")))
    assert (result.text, result.error) == ("", "the PDF is protected with a password")


def test_refused_address() -> None:
    closed = OutboundClient(AllowList(), timeout=1.0)  # 127.0.0.1 is not allowed here
    [result] = read(closed, Attachment(f"http://127.0.0.1:9/a.pdf?key={SECRET}"))
    assert result.error is not None and "allow list" in result.error and not result.transient
    assert SECRET not in repr(result)


def test_a_host_that_trickles_is_cut_off(host: Host, client: OutboundClient) -> None:
    def route(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", "100000")
        handler.end_headers()
        handler.wfile.write(b"%PDF-1.4\n")
        for _ in range(50):  # one byte every 0.1 s: each read is well within the read timeout
            time.sleep(0.1)
            handler.wfile.write(b" ")
            handler.wfile.flush()

    host.routes["/slow.pdf"] = route
    # Not cut off, the read would end after 5 s on a short body, with another error.
    [result] = read(client, Attachment(host.url("/slow.pdf")), max_seconds=0.5)
    assert result.transient and "cut off after 0.5 s" in (result.error or "")


def test_file_count_limit_and_duplicates(host: Host, client: OutboundClient) -> None:
    for name in ("a", "b", "c"):
        host.file(f"/{name}.pdf", make_pdf([f"Tiedosto {name}"]))
    a, b, c = (Attachment(host.url(f"/{name}.pdf")) for name in ("a", "b", "c"))
    results = read(client, a, a, b, c, max_files=2)
    assert [r.text for r in results] == ["Tiedosto a", "Tiedosto b", ""]
    assert results[2].error == "not read: only the first 2 attachments of an item are read"
    assert host.seen == ["/a.pdf", "/b.pdf"]
    assert read(client, a, max_files=0) == []


def test_nothing_secret_reaches_the_log(host: Host, client: OutboundClient,
                                        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="climate_plugin.items.attachments")
    host.file("/x.html", b"<html>" * 300, content_type="text/html")
    results = read(
        client,
        Attachment(host.url(f"/x.html?token={SECRET}")),
        Attachment(host.url(f"/missing.pdf?token={SECRET}")),
        Attachment(f"http://user:{SECRET}@127.0.0.1:{host.port}/x.html"),
    )
    assert all(r.error for r in results)
    assert SECRET not in caplog.text and "attachment" in caplog.text
    assert SECRET not in repr(results)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://files.example/a/b.pdf?X-Amz-Signature=abc#p=1", "https://files.example/a/b.pdf"),
        ("https://u:p@files.example:8443/b.pdf", "https://files.example:8443/b.pdf"),
        ("http://[::1]/x.pdf", "http://[::1]/x.pdf"),
        ("http://h.example:99999/x", "(an invalid URL)"),
    ],
)
def test_safe_url(url: str, shown: str) -> None:
    assert safe_url(url) == shown


# --- from the REST connector to the text ---------------------------------------------------------------
def test_rest_connector_attachments_are_read(host: Host, client: OutboundClient) -> None:
    item = {
        "name": "Koulun lämmitys",
        "files": [
            {"href": "/files/liite.pdf?sig=abc", "title": "Liite 1", "type": "application/pdf"},
            {"href": "docs/muistio.docx", "title": "Muistio", "type": "application/msword"},
        ],
    }
    host.file("/api/items/7", json.dumps(item).encode(), content_type="application/json")
    host.file("/files/liite.pdf", make_pdf([SENTENCE]))
    connector = RestConnector(
        {
            "base_url": host.url("/api"),
            "fields": {"title": "/name", "attachments": "/files"},
            "attachment_fields": {"url": "/href", "name": "/title", "mime_type": "/type"},
        },
        client,
    )
    assert connector.capabilities.files
    fetched = connector.fetch_item("7")
    assert isinstance(fetched, FetchedItem)
    assert fetched.attachments == (
        Attachment(host.url("/files/liite.pdf?sig=abc"), "Liite 1", "application/pdf"),
        Attachment(host.url("/api/docs/muistio.docx"), "Muistio", "application/msword"),
    )
    pdf, memo = read(client, *fetched.attachments)
    assert (pdf.name, pdf.text, pdf.error) == ("Liite 1", SENTENCE, None)
    assert memo.text == "" and "not a PDF" in (memo.error or "")
    assert host.seen == ["/api/items/7", "/files/liite.pdf?sig=abc"]


# --- settings --------------------------------------------------------------------------------------
def test_attachment_settings(tmp_path: Any) -> None:
    defaults = load_settings(tmp_path, {})
    assert (defaults.max_attachment_bytes, defaults.max_attachments) == (10 * MIB, 5)
    environ = {PREFIX + "MAX_ATTACHMENT_BYTES": "2048", PREFIX + "MAX_ATTACHMENTS": "0"}
    chosen = load_settings(tmp_path, environ)
    assert (chosen.max_attachment_bytes, chosen.max_attachments) == (2048, 0)


def test_wrong_attachment_settings_each_get_a_message(tmp_path: Any) -> None:
    with pytest.raises(ConfigError) as excinfo:
        load_settings(tmp_path, {PREFIX + "MAX_ATTACHMENT_BYTES": "10MB", PREFIX + "MAX_ATTACHMENTS": "-1"})
    assert sorted(excinfo.value.problems) == [
        "CLIMATE_PLUGIN_MAX_ATTACHMENTS='-1': must be a whole number, 0 or more",
        "CLIMATE_PLUGIN_MAX_ATTACHMENT_BYTES='10MB': must be a positive whole number",
    ]
    with pytest.raises(ConfigError) as excinfo:
        load_settings(tmp_path, {PREFIX + "MAX_ATTACHMENT_BYTES": "0", PREFIX + "MAX_ATTACHMENTS": "two"})
    assert len(excinfo.value.problems) == 2
