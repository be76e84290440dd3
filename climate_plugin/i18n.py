"""Languages and the message catalogue for everything a person reads (fi, sv, en).

The catalogue is plain data so that a test can check every key has all three languages: a missing
translation is a bug, not a fallback. Checklist wording (questions, categories, scale) lives with the
versioned checklist in ``climate_plugin.checklist``; this module holds the texts around it.
"""

from __future__ import annotations

LANGUAGES: tuple[str, ...] = ("fi", "sv", "en")

#: each language named in itself, as a language switch shows them
LANGUAGE_NAMES: dict[str, str] = {"fi": "suomi", "sv": "svenska", "en": "English"}


def normalize_language(code: str | None) -> str | None:
    """ "fi-FI", "sv_FI", " EN " → "fi", "sv", "en"; anything unsupported → None."""
    if not code or not isinstance(code, str):
        return None
    base = code.strip().replace("_", "-").split("-", 1)[0].lower()
    return base if base in LANGUAGES else None


def pick_language(*candidates: str | None, default: str = "fi") -> str:
    """The first candidate that is a supported language, else ``default``."""
    for candidate in candidates:
        lang = normalize_language(candidate)
        if lang:
            return lang
    return default


def request_language(*fallbacks: str | None, browser: bool = True) -> str:
    """The language a request asks for: ``?lang=``, then (with ``browser``) its Accept-Language header,
    then ``fallbacks`` in order (an item's or a municipality's language), else Finnish."""
    from flask import request

    header = request.accept_languages.best_match(LANGUAGES) if browser else None
    return pick_language(request.args.get("lang"), header, *fallbacks)


def language_links(endpoint: str, lang: str, **values: object) -> list[dict[str, object]]:
    """The language switch of a page: ``[{code, name, url, current}]``, each url the same page in ``code``."""
    from flask import url_for

    return [
        {
            "code": code,
            "name": LANGUAGE_NAMES[code],
            "url": url_for(endpoint, lang=code, **values),
            "current": code == lang,
        }
        for code in LANGUAGES
    ]


def t(key: str, lang: str, **params: object) -> str:
    """The text for ``key`` in ``lang`` (an unsupported language falls back to Finnish).

    An unknown key raises KeyError on purpose: it must show up in tests, not as an empty label.
    """
    text = MESSAGES[key][pick_language(lang)]
    return text.format(**params) if params else text


def translator(lang: str):
    """``_`` for a template rendered in ``lang``: ``_("msgid", name=value)``."""
    return lambda key, **params: t(key, lang, **params)


MESSAGES: dict[str, dict[str, str]] = {
    # --- relevance levels (the screening result in words) ---
    "relevance.heading": {
        "fi": "Esiarvioinnin tulos",
        "sv": "Resultat av förhandsbedömningen",
        "en": "Screening result",
    },
    "relevance.high": {
        "fi": "Todennäköisesti merkittäviä ilmastovaikutuksia",
        "sv": "Sannolikt betydande klimatkonsekvenser",
        "en": "Likely significant climate impact",
    },
    "relevance.minor": {
        "fi": "Vähäisiä ilmastovaikutuksia",
        "sv": "Ringa klimatkonsekvenser",
        "en": "Minor climate impact",
    },
    "relevance.none": {
        "fi": "Ei arvioitavia ilmastovaikutuksia",
        "sv": "Inga bedömbara klimatkonsekvenser",
        "en": "No assessable climate impact",
    },
    # --- summary sentences written back into the agenda item ---
    "summary.high": {
        "fi": "Automaattisen esiarvioinnin mukaan asialla voi olla merkittäviä ilmastovaikutuksia.",
        "sv": "Enligt den automatiska förhandsbedömningen kan ärendet ha betydande klimatkonsekvenser.",
        "en": "The automatic screening suggests that the item may have significant climate impacts.",
    },
    "summary.high_categories": {
        "fi": "Automaattisen esiarvioinnin mukaan asialla voi olla merkittäviä ilmastovaikutuksia "
        "seuraavissa aihepiireissä: {categories}.",
        "sv": "Enligt den automatiska förhandsbedömningen kan ärendet ha betydande klimatkonsekvenser "
        "inom följande områden: {categories}.",
        "en": "The automatic screening suggests that the item may have significant climate impacts "
        "in these areas: {categories}.",
    },
    "summary.minor": {
        "fi": "Automaattisen esiarvioinnin mukaan asialla voi olla vähäisiä ilmastovaikutuksia.",
        "sv": "Enligt den automatiska förhandsbedömningen kan ärendet ha ringa klimatkonsekvenser.",
        "en": "The automatic screening suggests that the item may have minor climate impacts.",
    },
    "summary.minor_categories": {
        "fi": "Automaattisen esiarvioinnin mukaan asialla voi olla vähäisiä ilmastovaikutuksia "
        "seuraavissa aihepiireissä: {categories}.",
        "sv": "Enligt den automatiska förhandsbedömningen kan ärendet ha ringa klimatkonsekvenser "
        "inom följande områden: {categories}.",
        "en": "The automatic screening suggests that the item may have minor climate impacts "
        "in these areas: {categories}.",
    },
    "summary.invite_high": {
        "fi": "Valmistelijaa pyydetään arvioimaan vaikutukset ilmastovaikutusten tarkistuslistalla.",
        "sv": "Beredaren ombeds bedöma konsekvenserna med checklistan för klimatkonsekvenser.",
        "en": "The preparer is asked to assess the impacts with the climate impact checklist.",
    },
    "summary.invite_minor": {
        "fi": "Valmistelija voi tarkentaa arviota ilmastovaikutusten tarkistuslistalla.",
        "sv": "Beredaren kan precisera bedömningen med checklistan för klimatkonsekvenser.",
        "en": "The preparer may refine the assessment with the climate impact checklist.",
    },
    "summary.none": {
        "fi": "Automaattisessa esiarvioinnissa asiasta ei löytynyt arvioitavia ilmastovaikutuksia. "
        "Valmistelija voi vahvistaa tämän ilmastovaikutusten tarkistuslistalla.",
        "sv": "Vid den automatiska förhandsbedömningen hittades inga bedömbara klimatkonsekvenser i ärendet. "
        "Beredaren kan bekräfta detta med checklistan för klimatkonsekvenser.",
        "en": "The automatic screening found no assessable climate impact in the item. "
        "The preparer may confirm this with the climate impact checklist.",
    },
    "summary.pending": {
        "fi": "Asian automaattinen esiarviointi on vielä kesken.",
        "sv": "Den automatiska förhandsbedömningen av ärendet pågår ännu.",
        "en": "The automatic screening of the item has not finished yet.",
    },
    # --- checklist page ---
    "page.title": {
        "fi": "Ilmastovaikutusten tarkistuslista",
        "sv": "Checklista för klimatkonsekvenser",
        "en": "Climate impact checklist",
    },
    "page.item": {"fi": "Asia", "sv": "Ärende", "en": "Item"},
    "page.meeting": {"fi": "Kokous", "sv": "Sammanträde", "en": "Meeting"},
    "page.municipality": {"fi": "Kunta", "sv": "Kommun", "en": "Municipality"},
    "page.screened_on": {
        "fi": "Esiarvioitu {date} (versio {revision})",
        "sv": "Förhandsbedömd {date} (version {revision})",
        "en": "Screened on {date} (revision {revision})",
    },
    "page.language": {"fi": "Kieli", "sv": "Språk", "en": "Language"},
    "page.pending": {
        "fi": "Asian automaattinen esiarviointi on vielä kesken. Tarkistuslistan ehdotukset näkyvät täällä, "
        "kun esiarviointi on valmis.",
        "sv": "Den automatiska förhandsbedömningen av ärendet pågår ännu. Checklistans förslag visas här "
        "när förhandsbedömningen är klar.",
        "en": "The automatic screening of this item has not finished yet. The checklist suggestions will "
        "appear here once it is done.",
    },
    "page.stage0.heading": {
        "fi": "Vaihe 0: Ilmastomerkityksen esiarviointi",
        "sv": "Steg 0: Förhandsbedömning av klimatrelevans",
        "en": "Stage 0: relevance pre-screen",
    },
    "page.stage0.intro": {
        "fi": "Automaattinen esiarviointi on esitäyttänyt vastausehdotukset ja niiden perusteet asian "
        "tekstistä. Valmistelija vahvistaa tai korjaa vastaukset.",
        "sv": "Den automatiska förhandsbedömningen har fyllt i svarsförslag och underlaget för dem ur "
        "ärendets text. Beredaren bekräftar eller rättar svaren.",
        "en": "The automatic screening has pre-filled suggested answers and the evidence for them from the "
        "item's text. The preparer confirms or corrects the answers.",
    },
    "page.stage0.rule": {
        "fi": "Jos kaikkiin kysymyksiin vastataan ”Ei”, osioon kirjataan ”Ei arvioitavia "
        "ilmastovaikutuksia” ja lyhyt perustelu. Jos yksikin vastaus on ”Kyllä” tai ”En tiedä”, "
        "arviointia jatketaan vaiheessa 1.",
        "sv": "Om alla svar är ”Nej” skrivs ”Inga bedömbara klimatkonsekvenser” i avsnittet tillsammans "
        "med en kort motivering. Om något svar är ”Ja” eller ”Vet inte” fortsätter bedömningen i steg 1.",
        "en": "If every answer is “No”, the section reads “No assessable climate impact” with a one-line "
        "reason. Any “Yes” or “Don't know” opens stage 1.",
    },
    "page.suggestion": {"fi": "Ehdotus", "sv": "Förslag", "en": "Suggestion"},
    "page.evidence": {"fi": "Perusteet tekstistä", "sv": "Underlag i texten", "en": "Evidence in the text"},
    "page.term": {"fi": "Hakusana", "sv": "Sökord", "en": "Term"},
    "page.no_evidence": {
        "fi": "Tekstistä ei löytynyt tähän liittyviä sanoja.",
        "sv": "Inga ord som hänför sig till detta hittades i texten.",
        "en": "No words related to this were found in the text.",
    },
    "page.location.title": {"fi": "otsikko", "sv": "rubrik", "en": "title"},
    "page.location.body": {"fi": "teksti", "sv": "text", "en": "body text"},
    "page.location.attachment": {"fi": "liite", "sv": "bilaga", "en": "attachment"},
    "page.extra_question": {
        "fi": "kunnan oma kysymys",
        "sv": "kommunens egen fråga",
        "en": "the municipality's own question",
    },
    "page.prompt": {"fi": "Tästä asiasta", "sv": "I det här ärendet", "en": "In this item"},
    "page.stage1.heading": {
        "fi": "Vaihe 1: Vaikutusten arviointi aihepiireittäin",
        "sv": "Steg 1: Bedömning per område",
        "en": "Stage 1: rating per category",
    },
    "page.stage1.intro": {
        "fi": "Arvioi jokainen vaiheessa 0 esiin noussut aihepiiri alla olevalla asteikolla. Perustele "
        "jokainen muu kuin 0-arvio yhdellä–kolmella virkkeellä.",
        "sv": "Bedöm varje område som aktualiserades i steg 0 enligt skalan nedan. Motivera varje bedömning "
        "som inte är 0 med en till tre meningar.",
        "en": "Rate every category that stage 0 triggered on the scale below. Justify every rating other "
        "than 0 in one to three sentences.",
    },
    "page.scale": {"fi": "Arviointiasteikko", "sv": "Bedömningsskala", "en": "Rating scale"},
    "page.found_by_screening": {
        "fi": "Tunnistettu esiarvioinnissa",
        "sv": "Identifierat vid förhandsbedömningen",
        "en": "Found by screening",
    },
    "page.cross.heading": {
        "fi": "Vaihe 1b: Läpileikkaavat kysymykset",
        "sv": "Steg 1b: Övergripande frågor",
        "en": "Stage 1b: cross-cutting questions",
    },
    "page.badges": {"fi": "Merkit", "sv": "Märken", "en": "Badges"},
    "page.checklist_version": {
        "fi": "Tarkistuslistan versio: {version}",
        "sv": "Checklistans version: {version}",
        "en": "Checklist version: {version}",
    },
    # --- error pages (every page, in the reader's language) ---
    "error.page.title": {"fi": "Virhe {status}", "sv": "Fel {status}", "en": "Error {status}"},
    "error.page.400": {
        "fi": "Pyyntöä ei voitu käsitellä: siinä on jotain vialla.",
        "sv": "Begäran kunde inte behandlas: något är fel i den.",
        "en": "The request could not be handled: something in it is wrong.",
    },
    "error.page.403": {
        "fi": "Sinulla ei ole oikeutta tähän.",
        "sv": "Du har inte behörighet till detta.",
        "en": "You may not do this.",
    },
    "error.page.404": {
        "fi": "Sivua ei löytynyt. Tarkista osoite.",
        "sv": "Sidan hittades inte. Kontrollera adressen.",
        "en": "The page was not found. Check the address.",
    },
    "error.page.405": {
        "fi": "Tätä sivua ei voi käyttää näin.",
        "sv": "Sidan kan inte användas på det här sättet.",
        "en": "This page cannot be used this way.",
    },
    "error.page.413": {
        "fi": "Lähetetty sisältö on liian suuri.",
        "sv": "Det skickade innehållet är för stort.",
        "en": "What was sent is too large.",
    },
    "error.page.500": {
        "fi": "Palvelussa tapahtui virhe. Se on kirjattu; yritä myöhemmin uudelleen.",
        "sv": "Ett fel uppstod i tjänsten. Det har loggats; försök igen senare.",
        "en": "Something went wrong in the service. It has been logged; please try again later.",
    },
    "error.page.503": {
        "fi": "Palvelu ei juuri nyt voi tallentaa tätä. Yritä hetken päästä uudelleen.",
        "sv": "Tjänsten kan inte spara detta just nu. Försök igen om en stund.",
        "en": "The service cannot store this right now. Please try again in a moment.",
    },
    "error.page.other": {
        "fi": "Pyyntöä ei voitu käsitellä.",
        "sv": "Begäran kunde inte behandlas.",
        "en": "The request could not be handled.",
    },
    "page.not_found.title": {"fi": "Sivua ei löytynyt", "sv": "Sidan hittades inte", "en": "Page not found"},
    "page.not_found.text": {
        "fi": "Tarkistuslistaa ei löytynyt. Linkki voi olla vanhentunut tai virheellinen.",
        "sv": "Checklistan hittades inte. Länken kan vara föråldrad eller felaktig.",
        "en": "The checklist was not found. The link may be out of date or mistyped.",
    },
    # --- tailored prompts (climate_plugin.checklist.prompts); {terms} are the item's own words ---
    "prompt.mentions": {
        "fi": "Tekstissä mainitaan {terms}: {effect}.",
        "sv": "Texten nämner {terms}: {effect}.",
        "en": "The text mentions {terms}: {effect}.",
    },
    "prompt.list": {"fi": "{head} ja {last}", "sv": "{head} och {last}", "en": "{head} and {last}"},
    "prompt.term": {"fi": "”{term}”", "sv": "”{term}”", "en": "“{term}”"},
    # --- answer validation (climate_plugin.checklist.answers): say what is missing, not just "invalid" ---
    "validation.malformed": {
        "fi": "Vastausta ei voitu lukea.",
        "sv": "Svaret kunde inte läsas.",
        "en": "The answer could not be read.",
    },
    "validation.unknown_question": {
        "fi": "Tarkistuslistassa ei ole kysymystä {id}.",
        "sv": "Checklistan har ingen fråga {id}.",
        "en": "The checklist has no question {id}.",
    },
    "validation.stage0_answer": {
        "fi": "Vastaa kysymykseen: Kyllä, Ei tai En tiedä.",
        "sv": "Svara på frågan: Ja, Nej eller Vet inte.",
        "en": "Answer the question: Yes, No or Don't know.",
    },
    "validation.no_impact_reason": {
        "fi": "Kaikki vastaukset ovat ”Ei”: kirjoita yhden rivin perustelu sille, ettei asialla ole "
        "arvioitavia ilmastovaikutuksia.",
        "sv": "Alla svar är ”Nej”: skriv en motivering på en rad till att ärendet saknar bedömbara "
        "klimatkonsekvenser.",
        "en": "Every answer is “No”: give a one-line reason why the item has no assessable climate impact.",
    },
    "validation.one_line": {
        "fi": "Perustelun on oltava yksi rivi, enintään {max} merkkiä.",
        "sv": "Motiveringen ska vara en rad, högst {max} tecken.",
        "en": "The reason must be one line of at most {max} characters.",
    },
    "validation.rating_required": {
        "fi": "Arvioi aihepiiri {category}: ++, +, 0, −, −− tai ?.",
        "sv": "Bedöm området {category}: ++, +, 0, −, −− eller ?.",
        "en": "Rate {category}: ++, +, 0, −, −− or ?.",
    },
    "validation.rating_invalid": {
        "fi": "Aihepiirin {category} arvion on oltava jokin asteikon arvoista ++, +, 0, −, −− tai ?.",
        "sv": "Bedömningen av {category} ska vara ett av skalans värden ++, +, 0, −, −− eller ?.",
        "en": "The rating for {category} must be one of the scale's values ++, +, 0, −, −− or ?.",
    },
    "validation.justification_required": {
        "fi": "Arvio {rating} ({category}) tarvitsee perustelun: kerro 1–3 virkkeellä, mihin arvio perustuu.",
        "sv": "Bedömningen {rating} ({category}) behöver en motivering: berätta med 1–3 meningar vad "
        "bedömningen grundar sig på.",
        "en": "The rating {rating} ({category}) needs a justification: say in 1–3 sentences what it is "
        "based on.",
    },
    "validation.justification_too_short": {
        "fi": "Arvion {rating} ({category}) perustelusta puuttuu kokonainen virke: kerro, mikä muuttuu ja "
        "miksi.",
        "sv": "Motiveringen till bedömningen {rating} ({category}) saknar en hel mening: berätta vad som "
        "förändras och varför.",
        "en": "The justification for {rating} ({category}) is missing a full sentence: say what changes "
        "and why.",
    },
    "validation.justification_too_long": {
        "fi": "Perustelussa on {count} virkettä: tiivistä se 1–3 virkkeeseen.",
        "sv": "Motiveringen har {count} meningar: korta den till 1–3 meningar.",
        "en": "The justification has {count} sentences: shorten it to 1–3.",
    },
    "validation.scope": {
        "fi": "Rajaus on joko kunnan oma toiminta (own_operations) tai koko alue (area).",
        "sv": "Avgränsningen är antingen kommunens egen verksamhet (own_operations) eller hela området "
        "(area).",
        "en": "The scope is either the municipality's own operations (own_operations) or the whole area "
        "(area).",
    },
    "validation.category_off": {
        "fi": "Aihepiiri {category} ei ole käytössä tämän kunnan tarkistuslistassa.",
        "sv": "Området {category} används inte i den här kommunens checklista.",
        "en": "The category {category} is switched off in this municipality's checklist.",
    },
    "validation.unknown_category": {
        "fi": "Tarkistuslistassa ei ole aihepiiriä {category}.",
        "sv": "Checklistan har inget område {category}.",
        "en": "The checklist has no category {category}.",
    },
    "validation.category_not_opened": {
        "fi": "Vaihe 0 ei avannut aihepiiriä {category}: vastaa ensin ”Kyllä” tai ”En tiedä” kysymykseen "
        "{questions}.",
        "sv": "Steg 0 öppnade inte området {category}: svara först ”Ja” eller ”Vet inte” på fråga "
        "{questions}.",
        "en": "Stage 0 did not open {category}: first answer “Yes” or “Don't know” to question {questions}.",
    },
    "validation.text_too_long": {
        "fi": "Vastaus on liian pitkä (enintään {max} merkkiä).",
        "sv": "Svaret är för långt (högst {max} tecken).",
        "en": "The answer is too long (at most {max} characters).",
    },
    # --- stage 2 escalation reasons (climate_plugin.checklist.escalation) ---
    "escalation.strongly_negative": {
        "fi": "Jokin aihepiiri on arvioitu merkittävän kielteiseksi (−−).",
        "sv": "Något område har bedömts som klart negativt (−−).",
        "en": "A category is rated strongly negative (−−).",
    },
    "escalation.negative_count": {
        "fi": "Vähintään {count} aihepiiriä on arvioitu kielteisiksi (−).",
        "sv": "Minst {count} områden har bedömts som negativa (−).",
        "en": "At least {count} categories are rated negative (−).",
    },
    "escalation.unknown_in_key_category": {
        "fi": "Keskeisen aihepiirin vaikutus on ei tiedossa (?), ja asiaan liittyy yli {limit} euron "
        "investointi tai kaava.",
        "sv": "Konsekvensen i ett centralt område är okänd (?), och ärendet gäller en investering på över "
        "{limit} euro eller en plan.",
        "en": "The effect in a key category is unknown (?) on an item with an investment over €{limit} or a "
        "land-use plan.",
    },
    "escalation.nonzero_steering": {
        "fi": "Ohjausvaikutus on arvioitu muuksi kuin 0.",
        "sv": "Den styrande effekten har bedömts som något annat än 0.",
        "en": "The steering effect is rated other than 0.",
    },
    # --- badges: names and their rules in plain words (the rules are published, see the checklist) ---
    "badge.climate_check_recommended.name": {
        "fi": "Ilmastovaikutukset arvioitava",
        "sv": "Klimatkonsekvenserna ska bedömas",
        "en": "Climate impacts to be assessed",
    },
    "badge.climate_check_recommended.rule": {
        "fi": "Näytetään, kun automaattinen esiarviointi arvioi asialla todennäköisesti olevan merkittäviä "
        "ilmastovaikutuksia, eikä valmistelija ole vielä arvioinut niitä. Tämä on tilatieto, ei palkinto.",
        "sv": "Visas när den automatiska förhandsbedömningen bedömer att ärendet sannolikt har betydande "
        "klimatkonsekvenser och beredaren ännu inte har bedömt dem. Detta är en statusuppgift, inte en "
        "utmärkelse.",
        "en": "Shown when the automatic screening finds that the item likely has significant climate "
        "impacts and the preparer has not assessed them yet. This is a status, not an award.",
    },
    "badge.climate_assessed.name": {
        "fi": "Ilmastovaikutukset arvioitu",
        "sv": "Klimatkonsekvenserna bedömda",
        "en": "Climate impacts assessed",
    },
    "badge.climate_assessed.rule": {
        "fi": "Valmistelija on antanut vähintään yhdelle aihepiirille myönteisen tai kielteisen arvion ja "
        "perustellut jokaisen muun kuin 0-arvion. Pelkkä ”ei vaikutusta” -arvio ei tuo merkkiä.",
        "sv": "Beredaren har gett minst ett område en positiv eller negativ bedömning och motiverat varje "
        "bedömning som inte är 0. Enbart bedömningen ”ingen påverkan” ger inget märke.",
        "en": "The preparer gave at least one category a positive or negative rating and justified every "
        "rating other than 0. A “no impact” verdict alone does not earn this badge.",
    },
    "badge.alternatives_considered.name": {
        "fi": "Vaihtoehdot punnittu",
        "sv": "Alternativ övervägda",
        "en": "Alternatives considered",
    },
    "badge.alternatives_considered.rule": {
        "fi": "Valmistelija on kuvannut, onko ilmaston kannalta parempia vaihtoehtoja ja miksi niitä ei "
        "valittu (kysymys X1).",
        "sv": "Beredaren har beskrivit om det finns alternativ med bättre klimatutfall och varför de inte "
        "valdes (fråga X1).",
        "en": "The preparer described whether there are alternatives with a better climate outcome and why "
        "they were not chosen (question X1).",
    },
    "badge.indicator_set.name": {
        "fi": "Seurantamittari asetettu",
        "sv": "Uppföljningsindikator fastställd",
        "en": "Follow-up indicator set",
    },
    "badge.indicator_set.rule": {
        "fi": "Valmistelija on nimennyt mittarin, jolla vaikutusta seurataan, ja seurannan ajankohdan "
        "(kysymys X5).",
        "sv": "Beredaren har angett den indikator som konsekvensen följs upp med och när uppföljningen görs "
        "(fråga X5).",
        "en": "The preparer named the indicator that will follow the effect up, and when (question X5).",
    },
    "badge.commitment_made.name": {
        "fi": "Sitoumus tehty",
        "sv": "Åtagande gjort",
        "en": "Commitment made",
    },
    "badge.commitment_made.rule": {
        "fi": "Asiaan on kirjattu uusi, konkreettinen ja mitattava sitoumus: oma tavoite, mittari ja "
        "aikataulu. Pelkkä lupaus ”edistää” jotakin ei riitä.",
        "sv": "Ärendet innehåller ett nytt, konkret och mätbart åtagande: ett eget mål, en indikator och en "
        "tidsplan. Att bara lova att ”främja” något räcker inte.",
        "en": "The item records a new, concrete and measurable commitment: its own target, an indicator and "
        "a timetable. Promising to “promote” something is not enough.",
    },
    "badge.commitment_kept.name": {
        "fi": "Sitoumus pidetty",
        "sv": "Åtagandet uppfyllt",
        "en": "Commitment kept",
    },
    "badge.commitment_kept.rule": {
        "fi": "Sitoumuksen toteutuminen on todettu seurannassa sen omalla mittarilla, ja seurannan tulos on "
        "kirjattu.",
        "sv": "Uppföljningen har med åtagandets egen indikator visat att åtagandet har uppfyllts, och "
        "resultatet har förts in.",
        "en": "Follow-up with the commitment's own indicator showed that it was met, and the result is "
        "recorded.",
    },
}


def _merge_area_texts() -> None:
    from climate_plugin.texts import admin as admin_texts
    from climate_plugin.texts import api as api_texts
    from climate_plugin.texts import assessment_form, commitments, coordinator, meeting, team_badges
    from climate_plugin.texts import auth as auth_texts

    for module in (
        assessment_form,
        team_badges,
        commitments,
        meeting,
        coordinator,
        auth_texts,
        api_texts,
        admin_texts,
    ):
        duplicates = MESSAGES.keys() & module.MESSAGES.keys()
        if duplicates:
            raise RuntimeError(f"text keys defined twice: {sorted(duplicates)}")
        MESSAGES.update(module.MESSAGES)


_merge_area_texts()
