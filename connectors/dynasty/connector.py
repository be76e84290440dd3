"""Innofactor Dynasty 10's public meeting publication (``…/cgi/DREQUEST.PHP``): the RSS feed of meeting items
for change detection, each item's page for its text.

Dynasty has no API, pushes nothing and takes no writes: it is polled, and results are published by this
service and linked by the item's page URL. The feed (``page=rss/meetingitems&show=N``) lists the newest
items as "<Body> <DD.MM.YYYY> / <Title>" with a link ``page=meetingitem&id=<meeting>-<n>``, and no
timestamps; so a poll over ``(since, until]`` reads the listed items whose meeting falls from
``revisit_days`` before the window to ``ahead_days`` after it (see
:mod:`climate_plugin.connectors.common.meeting_window`), a ``page_size`` of them per page.

The item page has no structured fields: the header "<Body>" / "Pöytäkirja|Esityslista DD.MM.YYYY
Pykälä|Asianro N" says the stage, meeting and §; the text is cut into its sections ("Päätösehdotus",
"Päätös", …) at the headings, and everything from "Päätöshistoria" on (earlier handlings repeated) is left
out. Attachments are the PDF links of the "Liitteet" list. Items are keyed by Dynasty's item id
(``2023277-5``).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, ClassVar
from urllib.parse import parse_qs, urljoin, urlsplit

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

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
from climate_plugin.connectors.common.decisions import decision_from_minutes
from climate_plugin.connectors.common.html_pages import (
    charset_of,
    decode_html,
    first_section,
    html_to_text,
    parse_html,
    split_sections,
)
from climate_plugin.connectors.common.meeting_window import finnish_date, held_in_window
from climate_plugin.connectors.common.politeness import PoliteClient
from climate_plugin.connectors.dynasty.schema import DynastyConfigSchema
from climate_plugin.outbound import OutboundClient, PermanentError

log = logging.getLogger(__name__)

CGI = "/cgi/DREQUEST.PHP"
_ID = re.compile(r"^\d{4,12}-\d{1,4}$")
_HEADER = re.compile(
    r"^(?P<stage>Pöytäkirja|Esityslista|Protokoll|Föredragningslista)\s+(?P<day>\d{1,2}\.\d{1,2}\.\d{4})"
    r"\s*/?\s*(?:Pykälä|Asianro|Paragraf|Ärende|§)\s*(?P<number>\d+)\s*$",
    re.IGNORECASE,
)
_SECTION_LINE = re.compile(r"^§\s*(?P<number>\d+)(?:\s+(?P<title>.+))?$")
#: lines of the page's own navigation, never an item's title
_NAVIGATION = ("Edellinen asia", "Seuraava asia", "Kokousasia PDF", "Muutoksenhakuohje", "Liitteet")
_STAGES = {
    "pöytäkirja": "minutes",
    "protokoll": "minutes",
    "esityslista": "agenda",
    "föredragningslista": "agenda",
}
_HISTORY = re.compile(r"^(Päätöshistoria|Beslutshistorik)\b", re.IGNORECASE)


@dataclass(frozen=True)
class FeedEntry:
    item_id: str
    body: str
    day: date | None
    title: str

    def token(self) -> list[str]:
        return [self.item_id, self.body, self.day.isoformat() if self.day else "", self.title]


def read_feed(raw: bytes) -> list[FeedEntry]:
    """The entries of a ``rss/meetingitems`` feed, in its order (newest first)."""
    try:
        root = ElementTree.fromstring(_as_declared(raw))
    except (ElementTree.ParseError, DefusedXmlException, ValueError) as e:
        raise PermanentError(f"the Dynasty feed is not RSS that can be read ({type(e).__name__})") from None
    entries: list[FeedEntry] = []
    for node in root.iter("item"):
        link = (node.findtext("link") or "").strip()
        ids = parse_qs(urlsplit(link).query).get("id") or []
        item_id = ids[0].strip() if ids else ""
        if not _ID.match(item_id):
            continue
        heading, _, title = (node.findtext("title") or "").partition(" / ")
        title = title.strip() or (node.findtext("description") or "").strip()
        day = finnish_date(heading)
        body = heading[: heading.rfind(" ")].strip() if day else heading.strip()
        entries.append(FeedEntry(item_id, body, day, title))
    return entries


def _as_declared(raw: bytes) -> bytes:
    """The feed's bytes, its declaration made true: feeds declared ISO-8859-1 are sometimes UTF-8 (a copy
    saved by a browser, a proxy that re-encoded it). Valid UTF-8 with non-ASCII letters is not Latin-1 text
    in practice, so such a feed is read as UTF-8."""
    head = raw[:200].lower()
    if b"encoding=" not in head or b"utf-8" in head:
        return raw
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw
    if text.isascii():
        return raw
    return re.sub(r"encoding=(['\"])[^'\"]+\1", "encoding='utf-8'", text, count=1).encode("utf-8")


class DynastyConnector(Connector):
    kind = "dynasty"
    capabilities = Capabilities(push=False, poll=True, write_back=False, files=True)
    config_schema = DynastyConfigSchema
    secret_fields = ()
    poll_interval: ClassVar[timedelta] = timedelta(hours=1)
    #: the feed holds only the newest items, whatever the window; a long window keeps backfills few requests
    poll_window: ClassVar[timedelta] = timedelta(days=92)
    #: the feed shows what is there, not what went away
    poll_reports_deletions: ClassVar[bool] = False

    def __init__(self, config: Mapping[str, Any], http: OutboundClient) -> None:
        self.settings: dict[str, Any] = DynastyConfigSchema().load(dict(config))
        super().__init__(
            config,
            PoliteClient(
                http, self.settings["requests_per_second"], self.settings["obey_robots"], "the Dynasty site"
            ),
        )
        self.cgi = self.settings["base_url"] + CGI
        self._feed: list[FeedEntry] | None = None

    def parse_webhook(
        self, body: bytes, headers: Mapping[str, str], resource: str | None = None
    ) -> WebhookEvent:
        raise PayloadError("Dynasty sends no webhooks: this connector is polled")

    # --- the feed --------------------------------------------------------------------------------
    def feed(self) -> list[FeedEntry]:
        if self._feed is None:
            url = f"{self.cgi}?page=rss/meetingitems&show={self.settings['feed_size']}"
            response = self.http.request("GET", url, headers={"Accept": "application/rss+xml, text/xml"})
            entries = read_feed(response.content)
            wanted = {b.lower() for b in self.settings["bodies"]}
            self._feed = [e for e in entries if not wanted or e.body.lower() in wanted]
        return self._feed

    def poll(self, since: datetime | None, until: datetime, page: str | None = None) -> PollPage:
        if page is None:
            chosen = [
                e
                for e in self.feed()
                if e.day is not None
                and held_in_window(
                    e.day, since, until, self.settings["revisit_days"], self.settings["ahead_days"]
                )
            ]
            chosen.sort(key=lambda e: (e.day, e.item_id))
            remaining = [e.token() for e in chosen]
        else:
            remaining = _read_token(page)
        size = self.settings["page_size"]
        changes: list[Change] = []
        for item_id, body, day, title in remaining[:size]:
            entry = FeedEntry(item_id, body, date.fromisoformat(day) if day else None, title)
            item = self._read(item_id, entry)
            if item is not None:
                changes.append(Change(item_id, "upsert", item.updated_at, item=item))
        rest = remaining[size:]
        return PollPage(changes=tuple(changes), next_page=json.dumps({"items": rest}) if rest else None)

    # --- one item --------------------------------------------------------------------------------
    def item_url(self, item_id: str) -> str:
        return f"{self.cgi}?page=meetingitem&id={item_id}"

    def fetch_item(self, external_id: str) -> FetchedItem | None:
        if not _ID.match(external_id):
            raise PermanentError(f"{external_id[:80]!r} is not a Dynasty item id like 2023277-5")
        # the feed has the item's title as Dynasty means it; the page has it only in free text
        entry = next((e for e in self.feed() if e.item_id == external_id), None)
        return self._read(external_id, entry)

    def _read(self, item_id: str, entry: FeedEntry | None) -> FetchedItem | None:
        try:
            response = self.http.request("GET", self.item_url(item_id), headers={"Accept": "text/html"})
        except PermanentError as e:
            if e.status in (404, 410):
                return None
            raise
        page = decode_html(response.content, charset_of(response.headers.get("Content-Type")))
        return self.item_from_page(item_id, page, entry)

    def item_from_page(self, item_id: str, page: str, entry: FeedEntry | None) -> FetchedItem:
        region = _data_region(page)
        attachments = self._attachments(region, item_id)
        lines = html_to_text(region).split("\n")
        header_at = next((i for i, line in enumerate(lines) if _HEADER.match(line)), None)
        outside = html_to_text(parse_html(page)).split("\n") if header_at is None else lines
        # the older static pages print the header above the data markers
        found_at = (
            header_at
            if header_at is not None
            else next((i for i, line in enumerate(outside) if _HEADER.match(line)), None)
        )
        if found_at is None:
            raise PermanentError(
                f"the Dynasty page of item {item_id} has no 'Pöytäkirja|Esityslista DD.MM.YYYY "
                "Pykälä|Asianro N' line: it is not an item page this connector can read"
            )
        header = _HEADER.match(outside[found_at])
        body = outside[found_at - 1].strip() if found_at > 0 else ""
        if entry is not None and entry.body:
            body = entry.body
        day = finnish_date(header["day"])
        skip = {a.name for a in attachments if a.name}
        title, start = _title(lines, header_at + 1 if header_at is not None else 0, skip)
        if entry is not None and entry.title:
            title = entry.title
        if not title:
            raise PermanentError(f"the Dynasty page of item {item_id} shows no title")
        text_lines: list[str] = []
        for line in lines[start:]:
            if _HISTORY.match(line):
                break  # the earlier handlings, repeated: not this item's text
            text_lines.append(line)
        text = "\n".join(text_lines)
        sections = split_sections(text)
        stage = _STAGES.get(header["stage"].lower(), "agenda")
        return FetchedItem(
            external_id=item_id,
            title=title[:1000],
            body=text,
            language=self.settings["language"],
            meeting=f"{body} {day.day}.{day.month}.{day.year}"[:500] if body and day else None,
            url=self.item_url(item_id),
            attachments=tuple(attachments),
            committee=body[:500] or None,
            meeting_date=day,
            decision=(
                decision_from_minutes(first_section(sections, "decision"), day)
                if stage == "minutes"
                else None
            ),
            extra={
                k: v
                for k, v in {
                    "section": header["number"] if stage == "minutes" else None,
                    "stage": stage,
                    "proposal": first_section(sections, "proposal"),
                    "decision": first_section(sections, "decision"),
                }.items()
                if v
            },
        )

    def _attachments(self, region: Any, item_id: str) -> list[Attachment]:
        """The item's own attachments: PDF links named ``<meeting>-<n>-<k>.PDF`` (the item's PDF copy,
        ``<meeting>-<n>.PDF``, repeats the page and is not read)."""
        found: list[Attachment] = []
        own = re.compile(rf"/{re.escape(item_id)}-\d+\.pdf$", re.IGNORECASE)
        for link in region.find_all("a", href=True):
            url = urljoin(self.item_url(item_id), link["href"].strip())
            if urlsplit(url).scheme not in ("http", "https") or not own.search(urlsplit(url).path):
                continue
            attachment = Attachment(url=url, name=html_to_text(link) or None, mime_type="application/pdf")
            if attachment.url not in {a.url for a in found}:
                found.append(attachment)
        return found

    def test_connection(self) -> None:
        if not self.feed():
            raise PermanentError(
                f"the Dynasty feed {self.cgi}?page=rss/meetingitems lists no items"
                + (" of the bodies named in 'bodies'" if self.settings["bodies"] else "")
            )


_MARKERS = re.compile(r"<!--\s*DATA_?BEGIN\s*-->(?P<data>.*?)(?:<!--\s*DATA_?END\s*-->|$)", re.DOTALL | re.I)


def _data_region(page: str) -> Any:
    """The part of the page between Dynasty's data markers (``<!--DATABEGIN-->`` in Dynasty 10,
    ``<!--DATA_BEGIN-->`` in the older static pages), else the page's body."""
    found = _MARKERS.search(page)
    soup = parse_html(found["data"] if found else page)
    return soup if found else (soup.body or soup)


def _title(lines: list[str], start: int, skip: set[str]) -> tuple[str, int]:
    """The item's title after the header, and where its text starts.

    Dynasty prints "§ N" then the title (minutes), or the title after the diary number lines (agendas).
    """
    for index in range(start, min(len(lines), start + 25)):
        found = _SECTION_LINE.match(lines[index].strip())
        if found:
            if found["title"]:
                return found["title"].strip(), index + 1
            if index + 1 < len(lines):
                return lines[index + 1].strip(), index + 2
    for index in range(start, min(len(lines), start + 25)):
        line = lines[index].strip()
        if line in skip or line.startswith("#") or set(line) <= set("_-= "):
            continue  # attachment names, template markers, rules
        if len(line) >= 12 and not line.startswith(_NAVIGATION) and not re.match(r"^[\d./ -]+$", line):
            if finnish_date(line) is not None and len(line) < 40:
                continue  # "Valtuustoaloite 12.12.2016" and "KhVi 08.04.2024 § 65": references, not titles
            return line, index + 1
    return "", start


def _read_token(page: str) -> list[list[str]]:
    try:
        state = json.loads(page)
    except ValueError:
        state = None
    items = state.get("items") if isinstance(state, dict) else None
    if (
        not isinstance(items, list)
        or not items
        or not all(
            isinstance(i, list) and len(i) == 4 and all(isinstance(x, str) for x in i) and _ID.match(i[0])
            for i in items
        )
    ):
        raise PermanentError("the stored Dynasty poll position is not one this connector wrote")
    return items
