"""Agenda items as a host drafts them (the sample agenda system's shape): one about climate, one not."""

SCHOOL = {
    "id": "2026-41",
    "title": "Kirkonkylän koulun peruskorjaus ja lämmitysjärjestelmän muutos maalämpöön",
    "body": "<p>Koulun öljylämmitys korvataan maalämpöjärjestelmällä. Samalla uusitaan ilmanvaihto "
    "ja lisätään rakennuksen katolle aurinkopaneelit.</p>",
    "language": "fi",
    "meeting": "Tekninen lautakunta 12.1.2026",
}
MINUTES = {
    "id": "2026-42",
    "title": "Pöytäkirjan tarkastajien valinta",
    "body": "Valitaan kaksi pöytäkirjantarkastajaa tarkastamaan tämän kokouksen pöytäkirja.",
    "language": "fi",
    "meeting": "Tekninen lautakunta 12.1.2026",
}
