"""CaseM's public pages: the item's URL (which results link to), and reading items from the pages where
the OData API does not answer.

No real HTML of a cloudnc page was available when this was written, only the text of ten real item pages
and their URLs (``samples/pages_text/``) and third-party reports of the markup; so the reading keys on
what those agree on and fails plainly when a page does not look like that:

* the front page ``/fi-FI`` links meetings as ``…/fi-FI/Toimielimet/<Body>/Kokous_<dmyyyy>`` with the text
  "<Body> - Kokous d.m.yyyy Pöytäkirja|Esityslista" (the date is read from the text: ``Kokous_1112025`` is
  ambiguous);
* a meeting page links its items as ``…/Kokous_<dmyyyy>/<TitleSlug>(<n>)``;
* an item page's main region is ``#ContentStart`` (the officer menu ``#Content_sidenaviArea`` before it is not
  part of it), and its text starts "<Body>, kokous d.m.yyyy", then "§ N Title", the diary number, and the
  sections ("Perustelut", "Päätösehdotus"/"Ehdotus", "Päätös", …).

Items read this way are keyed ``page:<path>``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, Protocol
from urllib.parse import unquote, urljoin, urlsplit

from climate_plugin.connectors.base import Change, FetchedItem, PollPage
from climate_plugin.connectors.common.html_pages import (
    charset_of,
    first_section,
    html_to_text,
    parse_html,
    split_sections,
)
from climate_plugin.connectors.common.meeting_window import finnish_date, held_in_window
from climate_plugin.outbound import PermanentError


class _Reader(Protocol):
    """What the page reader uses of its :class:`CaseMConnector` (a protocol, so the two modules do not
    import each other)."""

    base: str
    http: Any
    settings: Mapping[str, Any]

PAGE_PREFIX = "page:"
SITE = "/fi-FI"
_MEETING_PATH = re.compile(r"^/fi-FI/Toimielimet/[^/]+/Kokous_\d{5,8}/?$")
_ITEM_PATH = re.compile(r"^/fi-FI/Toimielimet/[^/]+/Kokous_\d{5,8}/[^/]+\(\d+\)$")
_HEADER = re.compile(
    r"^(?P<body>.+?),\s*(?:kokous|möte|meeting)\s+(?P<day>\d{1,2}\.\d{1,2}\.\d{4})\s*$", re.IGNORECASE
)
_TITLE = re.compile(r"^§\s*(?P<section>\d+)\s+(?P<title>.+)$")
_DIARY = re.compile(r"^[A-ZÅÄÖ]{2,8}(?:Dno|DNO|dno)-\d{4}-\d+$|^[A-ZÅÄÖ]{2,5}:\d+/[\d.]+/\d{4}$")
_FOLD = str.maketrans({"ä": "a", "ö": "o", "å": "a", "Ä": "A", "Ö": "O", "Å": "A"})
_ENTITY = {"ä": "auml", "ö": "ouml", "å": "aring", "Ä": "Auml", "Ö": "Ouml", "Å": "Aring"}


def _slug(text: str, letters: dict[str, str] | None) -> str:
    """CaseM's URL segments: spaces to "_", other punctuation dropped, ä/ö/å folded (items) or spelled as
    their entity names (bodies); seen in the real URLs of samples/pages_text."""
    out: list[str] = []
    for char in text:
        if letters is not None and char in letters:
            out.append(letters[char])
            continue
        char = char.translate(_FOLD)
        if char == " ":
            out.append("_")
        elif char.isascii() and (char.isalnum() or char == "_"):
            out.append(char)
        else:
            folded = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
            out.extend(c for c in folded if c.isalnum())
    return "".join(out)


def item_url(
    base: str, language: str, body: str, day: date | None, title: str, content_id: int
) -> str | None:
    """The item's public page, built as CaseM builds it: ``/fi-FI/Toimielimet/<Body>/Kokous_<dmyyyy>/
    <title, 40 characters>(<id>)``. That ``<id>`` is the OData ContentId is likely (both grow alike), not
    confirmed; the page is what results link to."""
    if day is None or not body:
        return None
    meeting = f"Kokous_{day.day}{day.month}{day.year}"
    return (
        f"{base}{SITE}/Toimielimet/{_slug(body, _ENTITY)}/{meeting}/{_slug(title, None)[:40]}({content_id})"
    )


def _day(text: str) -> date | None:
    return finnish_date(text)


def main_region(soup: Any) -> Any:
    """The item's own content: ``#ContentStart``, else ``<main>``, else the page without its menus."""
    for menu in soup.select("#Content_sidenaviArea, nav, header, footer, .right-content"):
        menu.decompose()
    return soup.find(id="ContentStart") or soup.find("main") or soup.body or soup


class CaseMPages:
    """The page-reading half of :class:`CaseMConnector` (its ``http``, settings and politeness)."""

    def __init__(self, connector: _Reader) -> None:
        self.connector = connector

    @property
    def base(self) -> str:
        return self.connector.base

    def _page(self, path: str) -> Any:
        response = self.connector.http.request("GET", self.base + path, headers={"Accept": "text/html"})
        return parse_html(response.content, charset_of(response.headers.get("Content-Type")))

    def _path(self, href: str) -> str | None:
        """The site path of a link on the site, or None for a link elsewhere."""
        target = urlsplit(urljoin(self.base + SITE + "/", href))
        if (target.scheme, target.netloc) != (urlsplit(self.base).scheme, urlsplit(self.base).netloc):
            return None
        return unquote(target.path).rstrip("/") or None

    # --- polling ---------------------------------------------------------------------------------
    def poll(self, since: datetime | None, until: datetime, page: str | None) -> PollPage:
        settings = self.connector.settings
        if page is None:
            meetings = [
                m
                for m in self._meetings()
                if held_in_window(m[1], since, until, settings["revisit_days"], settings["ahead_days"])
            ]
            if not meetings:
                return PollPage(changes=())
            remaining = [m[0] for m in meetings]
        else:
            remaining = _read_token(page)
        changes = [Change(PAGE_PREFIX + path, "upsert") for path in self._items(remaining[0])]
        rest = remaining[1:]
        return PollPage(changes=tuple(changes), next_page=json.dumps({"meetings": rest}) if rest else None)

    def _meetings(self) -> list[tuple[str, date]]:
        """(path, day) of the meetings the front page links, oldest first."""
        soup = self._page(SITE)
        found: dict[str, date] = {}
        wanted = {b.lower() for b in self.connector.settings["bodies"]}
        for link in soup.find_all("a", href=True):
            path = self._path(link["href"])
            text = html_to_text(link)
            day = _day(text)
            if path is None or day is None or not _MEETING_PATH.match(path):
                continue
            body = text.split(" - ")[0].strip().lower()
            if wanted and body not in wanted:
                continue
            found.setdefault(path, day)
        return sorted(found.items(), key=lambda pair: (pair[1], pair[0]))

    def _items(self, meeting_path: str) -> list[str]:
        soup = self._page(meeting_path)
        found: list[str] = []
        for link in soup.find_all("a", href=True):
            path = self._path(link["href"])
            if path and _ITEM_PATH.match(path) and path.startswith(meeting_path + "/") and path not in found:
                found.append(path)
        return found

    # --- one item --------------------------------------------------------------------------------
    def fetch_item(self, external_id: str) -> FetchedItem | None:
        path = external_id[len(PAGE_PREFIX) :]
        if not _ITEM_PATH.match(path):
            raise PermanentError(f"{external_id[:120]!r} is not a CaseM item page")
        try:
            soup = self._page(path)
        except PermanentError as e:
            if e.status in (404, 410):
                return None
            raise
        text = html_to_text(main_region(soup))
        lines = text.split("\n")
        body = day = None
        title = section = diary = None
        start = 0
        for index, line in enumerate(lines[:12]):
            header = _HEADER.match(line)
            if header and body is None:
                body, day = header["body"].strip(), _day(header["day"])
                continue
            found = _TITLE.match(line)
            if found and title is None:
                section, title, start = found["section"], found["title"].strip(), index + 1
                continue
            if title is not None and diary is None and _DIARY.match(line.strip()):
                diary, start = line.strip(), index + 1
        if title is None:
            raise PermanentError(
                f"the CaseM page {path[:120]} has no '§ N Title' line: it is not an item page this connector "
                "can read"
            )
        content = "\n".join(lines[start:])
        sections = split_sections(content)
        return FetchedItem(
            external_id=external_id,
            title=title[:1000],
            body=(f"Dno {diary}\n" if diary else "") + content,
            language="fi",
            meeting=f"{body} {day.day}.{day.month}.{day.year}"[:500] if body and day else None,
            url=self.base + path,
            committee=body[:500] if body else None,
            extra={
                k: v
                for k, v in {
                    "section": section,
                    "diary_number": diary,
                    "stage": "minutes" if "Pöytäkirja on tarkastettu" in lines[:6] else "agenda",
                    "proposal": first_section(sections, "proposal"),
                    "decision": first_section(sections, "decision"),
                }.items()
                if v
            },
        )

    def test_connection(self) -> None:
        if not self._meetings():
            raise PermanentError(
                f"the CaseM front page {self.base}{SITE} links no meetings "
                "(…/Toimielimet/<body>/Kokous_<date>): check base_url"
            )


def is_page_token(page: str) -> bool:
    try:
        return bool(_read_token(page))
    except PermanentError:
        return False


def _read_token(page: str) -> list[str]:
    try:
        state = json.loads(page)
    except ValueError:
        state = None
    meetings = state.get("meetings") if isinstance(state, dict) else None
    if (
        not isinstance(meetings, list)
        or not meetings
        or not all(isinstance(m, str) and _MEETING_PATH.match(m) for m in meetings)
    ):
        raise PermanentError("the stored CaseM poll position is not one this connector wrote")
    return meetings
