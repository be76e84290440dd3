"""The parts of an agenda text: preparation, proposal, decision, and the boilerplate every item carries.

Real agenda items and decisions follow one pattern in all three languages: a heading (the title), the
preparation text (background, reasoning), the proposal, the decision, and then boilerplate that says nothing
about what is decided: who prepared it and how to reach them, appeal instructions, extracts and
distribution lists, signatures, attachment lists and instructions to the reader. Agenda systems store this
as HTML with headings on their own lines; minutes copied from PDF files run it together on one line
("... Päätösehdotus Todetaan ... Päätös: Hyväksyttiin. Muutoksenhaku ..."). Both are found the same way: a
heading word, capitalised, where a heading can stand (start of text or line, after a sentence end, or before
a colon or a capitalised word), starts a part that runs to the next heading.

Screening reads the proposal and the decision first, the preparation text next, and the boilerplate not at
all; contact lines (name, title, e-mail or phone), links and attachment file names are dropped wherever they
stand, since a job title or a file name is not what is decided.
"""

from __future__ import annotations

import re

PREPARATION, PROPOSAL, DECISION, BOILERPLATE = "preparation", "proposal", "decision", "boilerplate"
ZONES: tuple[str, ...] = (PREPARATION, PROPOSAL, DECISION, BOILERPLATE)
# A contact line or an attachment list ("Valmistelija …, e-mail", "Liitteet 1 X.pdf 2 Y.pdf"): boilerplate
# only up to its last contact detail or file name, or its first line or sentence; PDF text often runs on
# into the preparation text with no heading between.
CONTACT = "contact"
# Who presents the item ("Esittelijä: Satu Kankare, kaupunginjohtaja"): a contact line, and what follows it
# without a heading of its own is the presenter's proposal.
PRESENTER = "presenter"

# Headings per language and part. Each is a regular expression for the heading's words as written with
# its first letter capital (or all in capitals); matched case-sensitively at the first letter.
_HEADINGS: dict[str, dict[str, tuple[str, ...]]] = {
    "fi": {
        PROPOSAL: (
            r"Päätösehdotus",
            r"Esitysehdotus",
            r"Pohjaehdotus",
            r"Ehdotus",
            r"Esitys",
            r"\w+(?:johtaja|ttajan|hteerin|stelijan|ttelijän|jan)n? ehdotus",
            r"\w+n (?:päätös)?ehdotus",
        ),
        DECISION: (r"Päätös", r"Päätöksen lisätiedot", r"Pöytäkirjamerkintä", r"Päätökset"),
        PREPARATION: (
            r"Perustelut",
            r"Esittelijän perustelut",
            r"Valmistelu",
            r"Asian valmistelu",
            r"Kuvaus",
            r"Asian kuvaus",
            r"Tausta",
            r"Asian tausta",
            r"Selostus",
            r"Käsittely",
            r"Aikaisempi käsittely",
            r"Lausunto",
            r"Vaikutusten arviointi",
            r"Taloudelliset vaikutukset",
        ),
        PRESENTER: (r"Esittelijä", r"Esittelijät"),
        CONTACT: (
            r"Valmistelija(?:t)?(?: ja lisätiedot| / lisätiedot)?",
            r"Lisätiedot",
            r"Lisätietoja(?: antaa| antavat)?",
            r"Liitteet",
            r"Liite",
            r"Oheismateriaali",
        ),
        BOILERPLATE: (
            r"Muutoksenhaku(?:ohje|kielto)?",
            r"Muutoksenhakuohjeet",
            r"Oikaisuvaatimusohje(?:et)?",
            r"Oikaisuvaatimus(?:ohje)?",
            r"Valitusosoitus",
            r"Valitusohje",
            r"Tiedoksi",
            r"Tiedoksianto",
            r"Jakelu",
            r"Ote",
            r"Otteet",
            r"Oheisaineisto",
            r"Täytäntöönpano",
            r"Allekirjoitukset",
            r"Pöytäkirjan vakuudeksi",
            r"Lisätietoja muutoksenhakukiellosta",
            r"Kokouskäsittely",
            r"Esteellisyys",
            r"Esteelliset",
        ),
    },
    "sv": {
        PROPOSAL: (
            r"Förslag till beslut",
            r"Beslutsförslag",
            r"Förslag",
            r"\w+s förslag(?: till beslut)?",
            r"\w+ föreslår(?: att)? \w+ beslut(?:a|ar)(?: följande)?",
        ),
        DECISION: (r"Beslut", r"Nämndens beslut", r"\w+ beslutar(?: följande)?", r"Beslutet"),
        PREPARATION: (
            r"Bakgrund",
            r"Ärendet",
            r"Beskrivning av ärendet",
            r"Ärendebeskrivning",
            r"Sammanfattning",
            r"Sammandrag",
            r"Beredning",
            r"Ärendets beredning",
            r"Motivering",
            r"Våra synpunkter",
            r"Bedömning",
            r"Förvaltningens bedömning",
            r"Ekonomiska konsekvenser",
            r"Behandling",
        ),
        PRESENTER: (r"Föredragande(?: borgarråd(?:et|en)?)?", r"Föredragning"),
        CONTACT: (
            r"Handläggare",
            r"Kontaktperson(?:er)?",
            r"Beredare",
            r"Ytterligare upplysningar(?: ges av| lämnas av)?",
            r"Upplysningar",
            r"Bilagor",
            r"Bilaga",
            r"Dnr",
            r"Diarienummer",
        ),
        BOILERPLATE: (
            r"Expedieras(?: till)?",
            r"Expediering",
            r"Beslutet skickas till",
            r"Protokollsutdrag(?: till)?",
            r"Delges",
            r"Sändlista",
            r"Besvärsanvisning",
            r"Anvisning för rättelseyrkande",
            r"Rättelseyrkande",
            r"Underskrifter",
            r"Justering",
            r"Jäv",
            r"Tilläggsmaterial",
            r"Beslutsunderlag",
        ),
    },
    "en": {
        PROPOSAL: (
            r"Recommendations?",
            r"RECOMMENDATIONS?",
            r"Officer'?s? [Rr]ecommendations?",
            r"Proposed [Rr]esolution",
            r"It is recommended(?: that)?",
        ),
        DECISION: (
            r"Resolved",
            r"RESOLVED",
            r"Resolution",
            r"RESOLUTION",
            r"It was resolved",
            r"Decision",
            r"DECISION",
            r"Carried",
            r"CARRIED",
            r"It was agreed",
        ),
        PREPARATION: (
            r"Background",
            r"BACKGROUND",
            r"Purpose(?: of [Rr]eport)?",
            r"PURPOSE",
            r"Summary",
            r"Executive [Ss]ummary",
            r"Report",
            r"Discussion",
            r"DISCUSSION",
            r"Introduction",
            r"Issues?",
            r"Reply",
            r"REPLY",
            r"Financial [Ii]mplications",
            r"Options",
        ),
        CONTACT: (
            r"Contact [Oo]fficers?",
            r"Report [Aa]uthor",
            r"Author",
            r"Attachments?",
            r"ATTACHMENTS?",
            r"Appendices",
            r"Appendix",
            r"Seconded(?: by)?",
            r"Moved by",
            r"Proposed by",
        ),
        BOILERPLATE: (
            r"Background [Pp]apers",
            r"Present",
            r"Absent",
            r"Apologies",
            r"In [Aa]ttendance",
            r"Also [Pp]resent",
            r"Signed",
            r"Legal [Ii]mplications",
            r"Equalit(?:y|ies)(?: [Ii]mplications)?",
            r"Disclosures? of [Ii]nterest",
            r"Conflicts? of [Ii]nterest",
            r"Minutes",
        ),
    },
}

# A heading stands at the start of the text or of a line, or after a sentence end, and is followed by a
# colon, the end of the line, or a capitalised word or a number (the next part's text). In Finnish and
# Swedish minutes copied from PDF files a heading also follows a lower-case word (the line break was lost);
# capitalised words mid-sentence are rare there, unlike in English, where a heading must start a line or
# follow a sentence end.
_BEFORE_STRICT = r"(?:(?<=^)|(?<=\n)|(?<=[.!?:;)]\s)|(?<=[.!?:;)]\s\s)|(?<=\s\s))"
_BEFORE_LOOSE = _BEFORE_STRICT[:-1] + r"|(?<=\d\s)|(?<=[a-zåäö]\s))"
_AFTER = r"(?=\s*:|\s*\n|\s+[A-ZÅÄÖ0-9•\-–(\"“])"


def _compile(lang: str) -> re.Pattern[str]:
    alternatives = []
    for zone, patterns in _HEADINGS[lang].items():
        # Longer headings first, so "Päätösehdotus" wins over "Päätös".
        alternatives.append(f"(?P<{zone}>" + "|".join(sorted(patterns, key=len, reverse=True)) + ")")
    before = _BEFORE_STRICT if lang == "en" else _BEFORE_LOOSE
    # A heading starts with a capital: the lookahead fails fast everywhere else, before the lookbehinds run.
    return re.compile("(?=[A-ZÅÄÖ])" + before + "(?:" + "|".join(alternatives) + ")" + _AFTER + r"\s*:?")


_PATTERNS: dict[str, re.Pattern[str]] = {lang: _compile(lang) for lang in _HEADINGS}

# Contact details and file names, dropped wherever they stand: an e-mail address or a phone number with the
# name and title before it ("Markku Turja, Kaupungingeodeetti, markku.turja@lapua.fi"), links, and attachment
# file names ("2 Asemakaavaselostus Tuomiokirkon ja Syväojan risteysalue.pdf").
_NAME = r"[A-ZÅÄÖ][\w'’-]+(?: [A-ZÅÄÖ][\w'’-]+){0,3}"
# Each pattern starts with a literal that is rare in prose (@, a phone prefix, a scheme, a file extension),
# so a text without contact details costs one scan per pattern.
_AT_DOMAIN = re.compile(r"@[\w-]+(?:\.[\w-]+)+>?")
_LOCAL_PART = re.compile(r"<?[\w.+-]+$")
_PHONE = re.compile(
    r"\b(?:puh|p|tel|phone|telefon|gsm|mob)\b\.?:? ?\+?\d[\d ()-]{5,}\d|\+\d{3}[\d ()-]{6,}\d", re.I
)
_LINK = re.compile(r"\b(?:https?://|www\.)\S+", re.I)
_EXTENSION = re.compile(r"\.(?:pdf|docx?|xlsx?|pptx?|odt)\b", re.I)
# Before an e-mail address: "Markku Turja, Kaupungingeodeetti, " (a name and up to five words of title).
_NAME_BEFORE = re.compile(rf"{_NAME},?(?: [\w/-]+){{0,5}},?\s*<?$")
# Before a file extension: the file name back to a list number, a line break or a sentence end.
_FILE_BEFORE = re.compile(r"(?:\b\d{1,2}\s+)?[^\n.;:]{0,160}$")
# (The lookahead lets the engine skip every position whose letter cannot start one.)
_CONTACT_HINT = re.compile(
    r"(?=[@+.ptgmhwPTGMHW])"
    r"(?:@|\b(?:puh|tel|phone|telefon|gsm|mob|https?|www)\b|\+\d{3}|\.(?:pdf|docx?|xlsx?|pptx?|odt)\b)",
    re.I,
)


def _spans(text: str) -> list[tuple[int, int]]:
    """Where contact details, links and attachment file names stand in the text."""
    spans: list[tuple[int, int]] = []
    # An e-mail address is found from its "@" (a pattern starting at the local part would be tried at
    # every letter of the text).
    for match in _AT_DOMAIN.finditer(text):
        local = _LOCAL_PART.search(text, max(0, match.start() - 64), match.start())
        if local is None:
            continue
        before = _NAME_BEFORE.search(text, max(0, local.start() - 120), local.start())
        spans.append((before.start() if before else local.start(), match.end()))
    spans += [m.span() for m in _PHONE.finditer(text)]
    spans += [m.span() for m in _LINK.finditer(text)]
    for match in _EXTENSION.finditer(text):
        before = _FILE_BEFORE.search(text, max(0, match.start() - 170), match.start())
        spans.append((before.start() if before else match.start(), match.end()))
    return spans


# A presenter or mover named without contact details: "Satu Kankare, Kaupunginjohtaja", "Councillor O'Brien".
_PERSON = re.compile(
    rf"\s*:?\s*(?:(?:Councillor|Cllr\.?|Mayor|Mr\.?|Ms\.?|Mrs\.?|Dr\.?) )?{_NAME}"
    r"(?:,\s*[\w-]+(?: (?:ja|och|and|of|for|-) [\w-]+| [a-zåäö][\w-]*){0,4})?(?=[\s;,.]|$)"
)


def strip_contacts(text: str) -> str:
    """The text without contact details, links and attachment file names (each replaced by a space)."""
    if not _CONTACT_HINT.search(text):
        return text
    out, last = [], 0
    for start, end in sorted(_spans(text)):
        if end <= last:
            continue
        out.append(text[last : max(last, start)])
        out.append(" ")
        last = end
    out.append(text[last:])
    return "".join(out)


def _contact_end(text: str, start: int, end: int) -> int:
    """Where a contact or attachment-list part really ends, in text[start:end]."""
    window = text[start : min(end, start + 800)]
    last = max((e for _, e in _spans(window)), default=0)
    if last:
        return start + last
    person = _PERSON.match(window)
    if person:
        return start + person.end()
    stop = re.search(r"\n|[.!?;](?=\s+[A-ZÅÄÖ])", window)
    return start + (stop.end() if stop else len(window))


def segments(text: str, lang: str) -> list[tuple[str, str]]:
    """(zone, text) parts in order; text before the first heading is preparation. Boilerplate is kept as a
    part (so callers can see it was recognised) but is not evidence; contact details are stripped from the
    other parts."""
    pattern = _PATTERNS.get(lang)
    if pattern is None or not text:
        return [(PREPARATION, strip_contacts(text))] if text else []
    marks = [(m.start(), m.end(), m.lastgroup or PREPARATION) for m in pattern.finditer(text)]
    parts: list[tuple[str, str]] = []
    zone, start = PREPARATION, 0
    for i, (m_start, m_end, m_zone) in enumerate(marks):
        if m_start > start:
            parts.append((zone, text[start:m_start]))
        if m_zone in (CONTACT, PRESENTER):
            nxt = marks[i + 1][0] if i + 1 < len(marks) else len(text)
            stop = _contact_end(text, m_end, nxt)
            parts.append((BOILERPLATE, text[m_start:stop]))
            # What follows a contact line without a heading of its own continues the part it interrupted.
            start = stop
            if m_zone == PRESENTER:
                zone = PROPOSAL
            continue
        zone, start = m_zone, m_end
    if start < len(text):
        parts.append((zone, text[start:]))
    return [(z, t if z == BOILERPLATE else strip_contacts(t)) for z, t in parts if t.strip()]
