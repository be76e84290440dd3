"""What the fake hosts of the CaseM, Dynasty, Tweb and Decidim connectors share: a real HTTP server on
127.0.0.1 with the contract suite's knobs (answer the next requests with an error, count requests), a
robots.txt to serve, and a small PDF maker for documents whose text only a PDF holds.

Each kind's ``fake_host.py`` subclasses :class:`FakeHttpHost` and answers :meth:`FakeHttpHost.answer`
from the real samples in its ``samples/`` folder.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from climate_plugin.connectors.contract import FakeHost


@dataclass
class Request:
    method: str
    path: str  #: without the query string, still percent-encoded
    query: str  #: the raw query string
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def params(self) -> dict[str, str]:
        """Query and form parameters, decoded (a form body's win)."""
        found = dict(parse_qsl(self.query, keep_blank_values=True))
        if self.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            found.update(parse_qsl(self.body.decode("latin-1"), keep_blank_values=True))
        return found


@dataclass
class Answer:
    status: int
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


class FakeHttpHost(FakeHost):
    """Start on construction; subclasses implement :meth:`answer`."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.robots_txt: str | None = None  #: None: /robots.txt answers 404
        self._fail_status = 503
        self._fail_times = 0
        self.lock = threading.RLock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                request = Request(
                    self.command,
                    parts.path,
                    parts.query,
                    body,
                    {k.lower(): v for k, v in self.headers.items()},
                )
                answer = owner._dispatch(request)
                self.send_response(answer.status)
                self.send_header("Content-Type", answer.content_type)
                self.send_header("Content-Length", str(len(answer.body)))
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(answer.body)

            do_GET = do_POST = do_HEAD = _serve  # noqa: N815 - http.server's naming

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._url = f"http://127.0.0.1:{self._server.server_address[1]}"
        thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05})
        thread.daemon = True
        thread.start()

    # --- the contract's knobs --------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return self._url

    def fail_next(self, status: int, times: int = 1) -> None:
        with self.lock:
            self._fail_status, self._fail_times = status, times

    def request_count(self) -> int:
        return len(self.requests)

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # --- answering -------------------------------------------------------------------------------
    def _dispatch(self, request: Request) -> Answer:
        with self.lock:
            self.requests.append(request)
            if self._fail_times > 0:
                self._fail_times -= 1
                return Answer(self._fail_status, b'{"error": "try again later"}', "application/json")
            if request.path == "/robots.txt":
                if self.robots_txt is None:
                    return Answer(404, b"not found", "text/plain")
                return Answer(200, self.robots_txt.encode(), "text/plain; charset=utf-8")
            try:
                return self.answer(request)
            except Exception as e:  # a bug in a fake host must show in the test, not hang it
                return Answer(500, f"fake host error: {type(e).__name__}: {e}".encode(), "text/plain")

    def answer(self, request: Request) -> Answer:
        raise NotImplementedError

    def not_found(self) -> Answer:
        return Answer(404, b"<html><body><h1>404 Not Found</h1></body></html>")

    def paths(self) -> list[str]:
        """The paths (with query) requested so far, in order: what tests count requests by."""
        return [r.path + (f"?{r.query}" if r.query else "") for r in self.requests]

