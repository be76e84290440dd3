"""Agenda items for the demo, written in the style of real Finnish and Swedish municipal agendas.

The items are invented (names, sums and addresses included) but follow how preparers actually write: a short
background, what is proposed and an "Ehdotus:" / "Förslag:" line. Some bodies are HTML, as many agenda systems
store them. ``expected`` is a climate coordinator's label for the demo table only: the sample host never sends
it on, so the screener cannot peek at the answer. Where the screening gives another level,
``screening_differs`` says why (tests/test_screening_model.py keeps the two in step). ``municipality`` is the
town whose agenda the item is on, as its text says (each has its own agenda system in the demo).
"""

from __future__ import annotations

#: the demo's municipalities by slug: name and language (the bilingual towns by both their names)
MUNICIPALITIES: dict[str, dict[str, str]] = {
    "hollola": {"name": "Hollolan kunta", "language": "fi"},
    "lahti": {"name": "Lahden kaupunki", "language": "fi"},
    "orimattila": {"name": "Orimattilan kaupunki", "language": "fi"},
    "porvoo": {"name": "Porvoon kaupunki – Borgå stad", "language": "fi"},
    "sipoo": {"name": "Sipoon kunta – Sibbo kommun", "language": "fi"},
    "loviisa": {"name": "Loviisan kaupunki – Lovisa stad", "language": "fi"},
}

DEMO_ITEMS: list[dict] = [
    # --- high ----------------------------------------------------------------------------------------------
    {
        "id": "2026-101",
        "municipality": "hollola",
        "title": "Salpakankaan koulun peruskorjauksen hankesuunnitelman hyväksyminen",
        "body": (
            "Kunnan talousarviossa vuodelle 2026 on varattu 4,2 miljoonaa euroa Salpakankaan koulun "
            "peruskorjaukseen. Hankesuunnitelman mukaan rakennuksen öljylämmitys korvataan maalämmöllä, "
            "ilmanvaihto uusitaan lämmöntalteenotolla ja vesikatolle asennetaan aurinkopaneelit. "
            "Öljysäiliö puretaan ja sen ympäristön maaperä tutkitaan. Rakennuksen energiankulutuksen "
            "arvioidaan laskevan noin 40 prosenttia. Ehdotus: Tekninen lautakunta hyväksyy hankesuunnitelman "
            "ja esittää sen kunnanhallitukselle."
        ),
        "language": "fi",
        "meeting": "Hollolan tekninen lautakunta 12.1.2026",
        "committee": "Hollolan tekninen lautakunta",
        "expected": "high",
    },
    {
        "id": "2026-102",
        "municipality": "lahti",
        "title": "Asemakaavan muutos nro 4567, Kivimaan kortteli 12, ehdotuksen asettaminen nähtäville",
        "body": (
            "<p>Asemakaavan muutos mahdollistaa noin 180 asunnon rakentamisen entisen teollisuustontin "
            "paikalle Kivimaalle, hyvien joukkoliikenneyhteyksien varrelle.</p>"
            "<p>Kaavassa osoitetaan kortteliin hulevesien viivytysalueet, säilytettävä puusto ja "
            "pyöräpysäköinti. Autopaikkanormia on kevennetty, koska alue sijaitsee runkobussilinjan "
            "varrella.</p>"
            "<p>Ehdotus: Kaupunkiympäristölautakunta päättää asettaa asemakaavan muutosehdotuksen julkisesti "
            "nähtäville 30 päivän ajaksi.</p>"
        ),
        "language": "fi",
        "meeting": "Lahden kaupunkiympäristölautakunta 20.1.2026",
        "committee": "Lahden kaupunkiympäristölautakunta",
        "expected": "high",
    },
    {
        "id": "2026-103",
        "municipality": "orimattila",
        "title": "Kaukolämpöverkon laajentaminen Pennalaan, lainan myöntäminen Orimattilan Lämpö Oy:lle",
        "body": (
            "Orimattilan Lämpö Oy esittää kaukolämpöverkon laajentamista Pennalan pientaloalueelle ja "
            "koulukeskukseen. Noin 2,8 kilometrin laajennuksen arvioidaan korvaavan noin 40 kiinteistön "
            "öljy- ja sähkölämmityksen. Kaupunki myöntäisi yhtiölle 1,1 miljoonan euron lainan, jonka "
            "ehtona on, että lisälämpö tuotetaan uusiutuvilla polttoaineilla ja hukkalämmöllä. Ehdotus: "
            "Kaupunginhallitus esittää valtuustolle lainan myöntämistä."
        ),
        "language": "fi",
        "meeting": "Orimattilan kaupunginhallitus 26.1.2026",
        "committee": "Orimattilan kaupunginhallitus",
        "expected": "high",
    },
    {
        "id": "2026-104",
        "municipality": "porvoo",
        "title": "Dagvattenprogram för Borgå stad 2026–2035",
        "body": (
            "<p>Kraftiga skyfall har under de senaste åren orsakat översvämningar i centrum och i Näse. "
            "Dagvattenprogrammet fastställer principerna för hur dagvatten ska fördröjas och renas i "
            "detaljplaner och vid byggande, bland annat genom regnbäddar, gröna tak och öppna diken.</p>"
            "<p>Programmet styr stadens investeringar i dagvattennätet fram till år 2035.</p>"
            "<p>Förslag: Tekniska nämnden godkänner dagvattenprogrammet och föreslår för stadsstyrelsen att "
            "det beaktas i budgetberedningen.</p>"
        ),
        "language": "sv",
        "meeting": "Borgå tekniska nämnd 3.2.2026",
        "committee": "Borgå tekniska nämnd",
        "expected": "high",
    },
    {
        "id": "2026-105",
        "municipality": "lahti",
        "title": "Bussilinjan 4 reittimuutos ja pyöräkaistat Vesijärvenkadulle",
        "body": (
            "Linja 4 siirretään kulkemaan Vesijärvenkatua pitkin matkakeskukselta satamaan, jolloin "
            "vuoroväli tihenee arkisin 15 minuuttiin. Samalla Vesijärvenkadulle merkitään molempiin suuntiin "
            "pyöräkaistat, ja kadunvarsipysäköinti vähenee noin 30 paikalla. Muutoksen arvioidaan lisäävän "
            "reitin matkustajamääriä noin 10 prosenttia. Ehdotus: Joukkoliikennelautakunta hyväksyy "
            "reittimuutoksen 1.8.2026 alkaen."
        ),
        "language": "fi",
        "meeting": "Lahden seudun joukkoliikennelautakunta 14.1.2026",
        "committee": "Lahden seudun joukkoliikennelautakunta",
        "expected": "high",
    },
    # --- minor ---------------------------------------------------------------------------------------------
    {
        "id": "2026-106",
        "municipality": "hollola",
        "title": "Kannettavien tietokoneiden hankinta perusopetukseen",
        "body": (
            "Perusopetuksen oppilaskoneista noin 120 on käyttöikänsä lopussa. Koneet hankitaan "
            "KL-Kuntahankintojen puitejärjestelyn kautta, ja hankinnan arvo on noin 60 000 euroa. Käytöstä "
            "poistuvat koneet tyhjennetään tietoturvallisesti ja toimitetaan kierrätykseen. Ehdotus: "
            "Sivistyslautakunta hyväksyy hankinnan."
        ),
        "language": "fi",
        "meeting": "Hollolan sivistyslautakunta 15.1.2026",
        "committee": "Hollolan sivistyslautakunta",
        "expected": "minor",
    },
    {
        "id": "2026-107",
        "municipality": "orimattila",
        "title": "Nuorisotila Kulman vuokrasopimuksen jatkaminen",
        "body": (
            "Nuorisopalvelut ovat vuokranneet nuorisotila Kulmaa varten liiketilan keskustasta vuodesta "
            "2021. Nykyinen vuokrasopimus päättyy 31.3.2026. Vuokranantaja tarjoaa jatkoa kolmeksi vuodeksi; "
            "kuukausivuokra on 1 850 euroa, ja se sisältää lämmön ja veden. Tiloihin ei tehdä muutostöitä. "
            "Ehdotus: Hyvinvointilautakunta hyväksyy vuokrasopimuksen jatkamisen."
        ),
        "language": "fi",
        "meeting": "Orimattilan hyvinvointilautakunta 21.1.2026",
        "committee": "Orimattilan hyvinvointilautakunta",
        "expected": "minor",
    },
    {
        "id": "2026-108",
        "municipality": "sipoo",
        "title": "Sibbodagen 2026 – arrangemang och budget",
        "body": (
            "Sibbodagen ordnas lördagen den 6 juni 2026 i Nickby centrum. Programmet omfattar uppträdanden, "
            "föreningarnas torg och en loppmarknad. Kommunen reserverar 8 000 euro för scen, ljudteknik och "
            "servering, och besökarna uppmanas att komma med cykel eller kollektivtrafik. Förslag: "
            "Fritidsnämnden godkänner arrangemangen och budgeten."
        ),
        "language": "sv",
        "meeting": "Sibbo fritidsnämnd 4.2.2026",
        "committee": "Sibbo fritidsnämnd",
        "expected": "minor",
        "screening_differs": (
            "The screening gives high: a budget in the title weighs like the plans and budgets that "
            "steer later decisions; a local event's budget is small."
        ),
    },
    # --- none ----------------------------------------------------------------------------------------------
    {
        "id": "2026-109",
        "municipality": "hollola",
        "title": "Pöytäkirjan tarkastajien valinta",
        "body": (
            "Pöytäkirjan tarkastajiksi valitaan kaksi jäsentä. Pöytäkirja tarkastetaan sähköisesti "
            "viimeistään 16.1.2026, ja se on nähtävänä kunnan verkkosivuilla 19.1.2026 alkaen. Ehdotus: "
            "Tekninen lautakunta valitsee pöytäkirjan tarkastajat."
        ),
        "language": "fi",
        "meeting": "Hollolan tekninen lautakunta 12.1.2026",
        "committee": "Hollolan tekninen lautakunta",
        "expected": "none",
    },
    {
        "id": "2026-110",
        "municipality": "loviisa",
        "title": "Val av protokolljusterare",
        "body": (
            "Enligt förvaltningsstadgan justeras protokollet av två ledamöter som väljs för varje möte. "
            "Protokollet justeras elektroniskt och hålls framlagt för allmänheten på stadens webbplats. "
            "Förslag: Stadsstyrelsen väljer två protokolljusterare och vid behov ersättare för dem."
        ),
        "language": "sv",
        "meeting": "Lovisa stadsstyrelse 19.1.2026",
        "committee": "Lovisa stadsstyrelse",
        "expected": "none",
    },
    {
        # Mentions a street and a pothole: a screener that reacts to single words would cry wolf here.
        "id": "2026-111",
        "municipality": "lahti",
        "title": "Vahingonkorvausvaatimus, ajoneuvon vaurioituminen Ahtialantiellä",
        "body": (
            "Hakija vaatii kaupungilta 1 240 euron korvausta auton vanteen ja renkaan vaurioista, jotka "
            "aiheutuivat ajosta katuun muodostuneeseen kuoppaan 3.11.2025. Katujen kunnossapidon selvityksen "
            "mukaan kuoppaa ei ollut havaittu tarkastuskierroksilla eikä siitä ollut ilmoitettu. Kaupunki ei "
            "ole laiminlyönyt kunnossapitovelvollisuuttaan. Ehdotus: Lautakunta hylkää "
            "vahingonkorvausvaatimuksen."
        ),
        "language": "fi",
        "meeting": "Lahden kaupunkiympäristölautakunta 20.1.2026",
        "committee": "Lahden kaupunkiympäristölautakunta",
        "expected": "none",
    },
    {
        "id": "2026-112",
        "municipality": "orimattila",
        "title": "Eron myöntäminen ja uuden jäsenen valinta vanhusneuvostoon",
        "body": (
            "Vanhusneuvoston jäsen on pyytänyt eroa luottamustehtävästään muuton vuoksi. Orimattilan "
            "Eläkeläiset ry on esittänyt uudeksi jäseneksi yhdistyksen varapuheenjohtajaa. Ehdotus: "
            "Kaupunginhallitus myöntää eron ja valitsee esitetyn henkilön vanhusneuvoston jäseneksi jäljellä "
            "olevaksi toimikaudeksi."
        ),
        "language": "fi",
        "meeting": "Orimattilan kaupunginhallitus 26.1.2026",
        "committee": "Orimattilan kaupunginhallitus",
        "expected": "none",
    },
    {
        # Names purchases and street areas, but only moves who decides: no physical or steering effect.
        "id": "2026-113",
        "municipality": "hollola",
        "title": "Teknisen lautakunnan toimivallan siirtäminen viranhaltijoille",
        "body": (
            "<p>Hallintosäännön mukaan lautakunta voi siirtää sille kuuluvaa toimivaltaa alaisilleen "
            "viranhaltijoille.</p>"
            "<p>Esityksessä tilapalvelupäällikkö oikeutetaan päättämään alle 20 000 euron hankinnoista ja "
            "kadunpitopäällikkö katualueen tilapäisistä käyttöluvista.</p>"
            "<p>Ehdotus: Tekninen lautakunta hyväksyy liitteen mukaisen delegointipäätöksen 1.2.2026 "
            "alkaen.</p>"
        ),
        "language": "fi",
        "meeting": "Hollolan tekninen lautakunta 12.1.2026",
        "committee": "Hollolan tekninen lautakunta",
        "expected": "none",
    },
]
