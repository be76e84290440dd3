"""Texts for commitments and reminders: key → {"fi", "sv", "en"}."""

MESSAGES: dict[str, dict[str, str]] = {
    # --- statuses ---
    "commitment.status.open": {"fi": "avoin", "sv": "öppet", "en": "open"},
    "commitment.status.kept": {"fi": "toteutunut", "sv": "uppfyllt", "en": "kept"},
    "commitment.status.not_kept": {"fi": "ei toteutunut", "sv": "inte uppfyllt", "en": "not kept"},
    # --- one commitment as text (climate block, e-mail) ---
    "commitment.block.line": {
        "fi": "Sitoumus: {what} Tavoite: {target}. Mittari: {indicator}. Määräaika: {due}. "
        "Vastuu: {owner}. Tila: {status}.",
        "sv": "Åtagande: {what} Mål: {target}. Indikator: {indicator}. Tidsfrist: {due}. "
        "Ansvarig: {owner}. Status: {status}.",
        "en": "Commitment: {what} Target: {target}. Indicator: {indicator}. Due: {due}. "
        "Owner: {owner}. Status: {status}.",
    },
    "commitment.block.challenge": {
        "fi": "Haaste toimielimelle: {committee}.",
        "sv": "Utmaning till organet: {committee}.",
        "en": "Challenge to: {committee}.",
    },
    # --- validation ---
    "commitment.error.invalid": {
        "fi": "Sitoumusta ei tallennettu. Korjaa merkityt kohdat.",
        "sv": "Åtagandet sparades inte. Rätta de markerade fälten.",
        "en": "The commitment was not saved. Please correct the marked fields.",
    },
    "commitment.error.not_text": {
        "fi": "Kirjoita tähän tekstiä.",
        "sv": "Skriv text här.",
        "en": "Please write text here.",
    },
    "commitment.error.what_missing": {
        "fi": "Kerro, mitä tehdään: esimerkiksi ”Koulun öljylämmitys korvataan maalämmöllä.”",
        "sv": "Skriv vad som ska göras, till exempel ”Skolans oljeuppvärmning ersätts med bergvärme.”",
        "en": "Say what will be done, for example “The school's oil heating is replaced by a heat pump.”",
    },
    "commitment.error.target_missing": {
        "fi": "Kirjoita oma, mitattava tavoite: esimerkiksi ”lämmityksen päästöt −90 %”.",
        "sv": "Skriv ett eget, mätbart mål, till exempel ”utsläppen från uppvärmningen −90 %”.",
        "en": "Give a target of your own that can be measured, for example “heating emissions −90 %”.",
    },
    "commitment.error.indicator_missing": {
        "fi": "Kerro mittari, jolla toteutumista seurataan: esimerkiksi ”kiinteistön öljynkulutus, litraa "
        "vuodessa”.",
        "sv": "Ange en indikator som följer upp målet, till exempel ”fastighetens oljeförbrukning, liter "
        "per år”.",
        "en": "Name the indicator that follows it up, for example “the building's oil use, litres per year”.",
    },
    "commitment.error.due_date_missing": {
        "fi": "Anna määräaika: päivä, johon mennessä tavoite on saavutettu.",
        "sv": "Ange en tidsfrist: den dag då målet ska vara nått.",
        "en": "Give a due date: the day by which the target is reached.",
    },
    "commitment.error.owner_missing": {
        "fi": "Kerro, kuka vastaa sitoumuksesta (henkilö tai toimielin).",
        "sv": "Ange vem som ansvarar för åtagandet (en person eller ett organ).",
        "en": "Say who is responsible for the commitment (a person or a body).",
    },
    "commitment.error.too_long": {
        "fi": "Enintään {max} merkkiä.",
        "sv": "Högst {max} tecken.",
        "en": "At most {max} characters.",
    },
    "commitment.error.one_line": {
        "fi": "Kirjoita tämä yhdelle riville.",
        "sv": "Skriv detta på en rad.",
        "en": "Please keep this to one line.",
    },
    "commitment.error.due_date_format": {
        "fi": "Päivämäärä muodossa 31.12.2027.",
        "sv": "Datum i formen 31.12.2027.",
        "en": "A date such as 2027-12-31.",
    },
    "commitment.error.due_date_past": {
        "fi": "Määräajan pitää olla tulevaisuudessa: sitoumus koskee sitä, mitä vielä tehdään.",
        "sv": "Tidsfristen ska ligga i framtiden: ett åtagande gäller det som ännu ska göras.",
        "en": "The due date must be in the future: a commitment is about what is still to be done.",
    },
    "commitment.error.due_date_far": {
        "fi": "Määräaika on yli {years} vuoden päässä. Valitse lähempi välitavoite, jota voidaan seurata.",
        "sv": "Tidsfristen ligger mer än {years} år fram. Välj ett närmare delmål som går att följa upp.",
        "en": "The due date is more than {years} years away. Choose a nearer milestone that can be "
        "followed up.",
    },
    "commitment.error.owner_email": {
        "fi": "Sähköpostiosoite muodossa nimi@kunta.fi (tai jätä tyhjäksi).",
        "sv": "E-postadress i formen namn@kommun.fi (eller lämna tomt).",
        "en": "An e-mail address such as name@municipality.fi (or leave it empty).",
    },
    "commitment.error.vague": {
        "fi": "Sitoumus on liian yleinen: ”{word}” kertoo suunnan, ei tulosta. Hyvä sitoumus on uusi, "
        "konkreettinen ja mitattava (Sitoumus2050): kirjoita tavoitteeseen luku tai määrä, esimerkiksi "
        "”öljylämmitys korvataan maalämmöllä kolmessa koulussa” tai ”sähkönkulutus −20 % vuoden 2024 "
        "tasosta”, ja kerro mittari ja määräaika.",
        "sv": "Åtagandet är för allmänt: ”{word}” anger en riktning, inte ett resultat. Ett bra åtagande är "
        "nytt, konkret och mätbart (Sitoumus2050): skriv ett tal eller en mängd i målet, till exempel "
        "”oljeuppvärmningen ersätts med bergvärme i tre skolor” eller ”elförbrukningen −20 % från "
        "2024 års nivå”, och ange indikator och tidsfrist.",
        "en": "The commitment is too general: “{word}” gives a direction, not a result. A good commitment "
        "is new, concrete and measurable (Sitoumus2050): put a number or an amount in the target, for "
        "example “oil heating replaced by heat pumps in three schools” or “electricity use −20 % from "
        "the 2024 level”, and name the indicator and the due date.",
    },
    "commitment.error.status": {
        "fi": "Valitse ”toteutunut” tai ”ei toteutunut”.",
        "sv": "Välj ”uppfyllt” eller ”inte uppfyllt”.",
        "en": "Choose “kept” or “not kept”.",
    },
    "commitment.error.result_note_missing": {
        "fi": "Kirjoita, mitä seuranta osoitti: mitä mittari näyttää ja mihin arvio perustuu.",
        "sv": "Skriv vad uppföljningen visade: vad indikatorn visar och vad bedömningen bygger på.",
        "en": "Write what the follow-up found: what the indicator shows and what the judgement rests on.",
    },
    "commitment.error.not_found": {
        "fi": "Asiaa ei löydy. Linkki voi olla virheellinen, tai asia on poistettu.",
        "sv": "Ärendet hittas inte. Länken kan vara felaktig, eller så har ärendet tagits bort.",
        "en": "The item cannot be found. The link may be wrong, or the item has been removed.",
    },
    "commitment.error.link_expired": {
        "fi": "Linkin voimassaolo on päättynyt. Avaa asia uudelleen asianhallintajärjestelmästä.",
        "sv": "Länken har gått ut. Öppna ärendet på nytt i ärendehanteringssystemet.",
        "en": "This link has expired. Please open the item again from the agenda system.",
    },
    "commitment.error.csrf": {
        "fi": "Lomake on vanhentunut. Lataa sivu uudelleen ja lähetä lomake uudestaan.",
        "sv": "Formuläret har gått ut. Ladda om sidan och skicka formuläret igen.",
        "en": "The form has expired. Please reload the page and send the form again.",
    },
    "commitment.error.not_json": {
        "fi": "Lähetä JSON-olio (Content-Type: application/json) tai lomake.",
        "sv": "Skicka ett JSON-objekt (Content-Type: application/json) eller ett formulär.",
        "en": "Send a JSON object (Content-Type: application/json) or a form.",
    },
    # --- the commitments page ---
    "commitment.page.title": {
        "fi": "Ilmastositoumukset",
        "sv": "Klimatåtaganden",
        "en": "Climate commitments",
    },
    "commitment.page.intro": {
        "fi": "Lautakunnan jäsen tai asian valmistelija voi kirjata asiaan sitoumuksen. Hyvä sitoumus on "
        "uusi, konkreettinen ja mitattava: sillä on oma tavoite, mittari ja aikataulu. Vastuuhenkilö saa "
        "muistutuksen ennen määräaikaa, ja ilmastokoordinaattori kirjaa, toteutuiko sitoumus.",
        "sv": "En ledamot eller ärendets beredare kan föra in ett åtagande i ärendet. Ett bra åtagande är "
        "nytt, konkret och mätbart: det har ett eget mål, en indikator och en tidsplan. Den ansvariga får "
        "en påminnelse före tidsfristen, och klimatkoordinatorn antecknar om åtagandet uppfylldes.",
        "en": "A board member or the item's preparer can record a commitment for the item. A good "
        "commitment is new, concrete and measurable: it has its own target, an indicator and a "
        "timetable. Its owner is reminded before the due date, and the climate coordinator records "
        "whether it was kept.",
    },
    "commitment.page.item": {"fi": "Asia", "sv": "Ärende", "en": "Item"},
    "commitment.page.municipality": {"fi": "Kunta", "sv": "Kommun", "en": "Municipality"},
    "commitment.page.meeting": {"fi": "Kokous", "sv": "Sammanträde", "en": "Meeting"},
    "commitment.page.existing": {
        "fi": "Kirjatut sitoumukset",
        "sv": "Antecknade åtaganden",
        "en": "Recorded commitments",
    },
    "commitment.page.none_yet": {
        "fi": "Asiaan ei ole vielä kirjattu sitoumuksia.",
        "sv": "Inga åtaganden har ännu antecknats i ärendet.",
        "en": "No commitments have been recorded for this item yet.",
    },
    "commitment.page.form_heading": {
        "fi": "Kirjaa uusi sitoumus",
        "sv": "För in ett nytt åtagande",
        "en": "Record a new commitment",
    },
    "commitment.page.required": {
        "fi": "Tähdellä (*) merkityt kohdat ovat pakollisia.",
        "sv": "Fält markerade med asterisk (*) är obligatoriska.",
        "en": "Fields marked with an asterisk (*) are required.",
    },
    "commitment.page.errors_heading": {
        "fi": "Sitoumusta ei tallennettu",
        "sv": "Åtagandet sparades inte",
        "en": "The commitment was not saved",
    },
    "commitment.page.saved": {
        "fi": "Sitoumus tallennettiin.",
        "sv": "Åtagandet sparades.",
        "en": "The commitment was saved.",
    },
    "commitment.page.submit": {
        "fi": "Tallenna sitoumus",
        "sv": "Spara åtagandet",
        "en": "Save the commitment",
    },
    "commitment.page.back": {
        "fi": "Takaisin ilmastotarkistuslistaan",
        "sv": "Tillbaka till klimatchecklistan",
        "en": "Back to the climate checklist",
    },
    "commitment.page.status": {"fi": "Tila", "sv": "Status", "en": "Status"},
    "commitment.page.result": {
        "fi": "Seurannan tulos",
        "sv": "Uppföljningens resultat",
        "en": "Follow-up result",
    },
    "commitment.page.reminded": {
        "fi": "Muistutus lähetetty",
        "sv": "Påminnelse skickad",
        "en": "Reminder sent",
    },
    "commitment.field.what": {"fi": "Mitä tehdään", "sv": "Vad görs", "en": "What will be done"},
    "commitment.field.what.hint": {
        "fi": "Konkreettinen toimenpide, esim. ”Koulun öljylämmitys korvataan maalämmöllä.”",
        "sv": "En konkret åtgärd, t.ex. ”Skolans oljeuppvärmning ersätts med bergvärme.”",
        "en": "A concrete action, e.g. “The school's oil heating is replaced by a heat pump.”",
    },
    "commitment.field.target": {"fi": "Tavoite", "sv": "Mål", "en": "Target"},
    "commitment.field.target.hint": {
        "fi": "Mitattava tulos luvuin, esim. ”lämmityksen päästöt −90 %”.",
        "sv": "Ett mätbart resultat i siffror, t.ex. ”utsläppen från uppvärmningen −90 %”.",
        "en": "A measurable result in numbers, e.g. “heating emissions −90 %”.",
    },
    "commitment.field.indicator": {"fi": "Mittari", "sv": "Indikator", "en": "Indicator"},
    "commitment.field.indicator.hint": {
        "fi": "Mistä toteutuminen nähdään, esim. ”öljynkulutus, litraa vuodessa”.",
        "sv": "Var resultatet syns, t.ex. ”oljeförbrukning, liter per år”.",
        "en": "Where the result shows, e.g. “oil use, litres per year”.",
    },
    "commitment.field.due_date": {"fi": "Määräaika", "sv": "Tidsfrist", "en": "Due date"},
    "commitment.field.due_date.hint": {
        "fi": "Päivä, johon mennessä tavoite on saavutettu (31.12.2027).",
        "sv": "Den dag då målet ska vara nått (31.12.2027).",
        "en": "The day by which the target is reached (2027-12-31).",
    },
    "commitment.field.owner": {"fi": "Vastuu", "sv": "Ansvarig", "en": "Owner"},
    "commitment.field.owner.hint": {
        "fi": "Henkilö tai toimielin, joka vastaa toteutuksesta.",
        "sv": "Den person eller det organ som ansvarar för genomförandet.",
        "en": "The person or body responsible for carrying it out.",
    },
    "commitment.field.owner_email": {
        "fi": "Vastuuhenkilön sähköposti",
        "sv": "Den ansvarigas e-post",
        "en": "Owner's e-mail",
    },
    "commitment.field.owner_email.hint": {
        "fi": "Vapaaehtoinen: muistutus lähetetään tähän osoitteeseen ennen määräaikaa. Osoitetta ei näytetä "
        "muille.",
        "sv": "Frivilligt: en påminnelse skickas hit före tidsfristen. Adressen visas inte för andra.",
        "en": "Optional: a reminder is sent here before the due date. The address is not shown to others.",
    },
    "commitment.field.challenged_committee": {
        "fi": "Haasta toinen toimielin",
        "sv": "Utmana ett annat organ",
        "en": "Challenge another committee",
    },
    "commitment.field.challenged_committee.hint": {
        "fi": "Vapaaehtoinen: toimielin, jonka haastatte tekemään vastaavan sitoumuksen, esim. "
        "”Sivistyslautakunta”.",
        "sv": "Frivilligt: ett organ som ni utmanar att göra ett liknande åtagande, t.ex. "
        "”Bildningsnämnden”.",
        "en": "Optional: a committee you challenge to make a similar commitment, e.g. “Education committee”.",
    },
    # --- reminders by e-mail ---
    "reminder.mail.subject": {
        "fi": "Muistutus: ilmastositoumuksen määräaika {due}",
        "sv": "Påminnelse: klimatåtagandets tidsfrist {due}",
        "en": "Reminder: climate commitment due {due}",
    },
    "reminder.mail.meeting": {
        "fi": " (kokous: {meeting})",
        "sv": " (sammanträde: {meeting})",
        "en": " (meeting: {meeting})",
    },
    "reminder.mail.body": {
        "fi": "Tämä on muistutus ilmastositoumuksesta, joka on kirjattu asiaan ”{title}”{meeting}. "
        "Sinut on merkitty sen vastuuhenkilöksi. Määräaika on {due}.\n\n{commitment}\n\n"
        "Kun määräaika on ohi, kerro ilmastokoordinaattorille, mitä mittari näyttää. Hän kirjaa, "
        "toteutuiko sitoumus.\n\nAsian ilmastotarkistuslista ja sitoumukset: {url}\n\n"
        "Tämä viesti on lähetetty automaattisesti.",
        "sv": "Detta är en påminnelse om ett klimatåtagande som har antecknats i ärendet ”{title}”{meeting}. "
        "Du är angiven som ansvarig. Tidsfristen är {due}.\n\n{commitment}\n\n"
        "När tidsfristen har gått ut, berätta för klimatkoordinatorn vad indikatorn visar. Hen antecknar "
        "om åtagandet uppfylldes.\n\nÄrendets klimatchecklista och åtaganden: {url}\n\n"
        "Detta meddelande har skickats automatiskt.",
        "en": "This is a reminder of a climate commitment recorded for the item “{title}”{meeting}. You "
        "are named as its owner. It is due on {due}.\n\n{commitment}\n\n"
        "Once the due date has passed, tell the climate coordinator what the indicator shows; they "
        "record whether the commitment was kept.\n\nThe item's climate checklist and commitments: {url}\n\n"
        "This message was sent automatically.",
    },
}
