"""Texts for the climate coordinator's queue and reviews: key → {"fi", "sv", "en"}."""

MESSAGES: dict[str, dict[str, str]] = {
    "coordinator.page.title": {
        "fi": "Ilmastokoordinaattorin työjono",
        "sv": "Klimatkoordinatorns arbetskö",
        "en": "Climate coordinator's queue",
    },
    "coordinator.page.intro": {
        "fi": "Tällä sivulla ovat jatkoarviointiin nostetut asiat, päivän satunnaisotos valmiista "
        "arvioinneista sekä sitoumukset, joiden toteutuminen kirjataan. Linkki on henkilökohtainen: "
        "älä jaa sitä.",
        "sv": "Här finns ärenden som lyfts till fördjupad bedömning, dagens slumpmässiga urval av färdiga "
        "bedömningar och de åtaganden vars utfall ska antecknas. Länken är personlig: dela den inte.",
        "en": "This page lists the items escalated for an in-depth review, today's random sample of "
        "completed assessments, and the commitments whose outcome is to be recorded. The link is "
        "personal: do not share it.",
    },
    "coordinator.page.saved_review": {
        "fi": "Arvio tallennettiin.",
        "sv": "Granskningen sparades.",
        "en": "The review was saved.",
    },
    "coordinator.page.saved_commitment": {
        "fi": "Sitoumuksen tila tallennettiin.",
        "sv": "Åtagandets status sparades.",
        "en": "The commitment's status was saved.",
    },
    "coordinator.queue.heading": {
        "fi": "Jatkoarviointiin nostetut asiat",
        "sv": "Ärenden som lyfts till fördjupad bedömning",
        "en": "Items escalated for an in-depth review",
    },
    "coordinator.queue.intro": {
        "fi": "Näissä arvioinneissa täyttyi jokin kunnan jatkoarvioinnin säännöistä. Syy on kerrottu "
        "kunkin asian kohdalla.",
        "sv": "I dessa bedömningar uppfylldes någon av kommunens regler för fördjupad bedömning. Orsaken "
        "anges vid varje ärende.",
        "en": "In these assessments one of the municipality's escalation rules applied. The reason is "
        "given with each item.",
    },
    "coordinator.queue.empty": {
        "fi": "Ei arvioitavia asioita jonossa.",
        "sv": "Inga ärenden väntar på granskning.",
        "en": "No items are waiting for review.",
    },
    "coordinator.sample.heading": {
        "fi": "Päivän satunnaisotos",
        "sv": "Dagens slumpmässiga urval",
        "en": "Today's random sample",
    },
    "coordinator.sample.intro": {
        "fi": "Enintään {count} satunnaisesti valittua valmista arviointia, joita ei ole nostettu "
        "jatkoarviointiin. Otos pysyy samana koko päivän. Tarkista, ovatko arviot perusteltuja.",
        "sv": "Högst {count} slumpmässigt valda färdiga bedömningar som inte har lyfts till fördjupad "
        "bedömning. Urvalet är detsamma hela dagen. Kontrollera att bedömningarna är motiverade.",
        "en": "Up to {count} completed assessments chosen at random among those not escalated. The "
        "sample stays the same all day. Check that the ratings are justified.",
    },
    "coordinator.sample.empty": {
        "fi": "Otokseen ei ole tänään arviointeja.",
        "sv": "Det finns inga bedömningar i dagens urval.",
        "en": "There are no assessments in today's sample.",
    },
    "coordinator.sample.off": {
        "fi": "Satunnaisotos on poistettu käytöstä (CLIMATE_PLUGIN_REVIEW_SAMPLE_SIZE=0).",
        "sv": "Det slumpmässiga urvalet är avstängt (CLIMATE_PLUGIN_REVIEW_SAMPLE_SIZE=0).",
        "en": "The random sample is switched off (CLIMATE_PLUGIN_REVIEW_SAMPLE_SIZE=0).",
    },
    "coordinator.sample.reviewed": {
        "fi": "Arvioitu: {outcome}",
        "sv": "Granskad: {outcome}",
        "en": "Reviewed: {outcome}",
    },
    "coordinator.commitments.heading": {"fi": "Sitoumukset", "sv": "Åtaganden", "en": "Commitments"},
    "coordinator.commitments.intro": {
        "fi": "Avoimet sitoumukset määräajan mukaan, sitten viimeksi kirjatut. Kirjaa, toteutuiko "
        "sitoumus, ja kerro mitä mittari näyttää.",
        "sv": "Öppna åtaganden efter tidsfrist, sedan de senast antecknade. Anteckna om åtagandet "
        "uppfylldes och vad indikatorn visar.",
        "en": "Open commitments by due date, then the most recently recorded. Record whether the "
        "commitment was kept and what the indicator shows.",
    },
    "coordinator.commitments.empty": {
        "fi": "Kunnassa ei ole vielä sitoumuksia.",
        "sv": "Kommunen har ännu inga åtaganden.",
        "en": "The municipality has no commitments yet.",
    },
    "coordinator.commitments.overdue": {
        "fi": "Määräaika on ohi",
        "sv": "Tidsfristen har gått ut",
        "en": "Past its due date",
    },
    "coordinator.commitments.mark": {
        "fi": "Kirjaa tulos",
        "sv": "Anteckna resultatet",
        "en": "Record the result",
    },
    "coordinator.commitments.correct": {
        "fi": "Korjaa kirjausta",
        "sv": "Rätta anteckningen",
        "en": "Correct the record",
    },
    "coordinator.commitments.result": {"fi": "Tulos", "sv": "Resultat", "en": "Result"},
    "coordinator.commitments.result_note": {
        "fi": "Mitä seuranta osoitti",
        "sv": "Vad uppföljningen visade",
        "en": "What the follow-up found",
    },
    "coordinator.commitments.save": {"fi": "Tallenna", "sv": "Spara", "en": "Save"},
    "coordinator.item": {"fi": "Asia", "sv": "Ärende", "en": "Item"},
    "coordinator.meeting": {"fi": "Kokous", "sv": "Sammanträde", "en": "Meeting"},
    "coordinator.submitted_on": {
        "fi": "Arviointi valmistunut {date} (versio {revision})",
        "sv": "Bedömningen klar {date} (version {revision})",
        "en": "Assessment completed {date} (revision {revision})",
    },
    "coordinator.reasons": {"fi": "Syy", "sv": "Orsak", "en": "Reason"},
    "coordinator.open_review": {"fi": "Avaa ja arvioi", "sv": "Öppna och granska", "en": "Open and review"},
    # --- one assessment ---
    "coordinator.review.title": {
        "fi": "Arvioinnin tarkistus",
        "sv": "Granskning av bedömningen",
        "en": "Reviewing the assessment",
    },
    "coordinator.review.back": {
        "fi": "Takaisin työjonoon",
        "sv": "Tillbaka till arbetskön",
        "en": "Back to the queue",
    },
    "coordinator.review.checklist": {
        "fi": "Asian ilmastotarkistuslista",
        "sv": "Ärendets klimatchecklista",
        "en": "The item's climate checklist",
    },
    "coordinator.review.ratings": {
        "fi": "Arviot ja perustelut",
        "sv": "Bedömningar och motiveringar",
        "en": "Ratings and justifications",
    },
    "coordinator.review.no_ratings": {
        "fi": "Arvioinnissa ei ole luokkakohtaisia arvioita.",
        "sv": "Bedömningen har inga bedömningar per område.",
        "en": "The assessment has no ratings by category.",
    },
    "coordinator.review.no_impact_reason": {
        "fi": "Perustelu sille, ettei arvioitavia vaikutuksia ole",
        "sv": "Motivering till att det inte finns bedömbara konsekvenser",
        "en": "Reason given for no assessable impact",
    },
    "coordinator.review.questions": {
        "fi": "Läpileikkaavat kysymykset",
        "sv": "Övergripande frågor",
        "en": "Cross-cutting questions",
    },
    "coordinator.review.previous": {
        "fi": "Aiemmat tarkistukset",
        "sv": "Tidigare granskningar",
        "en": "Earlier reviews",
    },
    "coordinator.review.form_heading": {
        "fi": "Kirjaa tarkistuksen tulos",
        "sv": "Anteckna granskningens resultat",
        "en": "Record the review's outcome",
    },
    "coordinator.review.outcome": {"fi": "Tulos", "sv": "Resultat", "en": "Outcome"},
    "coordinator.review.note": {"fi": "Huomiot", "sv": "Kommentarer", "en": "Notes"},
    "coordinator.review.note_hint": {
        "fi": "Pakollinen, jos arviointia on korjattava tai se vaatii syvemmän arvioinnin: kerro, mitä "
        "valmistelijan pitäisi tehdä.",
        "sv": "Obligatoriskt om bedömningen ska rättas eller kräver en fördjupad bedömning: skriv vad "
        "beredaren bör göra.",
        "en": "Required when the assessment needs changes or an in-depth review: say what the preparer "
        "should do.",
    },
    "coordinator.review.reviewer": {"fi": "Tarkistaja", "sv": "Granskare", "en": "Reviewer"},
    "coordinator.review.reviewer_hint": {
        "fi": "Nimesi, joka tallentuu tarkistuksen yhteyteen.",
        "sv": "Ditt namn, som sparas med granskningen.",
        "en": "Your name, stored with the review.",
    },
    "coordinator.review.submit": {
        "fi": "Tallenna tarkistus",
        "sv": "Spara granskningen",
        "en": "Save the review",
    },
    "coordinator.review.errors_heading": {
        "fi": "Tietoja ei tallennettu",
        "sv": "Uppgifterna sparades inte",
        "en": "Nothing was saved",
    },
    "coordinator.outcome.ok": {
        "fi": "Kunnossa",
        "sv": "I sin ordning",
        "en": "Sound",
    },
    "coordinator.outcome.needs_changes": {
        "fi": "Korjattava",
        "sv": "Behöver rättas",
        "en": "Needs changes",
    },
    "coordinator.outcome.in_depth": {
        "fi": "Vaatii syvemmän ilmastoarvioinnin",
        "sv": "Kräver en fördjupad klimatbedömning",
        "en": "Needs an in-depth climate assessment",
    },
    "coordinator.reason.escalated": {"fi": "jatkoarviointi", "sv": "fördjupad bedömning", "en": "escalated"},
    "coordinator.reason.sample": {"fi": "satunnaisotos", "sv": "slumpmässigt urval", "en": "random sample"},
    # --- errors ---
    "coordinator.error.invalid": {
        "fi": "Tietoja ei tallennettu. Korjaa merkityt kohdat.",
        "sv": "Uppgifterna sparades inte. Rätta de markerade fälten.",
        "en": "Nothing was saved. Please correct the marked fields.",
    },
    "coordinator.error.outcome": {
        "fi": "Valitse tulos: kunnossa, korjattava tai vaatii syvemmän ilmastoarvioinnin.",
        "sv": "Välj ett resultat: i sin ordning, behöver rättas eller kräver en fördjupad klimatbedömning.",
        "en": "Choose an outcome: sound, needs changes, or needs an in-depth climate assessment.",
    },
    "coordinator.error.note_missing": {
        "fi": "Kerro, mitä valmistelijan pitäisi korjata tai selvittää.",
        "sv": "Skriv vad beredaren bör rätta eller utreda.",
        "en": "Say what the preparer should change or find out.",
    },
    "coordinator.error.reviewer_missing": {
        "fi": "Kirjoita nimesi: kirjaukseen tallentuu, kuka sen teki.",
        "sv": "Skriv ditt namn: det sparas vem som gjorde anteckningen.",
        "en": "Please give your name: the record keeps who made it.",
    },
    "coordinator.error.not_found": {
        "fi": "Sivua ei löydy. Pyydä ylläpitäjältä uusi linkki.",
        "sv": "Sidan hittas inte. Be administratören om en ny länk.",
        "en": "The page cannot be found. Please ask the administrator for a new link.",
    },
    "coordinator.error.link_expired": {
        "fi": "Linkin voimassaolo on päättynyt. Pyydä ylläpitäjältä uusi linkki.",
        "sv": "Länken har gått ut. Be administratören om en ny länk.",
        "en": "This link has expired. Please ask the administrator for a new link.",
    },
    "coordinator.error.assessment_not_found": {
        "fi": "Arviointia ei löydy tästä kunnasta.",
        "sv": "Bedömningen finns inte i den här kommunen.",
        "en": "The assessment cannot be found in this municipality.",
    },
    "coordinator.error.commitment_not_found": {
        "fi": "Sitoumusta ei löydy tästä kunnasta.",
        "sv": "Åtagandet finns inte i den här kommunen.",
        "en": "The commitment cannot be found in this municipality.",
    },
}
