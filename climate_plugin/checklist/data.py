"""The default checklist (docs: shared/reference/climate-checklist.md, docs/checklist.md) as data.

The wording is data, not code, so a municipality can override it (``climate_plugin.checklist.overrides``)
and every stored assessment records the version its answers belong to. Change anything a person reads
here only together with ``CHECKLIST_VERSION``: stored assessments point at the questions they answered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: the default checklist's version; municipality templates are versioned on top of it
CHECKLIST_VERSION = "default-1"


@dataclass(frozen=True)
class Question:
    id: str
    text: dict[str, str]  #: fi, sv, en


@dataclass(frozen=True)
class Category:
    code: str
    name: dict[str, str]
    question: dict[str, str]  #: the guiding question for stage 1
    #: the end of a tailored prompt, "arvioi energiavaikutus" in "Tekstissä mainitaan …: arvioi …"
    effect: dict[str, str]


@dataclass(frozen=True)
class Rating:
    code: str  #: ASCII, as stored in answers["ratings"]
    symbol: str  #: as shown (typographic minus)
    label: dict[str, str]


#: the three stage 0 answers, stored as these codes
YES, NO, UNKNOWN = "yes", "no", "unknown"


ANSWER_LABELS: dict[str, dict[str, str]] = {
    YES: {"fi": "Kyllä", "sv": "Ja", "en": "Yes"},
    NO: {"fi": "Ei", "sv": "Nej", "en": "No"},
    UNKNOWN: {"fi": "En tiedä", "sv": "Vet inte", "en": "Don't know"},
}

STAGE0_QUESTIONS: tuple[Question, ...] = (
    Question("R1", {
        "fi": "Vaikuttaako asia energian käyttöön tai tuotantoon (sähkö, lämmitys, polttoaineet)?",
        "sv": "Påverkar ärendet energianvändning eller -produktion (el, uppvärmning, bränslen)?",
        "en": "Does it affect energy use or production (electricity, heating, fuels)?",
    }),
    Question("R2", {
        "fi": "Vaikuttaako asia liikkumiseen tai liikenteeseen?",
        "sv": "Påverkar ärendet resor eller trafik?",
        "en": "Does it affect travel or traffic (car, public transport, walking, cycling, freight)?",
    }),
    Question("R3", {
        "fi": "Rakennetaanko, korjataanko, puretaanko tai muutetaanko rakennuksia, rakenteita tai katuja?",
        "sv": "Byggs, repareras, rivs eller ändras byggnader, anläggningar eller gator?",
        "en": "Are buildings, structures or streets built, renovated, demolished or altered?",
    }),
    Question("R4", {
        "fi": "Muuttuuko maankäyttö tai kohdistuuko asia viheralueisiin, metsiin, peltoihin tai vesistöihin?",
        "sv": "Ändras markanvändningen eller berörs grönområden, skog, åker eller vatten?",
        "en": "Does land use change, or are green areas, forests, farmland or waters affected?",
    }),
    Question("R5", {
        "fi": "Onko kyse hankinnasta, kilpailutuksesta tai palvelun ostosta?",
        "sv": "Gäller det en upphandling eller köp av tjänster?",
        "en": "Is it a procurement or purchase of goods or services?",
    }),
    Question("R6", {
        "fi": "Vaikuttaako asia kulutukseen, ruokaan, jätteisiin tai kiertotalouteen?",
        "sv": "Påverkar ärendet konsumtion, mat, avfall eller cirkulär ekonomi?",
        "en": "Does it affect consumption, food, waste or circularity?",
    }),
    Question("R7", {
        "fi": "Vaikuttaako asia alttiuteen helteelle, tulville, hulevesille, kuivuudelle tai myrskyille?",
        "sv": "Påverkar ärendet sårbarheten för värme, översvämningar, dagvatten, torka eller stormar?",
        "en": "Does it change exposure to heat, floods, stormwater, drought or storms?",
    }),
    Question("R8", {
        "fi": "Ohjaako asia muita päätöksiä (strategia, ohjelma, kaava, talousarvio, ohje, avustusehdot)?",
        "sv": "Styr ärendet andra beslut (strategi, program, plan, budget, anvisning, bidragsvillkor)?",
        "en": "Does it steer other decisions (strategy, programme, plan, budget, guideline, grant terms)?",
    }),
)

CATEGORIES: tuple[Category, ...] = (
    Category(
        "energy",
        {"fi": "Energia", "sv": "Energi", "en": "Energy"},
        {
            "fi": "Lisääkö vai vähentääkö asia energian tarvetta, tai siirtääkö se energiantuotantoa "
            "fossiilisesta uusiutuvaan tai päinvastoin?",
            "sv": "Ökar eller minskar ärendet energibehovet, eller flyttar det försörjningen mellan fossil "
            "och förnybar energi?",
            "en": "Does it raise or lower energy demand, or shift supply between fossil and renewable?",
        },
        {"fi": "arvioi energiavaikutus", "sv": "bedöm energikonsekvensen", "en": "rate the energy effect"},
    ),
    Category(
        "transport",
        {"fi": "Liikenne ja liikkuminen", "sv": "Trafik och mobilitet", "en": "Transport and mobility"},
        {
            "fi": "Miten asia vaikuttaa autolla ajettuihin kilometreihin, joukkoliikenteeseen, kävelyyn ja "
            "pyöräilyyn sekä ajoneuvojen päästöihin?",
            "sv": "Hur påverkar ärendet antalet bilkilometer, kollektivtrafiken, gång och cykel samt "
            "fordonens utsläpp?",
            "en": "Car-kilometres, public transport and active travel, fleet emissions?",
        },
        {
            "fi": "arvioi liikennevaikutus",
            "sv": "bedöm trafikkonsekvensen",
            "en": "rate the transport effect",
        },
    ),
    Category(
        "buildings",
        {
            "fi": "Rakennukset ja rakentaminen",
            "sv": "Byggnader och byggande",
            "en": "Buildings and construction",
        },
        {
            "fi": "Lämmitystapa, energialuokka, rakennusmateriaalien hiilijalanjälki, korjaaminen vai "
            "uudisrakentaminen?",
            "sv": "Uppvärmningssätt, energiklass, byggmaterialens klimatavtryck, renovering eller nybygge?",
            "en": "Heating mode, energy class, embodied carbon, renovation versus new build?",
        },
        {
            "fi": "arvioi rakennusten ja rakentamisen ilmastovaikutus",
            "sv": "bedöm klimatkonsekvensen av byggnaderna och byggandet",
            "en": "rate the climate effect of the buildings and construction",
        },
    ),
    Category(
        "land_use",
        {
            "fi": "Maankäyttö ja yhdyskuntarakenne",
            "sv": "Markanvändning och samhällsstruktur",
            "en": "Land use and urban structure",
        },
        {
            "fi": "Tiivistääkö vai hajauttaako asia yhdyskuntarakennetta? Lisääkö se päällystettyä pintaa?",
            "sv": "Förtätar eller sprider ärendet samhällsstrukturen? Ökar den hårdgjorda ytan?",
            "en": "Densify or disperse; sealed soil?",
        },
        {
            "fi": "arvioi vaikutus maankäyttöön ja yhdyskuntarakenteeseen",
            "sv": "bedöm konsekvensen för markanvändningen och samhällsstrukturen",
            "en": "rate the effect on land use and urban structure",
        },
    ),
    Category(
        "procurement",
        {"fi": "Hankinnat", "sv": "Upphandling", "en": "Procurement"},
        {
            "fi": "Onko hankinnassa ilmasto- ja elinkaarikriteerejä? Kuinka paljon hankitaan ja kuinka "
            "päästöintensiivistä hankittava on?",
            "sv": "Finns det klimat- och livscykelkriterier? Hur stor är volymen och hur koldioxidintensivt "
            "är det som köps?",
            "en": "Climate and life-cycle criteria; volume and carbon intensity of what is bought?",
        },
        {
            "fi": "arvioi hankinnan ilmastovaikutus",
            "sv": "bedöm upphandlingens klimatkonsekvens",
            "en": "rate the climate effect of the procurement",
        },
    ),
    Category(
        "consumption",
        {"fi": "Kulutus ja ruoka", "sv": "Konsumtion och mat", "en": "Consumption and food"},
        {
            "fi": "Kasvisruoan osuus, ruokahävikki, kertakäyttötuotteet?",
            "sv": "Andelen vegetarisk mat, matsvinn, engångsartiklar?",
            "en": "Plant-based share, food waste, single-use items?",
        },
        {
            "fi": "arvioi vaikutus kulutukseen ja ruokaan",
            "sv": "bedöm konsekvensen för konsumtion och mat",
            "en": "rate the effect on consumption and food",
        },
    ),
    Category(
        "waste",
        {
            "fi": "Jätteet ja kiertotalous",
            "sv": "Avfall och cirkulär ekonomi",
            "en": "Waste and circular economy",
        },
        {
            "fi": "Väheneekö jätteen määrä? Uudelleenkäyttö, kierrätys, kierrätetyt materiaalit?",
            "sv": "Minskar avfallet? Återanvändning, återvinning, cirkulära material?",
            "en": "Less waste, reuse, recycling, circular materials?",
        },
        {
            "fi": "arvioi vaikutus jätteisiin ja kiertotalouteen",
            "sv": "bedöm konsekvensen för avfall och cirkulär ekonomi",
            "en": "rate the effect on waste and circularity",
        },
    ),
    Category(
        "carbon_sinks",
        {"fi": "Hiilinielut ja -varastot", "sv": "Kolsänkor och kollager", "en": "Carbon sinks and stocks"},
        {
            "fi": "Kaadetaanko tai istutetaanko puita? Metsän, turpeen ja maaperän hiili? Väheneekö vai "
            "lisääntyykö viheralue?",
            "sv": "Fälls eller planteras träd? Kol i skog, torv och mark? Minskar eller ökar grönytan?",
            "en": "Trees felled or planted, forest, peat and soil carbon, green area lost or gained?",
        },
        {
            "fi": "arvioi vaikutus hiilinieluihin ja -varastoihin",
            "sv": "bedöm konsekvensen för kolsänkor och kollager",
            "en": "rate the effect on carbon sinks and stocks",
        },
    ),
    Category(
        "adaptation",
        {
            "fi": "Ilmastonmuutokseen sopeutuminen",
            "sv": "Klimatanpassning",
            "en": "Adaptation and resilience",
        },
        {
            "fi": "Alttius helteelle, tulville, hulevesille, kuivuudelle ja myrskyille; haavoittuvat "
            "ryhmät; palvelujen jatkuvuus?",
            "sv": "Exponering för värme, översvämning, dagvatten, torka och storm; sårbara grupper; "
            "kontinuitet i servicen?",
            "en": "Exposure to heat, flood, stormwater, drought, storm; vulnerable groups; "
            "service continuity?",
        },
        {
            "fi": "arvioi vaikutus ilmastonmuutokseen sopeutumiseen",
            "sv": "bedöm konsekvensen för klimatanpassningen",
            "en": "rate the effect on adaptation and resilience",
        },
    ),
    Category(
        "steering",
        {"fi": "Ohjausvaikutus", "sv": "Styrande effekt", "en": "Steering effect"},
        {
            "fi": "Lukitseeko asia tulevia päästöjä vai avaako se tien päästövähennyksille (kaavat, "
            "talousarviot, yli kymmenen vuoden sopimukset)?",
            "sv": "Låser ärendet fast framtida utsläpp eller öppnar det för utsläppsminskningar (planer, "
            "budgetar, avtal på över tio år)?",
            "en": "Does it lock in or open future emissions (plans, budgets, contracts over 10 years)?",
        },
        {
            "fi": "arvioi ohjausvaikutus",
            "sv": "bedöm den styrande effekten",
            "en": "rate the steering effect",
        },
    ),
)

CATEGORY_CODES: tuple[str, ...] = tuple(c.code for c in CATEGORIES)
CATEGORIES_BY_CODE: dict[str, Category] = {c.code: c for c in CATEGORIES}

RATING_SCALE: tuple[Rating, ...] = (
    Rating("++", "++", {"fi": "merkittävä myönteinen", "sv": "klart positiv", "en": "strongly positive"}),
    Rating("+", "+", {"fi": "myönteinen", "sv": "positiv", "en": "positive"}),
    Rating("0", "0", {"fi": "ei tai vähäinen", "sv": "ingen eller ringa", "en": "none or minor"}),
    Rating("-", "−", {"fi": "kielteinen", "sv": "negativ", "en": "negative"}),
    Rating("--", "−−", {"fi": "merkittävä kielteinen", "sv": "klart negativ", "en": "strongly negative"}),
    Rating("?", "?", {"fi": "ei tiedossa", "sv": "okänd", "en": "unknown"}),
)
RATING_CODES: tuple[str, ...] = tuple(r.code for r in RATING_SCALE)
#: the optional scope flag on a rating: whom the effect concerns
SCOPE_LABELS: dict[str, dict[str, str]] = {
    "own_operations": {
        "fi": "kunnan oma toiminta",
        "sv": "kommunens egen verksamhet",
        "en": "the municipality's own operations",
    },
    "area": {"fi": "koko alue", "sv": "hela området", "en": "the whole area"},
}
#: ratings that say which way the effect goes (a "0" or "?" says nothing about direction)
DIRECTIONAL_RATINGS: frozenset[str] = frozenset({"++", "+", "-", "--"})

CROSS_CUTTING: tuple[Question, ...] = (
    Question("X1", {
        "fi": "Onko ilmaston kannalta parempia vaihtoehtoja? Miksi niitä ei valittu?",
        "sv": "Finns det alternativ med bättre klimatutfall? Varför valdes de inte?",
        "en": "Are there alternatives with a better climate outcome? Why were they not chosen?",
    }),
    Question("X2", {
        "fi": "Miten kielteisiä vaikutuksia lievennetään tai kompensoidaan?",
        "sv": "Hur mildras eller kompenseras negativa konsekvenser?",
        "en": "How are negative effects mitigated or compensated?",
    }),
    Question("X3", {
        "fi": "Onko asia ristiriidassa kunnan ilmastotavoitteen tai ilmastosuunnitelman kanssa "
        "(esim. Hinku-tavoite −80 % vuoteen 2030 mennessä)?",
        "sv": "Står ärendet i strid med kommunens klimatmål eller klimatplan "
        "(t.ex. Hinku-målet −80 % till 2030)?",
        "en": "Does it conflict with the municipality's climate target or climate plan "
        "(e.g. Hinku −80 % by 2030)?",
    }),
    Question("X4", {
        "fi": "Jakautuvatko vaikutukset epätasaisesti asukkaiden kesken (oikeudenmukainen siirtymä)?",
        "sv": "Fördelas konsekvenserna ojämnt mellan invånarna (rättvis omställning)?",
        "en": "Are the effects unevenly distributed across residents (just transition)?",
    }),
    Question("X5", {
        "fi": "Millä mittarilla vaikutusta seurataan, ja milloin?",
        "sv": "Med vilken indikator följs konsekvensen upp, och när?",
        "en": "Which indicator will follow the effect up, and when?",
    }),
    Question("X6", {
        "fi": "Kuinka varma arvio on (arvio, laskelma, asiantuntijan näkemys)?",
        "sv": "Hur säker är bedömningen (uppskattning, beräkning, expertbedömning)?",
        "en": "How certain is the assessment (estimate, calculation, expert opinion)?",
    }),
)

#: Stage 2 triggers: send the item to the climate coordinator if any rule fires. Defaults a municipality
#: may override (the numbers are the reference design's, not a law of nature).
ESCALATION_DEFAULTS: dict[str, Any] = {
    "strongly_negative": True,  # any "--"
    "negative_count": 2,  # this many "-" or more
    # "?" in one of these on an item with a large investment or a land-use plan
    "unknown_categories": ("energy", "transport", "buildings", "land_use", "carbon_sinks"),
    "unknown_investment_over_eur": 100_000,
    "unknown_on_land_use_plan": True,
    "nonzero_steering": True,  # any steering rating other than "0"
    # box-ticking: an item screened high whose assessment rates nothing other than "0" (or answers "no
    # climate impact" outright) goes to the coordinator; a municipality can switch this off
    "no_effect_on_high": True,
}

#: which stage 0 question a screening category answers "yes"
CATEGORY_TO_STAGE0: dict[str, str] = {
    "energy": "R1",
    "transport": "R2",
    "buildings": "R3",
    "land_use": "R4",
    "carbon_sinks": "R4",
    "procurement": "R5",
    "consumption": "R6",
    "waste": "R6",
    "adaptation": "R7",
    "steering": "R8",
}
#: the reverse: which categories stage 1 opens for a question answered yes or don't know
STAGE0_TO_CATEGORIES: dict[str, tuple[str, ...]] = {
    q.id: tuple(c for c in CATEGORY_CODES if CATEGORY_TO_STAGE0[c] == q.id) for q in STAGE0_QUESTIONS
}
