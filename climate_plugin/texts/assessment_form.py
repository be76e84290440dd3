"""Texts for the preparer's form, its JSON API and the "Climate impacts" section: key → {"fi", "sv", "en"}."""

MESSAGES: dict[str, dict[str, str]] = {
    # --- the signed link ---
    "form.link_expired.title": {
        "fi": "Linkki on vanhentunut",
        "sv": "Länken har gått ut",
        "en": "The link has expired",
    },
    "form.link_expired.text": {
        "fi": "Tämän tarkistuslistan linkki oli voimassa {date} asti. Uusi linkki on asian tiedoissa "
        "asianhallintajärjestelmässä, tai sen saa asian valmistelijalta tai ilmastokoordinaattorilta.",
        "sv": "Länken till den här checklistan gällde till och med {date}. En ny länk finns i ärendets "
        "uppgifter i ärendehanteringssystemet, eller så kan du be beredaren eller klimatkoordinatorn om den.",
        "en": "The link to this checklist was valid until {date}. A new link is in the item's details in the "
        "agenda system, or ask the item's preparer or the climate coordinator for it.",
    },
    "form.not_found.title": {"fi": "Sivua ei löytynyt", "sv": "Sidan hittades inte", "en": "Page not found"},
    "form.not_found.text": {
        "fi": "Tarkistuslistaa ei löytynyt. Linkki voi olla virheellinen tai katkennut kopioitaessa.",
        "sv": "Checklistan hittades inte. Länken kan vara felaktig eller ha klippts av när den kopierades.",
        "en": "The checklist was not found. The link may be mistyped or cut off when it was copied.",
    },
    # --- problems when saving ---
    "form.csrf": {
        "fi": "Lomakkeen tietoja ei tallennettu, koska sivu on ollut auki liian kauan tai se avattiin "
        "toisessa selaimessa. Vastauksesi ovat tallella alla: tarkista ne ja tallenna uudelleen.",
        "sv": "Formulärets uppgifter sparades inte, eftersom sidan har varit öppen för länge eller "
        "öppnades i en annan webbläsare. Dina svar finns kvar nedan: kontrollera dem och spara på nytt.",
        "en": "The form was not saved because the page was open for too long or was opened in another "
        "browser. Your answers are still below: check them and save again.",
    },
    "form.pending": {
        "fi": "Asian automaattinen esiarviointi on vielä kesken, joten arviota ei voi vielä tallentaa. "
        "Yritä hetken kuluttua uudelleen.",
        "sv": "Den automatiska förhandsbedömningen av ärendet pågår ännu, så bedömningen kan inte sparas än. "
        "Försök igen om en stund.",
        "en": "The automatic screening of this item has not finished, so the assessment cannot be saved yet. "
        "Please try again in a moment.",
    },
    "form.has_errors": {
        "fi": "Arviota ei tallennettu. Korjaa alla merkityt kohdat.",
        "sv": "Bedömningen sparades inte. Rätta de markerade punkterna nedan.",
        "en": "The assessment was not saved. Please correct the marked points below.",
    },
    "form.changed_meanwhile": {
        "fi": "Asian teksti on muuttunut sen jälkeen, kun avasit lomakkeen. Vastauksesi ovat tallella "
        "alla: tarkista ne muuttuneen tekstin kannalta ja tallenna uudelleen.",
        "sv": "Ärendets text har ändrats sedan du öppnade formuläret. Dina svar finns kvar nedan: "
        "kontrollera dem mot den ändrade texten och spara på nytt.",
        "en": "The item's text changed after you opened the form. Your answers are still below: check them "
        "against the changed text and save again.",
    },
    "form.conflict": {
        "fi": "Joku muu tallensi arvion samaan aikaan. Lataa sivu uudelleen ja tarkista vastaukset.",
        "sv": "Någon annan sparade bedömningen samtidigt. Ladda om sidan och kontrollera svaren.",
        "en": "Someone else saved the assessment at the same moment. Reload the page and check the answers.",
    },
    "form.api.json_only": {
        "fi": "Lähetä vastaukset JSON-muodossa (Content-Type: application/json).",
        "sv": "Skicka svaren som JSON (Content-Type: application/json).",
        "en": "Send the answers as JSON (Content-Type: application/json).",
    },
    "form.api.invalid_json": {
        "fi": "Pyynnön runko ei ole kelvollista JSONia.",
        "sv": "Begärans innehåll är inte giltig JSON.",
        "en": "The request body is not valid JSON.",
    },
    "form.error.object": {
        "fi": "Tähän odotetaan JSON-objektia (avain–arvo-pareja).",
        "sv": "Här väntas ett JSON-objekt (nyckel–värde-par).",
        "en": "A JSON object (key–value pairs) is expected here.",
    },
    "form.error.unknown_field": {
        "fi": "Tuntematon kenttä. Sallitut kentät ovat {fields}.",
        "sv": "Okänt fält. Tillåtna fält är {fields}.",
        "en": "Unknown field. The allowed fields are {fields}.",
    },
    "form.error.boolean": {
        "fi": "Arvon on oltava true (lähetä arvio) tai false (tallenna luonnos).",
        "sv": "Värdet ska vara true (skicka bedömningen) eller false (spara utkast).",
        "en": "The value must be true (submit the assessment) or false (save a draft).",
    },
    "form.error.revision": {
        "fi": "Version on oltava kokonaisluku, jonka sait tarkistuslistan mukana.",
        "sv": "Versionen ska vara det heltal som du fick med checklistan.",
        "en": "The revision must be the whole number you received with the checklist.",
    },
    # --- the form page ---
    "form.error_prefix": {"fi": "Virhe", "sv": "Fel", "en": "Error"},
    "form.error_title": {"fi": "Korjattavaa", "sv": "Att rätta", "en": "To correct"},
    "form.error_summary": {
        "fi": "Korjattavia kohtia: {count}",
        "sv": "Punkter att rätta: {count}",
        "en": "Points to correct: {count}",
    },
    "form.state": {"fi": "Arvion tila", "sv": "Bedömningens status", "en": "Assessment status"},
    "form.state.screened": {
        "fi": "Valmistelija ei ole vielä arvioinut",
        "sv": "Beredaren har inte bedömt ännu",
        "en": "Not yet assessed by the preparer",
    },
    "form.state.draft": {
        "fi": "Luonnos tallennettu, ei vielä lähetetty",
        "sv": "Utkast sparat, inte skickat än",
        "en": "Draft saved, not submitted yet",
    },
    "form.state.submitted": {
        "fi": "Lähetetty {date}",
        "sv": "Skickad {date}",
        "en": "Submitted on {date}",
    },
    "form.done.submitted": {
        "fi": "Kiitos! Arvio on lähetetty, ja Ilmastovaikutukset-osio viedään asian tietoihin.",
        "sv": "Tack! Bedömningen har skickats, och avsnittet Klimatkonsekvenser förs in i ärendets "
        "uppgifter.",
        "en": "Thank you! The assessment has been submitted, and the Climate impacts section is added to the "
        "item.",
    },
    "form.done.draft": {
        "fi": "Luonnos on tallennettu. Voit jatkaa myöhemmin samasta linkistä; luonnos ei näy asian "
        "tiedoissa.",
        "sv": "Utkastet har sparats. Du kan fortsätta senare via samma länk; utkastet syns inte i ärendets "
        "uppgifter.",
        "en": "The draft has been saved. You can continue later from the same link; the draft is not "
        "shown in the item.",
    },
    "form.needs_review": {
        "fi": "Asian teksti on muuttunut arvion lähettämisen jälkeen. Tarkista vastaukset ja lähetä arvio "
        "uudelleen joko sellaisenaan tai korjattuna. Siihen asti arvion merkit eivät ole näkyvissä.",
        "sv": "Ärendets text har ändrats sedan bedömningen skickades. Kontrollera svaren och skicka "
        "bedömningen på nytt, oförändrad eller rättad. Till dess visas inte bedömningens märken.",
        "en": "The item's text changed after the assessment was submitted. Check the answers and submit the "
        "assessment again, as it is or revised. Until then its badges are not shown.",
    },
    "form.escalated.heading": {
        "fi": "Ilmastokoordinaattorin arvioitavana",
        "sv": "För bedömning av klimatkoordinatorn",
        "en": "For the climate coordinator's review",
    },
    "form.escalated.text": {
        "fi": "Arvio ohjattiin ilmastokoordinaattorille tarkempaa arviointia varten, koska:",
        "sv": "Bedömningen skickades till klimatkoordinatorn för en fördjupad bedömning, eftersom:",
        "en": "The assessment was sent to the climate coordinator for an in-depth review, because:",
    },
    "form.section.heading": {
        "fi": "Asian tietoihin viety osio",
        "sv": "Avsnittet som förts in i ärendet",
        "en": "The section added to the item",
    },
    "form.section.intro": {
        "fi": "Tämä teksti viedään asian tietoihin talousvaikutusten jälkeen.",
        "sv": "Den här texten förs in i ärendet efter de ekonomiska konsekvenserna.",
        "en": "This text is added to the item after the financial impacts.",
    },
    "form.intro": {
        "fi": "Lomake toimii ilman JavaScriptiä. Voit tallentaa luonnoksen ja jatkaa myöhemmin samasta "
        "linkistä. Pakolliset kohdat tarkistetaan vasta, kun lähetät arvion.",
        "sv": "Formuläret fungerar utan JavaScript. Du kan spara ett utkast och fortsätta senare via samma "
        "länk. De obligatoriska punkterna kontrolleras först när du skickar bedömningen.",
        "en": "The form works without JavaScript. You can save a draft and continue later from the same "
        "link. Required points are checked only when you submit the assessment.",
    },
    "form.reason.label": {
        "fi": "Perustelu, jos kaikki vastaukset ovat ”Ei”",
        "sv": "Motivering, om alla svar är ”Nej”",
        "en": "Reason, if every answer is “No”",
    },
    "form.reason.hint": {
        "fi": "Yksi rivi, esimerkiksi ”Asia koskee vain toimielimen sisäistä järjestäytymistä.”",
        "sv": "En rad, till exempel ”Ärendet gäller endast organets interna organisering.”",
        "en": "One line, for example “The item only concerns the board's internal organisation.”",
    },
    "form.stage1.nojs": {
        "fi": "Arvioi ne aihepiirit, jotka on merkitty avautuneiksi. Jos muutit vaiheen 0 vastauksia, "
        "lomake kertoo tallennettaessa, mitkä aihepiirit vielä pitää arvioida.",
        "sv": "Bedöm de områden som är markerade som öppnade. Om du ändrade svaren i steg 0 visar "
        "formuläret när du sparar vilka områden som ännu ska bedömas.",
        "en": "Rate the categories marked as opened. If you changed the stage 0 answers, the form tells you "
        "on saving which categories still need a rating.",
    },
    "form.category.opened": {
        "fi": "Avautunut vaiheen 0 vastausten perusteella: arvioi tämä.",
        "sv": "Öppnat av svaren i steg 0: bedöm detta.",
        "en": "Opened by the stage 0 answers: rate this.",
    },
    "form.category.closed": {
        "fi": "Avautuu, jos vastaat ”Kyllä” tai ”En tiedä” kysymykseen {questions}.",
        "sv": "Öppnas om du svarar ”Ja” eller ”Vet inte” på fråga {questions}.",
        "en": "Opens if you answer “Yes” or “Don't know” to question {questions}.",
    },
    "form.justification.label": {
        "fi": "Perustelu ({category}), 1–3 virkettä",
        "sv": "Motivering ({category}), 1–3 meningar",
        "en": "Justification ({category}), 1–3 sentences",
    },
    "form.scope.label": {
        "fi": "Vaikutuksen rajaus (vapaaehtoinen)",
        "sv": "Konsekvensens avgränsning (frivillig)",
        "en": "Scope of the effect (optional)",
    },
    "form.scope.none": {"fi": "Ei rajausta", "sv": "Ingen avgränsning", "en": "No scope"},
    "form.cross.intro": {
        "fi": "Vastaa niihin kysymyksiin, joihin asiassa on jotain sanottavaa.",
        "sv": "Svara på de frågor där det finns något att säga i ärendet.",
        "en": "Answer the questions on which the item has something to say.",
    },
    "form.send.heading": {
        "fi": "Tallenna tai lähetä",
        "sv": "Spara eller skicka",
        "en": "Save or submit",
    },
    "form.name.label": {
        "fi": "Arvioijan nimi ja tehtävä",
        "sv": "Bedömarens namn och befattning",
        "en": "Assessor's name and title",
    },
    "form.name.hint": {
        "fi": "Näkyy Ilmastovaikutukset-osiossa, esimerkiksi ”Maija Virtanen, kiinteistöpäällikkö”.",
        "sv": "Visas i avsnittet Klimatkonsekvenser, till exempel ”Maja Lindroos, fastighetschef”.",
        "en": "Shown in the Climate impacts section, for example “Maija Virtanen, property manager”.",
    },
    "form.send.hint": {
        "fi": "Luonnos tallentuu vain tähän lomakkeeseen. Lähetetty arvio viedään asian tietoihin.",
        "sv": "Ett utkast sparas bara i det här formuläret. En skickad bedömning förs in i ärendet.",
        "en": "A draft is kept in this form only. A submitted assessment is added to the item.",
    },
    "form.button.draft": {"fi": "Tallenna luonnos", "sv": "Spara utkast", "en": "Save draft"},
    "form.button.submit": {"fi": "Lähetä arvio", "sv": "Skicka bedömningen", "en": "Submit assessment"},
    # --- the "Climate impacts" section written into the agenda item
    # (climate_plugin.assessments.impact_section) ---
    "impact.heading": {"fi": "Ilmastovaikutukset", "sv": "Klimatkonsekvenser", "en": "Climate impacts"},
    "impact.verdict": {"fi": "Kokonaisarvio", "sv": "Helhetsbedömning", "en": "Overall assessment"},
    "impact.verdict.none": {
        "fi": "Ei arvioitavia ilmastovaikutuksia.",
        "sv": "Inga bedömbara klimatkonsekvenser.",
        "en": "No assessable climate impact.",
    },
    "impact.verdict.positive": {
        "fi": "Asialla arvioidaan olevan myönteisiä ilmastovaikutuksia.",
        "sv": "Ärendet bedöms ha positiva klimatkonsekvenser.",
        "en": "The item is assessed to have positive climate impacts.",
    },
    "impact.verdict.negative": {
        "fi": "Asialla arvioidaan olevan kielteisiä ilmastovaikutuksia.",
        "sv": "Ärendet bedöms ha negativa klimatkonsekvenser.",
        "en": "The item is assessed to have negative climate impacts.",
    },
    "impact.verdict.mixed": {
        "fi": "Asialla arvioidaan olevan sekä myönteisiä että kielteisiä ilmastovaikutuksia.",
        "sv": "Ärendet bedöms ha både positiva och negativa klimatkonsekvenser.",
        "en": "The item is assessed to have both positive and negative climate impacts.",
    },
    "impact.verdict.minor": {
        "fi": "Arvioiduissa aihepiireissä vaikutukset ovat vähäisiä.",
        "sv": "Konsekvenserna inom de bedömda områdena är ringa.",
        "en": "The effects in the assessed categories are minor.",
    },
    "impact.verdict.unknown": {
        "fi": "Vaikutusten suuntaa ei ole vielä voitu arvioida.",
        "sv": "Konsekvensernas riktning har ännu inte kunnat bedömas.",
        "en": "The direction of the effects could not be assessed yet.",
    },
    "impact.verdict.partly_unknown": {
        "fi": "Osa vaikutuksista ei ole vielä tiedossa.",
        "sv": "En del av konsekvenserna är ännu okända.",
        "en": "Some of the effects are not known yet.",
    },
    "impact.reason": {"fi": "Perustelu", "sv": "Motivering", "en": "Reason"},
    "impact.categories": {
        "fi": "Vaikutukset aihepiireittäin",
        "sv": "Konsekvenser per område",
        "en": "Effects by category",
    },
    "impact.scope": {"fi": "rajaus: {scope}", "sv": "avgränsning: {scope}", "en": "scope: {scope}"},
    "impact.question.X1": {"fi": "Vaihtoehdot", "sv": "Alternativ", "en": "Alternatives"},
    "impact.question.X2": {
        "fi": "Haittojen lieventäminen",
        "sv": "Lindring av negativa konsekvenser",
        "en": "Mitigation",
    },
    "impact.question.X3": {
        "fi": "Suhde ilmastotavoitteeseen",
        "sv": "Förhållande till klimatmålet",
        "en": "Relation to the climate target",
    },
    "impact.question.X4": {
        "fi": "Vaikutusten jakautuminen",
        "sv": "Konsekvensernas fördelning",
        "en": "Distribution of the effects",
    },
    "impact.question.X5": {
        "fi": "Seurantamittari",
        "sv": "Uppföljningsindikator",
        "en": "Follow-up indicator",
    },
    "impact.question.X6": {"fi": "Arvion varmuus", "sv": "Bedömningens säkerhet", "en": "Certainty"},
    "impact.escalated": {
        "fi": "Ohjattu ilmastokoordinaattorin arvioitavaksi",
        "sv": "Skickat till klimatkoordinatorn för bedömning",
        "en": "Sent to the climate coordinator for review",
    },
    "impact.signed_by": {
        "fi": "Arvioinut {who}, {date}.",
        "sv": "Bedömd av {who}, {date}.",
        "en": "Assessed by {who}, {date}.",
    },
    "impact.signed": {
        "fi": "Arvioitu {date}.",
        "sv": "Bedömd {date}.",
        "en": "Assessed on {date}.",
    },
    "impact.needs_review": {
        "fi": "Asian teksti on muuttunut arvion jälkeen; valmistelija tarkistaa arvion.",
        "sv": "Ärendets text har ändrats efter bedömningen; beredaren går igenom bedömningen på nytt.",
        "en": "The item's text changed after this assessment; the preparer is reviewing it.",
    },
}
