"""CaseM (``<municipality>.cloudnc.fi``): the anonymous OData API ``/api/opennc/v1/``, and the public item
pages where the API does not answer.

The API is a tree of nodes: the root node "Toimielimet" (bodies) → one node per body → its "Kokoukset"
folder → one node per meeting ("Kokous 5.6.2017") → the meeting's contents (``Contents`` classified under the
meeting node), each with its named ``ExtendedProperties``: ``Name``, ``Article`` (§), ``CaseNativeId`` (diary
number), ``Description``, ``Decisionproposal`` and ``Decision`` (HTML), ``Attachments`` (download links).
One content is one item here, keyed ``<body node>/<meeting node>/<content id>``.

CaseM pushes nothing and takes no writes: it is polled, and results are published by this service and
linked by the item's public page URL. Change detection: a poll over ``(since, until]`` reads the meetings
whose node ``Date`` (the meeting's last publication, as far as the samples show) falls in the window, and
those held from ``revisit_days`` before the window to ``ahead_days`` after it; of their contents, those whose
``EditedDate`` falls in the window are reported, with their text. One meeting (at most
:data:`ITEMS_PER_PAGE` of its contents) is one page.

Only the request forms the real API is known to answer are used (see the samples), in the encoding the
2017 scraper used: ``$format`` first, then ``$filter``.
"""

from __future__ import annotations

import html
import json
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, ClassVar
from urllib.parse import quote

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
from climate_plugin.connectors.casem import pages
from climate_plugin.connectors.casem.schema import CaseMConfigSchema
from climate_plugin.connectors.common.decisions import decision_from_minutes
from climate_plugin.connectors.common.html_pages import html_to_text
from climate_plugin.connectors.common.meeting_window import HELSINKI, finnish_date, held_in_window
from climate_plugin.connectors.common.politeness import CrawlForbidden, PoliteClient
from climate_plugin.outbound import OutboundClient, PermanentError

log = logging.getLogger(__name__)

API = "/api/opennc/v1"
#: LanguageId of names and contents
LANGUAGES = {1: "fi", 2: "en", 3: "sv"}
LANGUAGE_IDS = {v: k for k, v in LANGUAGES.items()}
#: the root node whose children are the bodies, in the languages CaseM names it
ROOT_NAMES = ("toimielimet", "organ", "decision-making bodies")
#: contents read per poll page: a page's position is stored when it is done
ITEMS_PER_PAGE = 20
_ATTACHMENT = re.compile(
    r"""href\s*=\s*['"][^'"]*?download\.aspx\?ID=(?P<id>\d+)&(?:amp;)?GUID=\{?(?P<guid>[0-9A-Fa-f-]{36})\}?"""
    r"""[^'"]*['"][^>]*>(?P<name>.*?)</a>""",
    re.IGNORECASE | re.DOTALL,
)
_EXTERNAL_ID = re.compile(r"^(\d{1,12})/(\d{1,12})/(\d{1,12})$")
#: the part headings of the item's text, per language of the content
HEADINGS = {
    "fi": {"Description": "Kuvaus", "Decisionproposal": "Päätösehdotus", "Decision": "Päätös"},
    "sv": {"Description": "Beskrivning", "Decisionproposal": "Beslutsförslag", "Decision": "Beslut"},
    "en": {"Description": "Description", "Decisionproposal": "Proposal", "Decision": "Decision"},
}
_DIARY = {"fi": "Dno", "sv": "Dnr", "en": "Record no."}


@dataclass(frozen=True)
class Meeting:
    node_id: int
    body_id: int
    body: str
    name: str  #: "Kokous 5.6.2017"
    day: date | None  #: from the name
    modified: datetime | None  #: the node's Date

    def label(self) -> str:
        when = f"{self.day.day}.{self.day.month}.{self.day.year}" if self.day else self.name
        return f"{self.body} {when}"[:500]

    def token(self) -> list[Any]:
        return [self.node_id, self.body_id, self.body, self.name]


def parse_time(value: Any) -> datetime | None:
    """CaseM's "2017-06-02T11:03:07.513" (Helsinki time) as an aware datetime; None for junk."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    # Python before 3.11.? reads only 3 or 6 fraction digits; CaseM writes 1 to 3
    head, dot, fraction = text.partition(".")
    if dot:
        text = f"{head}.{(fraction + '000000')[:6]}"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment.replace(tzinfo=HELSINKI) if moment.tzinfo is None else moment


def meeting_day(name: str) -> date | None:
    """The day in a meeting node's name ("Kokous 5.6.2017")."""
    return finnish_date(name)


def _name(node: Mapping[str, Any], language: str) -> str:
    """A node's name in ``language``, else in Finnish, else the first it has."""
    names = [n for n in node.get("Names") or () if isinstance(n, Mapping) and isinstance(n.get("Name"), str)]
    wanted = LANGUAGE_IDS.get(language, 1)
    for language_id in (wanted, 1):
        for n in names:
            if n.get("LanguageId") == language_id and n["Name"].strip():
                return n["Name"].strip()
    return next((n["Name"].strip() for n in names if n["Name"].strip()), "")


def _all_names(node: Mapping[str, Any]) -> set[str]:
    return {
        n["Name"].strip().lower()
        for n in node.get("Names") or ()
        if isinstance(n, Mapping) and isinstance(n.get("Name"), str)
    }


def _q(value: str) -> str:
    # the encoding the API's known clients send: "/" ":" " " "$" escaped, parentheses kept
    return quote(value, safe="()")


class CaseMConnector(Connector):
    kind = "casem"
    capabilities = Capabilities(push=False, poll=True, write_back=False, files=True)
    config_schema = CaseMConfigSchema
    secret_fields = ()
    #: decisions are published a few times a day at most
    poll_interval: ClassVar[timedelta] = timedelta(hours=1)
    #: a month a window: a backfill over years reads the meeting tree once and each meeting's contents once
    poll_window: ClassVar[timedelta] = timedelta(days=31)
    #: a content removed from a meeting simply stops being listed: deletions show on the next fetch
    poll_reports_deletions: ClassVar[bool] = False

    def __init__(self, config: Mapping[str, Any], http: OutboundClient) -> None:
        self.settings: dict[str, Any] = CaseMConfigSchema().load(dict(config))
        super().__init__(
            config,
            PoliteClient(
                http, self.settings["requests_per_second"], self.settings["obey_robots"], "the CaseM site"
            ),
        )
        self.base = self.settings["base_url"]
        # Read once per instance: a backfill drives one instance through every window.
        self._meetings: list[Meeting] | None = None
        self._root: int | None = None
        self._bodies: dict[int, str] | None = None
        self._contents: dict[int, list[dict[str, Any]] | None] = {}
        self._source: str | None = None
        self._pages = pages.CaseMPages(self)

    # --- inbound ---------------------------------------------------------------------------------
    def parse_webhook(
        self, body: bytes, headers: Mapping[str, str], resource: str | None = None
    ) -> WebhookEvent:
        raise PayloadError("CaseM sends no webhooks: this connector is polled")

    # --- the API ---------------------------------------------------------------------------------
    def _get(self, path: str, query: Sequence[tuple[str, str]] = ()) -> list[dict[str, Any]]:
        """The ``value`` list of an OData answer."""
        pairs = [("$format", "json"), *query]
        url = f"{self.base}{API}/{path}?" + "&".join(f"{_q(k)}={_q(v)}" for k, v in pairs)
        response = self.http.request("GET", url, headers={"Accept": "application/json"})
        try:
            document = response.json()
        except ValueError:
            raise PermanentError(f"the CaseM API's answer to {path.split('?')[0]} is not JSON") from None
        values = document.get("value") if isinstance(document, dict) else None
        if not isinstance(values, list):
            raise PermanentError(f"the CaseM API's answer to {path} is not an OData list (no 'value')")
        return [v for v in values if isinstance(v, dict)]

    def _source_now(self) -> str:
        """ "api" or "pages": what this instance reads."""
        if self._source is None:
            wanted = self.settings["source"]
            if wanted != "auto":
                self._source = wanted
            else:
                try:
                    self._root_node()
                    self._source = "api"
                except PermanentError as e:
                    if e.status not in (404, 410) and "not JSON" not in str(e):
                        raise
                    log.info("CaseM API of %s does not answer (%s); reading the public pages", self.base, e)
                    self._source = "pages"
        return self._source

    def _root_node(self) -> int:
        if self._root is None:
            for node in self._get("Nodes"):
                if _all_names(node) & set(ROOT_NAMES) and isinstance(node.get("NodeId"), int):
                    self._root = node["NodeId"]
                    break
            else:
                raise PermanentError(
                    "the CaseM API lists no 'Toimielimet' (bodies) node: nothing to read there"
                )
        return self._root

    def _body_names(self) -> dict[int, str]:
        if self._bodies is None:
            root = self._root_node()
            wanted = {b.lower() for b in self.settings["bodies"]}
            bodies: dict[int, str] = {}
            for node in self._get(f"Nodes({root})/SubNodes()"):
                node_id = node.get("NodeId")
                if not isinstance(node_id, int) or isinstance(node_id, bool):
                    continue
                if wanted and not (wanted & (_all_names(node) | {str(node_id)})):
                    continue
                bodies[node_id] = _name(node, self.settings["language"]) or str(node_id)
            self._bodies = bodies
        return self._bodies

    def meetings(self) -> list[Meeting]:
        """Every meeting of the (chosen) bodies; a body with no listing (404) is left out and logged."""
        if self._meetings is not None:
            return self._meetings
        root = self._root_node()
        found: list[Meeting] = []
        for body_id, body in self._body_names().items():
            try:
                folders = self._get(f"Nodes({root})/SubNodes({body_id})/SubNodes()")
                if len(folders) != 1 or not isinstance(folders[0].get("NodeId"), int):
                    # CaseM keeps a body's meetings in its one "Kokoukset" folder; anything else has none
                    continue
                folder = folders[0]["NodeId"]
                nodes = self._get(f"Nodes({root})/SubNodes({body_id})/SubNodes({folder})/SubNodes()")
            except PermanentError as e:
                if _not_skippable(e):
                    raise
                log.warning(
                    "CaseM %s: the meetings of body %s (%s) are not readable: %s", self.base, body_id, body, e
                )
                continue
            for node in nodes:
                node_id = node.get("NodeId")
                if not isinstance(node_id, int) or isinstance(node_id, bool):
                    continue
                name = _name(node, "fi")
                found.append(
                    Meeting(node_id, body_id, body, name, meeting_day(name), parse_time(node.get("Date")))
                )
        self._meetings = found
        return found

    def _meeting_contents(self, meeting_id: int) -> list[dict[str, Any]] | None:
        """The contents classified under a meeting; None when the API has no such meeting (404, 410)."""
        if meeting_id not in self._contents:
            if len(self._contents) > 64:  # a backfill walks forward; old meetings are not asked again
                self._contents.clear()
            try:
                listed = self._get(
                    "Contents()", [("$filter", f"Classifications/any(f:f/NodeId eq {meeting_id})")]
                )
            except PermanentError as e:
                if _not_skippable(e):
                    raise
                listed = None
            self._contents[meeting_id] = listed
        return self._contents[meeting_id]

    def _properties(self, content_id: int) -> dict[str, Any]:
        """The content's extended properties by name; repeated names (Attachments) as lists."""
        props: dict[str, Any] = {}
        for prop in self._get(f"Contents({content_id})/ExtendedProperties"):
            name = prop.get("Name")
            if not isinstance(name, str):
                continue
            text = prop.get("Text")
            if name == "Attachments":
                props.setdefault(name, []).append(text if isinstance(text, str) else "")
            else:
                props[name] = text if isinstance(text, str) else ""
        return props

    # --- polling ---------------------------------------------------------------------------------
    def poll(self, since: datetime | None, until: datetime, page: str | None = None) -> PollPage:
        if page is not None and self._source is None and self.settings["source"] == "auto":
            # the position says which half wrote it: no request to find out again
            self._source = "pages" if pages.is_page_token(page) else "api"
        if self._source_now() == "pages":
            return self._pages.poll(since, until, page)
        if page is None:
            chosen = [m for m in self.meetings() if self._in_window(m, since, until)]
            chosen.sort(key=lambda m: (m.day or date.min, m.node_id))
            if not chosen:
                return PollPage(changes=())
            state = {"meetings": [m.token() for m in chosen], "skip": 0}
        else:
            state = _read_token(page)
        node_id, body_id, body, name = state["meetings"][0]
        meeting = Meeting(node_id, body_id, body, name, meeting_day(name), None)
        contents = self._meeting_contents(node_id)
        if contents is None:
            log.warning(
                "CaseM %s: meeting %s (%s) has no readable contents", self.base, node_id, meeting.label()
            )
            contents = []
        skip = state["skip"]
        chunk = contents[skip : skip + ITEMS_PER_PAGE]
        changes: list[Change] = []
        for content in chunk:
            changed = _changed_at(content)
            if changed is not None and not ((since is None or changed > since) and changed <= until):
                continue
            item = self._item(meeting, content)
            if item is not None:
                changes.append(Change(item.external_id, "upsert", changed, item=item))
        if skip + ITEMS_PER_PAGE < len(contents):
            token = {"meetings": state["meetings"], "skip": skip + ITEMS_PER_PAGE}
        elif len(state["meetings"]) > 1:
            token = {"meetings": state["meetings"][1:], "skip": 0}
        else:
            token = None
        return PollPage(changes=tuple(changes), next_page=json.dumps(token) if token else None)

    def _in_window(self, meeting: Meeting, since: datetime | None, until: datetime) -> bool:
        if (
            meeting.modified is not None
            and (since is None or meeting.modified > since)
            and (meeting.modified <= until)
        ):
            return True
        if meeting.day is None:
            return meeting.modified is None  # nothing to tell by: read it
        return held_in_window(
            meeting.day, since, until, self.settings["revisit_days"], self.settings["ahead_days"]
        )

    # --- one item --------------------------------------------------------------------------------
    def _item(self, meeting: Meeting, content: Mapping[str, Any]) -> FetchedItem | None:
        content_id = content.get("ContentId")
        if not isinstance(content_id, int) or isinstance(content_id, bool):
            return None
        subject = content.get("Subject") if isinstance(content.get("Subject"), str) else ""
        if not subject.strip() and content.get("TemplateId") == 71:
            return None  # the meeting's own record: participants and the whole agenda PDF, no item
        props = self._properties(content_id)
        title = html.unescape((props.get("Name") or subject or "").strip())
        if not title:
            return None
        language = LANGUAGES.get(content.get("LanguageId")) or "fi"
        headings = HEADINGS.get(language, HEADINGS["fi"])
        parts: list[str] = []
        diary = (props.get("CaseNativeId") or "").strip()
        if diary:
            parts.append(f"{_DIARY.get(language, 'Dno')} {diary}")
        texts: dict[str, str] = {}
        for name, heading in headings.items():
            text = html_to_text(props.get(name) or "")
            texts[name] = text
            if text:
                parts.append(f"{heading}\n{text}")
        article = (props.get("Article") or "").strip()
        external_id = f"{meeting.body_id}/{meeting.node_id}/{content_id}"
        return FetchedItem(
            external_id=external_id,
            title=title[:1000],
            body="\n\n".join(parts),
            language=language,
            meeting=meeting.label(),
            updated_at=_changed_at(content),
            url=pages.item_url(
                self.base, self.settings["language"], meeting.body, meeting.day, title, content_id
            ),
            attachments=tuple(self._attachments(props.get("Attachments") or [])),
            committee=meeting.body[:500] or None,
            meeting_date=meeting.day,
            decision=decision_from_minutes(texts.get("Decision"), meeting.day),
            extra={
                k: v
                for k, v in {
                    "section": article,
                    "diary_number": diary,
                    "stage": "minutes" if texts.get("Decision") else "agenda",
                    "proposal": texts.get("Decisionproposal"),
                    "decision": texts.get("Decision"),
                    "content_id": content_id,
                }.items()
                if v
            },
        )

    def _attachments(self, links: Sequence[str]) -> list[Attachment]:
        found: list[Attachment] = []
        for link in links:
            for match in _ATTACHMENT.finditer(link or ""):
                url = f"{self.base}/download/noname/{{{match['guid'].lower()}}}/{match['id']}"
                name = html_to_text(match["name"]) or None
                mime = "application/pdf" if (name or "").lower().endswith(".pdf") else None
                attachment = Attachment(url=url, name=name, mime_type=mime)
                if attachment not in found:
                    found.append(attachment)
        return found

    def fetch_item(self, external_id: str) -> FetchedItem | None:
        if external_id.startswith(pages.PAGE_PREFIX):
            return self._pages.fetch_item(external_id)
        found = _EXTERNAL_ID.match(external_id)
        if not found:
            raise PermanentError(
                f"{external_id[:80]!r} is not a CaseM item id like <body>/<meeting>/<content>"
            )
        body_id, meeting_id, content_id = (int(g) for g in found.groups())
        contents = self._meeting_contents(meeting_id)
        content = next((c for c in contents or () if c.get("ContentId") == content_id), None)
        if content is None:
            return None  # no longer listed under its meeting: removed, or unpublished
        body = self._body_names().get(body_id) or self._any_body_name(body_id)
        name = _meeting_name(content, meeting_id)
        meeting = Meeting(meeting_id, body_id, body, name, meeting_day(name), None)
        try:
            return self._item(meeting, content)
        except PermanentError as e:
            if e.status in (404, 410):
                return None
            raise

    def _any_body_name(self, body_id: int) -> str:
        """A body left out by the ``bodies`` setting still has a name."""
        root = self._root_node()
        for node in self._get(f"Nodes({root})/SubNodes()"):
            if node.get("NodeId") == body_id:
                return _name(node, self.settings["language"]) or str(body_id)
        return str(body_id)

    # --- administration --------------------------------------------------------------------------
    def test_connection(self) -> None:
        if self._source_now() == "pages":
            self._pages.test_connection()
            return
        bodies = self._body_names()
        if not bodies:
            wanted = ", ".join(self.settings["bodies"])
            raise PermanentError(
                f"the CaseM API lists none of the bodies named in 'bodies' ({wanted})"
                if wanted
                else "the CaseM API lists no bodies under 'Toimielimet'"
            )


def _not_skippable(error: PermanentError) -> bool:
    """False for a 404 or 410 about one body or meeting (the host has no such listing), which the poll goes
    on without; robots.txt refusals and every other error stop it."""
    return error.status not in (404, 410) or isinstance(error, CrawlForbidden)


def _changed_at(content: Mapping[str, Any]) -> datetime | None:
    for key in ("EditedDate", "PublicDate", "CreatedDate"):
        moment = parse_time(content.get(key))
        if moment is not None:
            return moment
    return None


def _meeting_name(content: Mapping[str, Any], meeting_id: int) -> str:
    for classification in content.get("Classifications") or ():
        if isinstance(classification, Mapping) and classification.get("NodeId") == meeting_id:
            name = classification.get("NodeName")
            if isinstance(name, str):
                return name
    return ""


def _read_token(page: str) -> dict[str, Any]:
    """The poll position this connector wrote; anything else is refused rather than followed."""
    try:
        state = json.loads(page)
    except ValueError:
        state = None
    if (
        not isinstance(state, dict)
        or not isinstance(state.get("meetings"), list)
        or not state["meetings"]
        or not isinstance(state.get("skip"), int)
        or not all(
            isinstance(m, list)
            and len(m) == 4
            and isinstance(m[0], int)
            and isinstance(m[1], int)
            and isinstance(m[2], str)
            and isinstance(m[3], str)
            for m in state["meetings"]
        )
    ):
        raise PermanentError("the stored CaseM poll position is not one this connector wrote")
    return state
