"""Texts for the meeting view for board members: key → {"fi", "sv", "en"}."""

MESSAGES: dict[str, dict[str, str]] = {
    "meeting.title": {
        "fi": "Ilmastovaikutukset esityslistalla",
        "sv": "Klimatkonsekvenser på föredragningslistan",
        "en": "Climate impacts on the agenda",
    },
    "meeting.intro": {
        "fi": "Kokouksen asiat, niiden ilmastovaikutusten esiarviointi ja valmistelijan arvioinnista "
        "ansaitut merkit.",
        "sv": "Sammanträdets ärenden, förhandsbedömningen av deras klimatkonsekvenser och de märken som "
        "beredarens bedömning har gett.",
        "en": "The meeting's items, the screening of their climate impacts and the badges the preparer's "
        "assessment has earned.",
    },
    "meeting.no_items": {
        "fi": "Kokouksen esityslistalla ei ole vielä asioita.",
        "sv": "Det finns ännu inga ärenden på sammanträdets föredragningslista.",
        "en": "There are no items on the meeting's agenda yet.",
    },
    "meeting.item_number": {"fi": "Asia {number}", "sv": "Ärende {number}", "en": "Item {number}"},
    "meeting.pending": {
        "fi": "Esiarviointi on kesken",
        "sv": "Förhandsbedömningen pågår",
        "en": "Screening in progress",
    },
    "meeting.open_checklist": {
        "fi": "Ilmastovaikutusten tarkistuslista",
        "sv": "Checklistan för klimatkonsekvenser",
        "en": "Climate impact checklist",
    },
    "meeting.open_in_host": {
        "fi": "Asia asianhallintajärjestelmässä",
        "sv": "Ärendet i ärendehanteringssystemet",
        "en": "The item in the agenda system",
    },
    "meeting.rules_heading": {
        "fi": "Näin merkit ansaitaan",
        "sv": "Så förtjänas märkena",
        "en": "How badges are earned",
    },
    "meeting.team_heading": {
        "fi": "Toimielimen yhteiset merkit",
        "sv": "Organets gemensamma märken",
        "en": "The committee's shared badges",
    },
    "meeting.team_intro": {
        "fi": "Merkit kertovat koko toimielimen ilmastotyön laadusta. Tasot vain nousevat.",
        "sv": "Märkena visar kvaliteten på hela organets klimatarbete. Nivåerna kan bara stiga.",
        "en": "The badges show the quality of the whole committee's climate work. Levels only go up.",
    },
    "meeting.team_level": {
        "fi": "{name}, taso {level}/{max}",
        "sv": "{name}, nivå {level}/{max}",
        "en": "{name}, level {level} of {max}",
    },
    "meeting.optional": {"fi": "vapaaehtoinen", "sv": "frivilligt", "en": "optional"},
    "meeting.commitment.heading": {
        "fi": "Kirjaa ilmastositoumus",
        "sv": "Registrera ett klimatåtagande",
        "en": "Record a climate commitment",
    },
    "meeting.commitment.intro": {
        "fi": "Hyvä sitoumus on uusi, konkreettinen ja mitattava: sillä on oma tavoite, mittari ja "
        "aikataulu. Pelkkä \"edistetään\" ei riitä.",
        "sv": "Ett bra åtagande är nytt, konkret och mätbart: det har ett eget mål, en indikator och en "
        "tidtabell. Bara \"vi främjar\" räcker inte.",
        "en": "A good commitment is new, concrete and measurable: it has its own target, an indicator and a "
        "timetable. \"We will promote\" alone is not enough.",
    },
    "meeting.commitments": {
        "fi": "Kirjatut sitoumukset",
        "sv": "Registrerade åtaganden",
        "en": "Recorded commitments",
    },
    "meeting.commitment.due": {"fi": "määräpäivä {date}", "sv": "senast {date}", "en": "due {date}"},
    "meeting.commitment.submit": {
        "fi": "Kirjaa sitoumus",
        "sv": "Registrera åtagandet",
        "en": "Record the commitment",
    },
    "meeting.expired": {
        "fi": "Linkki kokousnäkymään on vanhentunut. Avaa näkymä uudelleen asianhallintajärjestelmästä.",
        "sv": "Länken till sammanträdesvyn har gått ut. Öppna vyn på nytt från ärendehanteringssystemet.",
        "en": "The link to the meeting view has expired. Open the view again from the agenda system.",
    },
    "meeting.not_found": {
        "fi": "Kokousnäkymää ei löytynyt. Tarkista linkki.",
        "sv": "Sammanträdesvyn hittades inte. Kontrollera länken.",
        "en": "The meeting view was not found. Check the link.",
    },
}
