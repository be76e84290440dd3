"""OParl 1.0 / 1.1: the open standard of German council information systems (ALLRIS, SessionNet, …).

OParl servers are anonymous and read-only by the standard: there is no push and no write-back, so this
connector polls, and results are published by this service (checklist page, badges, JSON), keyed by the
OParl object's URL. The walk is Body → its meeting list (``modified_since`` / ``modified_until``, paged by
``links.next``) → each Meeting's ``agendaItem[]`` → the Paper behind each item through its Consultation
(``AgendaItem.consultation`` → ``Consultation.paper``). One agenda item is one item here.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from marshmallow import Schema, ValidationError, fields, post_load, validates_schema

from climate_plugin.connectors.base import (
    Attachment,
    Capabilities,
    Change,
    Connector,
    FetchedItem,
    PayloadError,
    PollPage,
    WebhookEvent,
)
from climate_plugin.connectors.common.decisions import make_decision, parse_day
from climate_plugin.connectors.common.values import parse_time
from climate_plugin.outbound import OutboundClient, OutboundError, PermanentError, TransientError

log = logging.getLogger(__name__)

#: OParl type URLs look like https://schema.oparl.org/1.1/Meeting; only the last segment matters here
_TYPE = re.compile(r"/(?P<name>[A-Za-z]+)/?$")
_MAX_TITLE = 1000
_MAX_ID = 500  # AgendaItem.external_id


# --- config ------------------------------------------------------------------------------------
def _origin(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) with the scheme's default port filled in; ValueError for a bad URL."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port or (443 if scheme == "https" else 80)
    return scheme, (parts.hostname or "").lower(), port


def _validate_url(value: str) -> None:
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        raise ValidationError("Not a valid URL.") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValidationError("Must be an http:// or https:// URL with a host name.")
    if parts.username is not None or parts.password is not None:
        raise ValidationError("Must not contain a user name or password: OParl servers are anonymous.")
    if parts.fragment:
        raise ValidationError("Must not contain a fragment.")


class OParlConfigSchema(Schema):
    #: the URL of the server's System object (the OParl entry point)
    system_url = fields.String(required=True, validate=_validate_url)
    #: the URL of one Body object on that server; None: every body the System lists
    body = fields.String(load_default=None, allow_none=True, validate=_validate_url)

    @validates_schema
    def _body_on_the_system_host(self, data: dict[str, Any], **kwargs: Any) -> None:
        body, system = data.get("body"), data.get("system_url")
        if body and system and _origin(body) != _origin(system):
            # the walk follows links on the System's host only (see OParlConnector), so a Body elsewhere
            # could never be read
            raise ValidationError("Must be on the same host (scheme, name and port) as system_url.", "body")

    @post_load
    def _strip(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        data["system_url"] = data["system_url"].strip()
        if data.get("body") is not None:
            data["body"] = data["body"].strip()
        return data


# --- helpers -----------------------------------------------------------------------------------
def _type_name(obj: Mapping[str, Any]) -> str | None:
    found = _TYPE.search(obj.get("type") or "") if isinstance(obj.get("type"), str) else None
    return found.group("name") if found else None




def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _mime_type(value: Any) -> str | None:
    """The file's declared type in lower case; SessionNet says just "pdf", which is taken as PDF."""
    if not isinstance(value, str):
        return None
    essence = value.split(";", 1)[0].strip().lower()
    if essence == "pdf":
        return "application/pdf"
    return essence if re.fullmatch(r"[a-z0-9!#$&^_.+-]+/[a-z0-9!#$&^_.+-]+", essence) else None


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _meeting_label(meeting: Mapping[str, Any] | None) -> str | None:
    """ "4. Sitzung des Finanzausschusses 4.1.2013": the meeting's name and the day it starts."""
    if not meeting:
        return None
    name = _text(meeting.get("name"))
    start = parse_time(meeting.get("start"))
    day = f"{start.day}.{start.month}.{start.year}" if start else ""
    return " ".join(p for p in (name, day) if p)[:500] or None


# --- the connector -----------------------------------------------------------------------------
class OParlConnector(Connector):
    """Reads one OParl server. Every HTTP call goes through ``self.http``.

    Only links on the System's own host (scheme, name and port) are followed: the objects come from a
    server we do not control, and a hostile or compromised one could otherwise point its links at any
    other site and have this service read it on its behalf. The outbound allow-list still applies on top,
    so even the System's host is reached only if it is a public address or an allowed one.
    """

    kind = "oparl"
    capabilities = Capabilities(push=False, poll=True, write_back=False, files=True)
    config_schema = OParlConfigSchema
    secret_fields = ()
    #: OParl servers page long answers themselves, so a window needs no small size for volume; it bounds
    #: how much a failed poll repeats, and how far back a new connector's first poll looks
    poll_window = timedelta(days=30)

    def __init__(self, config: Mapping[str, Any], http: OutboundClient) -> None:
        super().__init__(config, http)
        self.settings: dict[str, Any] = OParlConfigSchema().load(dict(config))
        self._origin = _origin(self.settings["system_url"])
        # Objects read during one poll page or one fetch: the meetings of a page share organizations,
        # and a Paper is often consulted by several agenda items.
        self._cache: dict[str, dict[str, Any] | None] = {}

    # --- inbound ---------------------------------------------------------------------------------
    def parse_webhook(
        self, body: bytes, headers: Mapping[str, str], resource: str | None = None
    ) -> WebhookEvent:
        raise PayloadError("OParl servers send no webhooks: this connector is polled")

    # --- reading objects -------------------------------------------------------------------------
    def _on_our_host(self, url: str) -> bool:
        try:
            return _origin(url) == self._origin
        except ValueError:
            return False

    def _get(self, url: str, params: Mapping[str, str] | None = None) -> dict[str, Any]:
        """One JSON object from the server; PermanentError for another host or an answer that is not one."""
        if not self._on_our_host(url):
            raise PermanentError(f"the OParl server links to another host ({_where(url)}); not followed")
        response = self.http.request("GET", url, params=params, headers={"Accept": "application/json"})
        try:
            document = response.json()
        except ValueError:
            raise PermanentError(f"{_where(url)}: the server's answer is not JSON") from None
        if not isinstance(document, dict):
            raise PermanentError(f"{_where(url)}: the server's answer is not a JSON object")
        return document

    def _object(self, ref: Any) -> dict[str, Any] | None:
        """An embedded object as it is, or a linked one read (once per connector instance).

        None for an absent link, a link to another host, or an object the server no longer has (4xx).
        A TransientError is left to rise: the poll is retried from the same place.
        """
        if isinstance(ref, dict):
            return ref
        if not isinstance(ref, str) or not ref.strip():
            return None
        url = ref.strip()
        if url not in self._cache:
            try:
                self._cache[url] = self._get(url)
            except TransientError:
                raise
            except PermanentError as e:
                log.info("OParl object %s not read: %s", _where(url), e)
                self._cache[url] = None
        return self._cache[url]

    # --- polling ---------------------------------------------------------------------------------
    def poll(self, since: datetime | None, until: datetime, page: str | None = None) -> PollPage:
        self._cache.clear()  # each page reads the server as it is now
        if page is None:
            bodies = self._body_urls()
            if not bodies:
                return PollPage(changes=())
            state = {"next": self._meeting_list(bodies[0]), "bodies": bodies[1:], "first": True}
        else:
            state = _read_token(page)
        params = None
        if state.get("first"):
            # links.next already carries the filter; only the first request of a body's list needs it
            params = {"modified_until": _iso(until)}
            if since is not None:
                params["modified_since"] = _iso(since)
        listing = self._get(state["next"], params) if state["next"] else {}
        changes: list[Change] = []
        for meeting in listing.get("data") or ():
            if isinstance(meeting, dict):
                changes.extend(self._meeting_changes(meeting))
        next_url = _next_link(listing)
        if next_url:
            token = {"next": next_url, "bodies": state["bodies"], "first": False}
        elif state["bodies"]:
            token = {"next": self._meeting_list(state["bodies"][0]), "bodies": state["bodies"][1:],
                     "first": True}
        else:
            token = None
        return PollPage(changes=tuple(changes), next_page=json.dumps(token) if token else None)

    def _body_urls(self) -> list[str]:
        """The Body URLs to walk: the configured one, or every Body the System lists."""
        if self.settings["body"]:
            return [self.settings["body"]]
        system = self._get(self.settings["system_url"])
        found: list[str] = []
        url: str | None = system.get("body") if isinstance(system.get("body"), str) else None
        while url:
            listing = self._get(url)
            for body in listing.get("data") or ():
                body_url = body.get("id") if isinstance(body, dict) else body
                if isinstance(body_url, str) and body_url not in found:
                    found.append(body_url)
            url = _next_link(listing)
        return found

    def _meeting_list(self, body_url: str) -> str | None:
        body = self._get(body_url)  # unlike a Paper, a Body that cannot be read must stop the poll
        if body.get("deleted") is True:
            return None
        meeting_list = body.get("meeting")
        return meeting_list if isinstance(meeting_list, str) and meeting_list else None

    def _meeting_changes(self, meeting: dict[str, Any]) -> Iterator[Change]:
        meeting_deleted = meeting.get("deleted") is True
        for entry in meeting.get("agendaItem") or ():
            url = entry if isinstance(entry, str) else entry.get("id") if isinstance(entry, dict) else None
            if not isinstance(url, str) or not self._usable_id(url):
                continue
            # A deleted meeting takes its agenda items with it. (A deleted object stripped down to its id,
            # as the spec allows, names no items; those are found gone when fetch_item reads them.)
            if meeting_deleted:
                yield Change(url, "delete", parse_time(meeting.get("modified")))
                continue
            agenda_item = self._object(entry)
            if agenda_item is None:
                continue  # unreadable now (4xx): neither evidence of a change nor of a deletion
            if agenda_item.get("deleted") is True:
                changed = parse_time(agenda_item.get("modified")) or parse_time(meeting.get("modified"))
                yield Change(url, "delete", changed)
                continue
            item = self._to_item(url, agenda_item, meeting)
            if item is not None:
                yield Change(url, "upsert", item.updated_at, item=item)

    def _usable_id(self, url: str) -> bool:
        """An agenda item's URL fit to key an item: on the server's host (fetch_item must be able to read it
        again) and short enough for the item table."""
        if len(url) > _MAX_ID or not self._on_our_host(url):
            log.warning("OParl agenda item %s skipped: its URL is not usable as an id here", _where(url))
            return False
        return True

    # --- one agenda item -------------------------------------------------------------------------
    def fetch_item(self, external_id: str) -> FetchedItem | None:
        if not self._on_our_host(external_id):
            raise PermanentError("the item's URL is not on the OParl server's host; not followed")
        self._cache.clear()
        try:
            agenda_item = self._get(external_id)
        except PermanentError as e:
            if e.status in (404, 410):
                return None
            raise
        if agenda_item.get("deleted") is True:
            return None
        meeting = self._object(agenda_item.get("meeting"))
        if meeting is not None and meeting.get("deleted") is True:
            return None
        return self._to_item(external_id, agenda_item, meeting)

    def _to_item(
        self, url: str, agenda_item: dict[str, Any], meeting: dict[str, Any] | None
    ) -> FetchedItem | None:
        paper = self._paper(agenda_item)
        title = _text(agenda_item.get("name")) or _text((paper or {}).get("name"))
        if not title:
            number = _text(agenda_item.get("number"))
            if not number:
                return None  # nothing a person could recognise; not worth an item
            title = f"{number} {_meeting_label(meeting) or ''}".strip()
        body_parts = [_text(agenda_item.get("resolutionText"))]
        attachments: list[Attachment] = []
        files = [agenda_item.get("resolutionFile"), *(agenda_item.get("auxiliaryFile") or ())]
        if paper is not None:
            files = [paper.get("mainFile"), *(paper.get("auxiliaryFile") or ()), *files]
        for ref in files:
            file = self._object(ref) if isinstance(ref, str | dict) else None
            if file is None or file.get("deleted") is True:
                continue
            text = _text(file.get("text"))
            if text:
                body_parts.append(text)  # the server's own text of the file: no PDF to read
                continue
            attachment = _attachment(file)
            if attachment is not None and attachment not in attachments:
                attachments.append(attachment)
        stamps = [parse_time(o.get("modified")) for o in (agenda_item, paper, meeting) if o]
        updated_at = max((s for s in stamps if s is not None), default=None)
        return FetchedItem(
            external_id=url,
            title=title[:_MAX_TITLE],
            body="\n\n".join(p for p in body_parts if p),
            meeting=_meeting_label(meeting),
            updated_at=updated_at,
            url=_web(agenda_item) or _web(paper),
            attachments=tuple(attachments),
            committee=self._committee(meeting),
            meeting_date=parse_day((meeting or {}).get("start")),
            # OParl's result is free text ("Beschlossen", "geändert beschlossen", "vertagt"); the meeting's
            # start is the day of the decision
            decision=make_decision(
                _text(agenda_item.get("result")),
                _text(agenda_item.get("resolutionText")),
                (meeting or {}).get("start"),
            ),
            extra={"meeting_url": (meeting or {}).get("id"), "paper_url": (paper or {}).get("id")},
        )

    def _paper(self, agenda_item: dict[str, Any]) -> dict[str, Any] | None:
        consultation = self._object(agenda_item.get("consultation"))
        if consultation is None or consultation.get("deleted") is True:
            return None
        paper = self._object(consultation.get("paper"))
        return None if paper is None or paper.get("deleted") is True else paper

    def _committee(self, meeting: dict[str, Any] | None) -> str | None:
        """The name of the meeting's first organization, if the server gives it; never fails the item."""
        organizations = (meeting or {}).get("organization") or ()
        if not organizations:
            return None
        try:
            organization = self._object(organizations[0])
        except OutboundError:  # a committee name is nice to have; a server error here must not stall polls
            return None
        name = _text((organization or {}).get("name")) or _text((organization or {}).get("shortName"))
        return name[:500] or None

    # --- administration --------------------------------------------------------------------------
    def test_connection(self) -> None:
        url = self.settings["system_url"]
        system = self._check(url, "System", "system_url")
        if not isinstance(system.get("body"), str):
            raise PermanentError("the OParl System object lists no bodies (its 'body' field is missing)")
        if self.settings["body"]:
            body = self._check(self.settings["body"], "Body", "body")
            if not isinstance(body.get("meeting"), str):
                raise PermanentError("the OParl Body object has no meeting list (its 'meeting' field)")

    def _check(self, url: str, expected: str, setting: str) -> dict[str, Any]:
        """The object at ``url``, or an exception that says in plain words what is wrong with it."""
        try:
            document = self._get(url)
        except PermanentError as e:
            if e.status in (404, 410):
                raise PermanentError(
                    f"{setting} answered {e.status}: nothing is there; check the URL of the OParl {expected} "
                    "object",
                    e.status,
                ) from None
            raise PermanentError(f"{setting} could not be read: {e}", e.status) from None
        except TransientError as e:
            raise TransientError(f"{setting} could not be reached (try again later): {e}") from None
        found = _type_name(document)
        if found != expected:
            what = f"an OParl {found} object" if found else "no OParl object"
            raise PermanentError(f"{setting} answers with {what}, not an OParl {expected} object")
        return document


def _where(url: str) -> str:
    """The URL without its query string, for messages (OParl ids rarely need it to be recognised)."""
    try:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}{parts.path}"
    except ValueError:
        return "an invalid URL"


def _next_link(listing: Mapping[str, Any]) -> str | None:
    links = listing.get("links")
    nxt = links.get("next") if isinstance(links, dict) else None
    return nxt if isinstance(nxt, str) and nxt else None


def _web(obj: Mapping[str, Any] | None) -> str | None:
    web = (obj or {}).get("web")
    if isinstance(web, str) and urlsplit(web).scheme.lower() in ("http", "https"):
        return web
    return None


def _attachment(file: Mapping[str, Any]) -> Attachment | None:
    """The file's accessUrl (required by the spec; downloadUrl is optional and often empty)."""
    url = _text(file.get("accessUrl")) or _text(file.get("downloadUrl"))
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    if scheme not in ("http", "https"):
        return None
    # Files may sit on another host (a document store): the pipeline downloads them within the outbound
    # allow-list and size limits, and OParl has no credentials that could leak there.
    name = _text(file.get("name")) or _text(file.get("fileName")) or None
    return Attachment(url=url, name=name, mime_type=_mime_type(file.get("mimeType")))


def _read_token(page: str) -> dict[str, Any]:
    """The poll position this connector wrote; anything else is refused rather than followed."""
    try:
        state = json.loads(page)
    except ValueError:
        raise PermanentError("the stored OParl poll position is not one this connector wrote") from None
    if (
        not isinstance(state, dict)
        or not (state.get("next") is None or isinstance(state.get("next"), str))
        or not isinstance(state.get("bodies"), list)
        or not all(isinstance(b, str) for b in state["bodies"])
    ):
        raise PermanentError("the stored OParl poll position is not one this connector wrote")
    return state
