"""A fake Dynasty 10 publication: ``/cgi/DREQUEST.PHP`` answering ``page=rss/meetingitems`` and
``page=meetingitem&id=…``, and ``/kokous/<id>.PDF`` attachments.

Item pages:

* four Dynasty 10 items (Länsi-Uusimaa, HSY, Jämsä, Virolahti) with the real page texts of
  ``samples/pages_text/``, in the markup third parties report for Dynasty 10 (``<!--DATABEGIN-->``,
  ``table.tbl.navigation``, ``div.data-part-block-htm``): no real Dynasty 10 HTML is available;
* two Espoo items, served byte for byte from the real 2017 pages of ``samples/static_kokous_html_espoo2017/``
  (windows-1252, Word-exported sections), only their links moved to this host: Dynasty's own item markup.

The feed lists them newest first in the shape of the real (trimmed) Kokkola feed, ISO-8859-1 as real feeds
are. Knobs: :meth:`delete` (404, gone from the feed), :meth:`change` (new text on a page), ``broken`` (item
ids answered with an error page), ``robots_txt``.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

from climate_plugin.connectors.common.fake_http import Answer, FakeHttpHost, Request
from climate_plugin.connectors.common.meeting_window import finnish_date
from climate_plugin.connectors.common.pdf import make_pdf

SAMPLES = Path(__file__).parent / "samples"
ESPOO_HOST = b"http://espoo04.hosting.documenta.fi"

#: item id → (body, meeting day, title, where the page comes from); titles as the pages show them
ITEMS: dict[str, tuple[str, str, str, str]] = {
    "2023277-5": (
        "Aluehallitus",
        "04.12.2023",
        "Yhteistoimintaneuvottelujen tuloksen hyväksyminen osana vuoden 2024 talousarviovalmistelua "
        "ja talouden tasapainottamistoimenpiteitä",
        "luhva",
    ),
    "2023337-4": (
        "Kaupunginhallitus",
        "04.12.2023",
        "Henkilöstö- ja koulutussuunnitelma 2024 sekä jämsäläisen hyvän työn mallin vuosisuunnitelma 2024",
        "jamsa",
    ),
    "2024427-4": (
        "Virolahden kunnanhallitus",
        "06.05.2024",
        "Oikaisuvaatimus / Kaavoitusaloite / Vaalimaan asemakaava-alueen kiinteistön 935-429-5-58 "
        "korttelin 200 muuttaminen KL liikerakennusten korttelialueesta KTY toimitilarakennusten "
        "korttelialueeksi",
        "virolahti",
    ),
    "202041-2": (
        "Hallitus",
        "09.10.2020",
        "Osavuosikatsaus 1.1.-31.8.2020 (esitys yhtymäkokoukselle, AK)",
        "hsy10",
    ),
    "2017406946-3": (
        "Kaupunginhallitus",
        "08.05.2017",
        "Espoon kaupungin hallintosäännön hyväksyminen (Kv-asia) (Pöydälle 10.4.2017)",
        "espoo",
    ),
    "2017409886-4": (
        "Kaupunginhallitus",
        "29.05.2017",
        "Valtuustoaloite konserniohjeen päivittämisestä (Kv-asia)",
        "espoo",
    ),
}


class DynastyFakeHost(FakeHttpHost):
    def __init__(self) -> None:
        self.items = dict(ITEMS)
        self.broken: set[str] = set()
        self.pages: dict[str, tuple[bytes, str]] = {}
        super().__init__()
        texts = json.loads(
            (SAMPLES / "pages_text" / "dynasty10_meetingitem_pages_text.json").read_text(encoding="utf-8")
        )["pages"]
        for page in texts:
            item_id = page["url"].split("id=")[1].split("&")[0]
            self.pages[item_id] = (_dynasty10_page(page["text"]).encode("utf-8"), "text/html; charset=UTF-8")
        for item_id in ("2017406946-3", "2017409886-4"):
            raw = (SAMPLES / "static_kokous_html_espoo2017" / f"{item_id}.HTM").read_bytes()
            self.pages[item_id] = (
                raw.replace(ESPOO_HOST, self.base_url.encode()),
                "text/html; charset=windows-1252",
            )

    # --- knobs -----------------------------------------------------------------------------------
    def delete(self, external_id: str) -> None:
        with self.lock:
            self.items.pop(external_id, None)
            self.pages.pop(external_id, None)

    def change(self, item_id: str, old: str, new: str) -> None:
        """Replace text on an item's page (e.g. a decision added to the minutes)."""
        with self.lock:
            raw, content_type = self.pages[item_id]
            encoding = "windows-1252" if "1252" in content_type else "utf-8"
            self.pages[item_id] = (raw.replace(old.encode(encoding), new.encode(encoding)), content_type)

    # --- answering -------------------------------------------------------------------------------
    def answer(self, request: Request) -> Answer:
        if request.path.upper().startswith("/KOKOUS/") and request.path.upper().endswith(".PDF"):
            return self._pdf(request.path)
        if request.path != "/cgi/DREQUEST.PHP":
            return self.not_found()
        params = request.params
        if params.get("page") == "rss/meetingitems":
            return self._feed(int(params.get("show") or 30))
        if params.get("page") == "meetingitem":
            item_id = params.get("id", "")
            if item_id in self.broken:
                return Answer(200, b"<html><body><p>Virhe: tietokantayhteys katkesi.</p></body></html>")
            page = self.pages.get(item_id)
            return Answer(200, page[0], page[1]) if page else self.not_found()
        return Answer(200, b"")  # Dynasty answers unknown pages with nothing at all

    def _feed(self, show: int) -> Answer:
        newest = sorted(self.items.items(), key=lambda kv: (finnish_date(kv[1][1]), kv[0]), reverse=True)
        entries = "".join(
            f"<item><title><![CDATA[{body} {day} / {title}]]></title><description><![CDATA[{title}]]>"
            f"</description><link><![CDATA[{self.base_url}/cgi/DREQUEST.PHP?page=meetingitem&id={item_id}]]>"
            "</link></item>"
            for item_id, (body, day, title, _) in newest[:show]
        )
        feed = (
            "<?xml version='1.0' encoding='iso-8859-1'?><rss version='2.0'><channel>"
            "<title><![CDATA[Dynasty]]></title><description><![CDATA[Dynasty - Kokousasiat]]></description>"
            f"<link><![CDATA[{self.base_url}/cgi/DREQUEST.PHP?page=meeting_frames]]></link>{entries}"
            "</channel></rss>"
        )
        return Answer(200, feed.encode("iso-8859-1", "replace"), "text/xml; charset=iso-8859-1")

    def _pdf(self, path: str) -> Answer:
        name = path.rsplit("/", 1)[1]
        for raw, _ in self.pages.values():
            if name.encode() in raw:
                return Answer(200, make_pdf([[f"Liite {name}", "Espoon kaupunki"]]), "application/pdf")
        return self.not_found()


def _dynasty10_page(text: str) -> str:
    """A Dynasty 10 item page around a real page text: the site's header and RSS links outside the data
    markers, the item inside, one paragraph a line."""
    lines = [line.strip() for line in text.split("\n")]
    start = next(
        i - 1 for i, line in enumerate(lines) if line.startswith(("Pöytäkirja ", "Esityslista ")) and i > 0
    )
    chrome = "".join(f"<div>{html.escape(line)}</div>" for line in lines[:start] if line)
    heading = f"<p class='hdr'>{html.escape(lines[start])}<br>{html.escape(lines[start + 1])}</p>"
    navigation = (
        "<table class='tbl navigation'><caption>Navigointi</caption><tr><td>"
        "<a href='DREQUEST.PHP?page=meetingitem&amp;id=1-1'>Edellinen asia</a> | "
        "<a href='DREQUEST.PHP?page=meetingitem&amp;id=1-2'>Seuraava asia</a></td></tr></table>"
    )
    body = "".join(f"<p>{html.escape(line)}</p>" for line in lines[start + 2 :] if line)
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><meta name='robots' content='noindex, nofollow'>"
        f"<title>Dynasty tietopalvelu</title></head><body>{chrome}<!--DATABEGIN-->{heading}{navigation}"
        f"<div class='data-part-block-htm'>{body}</div><!--DATAEND--></body></html>"
    )
