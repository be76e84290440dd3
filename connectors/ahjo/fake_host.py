"""A local stand-in for Helsinki's Ahjo REST API (``…/ahjorest/v1``) on 127.0.0.1, serving real records.

The records are the public ones in connectors/ahjo/samples/, kept verbatim there. The server builds its
answers from them the way Ahjo shapes its resources: ``decisions/{id}`` (a decision whose ``Content`` is the
real decision HTML of a city council agenda item, with its ``PDF`` and ``Attachments``), the verbatim
decision record as a second decision, ``meetings/{id}`` around the real agenda item, ``cases/{id}``
verbatim, and the ``decisions`` listing with ``handledsince``/``handledbefore``/``size``/``start`` and a
``next`` link. File URLs that point at Ahjo's file server are rewritten to this server, so nothing leaves
127.0.0.1; one attachment is missing on purpose (404).

``POST /token`` is an OpenID Connect token endpoint with single-use refresh tokens: a refresh answers a
new access token and a new refresh token and forgets the old refresh token, whose reuse is refused with
400 invalid_grant, as a real identity provider does.

The knobs the contract suite turns (``connectors/ahjo/contract.py``) act on every request, whatever its
path: :meth:`fail_next` answers the next requests with an injected status, :meth:`delete` removes an item
as Ahjo does (it answers 404 from then on and drops out of the listing; Ahjo's listings carry no deletion
marker), ``requests`` counts every request received, and :meth:`add_decision` adds a decision.
"""

from __future__ import annotations

import copy
import json
import secrets
import threading
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

DATA = Path(__file__).parent / "samples"


def load(name: str) -> Any:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


DECISION_RECORD = load("ahjo_decision_record.json")
AGENDA_ITEM = load("ahjo_meeting_agenda_item_HEL-2025-015674_fi.json")
CASE = load("ahjo_case_HEL-2025-001216.json")
PROXY_RECORDS = load("ahjo_proxy_decision_records.json")
CALLBACKS = load("ahjo_subscriber_callback_queue_items_EXCERPT.json")

#: the decision built around the real agenda item's decision HTML
COUNCIL_DECISION_ID = AGENDA_ITEM["PDF"]["NativeId"]
RECORD_DECISION_ID = DECISION_RECORD["NativeId"]
MEETING_ID = "0040020254"  # the decision record's MeetingID
CASE_ID = CASE["CaseID"]


def _minimal_pdf(text: str) -> bytes:
    """A one-page PDF showing ``text`` (ASCII), enough for pypdf to extract it."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


class AhjoServer:
    """Start with :meth:`start`; ``base_url`` is the API root, ``token_url`` the token endpoint."""

    def __init__(self, auth: str = "none", api_key: str = "ahjo-key") -> None:
        self.auth = auth  # "none", "api_key" (the key in the Authorization header) or "oidc"
        self.api_key = api_key
        self.client_id, self.client_secret = "climate-plugin", "client-secret"
        self.refresh_tokens: set[str] = {"refresh-0"}  # the one currently valid
        self.access_tokens: set[str] = set()
        self.token_requests = 0
        self.refused_refreshes = 0
        self.next_links = True  # False: listing pages carry no "next" link (paging by start)
        self.failures = 0  # answer 503 to this many API requests first
        self.seen: list[str] = []  # request paths with query, in order
        self.requests = 0  # every HTTP request received, whatever its path, failed ones included
        self.faults: list[int] = []  # statuses to answer the next requests with, whatever they are
        self.deleted: set[str] = set()  # "<resource>/<Ahjo id>" removed from Ahjo
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.base_url = f"http://127.0.0.1:{self.server.server_port}/ahjorest/v1"
        self.token_url = f"http://127.0.0.1:{self.server.server_port}/token"
        self.files = {"/files/council-decision.pdf": _minimal_pdf("Kaupunginvaltuuston kokousajat 2026")}
        self.decisions = self._decisions()

    # --- data ----------------------------------------------------------------------------------
    def _local(self, url: str | None, name: str) -> str | None:
        return None if url is None else f"http://127.0.0.1:{self.server.server_port}/files/{name}"

    def _decisions(self) -> dict[str, dict]:
        item = AGENDA_ITEM
        council = {
            "NativeId": COUNCIL_DECISION_ID,
            "Title": item["AgendaItem"],
            "CaseIDLabel": item["CaseIDLabel"],
            "Section": item["Section"],
            "Content": item["HTML"],
            "Motion": None,
            "Language": item["PDF"]["Language"],
            "DateDecision": item["PDF"]["Issued"],
            "Organization": {"Name": "Kaupunginvaltuusto", "ID": "02900"},
            "PDF": {**item["PDF"], "FileURI": self._local(item["PDF"]["FileURI"], "council-decision.pdf")},
            "Attachments": [
                {"Title": "Kokousajat taulukkona", "AttachmentNumber": "1", "PublicityClass": "Julkinen",
                 "FileURI": self._local("x", "missing-attachment.pdf")},
                {"Title": "Salassa pidettävä liite", "AttachmentNumber": "2",
                 "PublicityClass": "Salassa pidettävä", "FileURI": None},
            ],
        }
        record = copy.deepcopy(DECISION_RECORD)
        record["FileURI"] = self._local(record["FileURI"], "council-decision.pdf")
        proxy = copy.deepcopy(PROXY_RECORDS["records"][0])
        proxy["FileURI"] = self._local(proxy["FileURI"], "missing-proxy.pdf")
        return {COUNCIL_DECISION_ID: council, RECORD_DECISION_ID: record, proxy["NativeId"]: proxy}

    # --- knobs ----------------------------------------------------------------------------------
    def fail_next(self, status: int, times: int = 1) -> None:
        """Answer the next ``times`` requests, whatever they are (token and file requests too), with
        ``status``."""
        with self.lock:
            self.faults.extend([status] * times)

    def take_request(self) -> int | None:
        """Count a request; the injected status it is to be answered with, if any."""
        with self.lock:
            self.requests += 1
            return self.faults.pop(0) if self.faults else None

    def delete(self, resource: str, ahjo_id: str) -> None:
        """Remove the item as Ahjo does: it answers 404 from now on and is gone from the listing."""
        with self.lock:
            self.deleted.add(f"{resource}/{ahjo_id}")
            if resource == "decisions":
                self.decisions.pop(ahjo_id, None)

    def add_decision(self, decision: dict) -> None:
        """Serve one more decision (by its ``NativeId``), in the listing too."""
        with self.lock:
            self.decisions[decision["NativeId"]] = decision

    @staticmethod
    def handled_at(decision: dict) -> datetime:
        raw = decision.get("DateDecision") or decision.get("Issued") or decision.get("Created")
        return datetime.fromisoformat(raw)

    def meeting(self) -> dict:
        return {
            "MeetingID": MEETING_ID,
            "Name": "Kaupunginvaltuusto",
            "DateMeeting": DECISION_RECORD["DateMeeting"],
            "Status": "pöytäkirja julkaistu",
            "DecisionMaker": {"Name": "Kaupunginvaltuusto", "ID": "02900"},
            "Agenda": [AGENDA_ITEM],
        }

    # --- HTTP ----------------------------------------------------------------------------------
    def _handler(self) -> type[BaseHTTPRequestHandler]:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _send(self, status: int, payload: Any, content_type: str = "application/json") -> None:
                body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("content-type", content_type)
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _authorised(self) -> bool:
                given = self.headers.get("Authorization", "")
                if owner.auth == "api_key":
                    return given == owner.api_key
                if owner.auth == "oidc":
                    return given.startswith("Bearer ") and given[7:] in owner.access_tokens
                return True

            def _injected_failure(self) -> bool:
                status = owner.take_request()
                if status is None:
                    return False
                self._send(status, {"error": "injected failure"})
                return True

            def do_GET(self) -> None:
                if self._injected_failure():
                    return
                parts = urlsplit(self.path)
                owner.seen.append(self.path)
                if parts.path.startswith("/files/"):
                    pdf = owner.files.get(parts.path)
                    if pdf is None:
                        return self._send(404, {"error": "no such file"})
                    return self._send(200, pdf, "application/pdf")
                if owner.failures > 0:
                    owner.failures -= 1
                    return self._send(503, {"error": "maintenance"})
                if not self._authorised():
                    return self._send(401, {"error": "unauthorized"})
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                segments = [unquote(s) for s in parts.path.split("/")[3:]]  # after /ahjorest/v1
                if segments == ["decisions"]:
                    return self._send(200, owner.listing(query))
                if len(segments) != 2:
                    return self._send(404, {"error": "not found"})
                resource, ahjo_id = segments
                found = None
                if resource == "decisions":
                    found = owner.decisions.get(ahjo_id)
                elif resource == "meetings" and ahjo_id == MEETING_ID:
                    found = owner.meeting()
                elif resource == "cases" and ahjo_id == CASE_ID:
                    found = CASE
                if found is None or f"{resource}/{ahjo_id}" in owner.deleted:
                    return self._send(404, {"error": f"{resource}/{ahjo_id} not found"})
                self._send(200, found)

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length)  # read even when refusing, so the connection stays clean
                if self._injected_failure():
                    return
                if urlsplit(self.path).path != "/token":
                    return self._send(404, {"error": "not found"})
                form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
                status, answer = owner.refresh(form)
                self._send(status, answer)

        return Handler

    def refresh(self, form: dict[str, str]) -> tuple[int, dict]:
        with self.lock:
            self.token_requests += 1
            if (form.get("client_id"), form.get("client_secret")) != (self.client_id, self.client_secret):
                return 401, {"error": "invalid_client"}
            spent = form.get("refresh_token") not in self.refresh_tokens
            if form.get("grant_type") != "refresh_token" or spent:
                self.refused_refreshes += 1
                return 400, {"error": "invalid_grant", "error_description": "refresh token already used"}
            # Single use: the old refresh token dies with this answer.
            self.refresh_tokens = {f"refresh-{secrets.token_hex(8)}"}
            access = f"access-{secrets.token_hex(8)}"
            self.access_tokens.add(access)
            return 200, {
                "access_token": access,
                "token_type": "Bearer",
                "expires_in": 3600,
                "refresh_token": next(iter(self.refresh_tokens)),
            }

    def listing(self, query: dict[str, str]) -> dict:
        with self.lock:
            decisions = list(self.decisions.values())
        since = query.get("handledsince")
        before = query.get("handledbefore")
        size = int(query.get("size", "1000"))
        start = int(query.get("start", "0"))
        chosen = sorted(
            (
                d
                for d in decisions
                if (since is None or self.handled_at(d) > datetime.fromisoformat(since))
                and (before is None or self.handled_at(d) <= datetime.fromisoformat(before))
            ),
            key=self.handled_at,
        )
        page = chosen[start : start + size]
        answer: dict[str, Any] = {"count": len(chosen), "decisions": page}
        if self.next_links and start + size < len(chosen):
            href = f"{self.base_url}/decisions?{urlencode({**query, 'start': start + size})}"
            answer["links"] = [{"rel": "next", "href": href}]
        return answer

    def start(self) -> AhjoServer:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
