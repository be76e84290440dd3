"""A fake Tweb publication on the classic path ``/ktwebbin/dbisa.dll/ktwebscr/``, serving the real 2017
pages of Oulu (default) or Vantaa from ``samples/``, byte for byte (windows-1252) with their links moved to
this host.

What the samples do not cover, made in the samples' own markup:

* the meeting list is the real one, cut to the ``pvm1``/``pvm2`` window a real server filters by; other
  bodies have an empty list;
* meetings without a sampled item list have an empty one; Oulu's meeting 20.2.2017 (``bid=12626``) lists
  § 53 "Suomi 100 -juhlavuoden juhlapäätös", whose real document (a two-page PDF) is the one sampled;
* the other documents are PDFs holding only their item's title (their real PDFs are not sampled), and an
  item's attachment list ``epjattn_tweb.htm?<docid>`` lists as many PDFs as its "N kpl" says.

Knobs: :meth:`delete` (the row goes from its list), ``broken`` (document ids answered with an HTML error page
instead of a PDF), ``robots_txt``.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from climate_plugin.connectors.common.fake_http import Answer, FakeHttpHost, Request
from climate_plugin.connectors.common.meeting_window import finnish_date
from climate_plugin.connectors.common.pdf import make_pdf

SAMPLES = Path(__file__).parent / "samples"
SCR = "/ktwebbin/dbisa.dll/ktwebscr"
PROXY = "/ktwebbin/ktproxy2.dll"
INSTALLS = {
    "oulu": {
        "host": b"http://asiakirjat.ouka.fi",
        "query": "html_oulu_2017/oulu_tweb_haku.html",
        "meetings": "html_oulu_2017/oulu_tweb_kaupunginhallitus_kokoukset.html",
        "body": "690",
        "items": {"12867": "html_oulu_2017/oulu_tweb_kaupunginhallitus_5_2017.html"},
        "pdf": ("395959398", "html_oulu_2017/ktproxy2_doctype3_docid395959398.pdf"),
    },
    "vantaa": {
        "host": b"http://paatokset.vantaa.fi",
        "query": "html_vantaa_2017/vantaa_tweb_haku.html",
        "meetings": "html_vantaa_2017/vantaa_tweb_kaupunginhallitus_kokoukset.html",
        "body": "55015.000000",
        "items": {"130013": "html_vantaa_2017/vantaa_tweb_kaupunginhallitus_20_3_2017.html"},
        "pdf": None,
    },
}
SUOMI_100 = ("12626", "53", "Suomi 100 -juhlavuoden juhlapäätös")
_ROW = re.compile(rb"<tr class=\"data[01]\">.*?</tr>", re.DOTALL)


class TwebFakeHost(FakeHttpHost):
    def __init__(self, install: str = "oulu") -> None:
        self.install = INSTALLS[install]
        self.broken: set[str] = set()
        self.deleted: set[str] = set()
        super().__init__()
        self.pages: dict[str, bytes] = {}
        for name in ("query", "meetings"):
            self.pages[name] = self._local(self.install[name])
        self.lists = {bid: self._local(path) for bid, path in self.install["items"].items()}
        if install == "oulu":
            self.lists[SUOMI_100[0]] = self._one_row_list()

    def _local(self, name: str) -> bytes:
        return (SAMPLES / name).read_bytes().replace(self.install["host"], self.base_url.encode())

    def _one_row_list(self) -> bytes:
        """The unsampled list of Oulu's meeting 20.2.2017, in the real list's markup, with the one item
        whose document is sampled."""
        page = self.lists["12867"]
        rows = _ROW.findall(page)
        bid, section, title = SUOMI_100
        row = (
            b'<tr class="data0">\n<td class="data_pykala">' + section.encode() + b'</td>\n<td class="data">'
            b'<a target="_blank" href="'
            + self.base_url.encode()
            + PROXY.encode()
            + b'?doctype=3&amp;docid=395959398">'
            + title.encode("cp1252")
            + b'</a></td>\n<td class="data">-</td>\n</tr>'
        )
        page = page.replace(rows[0], row, 1)
        for extra in rows[1:]:
            page = page.replace(extra, b"", 1)
        return page.replace(b"5/2017<br>27.3.2017", b"4/2017<br>20.2.2017")

    # --- knobs -----------------------------------------------------------------------------------
    def delete(self, external_id: str) -> None:
        with self.lock:
            self.deleted.add(external_id.split("/")[1])

    # --- answering -------------------------------------------------------------------------------
    def answer(self, request: Request) -> Answer:
        html = "text/html; charset=windows-1252"
        if request.path in (f"{SCR}/pk_tek_tweb.htm", f"{SCR}/epj_tek_tweb.htm"):
            return Answer(200, self.pages["query"], html)
        if request.path in (f"{SCR}/pk_kokl_tweb.htm", f"{SCR}/epj_kokl_tweb.htm"):
            if request.method != "POST":
                return Answer(405, b"POST only", "text/plain")
            return Answer(200, self._meetings(request.params), html)
        if request.path in (f"{SCR}/pk_asil_tweb.htm", f"{SCR}/epj_asil_tweb.htm"):
            found = re.fullmatch(r"\+bid=(\d+)", request.query)
            if not found:
                return Answer(400, b"bad request", "text/plain")
            return Answer(200, self._items(found[1]), html)
        if request.path == f"{SCR}/epjattn_tweb.htm" and request.query.isdigit():
            return Answer(200, self._attachment_list(request.query), html)
        if request.path == PROXY:
            return self._document(request.params.get("docid", ""))
        return self.not_found()

    def _meetings(self, form: dict[str, str]) -> bytes:
        page = self.pages["meetings"]
        first, last = finnish_date(form.get("pvm1", "")), finnish_date(form.get("pvm2", ""))
        for row in _ROW.findall(page):
            day = finnish_date(row.decode("cp1252"))
            keep = (
                form.get("kirjaamo") == self.install["body"]
                and day is not None
                and ((first is None or day >= first) and (last is None or day <= last))
            )
            if not keep:
                page = page.replace(row, b"", 1)
        return page

    def _items(self, bid: str) -> bytes:
        page = self.lists.get(bid)
        if page is None:  # a meeting whose list is not sampled: the real list's frame, no rows
            page = next(iter(self.lists.values()))
            for row in _ROW.findall(page):
                page = page.replace(row, b"", 1)
            return page
        for docid in self.deleted:
            for row in _ROW.findall(page):
                if f'docid={docid}"'.encode() in row:
                    page = page.replace(row, b"", 1)
        return page

    def _title(self, docid: str) -> str | None:
        for page in self.lists.values():
            found = re.search(rf'docid={docid}">([^<]*)</a>'.encode(), page)
            if found:
                return found[1].decode("cp1252")
        return None

    def _attachment_list(self, docid: str) -> bytes:
        count = 0
        for page in self.lists.values():
            found = re.search(rf"epjattn_tweb\.htm\?{docid}\">(\d+) kpl".encode(), page)
            count = int(found[1]) if found else count
        rows = "".join(
            f'<tr class="data{k % 2}"><td class="data"><a href="{PROXY}?doctype=3&amp;docid={docid}{k}">'
            f"Liite {k}</a></td></tr>"
            for k in range(1, count + 1)
        )
        return (
            f'<html><body><table class="list"><tr class="colheader"><td class="colheader">Liitteet</td>'
            f"</tr>{rows}</table></body></html>"
        ).encode("cp1252")

    def _document(self, docid: str) -> Answer:
        if docid in self.broken:
            return Answer(
                200, b"<html><body>Asiakirjaa ei voida n\xe4ytt\xe4\xe4.</body></html>", "text/html"
            )
        sampled = self.install["pdf"]
        if sampled and docid == sampled[0]:
            return Answer(
                200,
                (SAMPLES / sampled[1]).read_bytes(),
                "application/pdf",
                {"Content-Disposition": f'inline; filename="{docid}.pdf"'},
            )
        title = self._title(docid)
        if title is None and docid[:-1] and self._title(docid[:-1]) is not None:
            title = f"Liite {docid[-1]}: {self._title(docid[:-1])}"
        if title is None:
            return self.not_found()
        return Answer(200, make_pdf([[title]]), "application/pdf")


def sampled_rows(host: TwebFakeHost, bid: str) -> dict[str, str]:
    """``{docid: title}`` of the items (rows with a §) of a meeting the host lists."""
    found: dict[str, str] = {}
    for row in _ROW.findall(host.lists[bid]):
        text = row.decode("cp1252")
        cells = re.findall(r"<td[^>]*>(.*?)</td>", text, re.DOTALL)
        link = re.search(r'docid=(\d+)">([^<]*)</a>', text)
        if cells and re.sub(r"<[^>]+>", "", cells[0]).strip().isdigit() and link:
            found[link[1]] = " ".join(html.unescape(link[2]).split())  # line breaks are spaces to a reader
    return found
