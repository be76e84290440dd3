"""A fake OParl 1.1 server on 127.0.0.1, serving the spec's example objects and a fixture set around them.

The objects live in tests/data/hosts/oparl/ with their public URLs (https://oparl.example.org/…, and the
real SessionNet Paper's https://www.augsburg.sitzung-online.de/…); they are rewritten to this server's
base URL when it starts. Every object with an id is served at its own URL, embedded ones too (as real
servers do), and lists honour ``modified_since`` / ``modified_until`` and page by ``links.next``. Deleted
objects are listed only with ``modified_since``, as the spec says.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from tests.support.pdf import make_pdf

DATA = Path(__file__).parent / "data" / "hosts" / "oparl"
PUBLIC_HOSTS = {
    "https://oparl.example.org": "",
    "https://www.augsburg.sitzung-online.de": "/augsburg",
}
#: the text in the PDFs the server hands out (files without an entry get their own name as text)
PDF_TEXTS = {
    "/files/3004.pdf": "Katuvalaistus uusitaan LED-valaisimiksi, jolloin sähkön kulutus ja "
    "energiankulutus pienenevät puoleen.",
}
#: list URLs (paths) and the type of object each lists
LISTS = {
    "/bodies": "Body",
    "/bodies/1/meetings": "Meeting",
    "/bodies/1/papers": "Paper",
    "/bodies/1/organizations": "Organization",
}
SYSTEM_PATH = "/oparl/v1"


def _key(url: str) -> str:
    """The path and query of a URL: how this server finds an object."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _type(obj: dict[str, Any]) -> str:
    return str(obj.get("type", "")).rstrip("/").rsplit("/", 1)[-1]


def _moment(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class OParlServer:
    """Start with :meth:`start`; ``objects`` maps path?query to the served object (mutable by tests)."""

    def __init__(self, page_size: int = 2) -> None:
        self.page_size = page_size
        self.base_url = ""
        self.objects: dict[str, dict[str, Any]] = {}
        self.requests: list[str] = []  # path?query of every request, in order
        self.fail_next = 0  # answer this many requests with fail_status first
        self.fail_status = 503
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # --- the data ------------------------------------------------------------------------------
    def _load(self) -> None:
        top: list[dict[str, Any]] = []
        for path in sorted(DATA.glob("*.json")):
            text = path.read_text(encoding="utf-8")
            for public, local in PUBLIC_HOSTS.items():
                text = text.replace(public, self.base_url + local)
            loaded = json.loads(text)
            top.extend(loaded if isinstance(loaded, list) else [loaded])
        # Embedded objects first, then the top-level ones, so a full object wins over its embedded copy.
        for obj in top:
            for embedded in self._embedded(obj):
                self.objects.setdefault(_key(embedded["id"]), embedded)
        for obj in top:
            self.objects[_key(obj["id"])] = obj
        self.top_level = {_key(obj["id"]) for obj in top}

    def _embedded(self, parent: dict[str, Any]) -> Iterator[dict[str, Any]]:
        for value in parent.values():
            for child in value if isinstance(value, list) else [value]:
                if isinstance(child, dict) and isinstance(child.get("id"), str) and "type" in child:
                    # the spec leaves the back-reference to the parent out of embedded objects
                    if _type(child) == "Consultation" and _type(parent) == "Paper" and "paper" not in child:
                        child = {**child, "paper": parent["id"]}
                    yield child
                    yield from self._embedded(child)

    def url(self, path: str) -> str:
        return self.base_url + path

    def get(self, path: str) -> dict[str, Any]:
        return self.objects[path]

    def touch(self, path: str, when: str, **changes: Any) -> None:
        """Change an object (and the meeting embedding it) as the host would: new fields, new modified."""
        with self._lock:
            obj = self.objects[path]
            obj.update(changes, modified=when)
            meeting = obj.get("meeting")
            if isinstance(meeting, str) and _key(meeting) in self.objects:
                self.objects[_key(meeting)]["modified"] = when

    def delete(self, path: str, when: str) -> None:
        """Delete an object the way the spec says: only id, type, created, modified and deleted remain."""
        with self._lock:
            obj = self.objects[path]
            meeting = obj.get("meeting")
            kept = {k: obj[k] for k in ("id", "type", "created") if k in obj}
            obj.clear()
            obj.update(kept, modified=when, deleted=True)
            if isinstance(meeting, str) and _key(meeting) in self.objects:
                self.objects[_key(meeting)]["modified"] = when

    # --- answering -----------------------------------------------------------------------------
    def answer(self, target: str) -> tuple[int, str, bytes]:
        with self._lock:
            self.requests.append(target)
            if self.fail_next > 0:
                self.fail_next -= 1
                return self.fail_status, "application/json", b'{"error": "try again later"}'
            parts = urlsplit(target)
            if parts.path in LISTS:
                return self._list(parts.path, parse_qs(parts.query))
            pdf = self._pdf(target)
            if pdf is not None:
                return 200, "application/pdf", pdf
            obj = self.objects.get(target)
            if obj is None:
                return 404, "application/json", b'{"error": "not found"}'
            return 200, "application/json", json.dumps(obj).encode()

    def _list(self, path: str, query: dict[str, list[str]]) -> tuple[int, str, bytes]:
        wanted = LISTS[path]
        try:
            since = _moment(query["modified_since"][0]) if "modified_since" in query else None
            until = _moment(query["modified_until"][0]) if "modified_until" in query else None
            page = int(query.get("page", ["1"])[0])
        except ValueError:
            return 400, "application/json", b'{"error": "bad filter"}'
        found = []
        for key in sorted(self.top_level):
            obj = self.objects[key]
            if _type(obj) != wanted:
                continue
            modified = _moment(obj["modified"])
            if since is not None and modified < since or until is not None and modified > until:
                continue
            if obj.get("deleted") is True and since is None:
                continue  # the spec: deleted objects only show up for modified_since
            found.append(obj)
        found.sort(key=lambda o: (_moment(o["modified"]), o["id"]))
        chunk = found[(page - 1) * self.page_size : page * self.page_size]
        links: dict[str, str] = {}
        if page * self.page_size < len(found):
            params = {k: v[0] for k, v in query.items() if k != "page"} | {"page": str(page + 1)}
            links["next"] = f"{self.base_url}{path}?{urlencode(params)}"
        body = {
            "data": chunk,
            "pagination": {"totalElements": len(found), "elementsPerPage": self.page_size,
                           "currentPage": page},
            "links": links,
        }
        return 200, "application/json", json.dumps(body).encode()

    def _pdf(self, target: str) -> bytes | None:
        for obj in self.objects.values():
            if _type(obj) == "File" and _key(obj.get("accessUrl", "")) == target:
                return make_pdf([PDF_TEXTS.get(target, obj.get("name") or "Dokument")])
        return None

    # --- running -------------------------------------------------------------------------------
    def start(self) -> OParlServer:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                status, content_type, body = owner.answer(self.path)
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._load()
        loop = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05})
        loop.daemon = True
        loop.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def system_url(self) -> str:
        return self.url(SYSTEM_PATH)

    @property
    def body_url(self) -> str:
        return self.url("/bodies/1")
