"""Reading documents as they are written: parts of agenda texts, boilerplate, contacts, compounds."""

from __future__ import annotations

import pytest

from climate_plugin.screening import screen
from climate_plugin.screening.matcher import word_hits
from climate_plugin.screening.structure import (
    BOILERPLATE,
    DECISION,
    PREPARATION,
    PROPOSAL,
    segments,
    strip_contacts,
)

# Minutes copied from a PDF: headings run on in one line (the style of the real Finnish corpus items).
FI_PDF = (
    "KHDno-2024-12 Valmistelija / lisätiedot: Maija Meikäläinen, kaavoitusarkkitehti, "
    "maija.meikalainen@kunta.fi "
    "1 Liikennesuunnitelma.pdf Perustelut Kunta on laatinut koulun pihan liikennejärjestelyt. "
    "Päätösehdotus Tekninen lautakunta hyväksyy suunnitelman. Päätös: Hyväksyttiin. "
    "Muutoksenhaku Oikaisuvaatimusohje: rakennuslupa-asioissa valitetaan hallinto-oikeuteen. "
    "Tiedoksi rakennusvalvonta, kaavoitus"
)


def _zones(text: str, lang: str) -> list[str]:
    return [zone for zone, _ in segments(text, lang)]


def test_finnish_pdf_text_parts() -> None:
    parts = segments(FI_PDF, "fi")
    zones = [zone for zone, _ in parts]
    assert zones.index(PROPOSAL) < zones.index(DECISION)
    by_zone = {zone: text for zone, text in parts if zone != BOILERPLATE}
    assert "hyväksyy suunnitelman" in by_zone[PROPOSAL]
    assert "Hyväksyttiin" in by_zone[DECISION]
    assert "liikennejärjestelyt" in by_zone[PREPARATION]
    boilerplate = " ".join(text for zone, text in parts if zone == BOILERPLATE)
    assert "maija.meikalainen@kunta.fi" in boilerplate and "hallinto-oikeuteen" in boilerplate
    # Nothing of the contact line, the appeal instructions or the distribution list is read elsewhere.
    read = " ".join(text for zone, text in parts if zone != BOILERPLATE)
    assert "kaavoitusarkkitehti" not in read and "rakennuslupa" not in read and "rakennusvalvonta" not in read


def test_html_body_parts() -> None:
    html_text = (
        "Esittelijä\nkaupunginjohtaja Anna Virtanen\nEhdotus\n"
        "Kaupunginhallitus hyväksyy kaukolämpösopimuksen.\n"
        "Päätös\nEhdotus hyväksyttiin.\nLiitteet\n1 Sopimus\n"
    )
    zones = _zones(html_text, "fi")
    assert PROPOSAL in zones and DECISION in zones and BOILERPLATE in zones


def test_swedish_parts() -> None:
    text = (
        "Handläggare Lisa Berg, planarkitekt, lisa.berg@kommun.se Bakgrund Kommunen har tagit fram en plan. "
        "Förslag till beslut Kommunstyrelsen godkänner detaljplanen. Beslut Enligt förslaget. "
        "Besvärsanvisning Rättelseyrkande kan framställas inom 14 dagar. Expedieras Byggnadsnämnden"
    )
    parts = segments(text, "sv")
    zones = [zone for zone, _ in parts]
    assert {PREPARATION, PROPOSAL, DECISION, BOILERPLATE} <= set(zones)
    read = " ".join(t for z, t in parts if z != BOILERPLATE)
    assert "planarkitekt" not in read and "Byggnadsnämnden" not in read


def test_english_parts() -> None:
    text = (
        "Background\nThe council consulted on the plan.\nRecommendation\nThat the council adopts the "
        "Local Cycling Plan.\nContact officer: Jane Smith, Transport Planner, jane.smith@council.gov.uk\n"
        "Background papers\nNone."
    )
    parts = segments(text, "en")
    assert [z for z, _ in parts][:2] == [PREPARATION, PROPOSAL]
    read = " ".join(t for z, t in parts if z != BOILERPLATE)
    assert "Transport Planner" not in read and "Cycling Plan" in read


def test_english_capitalised_words_mid_sentence_are_not_headings() -> None:
    # "Report" and "Decision" inside a sentence are words, not headings, in English.
    text = "The Council Report on the Decision was noted by members."
    assert _zones(text, "en") == [PREPARATION]


def test_contacts_links_and_file_names_are_stripped() -> None:
    text = (
        "Lisätietoja antaa Pekka Puu, puh. 040 123 4567, pekka.puu@kunta.fi. Katso www.kunta.fi/kaavat "
        "ja liite 2 Asemakaavaselostus Kivimaa.pdf. Kaava mahdollistaa 40 asuntoa."
    )
    stripped = strip_contacts(text)
    for gone in ("040 123 4567", "pekka.puu@kunta.fi", "www.kunta.fi", "Asemakaavaselostus", ".pdf"):
        assert gone not in stripped
    assert "Kaava mahdollistaa 40 asuntoa." in stripped
    assert strip_contacts("Hinta on 2 800 000 euroa.") == "Hinta on 2 800 000 euroa."


def test_boilerplate_words_are_not_evidence() -> None:
    # A routine item whose contact line names a planner and whose appeal instructions name building permits.
    result = screen(
        "Pöytäkirjan tarkastajien valinta",
        FI_PDF.replace("Perustelut Kunta on laatinut koulun pihan liikennejärjestelyt. ", ""),
        "fi",
    )
    assert all(
        e.term.lower() not in ("kaavoitusarkkitehti", "rakennuslupa-asioissa", "rakennusvalvonta")
        for e in result.evidence
    )


# --- compounds ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "not_category"),
    [
        ("maantiedon", "transport"),  # geography (maa + tieto), not a road (maantie + "to")
        ("rakennuslakimies", "buildings"),  # a lawyer's job title
        ("kaavoitusarkkitehti", "land_use"),  # a job title
    ],
)
def test_compound_parts_that_are_not_the_word(word: str, not_category: str) -> None:
    assert not_category not in {hit.category for hit in word_hits(word, "fi")}


@pytest.mark.parametrize(
    ("word", "category"),
    [
        ("kaukolämpöverkon", "energy"),
        ("hulevesijärjestelmä", "adaptation"),
        ("asemakaavamuutos", "land_use"),
        ("bygglovsansökan", "land_use"),
    ],
)
def test_compound_parts_that_are_the_word(word: str, category: str) -> None:
    lang = "sv" if word.startswith("bygg") else "fi"
    assert category in {hit.category for hit in word_hits(word, lang)}
