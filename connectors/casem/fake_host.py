"""A fake CaseM host: the real OData answers of Mikkeli (June 2017) from ``samples/mikkeli_2017/``, and
public pages built around the real item-page texts of ``samples/pages_text/``.

The OData requests are answered in any parameter order and encoding. What the samples do not cover is
answered as a real OData server would (an empty ``value`` list), or, with ``strict=True``, with 404 as a
host that only knows the samples would. Knobs for tests: :meth:`delete` and :meth:`change` a content,
``api_off`` (the API answers 404, so ``source: auto`` reads the pages), ``broken`` (paths answered with a
page that is neither JSON nor an item), ``robots_txt``.
"""

from __future__ import annotations

import copy
import html
import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from climate_plugin.connectors.common.fake_http import Answer, FakeHttpHost, Request
from climate_plugin.connectors.common.pdf import make_pdf

SAMPLES = Path(__file__).parent / "samples"
MIKKELI = SAMPLES / "mikkeli_2017"
ROOT, BODY, FOLDER, MEETING = 10717, 11217, 11218, 12381
_NODES = re.compile(r"^/api/opennc/v1/Nodes(?:\((\d+)\)/SubNodes\(\))?$")
_SUBNODES = re.compile(r"^/api/opennc/v1/Nodes\((\d+)\)/SubNodes\((\d+)\)/SubNodes\(\)$")
_MEETINGS = re.compile(r"^/api/opennc/v1/Nodes\((\d+)\)/SubNodes\((\d+)\)/SubNodes\((\d+)\)/SubNodes\(\)$")
_PROPS = re.compile(r"^/api/opennc/v1/Contents\((\d+)\)/ExtendedProperties$")
_FILTER = re.compile(r"^Classifications/any\(f:f/NodeId eq (\d+)\)$")
_DOWNLOAD = re.compile(r"^/download/noname/\{([0-9a-fA-F-]{36})\}/(\d+)$")


def _load(name: str) -> Any:
    return json.loads((MIKKELI / name).read_text(encoding="utf-8"))


def _odata(entity: str, values: list[Any]) -> Answer:
    body = {"odata.metadata": f"http://mikkeli.cloudnc.fi/api/opennc/v1/$metadata#{entity}", "value": values}
    return Answer(200, json.dumps(body).encode(), "application/json; odata=minimalmetadata; charset=utf-8")


class CaseMFakeHost(FakeHttpHost):
    def __init__(self, strict: bool = False) -> None:
        self.strict = strict
        self.api_off = False
        self.broken: set[str] = set()
        self.nodes = _load("GET_Nodes.json")["value"]
        self.bodies = _load("GET_Nodes(10717)_SubNodes()__bodies.json")["value"]
        self.folders = _load("GET_Nodes(10717)_SubNodes(11217)_SubNodes()__meetings_folder.json")["value"]
        self.meetings = _load("GET_Nodes(10717)_SubNodes(11217)_SubNodes(11218)_SubNodes()__meetings.json")[
            "value"
        ]
        self.contents: dict[int, list[dict[str, Any]]] = {
            MEETING: _load("GET_Contents()_filter_Classifications_any_NodeId_eq_12381__meeting_items.json")[
                "value"
            ]
        }
        self.properties: dict[int, list[dict[str, Any]]] = {}
        for path in MIKKELI.glob("GET_Contents(*)_ExtendedProperties.json"):
            content_id = int(path.name.split("(")[1].split(")")[0])
            self.properties[content_id] = json.loads(path.read_text(encoding="utf-8"))["value"]
        self.pages = _pages()
        super().__init__()

    # --- knobs -----------------------------------------------------------------------------------
    def content_ids(self) -> list[int]:
        return [c["ContentId"] for c in self.contents[MEETING]]

    def delete(self, external_id: str) -> None:
        """Remove a content as CaseM does: gone from its meeting's listing and from the API."""
        content_id = int(external_id.rsplit("/", 1)[1])
        with self.lock:
            for listed in self.contents.values():
                listed[:] = [c for c in listed if c["ContentId"] != content_id]
            self.properties.pop(content_id, None)

    def change(self, content_id: int, edited: datetime, touch_meeting: bool = True, **texts: str) -> None:
        """Edit a content: new property texts (e.g. ``Decision``) and a new ``EditedDate`` (Helsinki time);
        with ``touch_meeting``, the meeting node's ``Date`` moves too, as it does when CaseM publishes."""
        stamp = edited.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]
        with self.lock:
            for content in self.contents[MEETING]:
                if content["ContentId"] == content_id:
                    content["EditedDate"] = stamp
            if touch_meeting:
                for node in self.meetings:
                    if node["NodeId"] == MEETING:
                        node["Date"] = stamp
            for prop in self.properties[content_id]:
                if prop["Name"] in texts:
                    prop["Text"] = texts[prop["Name"]]

    # --- answering -------------------------------------------------------------------------------
    def answer(self, request: Request) -> Answer:
        path = unquote(request.path)
        if path in self.broken:
            return Answer(200, b"<html><body>Palvelussa on h\xe4iri\xf6.</body></html>", "text/html")
        if path.startswith("/api/opennc/v1/"):
            if self.api_off:
                return self.not_found()
            if request.params.get("$format") != "json":
                return Answer(200, b'<?xml version="1.0"?><feed/>', "application/atom+xml")
            return self._api(path, request.params)
        found = _DOWNLOAD.match(path)
        if found:  # no attachment file is sampled: a host that knows only the samples has none
            return self.not_found() if self.strict else self._download(int(found[2]))
        page = self.pages.get(path.rstrip("/"))
        if page is not None:
            return Answer(200, page.encode("utf-8"))
        return self.not_found()

    def _empty(self, entity: str) -> Answer:
        return self.not_found() if self.strict else _odata(entity, [])

    def _api(self, path: str, params: dict[str, str]) -> Answer:
        found = _NODES.match(path)
        if found:
            if found[1] is None:
                return _odata("Nodes", self.nodes)
            return _odata("Nodes", self.bodies) if int(found[1]) == ROOT else self._empty("Nodes")
        found = _SUBNODES.match(path)
        if found:
            if (int(found[1]), int(found[2])) == (ROOT, BODY):
                return _odata("Nodes", self.folders)
            return self._empty("Nodes")
        found = _MEETINGS.match(path)
        if found:
            if tuple(int(g) for g in found.groups()) == (ROOT, BODY, FOLDER):
                return _odata("Nodes", self.meetings)
            return self._empty("Nodes")
        if path == "/api/opennc/v1/Contents()":
            where = _FILTER.match(params.get("$filter", ""))
            if where is None:
                return Answer(
                    400, b'{"odata.error": {"message": {"value": "bad $filter"}}}', "application/json"
                )
            listed = self.contents.get(int(where[1]))
            return (
                _odata("Contents", copy.deepcopy(listed)) if listed is not None else self._empty("Contents")
            )
        found = _PROPS.match(path)
        if found:
            props = self.properties.get(int(found[1]))
            return (
                _odata("ExtendedProperties", copy.deepcopy(props)) if props is not None else self.not_found()
            )
        return self.not_found()

    def _download(self, file_id: int) -> Answer:
        for props in self.properties.values():
            for prop in props:
                text = prop.get("Text") or ""
                if prop["Name"] in ("Attachments", "AgendaAttachment") and f"ID={file_id}&" in text:
                    name = html.unescape(re.sub(r"<[^>]+>", "", text)).strip()
                    title = props[0]["Text"] if props[0]["Name"] == "Name" else name
                    pdf = make_pdf([[name, f"Liite asiaan: {title}"]])
                    return Answer(
                        200, pdf, "application/pdf", {"Content-Disposition": f'image;filename="{name}"'}
                    )
        return self.not_found()


# --- the public pages ------------------------------------------------------------------------------
def _pages() -> dict[str, str]:
    """Item pages with the real texts of samples/pages_text at their real paths, the meeting pages and a
    front page linking them, in the markup third-party readers of cloudnc report (no real HTML exists)."""
    captured = json.loads(
        (SAMPLES / "pages_text" / "cloudnc_item_pages_text.json").read_text(encoding="utf-8")
    )
    pages: dict[str, str] = {}
    front: list[str] = []
    for page in captured["pages"]:
        path = unquote(urlsplit(page["url"]).path)
        if not re.match(r"^/fi-FI/Toimielimet/[^/]+/Kokous_\d+/[^/]+\(\d+\)$", path):
            continue  # the /content/ form and the news page: no meeting to list them under
        text = page["text"]
        header = next((line for line in text.split("\n") if ", kokous " in line), "")
        body, _, day = header.partition(", kokous ")
        meeting = path.rsplit("/", 1)[0]
        title = next((line for line in text.split("\n") if line.startswith("§")), path)
        paragraphs = "".join(f"<p>{html.escape(line)}</p>" for line in text.split("\n") if line.strip())
        pages[path] = _layout(
            f'<div class="span6 center-content" id="ContentStart" role="main">{paragraphs}</div>'
        )
        pages[meeting] = _layout(
            f'<h1>{html.escape(header)}</h1><ul><li><a href="{html.escape(path)}">{html.escape(title)}</a>'
            "</li></ul>"
        )
        stage = "Pöytäkirja" if "Pöytäkirja on tarkastettu" in text else "Esityslista"
        front.append(
            f'<li><a href="{html.escape(meeting[len("/fi-FI/") :])}">'
            f"{html.escape(body)} - Kokous {html.escape(day)} {stage}</a></li>"
        )
    pages["/fi-FI"] = _layout(
        '<div id="Content_ctl00_ncContainer"><div><div><ul>' + "".join(front) + "</ul></div></div></div>"
    )
    return pages


def _layout(content: str) -> str:
    menu = "".join(f'<li><a href="/fi-FI/Viranhaltijat/V{n}">Viranhaltija {n}</a></li>' for n in range(20))
    return (
        '<!DOCTYPE html><html lang="fi"><head><meta charset="utf-8"><title>CaseM</title>'
        '<meta name="robots" content="noindex"></head><body><header><a href="/fi-FI">Etusivu</a></header>'
        f'<div id="Content_sidenaviArea"><ul>{menu}</ul></div>{content}'
        '<div class="span3 right-content"><a href="/fi-FI/haku">Haku</a></div><footer>CaseM</footer>'
        "</body></html>"
    )
