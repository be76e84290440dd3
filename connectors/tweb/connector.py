"""Tweb / KTweb public agenda and minutes pages (``…/ktwebbin/dbisa.dll/ktwebscr/``): meeting lists in HTML,
each item's text only in its document (a PDF).

Tweb has no API, pushes nothing, takes no writes and gives no timestamps: it is polled, and results are
published by this service and linked by the item's document URL. A poll over ``(since, until]``:

1. the bodies: the ``kirjaamo`` options of the query page ``<pk|epj>_tek_tweb.htm`` (or the configured ones);
2. each body's meetings held from ``revisit_days`` before the window to ``ahead_days`` after it: a POST of
   ``kirjaamo``, ``oper=where`` and the date window ``pvm1``/``pvm2`` to ``<pk|epj>_kokl_tweb.htm``;
3. one meeting a page: its item list ``<pk|epj>_asil_tweb.htm?+bid=<meeting>`` (rows with a § and a document
   link; the column order differs per install), and each item's document
   ``ktproxy2.dll?doctype=3&docid=<id>``, whose text is read as the pipeline reads PDF attachments; the
   item's attachment list ``epjattn_tweb.htm?<docid>`` gives its attachments.

Items are keyed ``<meeting id>/<document id>``. A new document (agenda → minutes) is a new item.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, ClassVar
from urllib.parse import urljoin, urlsplit

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
from climate_plugin.connectors.common.html_pages import (
    charset_of,
    clean_text,
    first_section,
    html_to_text,
    parse_html,
    split_sections,
)
from climate_plugin.connectors.common.meeting_window import HELSINKI, finnish_date, held_in_window
from climate_plugin.connectors.common.politeness import PoliteClient
from climate_plugin.connectors.tweb.schema import TwebConfigSchema
from climate_plugin.items.attachments import fetch_attachment_texts
from climate_plugin.outbound import OutboundClient, PermanentError, TransientError

log = logging.getLogger(__name__)

PREFIX = {"minutes": "pk", "agendas": "epj"}
#: the document size read when the service's own limit is not at hand (outside the app)
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
_BID = re.compile(r"[?&+]bid=(\d+)")
_DOCID = re.compile(r"[?&]docid=(\d+)")
_EXTERNAL_ID = re.compile(r"^(\d{1,12})/(\d{1,15})$")


@dataclass(frozen=True)
class Meeting:
    bid: str
    body: str
    day: date | None

    def label(self) -> str:
        when = f"{self.day.day}.{self.day.month}.{self.day.year}" if self.day else ""
        return f"{self.body} {when}".strip()[:500]


@dataclass(frozen=True)
class Row:
    section: str
    title: str
    document: str  #: absolute URL of the item's document
    docid: str
    attachments: str | None  #: URL of the item's attachment list, if it has attachments


class TwebConnector(Connector):
    kind = "tweb"
    capabilities = Capabilities(push=False, poll=True, write_back=False, files=True)
    config_schema = TwebConfigSchema
    secret_fields = ()
    #: every poll re-reads the documents of recent meetings: not more often than this
    poll_interval: ClassVar[timedelta] = timedelta(hours=3)
    poll_window: ClassVar[timedelta] = timedelta(days=31)
    #: a meeting list shows what is there, not what went away
    poll_reports_deletions: ClassVar[bool] = False

    def __init__(self, config: Mapping[str, Any], http: OutboundClient) -> None:
        self.settings: dict[str, Any] = TwebConfigSchema().load(dict(config))
        super().__init__(
            config,
            PoliteClient(
                http, self.settings["requests_per_second"], self.settings["obey_robots"], "the Tweb site"
            ),
        )
        self.prefix = PREFIX[self.settings["documents"]]
        self.pages = self.settings["base_url"] + self.settings["path"]
        self._bodies: dict[str, str] | None = None
        self._lists: dict[str, tuple[Meeting, list[Row]] | None] = {}

    def parse_webhook(
        self, body: bytes, headers: Mapping[str, str], resource: str | None = None
    ) -> WebhookEvent:
        raise PayloadError("Tweb sends no webhooks: this connector is polled")

    # --- pages -----------------------------------------------------------------------------------
    def _page(self, method: str, url: str, **kwargs: Any) -> Any:
        response = self.http.request(method, url, headers={"Accept": "text/html"}, **kwargs)
        return parse_html(response.content, charset_of(response.headers.get("Content-Type")))

    def _on_host(self, href: str, base: str) -> str | None:
        """An absolute URL for a link, only on the publication's own host (links are absolute in Tweb's
        pages; a link elsewhere is not followed)."""
        url = urljoin(base, href.strip())
        ours, theirs = urlsplit(self.settings["base_url"]), urlsplit(url)
        if (theirs.scheme, theirs.netloc.lower()) != (ours.scheme, ours.netloc.lower()):
            # 2017 pages link http:// while the site may be configured as https://: same host, same path
            if theirs.netloc.lower() != ours.netloc.lower():
                return None
            url = ours.scheme + url[len(theirs.scheme) :]
        return url

    def bodies(self) -> dict[str, str]:
        """Body id → name, from the query page's ``kirjaamo`` options (only the configured ones)."""
        if self._bodies is None:
            soup = self._page("GET", f"{self.pages}/{self.prefix}_tek_tweb.htm")
            select = soup.find("select", attrs={"name": "kirjaamo"})
            if select is None:
                raise PermanentError(
                    f"the Tweb query page {self.settings['path']}/{self.prefix}_tek_tweb.htm has no body "
                    "list (select 'kirjaamo'): check base_url and path"
                )
            wanted = {b.lower() for b in self.settings["bodies"]}
            found: dict[str, str] = {}
            for option in select.find_all("option"):
                value, name = (option.get("value") or "").strip(), clean_text(option.get_text())
                if value and (not wanted or value.lower() in wanted or name.lower() in wanted):
                    found[value] = name
            self._bodies = found
        return self._bodies

    def meetings(self, body_id: str, first: date, last: date) -> list[Meeting]:
        soup = self._page(
            "POST",
            f"{self.pages}/{self.prefix}_kokl_tweb.htm",
            data={"kirjaamo": body_id, "oper": "where", "pvm1": _d(first), "pvm2": _d(last)},
        )
        found: list[Meeting] = []
        for row in soup.select("tr[class*=data]"):
            cells = row.find_all("td")
            link = row.find("a", href=_BID)
            if link is None or not cells:
                continue
            bid = _BID.search(link["href"])[1]
            day = finnish_date(html_to_text(link))
            body = html_to_text(cells[1]).split(":")[0].strip() if len(cells) > 1 else ""
            found.append(Meeting(bid, body or self.bodies().get(body_id, body_id), day))
        return found

    def item_list(self, bid: str) -> tuple[Meeting, list[Row]] | None:
        """The meeting and its item rows; None when the host has no such meeting (404)."""
        if bid not in self._lists:
            if len(self._lists) > 32:
                self._lists.clear()
            # "?+bid=": the "+" is part of what Tweb expects, sent as it is
            url = f"{self.pages}/{self.prefix}_asil_tweb.htm?+bid={bid}"
            try:
                soup = self._page("GET", url)
            except PermanentError as e:
                if e.status not in (404, 410):
                    raise
                self._lists[bid] = None
                return None
            self._lists[bid] = (self._meeting(bid, soup), self._rows(soup, url))
        return self._lists[bid]

    def _meeting(self, bid: str, soup: Any) -> Meeting:
        header = soup.find("td", class_=re.compile("^header$", re.I))
        lines = html_to_text(header).split("\n") if header else []
        if not lines:
            raise PermanentError(f"the Tweb item list of meeting {bid} has no header: not a meeting page")
        return Meeting(bid, lines[0].split(":")[0].strip(), finnish_date(" ".join(lines[1:])))

    def _rows(self, soup: Any, base: str) -> list[Row]:
        found: list[Row] = []
        for row in soup.select("table.list tr[class*=data]"):
            cells = row.find_all("td")
            document = row.find("a", href=_DOCID)
            if not cells or document is None:
                continue
            section = html_to_text(cells[0]).strip()
            if not section.isdigit():
                continue  # the cover page and the organising items have no §
            url = self._on_host(document["href"], base)
            if url is None:
                continue
            listing = row.find("a", href=re.compile(r"epjattn_tweb\.htm\?\d+"))
            found.append(
                Row(
                    section=section,
                    title=html_to_text(document),
                    document=url,
                    docid=_DOCID.search(document["href"])[1],
                    attachments=self._on_host(listing["href"], base) if listing else None,
                )
            )
        return found

    # --- polling ---------------------------------------------------------------------------------
    def poll(self, since: datetime | None, until: datetime, page: str | None = None) -> PollPage:
        if page is None:
            revisit, ahead = self.settings["revisit_days"], self.settings["ahead_days"]
            first = (since or until - timedelta(days=3650)).astimezone(HELSINKI).date() - timedelta(
                days=revisit
            )
            last = until.astimezone(HELSINKI).date() + timedelta(days=ahead)
            chosen: list[Meeting] = []
            for body_id in self.bodies():
                chosen.extend(
                    m
                    for m in self.meetings(body_id, first, last)
                    if m.day is not None and held_in_window(m.day, since, until, revisit, ahead)
                )
            chosen.sort(key=lambda m: (m.day, m.bid))
            remaining = list(dict.fromkeys(m.bid for m in chosen))
        else:
            remaining = _read_token(page)
        if not remaining:
            return PollPage(changes=())
        changes: list[Change] = []
        listed = self.item_list(remaining[0])
        if listed is not None:
            meeting, rows = listed
            for row in rows:
                item = self._item(meeting, row)
                changes.append(Change(item.external_id, "upsert", None, item=item))
        rest = remaining[1:]
        return PollPage(changes=tuple(changes), next_page=json.dumps({"meetings": rest}) if rest else None)

    # --- one item --------------------------------------------------------------------------------
    def fetch_item(self, external_id: str) -> FetchedItem | None:
        found = _EXTERNAL_ID.match(external_id)
        if not found:
            raise PermanentError(f"{external_id[:80]!r} is not a Tweb item id like <meeting>/<document>")
        listed = self.item_list(found[1])
        if listed is None:
            return None
        meeting, rows = listed
        row = next((r for r in rows if r.docid == found[2]), None)
        return self._item(meeting, row) if row is not None else None

    def _item(self, meeting: Meeting, row: Row) -> FetchedItem:
        text, problem = self._document_text(row)
        sections = split_sections(text)
        return FetchedItem(
            external_id=f"{meeting.bid}/{row.docid}",
            title=row.title[:1000] or f"§ {row.section}",
            body=text,
            language=self.settings["language"],
            meeting=meeting.label() or None,
            url=row.document,
            attachments=tuple(self._attachments(row)),
            committee=meeting.body[:500] or None,
            extra={
                k: v
                for k, v in {
                    "section": row.section,
                    "stage": "minutes" if self.settings["documents"] == "minutes" else "agenda",
                    "proposal": first_section(sections, "proposal"),
                    "decision": first_section(sections, "decision"),
                    "document_error": problem,
                }.items()
                if v
            },
        )

    def _document_text(self, row: Row) -> tuple[str, str | None]:
        """The text of the item's document, read as the pipeline reads PDF attachments; a document that
        cannot be read (a .doc, a scan) leaves the item with its title only, and says why."""
        read = fetch_attachment_texts(
            self.http, [Attachment(row.document, row.title, None)], max_bytes=_max_bytes(), max_files=1
        )[0]
        if read.transient:
            raise TransientError(f"the document of § {row.section} could not be read now: {read.error}")
        if read.error:
            log.info("Tweb document %s: %s", read.url, read.error)
        lines = [line.strip() for line in read.text.split("\n")]
        return "\n".join(line for line in lines if line), read.error

    def _attachments(self, row: Row) -> list[Attachment]:
        if row.attachments is None:
            return []
        try:
            soup = self._page("GET", row.attachments)
        except PermanentError as e:
            if e.status in (404, 410):
                return []
            raise
        found: list[Attachment] = []
        for link in soup.select("table.list tr[class*=data] td a[href]"):
            url = self._on_host(link["href"], row.attachments)
            if url and _DOCID.search(url) and url != row.document:
                found.append(Attachment(url, html_to_text(link) or None, None))
        return found

    def test_connection(self) -> None:
        if not self.bodies():
            wanted = ", ".join(self.settings["bodies"])
            raise PermanentError(
                f"the Tweb query page lists none of the bodies in 'bodies' ({wanted})"
                if wanted
                else "the Tweb query page lists no bodies"
            )


def _d(day: date) -> str:
    return f"{day.day}.{day.month}.{day.year}"


def _max_bytes() -> int:
    from flask import current_app, has_app_context

    if has_app_context():
        settings = current_app.extensions.get("climate_plugin.settings")
        if settings is not None:
            return settings.max_attachment_bytes
    return DEFAULT_MAX_BYTES


def _read_token(page: str) -> list[str]:
    try:
        state = json.loads(page)
    except ValueError:
        state = None
    meetings = state.get("meetings") if isinstance(state, dict) else None
    if (
        not isinstance(meetings, list)
        or not meetings
        or not all(isinstance(m, str) and m.isdigit() for m in meetings)
    ):
        raise PermanentError("the stored Tweb poll position is not one this connector wrote")
    return meetings
