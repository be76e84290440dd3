"""Reading the HTML pages of public decision sites: the text of a page and the sections in it.

Finnish meeting systems print an agenda item as free text under headings ("Päätösehdotus", "Päätös", …),
in HTML exported from Word or typed into a rich-text field, with named entities (``&auml;``, ``&sect;``)
and non-breaking spaces. There are no structured fields, so what the connectors need is:

* :func:`parse_html`: bytes as the host sent them into a tree, the encoding taken from the HTTP header,
  else from the page (old pages are windows-1252);
* :func:`html_to_text`: the text a reader sees, one paragraph a line;
* :func:`split_sections`: that text cut at the headings a municipality's template uses, so the proposal
  and the decision can be told apart. Headings differ per municipality and per language, so the names are
  a list, and a heading is recognised only as the first word(s) of a line.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

#: elements whose content is not text a reader sees
_INVISIBLE = ("script", "style", "noscript", "template", "head", "title", "meta", "link")
#: elements that start a new line of text
_BLOCKS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "caption",
        "dd",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    }
)
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

#: headings of Finnish and Swedish agenda item templates, grouped by what they hold. The keys are what the
#: connectors call the parts; the order within a list does not matter (longest match wins).
HEADINGS: dict[str, tuple[str, ...]] = {
    "proposal": (
        "Päätösehdotus",
        "Päätösesitys",
        "Ehdotus",
        "Esitys",
        "Pohjaesitys",
        "Beslutsförslag",
        "Förslag",
        "Proposal",
    ),
    "decision": ("Päätös", "Beslut", "Decision"),
    "description": (
        "Selostus",
        "Perustelut",
        "Kuvaus",
        "Tiivistelmä",
        "Esittelyteksti",
        "Asian valmistelu",
        "Valmistelu",
        "Beredning",
        "Motivering",
        "Beskrivning",
        "Ärendebeskrivning",
        "Description",
    ),
    "handling": ("Käsittely", "Behandling"),
    "presenter": ("Esittelijä", "Föredragande"),
    "preparer": ("Valmistelija", "Valmistelijat", "Valmistelijat ja lisätiedot", "Lisätiedot", "Beredare"),
    "appeal": ("Muutoksenhaku", "Muutoksenhakuohje", "Oikaisuvaatimusohje", "Ändringssökande"),
    "attachments": ("Liitteet", "Liite", "Oheismateriaali", "Oheisaineisto", "Bilagor", "Bilaga"),
    "inform": ("Tiedoksi", "Tiedoksi ja toimenpiteitä varten", "För kännedom"),
    "history": ("Päätöshistoria", "Aikaisempi käsittely", "Tidigare behandling"),
}


def parse_html(content: bytes | str, charset: str | None = None) -> BeautifulSoup:
    """A parse tree of a page; ``charset`` from the Content-Type header wins over the page's own."""
    if isinstance(content, str):
        return BeautifulSoup(content, "html.parser")
    return BeautifulSoup(content, "html.parser", from_encoding=charset or None)


def decode_html(content: bytes, charset: str | None = None) -> str:
    """A page's text: the header's charset if it has one, else the page's own declaration, else a guess
    (UTF-8, then windows-1252, which old Finnish pages use)."""
    from bs4 import UnicodeDammit

    known = [charset] if charset else []
    dammit = UnicodeDammit(
        content, known_definite_encodings=known, is_html=True, user_encodings=["utf-8", "windows-1252"]
    )
    return dammit.unicode_markup or content.decode("utf-8", "replace")


def charset_of(content_type: str | None) -> str | None:
    """The ``charset`` parameter of a Content-Type header, or None."""
    for part in (content_type or "").split(";")[1:]:
        name, _, value = part.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None


def html_to_text(node: Any) -> str:
    """The visible text of an HTML string, tree or element: paragraphs on lines, spaces collapsed."""
    if node is None:
        return ""
    if isinstance(node, str) and not isinstance(node, NavigableString):
        if "<" not in node and "&" not in node:
            return clean_text(node)
        node = BeautifulSoup(node, "html.parser")
    parts: list[str] = []
    _walk(node, parts)
    return clean_text("".join(parts))


def _walk(node: Any, parts: list[str]) -> None:
    if isinstance(node, Comment):
        return
    if isinstance(node, NavigableString):
        # newlines inside a paragraph are the source's line wrapping, not the reader's
        parts.append(str(node).replace("\n", " "))
        return
    if not isinstance(node, Tag):
        return
    if node.name in _INVISIBLE:
        return
    block = node.name in _BLOCKS
    if block:
        parts.append("\n")
    if node.name in ("td", "th"):
        parts.append(" ")
    for child in node.children:
        _walk(child, parts)
    if block:
        parts.append("\n")


def clean_text(text: str) -> str:
    """Spaces collapsed within lines, empty lines dropped, control characters gone."""
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


@dataclass(frozen=True)
class Section:
    """One part of an item's text: the heading as printed (None for the text before the first heading),
    what kind of part it is (a key of :data:`HEADINGS`, or None), and its text."""

    heading: str | None
    kind: str | None
    text: str


def _heading_pattern(names: Iterable[str]) -> re.Pattern[str]:
    alternatives = sorted({re.escape(n) for n in names}, key=len, reverse=True)
    # the heading, then the end of the line, a colon, or spaces and more text on the same line (the
    # presenter's name after "Päätösehdotus", as Dynasty prints it)
    return re.compile(rf"^(?P<heading>{'|'.join(alternatives)})(?:\s*:)?(?=$|\s)\s*(?P<rest>.*)$")


_DEFAULT_PATTERN = _heading_pattern(n for names in HEADINGS.values() for n in names)
_KIND_OF = {name.lower(): kind for kind, names in HEADINGS.items() for name in names}


def split_sections(text: str, headings: Sequence[str] | None = None) -> list[Section]:
    """``text`` cut at lines that start with a heading (:data:`HEADINGS`, or the given names).

    A line is a heading only if the heading is its first word(s) and it is short (a heading followed by a
    presenter's name counts; a sentence that starts with "Päätös" and goes on for a paragraph does not).
    """
    pattern = _heading_pattern(headings) if headings is not None else _DEFAULT_PATTERN
    sections: list[Section] = []
    heading: str | None = None
    lines: list[str] = []
    for line in text.split("\n"):
        found = pattern.match(line.strip())
        if found and len(line) <= 120 and not line.rstrip().endswith("."):
            if heading is not None or lines:
                sections.append(Section(heading, _KIND_OF.get((heading or "").lower()), "\n".join(lines)))
            heading = found.group("heading")
            # what follows on the heading's line (Dynasty prints the presenter there) opens the section
            rest = found.group("rest").strip()
            lines = [rest] if rest else []
            continue
        lines.append(line)
    if heading is not None or lines:
        sections.append(Section(heading, _KIND_OF.get((heading or "").lower()), "\n".join(lines)))
    return sections


def first_section(sections: Sequence[Section], kind: str) -> str:
    """The text of the first section of ``kind`` ("proposal", "decision", …), or ""."""
    for section in sections:
        if section.kind == kind and section.text.strip():
            return section.text.strip()
    return ""
