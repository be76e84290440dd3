"""A year of realistic activity for two municipalities in one region (``climate-plugin reach seed-history``):
the data the picture, its browser tests and its screenshots are checked on.

Päijät-Häme's pilot: Hollola and Orimattila in the region of Päijät-Hämeen liitto. Each body meets monthly
(not in July); its agenda mixes items a climate coordinator cares about (heating, plans, streets, purchases)
with the minutes, appointments and grants real agendas are full of. Every item is screened by the product
itself; what people did afterwards is drawn from a seeded random generator, so the same seed gives the same
year: preparers assess most high items (Hollola more, and more as the year goes on), some box-tick
"no effect", some override the screening; board members make commitments; the coordinator reviews the
escalated ones and a sample; meetings decide, some amend; X5 answers make follow-ups. Times are set as they
would have been, so every figure has a period.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from climate_plugin.assessments.service import assess, submit_assessment
from climate_plugin.db import db
from climate_plugin.demo.sample_host import rest_connector_config
from climate_plugin.followups.service import record_result
from climate_plugin.hosts.connector import create_connector
from climate_plugin.items.store import content_hash
from climate_plugin.models import (
    AgendaItem,
    Assessment,
    AuditEntry,
    Commitment,
    Connector,
    FollowUp,
    Municipality,
    Review,
)
from climate_plugin.models.follow_up import OPEN
from climate_plugin.municipalities.service import change_settings
from climate_plugin.regions import service as regions
from climate_plugin.reviews.service import escalation_of

REGION = ("paijat-hame", "Päijät-Hämeen liitto")


@dataclass(frozen=True)
class Town:
    slug: str
    name: str
    bodies: tuple[str, ...]
    #: how likely a high item is assessed at the start of the year and at its end (engagement grows)
    assess_from: float
    assess_to: float
    places: tuple[str, ...]


TOWNS = (
    Town(
        "hollola",
        "Hollolan kunta",
        (
            "Kunnanvaltuusto",
            "Kunnanhallitus",
            "Tekninen lautakunta",
            "Ympäristölautakunta",
            "Sivistyslautakunta",
        ),
        0.55,
        0.9,
        ("Salpakangas", "Kukkila", "Hälvälä", "Heinlammi", "Nostava", "Pyhäniemi"),
    ),
    Town(
        "orimattila",
        "Orimattilan kaupunki",
        (
            "Kaupunginvaltuusto",
            "Kaupunginhallitus",
            "Tekninen lautakunta",
            "Ympäristö- ja rakennuslautakunta",
            "Kasvatus- ja opetuslautakunta",
        ),
        0.35,
        0.7,
        ("Pennala", "Artjärvi", "Niinikoski", "Virenoja", "Luhtikylä", "Henna"),
    ),
)

#: (title, body) templates: {place}, {sum}, {n} are filled in; climate items first, then the rest
CLIMATE = (
    (
        "{place}n koulun lämmitystapamuutos",
        "Koulun öljylämmitys korvataan maalämmöllä. Investointi {sum} euroa. "
        "Energiankulutuksen arvioidaan laskevan 40 prosenttia. "
        "Ehdotus: lautakunta hyväksyy hankesuunnitelman.",
    ),
    (
        "Asemakaavan muutos, {place}n keskusta",
        "Asemakaavan muutos mahdollistaa {n} asunnon rakentamisen "
        "joukkoliikenneyhteyksien varrelle. Kaavassa osoitetaan hulevesien viivytysalueet "
        "ja säilytettävä puusto.",
    ),
    (
        "{place}n kevyen liikenteen väylän rakentaminen",
        "Rakennetaan 2,4 km pyörätie ja jalkakäytävä "
        "koulureitille. Kustannusarvio {sum} euroa. Katuvalaistus toteutetaan LED-valaisimin.",
    ),
    (
        "Kunnan ajoneuvojen hankinta 2026",
        "Hankitaan {n} henkilöautoa kotihoidon käyttöön. Tarjouspyynnössä "
        "edellytetään täyssähkö- tai biokaasuautoja. Hankinnan arvo on {sum} euroa.",
    ),
    (
        "Ruokapalvelujen elintarvikehankinta",
        "Kilpailutetaan koulujen ja päiväkotien elintarvikkeet "
        "2027–2030. Kasvisruoan osuutta lisätään ja ruokahävikkiä seurataan. Arvo {sum} euroa vuodessa.",
    ),
    (
        "{place}n päiväkodin uudisrakennus",
        "Uusi päiväkoti rakennetaan puurakenteisena, energialuokka A. "
        "Aurinkopaneelit ja maalämpö. Hankkeen kustannusarvio on {sum} euroa.",
    ),
    (
        "Hulevesiohjelman hyväksyminen",
        "Hulevesiohjelma ohjaa hulevesien hallintaa ja tulvariskien "
        "ehkäisyä. Rankkasateiden lisääntyminen edellyttää viivytysalueita ja viherrakentamista.",
    ),
    (
        "Ilmasto-ohjelman väliraportti ja HINKU-tavoitteet",
        "Kunnan kasvihuonekaasupäästöt ovat laskeneet "
        "32 prosenttia vuodesta 2007. Tavoite on −80 prosenttia vuoteen 2030. "
        "Raportissa esitetään lisätoimia.",
    ),
    (
        "Katuvalaistuksen saneeraus LED-valaisimiin",
        "Vaihdetaan {n} elohopeavalaisinta LED-valaisimiin. "
        "Sähkönkulutus laskee noin 60 prosenttia. Investointi {sum} euroa.",
    ),
    (
        "Metsäsuunnitelma 2026–2035",
        "Kunnan metsien hoitosuunnitelmassa esitetään hakkuut, "
        "hiilinielujen huomioiminen ja virkistysmetsien jatkuva kasvatus. Hakkuumäärä {n} m³ vuodessa.",
    ),
    (
        "{place}n yritysalueen kunnallistekniikka",
        "Rakennetaan kadut, vesihuolto ja valaistus uudelle "
        "yritysalueelle. Pinta-ala 12 hehtaaria peltoa ja metsää. Kustannukset {sum} euroa.",
    ),
    (
        "Jätehuoltomääräysten päivittäminen",
        "Biojätteen erilliskeräys laajennetaan kaikkiin "
        "asuinkiinteistöihin. Muovipakkausten keräystä tehostetaan kiertotalouden edistämiseksi.",
    ),
    (
        "Talousarvio 2027 ja taloussuunnitelma 2027–2029",
        "Talousarviossa varataan investointeihin "
        "{sum} euroa: kiinteistöjen energiatehokkuus, kadut ja liikuntapaikat.",
    ),
    (
        "Tuulivoimaosayleiskaavan laatiminen, {place}",
        "Käynnistetään osayleiskaava {n} tuulivoimalan alueelle. Selvitetään maisema, linnusto ja melu.",
    ),
)
OTHER = (
    ("Pöytäkirjan tarkastajien valinta", "Valitaan kaksi pöytäkirjan tarkastajaa."),
    ("Viranhaltijapäätösten tiedoksi merkitseminen", "Merkitään tiedoksi viranhaltijoiden päätökset."),
    (
        "Vahingonkorvausvaatimus",
        "Asukas vaatii korvausta kaatuneen puun aiheuttamasta vahingosta {sum} euroa.",
    ),
    ("Sivistystoimen toimistosihteerin viran täyttäminen", "Valitaan toimistosihteeri toistaiseksi."),
    ("Kokouksen laillisuus ja päätösvaltaisuus", "Todetaan kokous lailliseksi ja päätösvaltaiseksi."),
    ("Lausunto valtuustoaloitteesta koulukuljetuksista", "Annetaan lausunto aloitteesta."),
    ("Avustukset urheiluseuroille 2026", "Jaetaan {n} seuralle toiminta-avustuksia yhteensä {sum} euroa."),
    ("Tietosuojavastaavan nimeäminen", "Nimetään kunnalle tietosuojavastaava."),
    ("Toimitilojen vuokrasopimuksen jatkaminen", "Jatketaan kirjaston sivupisteen vuokrasopimusta."),
    ("Oppilaaksiottoalueiden tarkistaminen", "Tarkistetaan {place}n koulun oppilaaksiottoalue."),
)

PREPARERS = (
    "Anna Virtanen",
    "Mikko Laine",
    "Sari Nieminen",
    "Jussi Heikkinen",
    "Laura Koskinen",
    "Pekka Mäkelä",
    "Eeva Salonen",
    "Timo Lehtonen",
    "Riikka Hämäläinen",
    "Ville Järvinen",
)
OWNERS = (
    "Tekninen johtaja",
    "Kiinteistöpäällikkö",
    "Ympäristöpäällikkö",
    "Sivistysjohtaja",
    "Kaavoituspäällikkö",
    "Hankintapäällikkö",
)
COORDINATOR = "Ilmastokoordinaattori Liisa Aaltonen"


def _fill(text: str, rng: random.Random, town: Town) -> str:
    return text.format(
        place=rng.choice(town.places),
        sum=f"{rng.randrange(40, 4200) * 1000:,}".replace(",", " "),
        n=rng.randrange(3, 220),
    )


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=UTC)


def _answers(assessment: Assessment, rng: random.Random, box_ticking: bool, due_year: int) -> dict[str, Any]:
    prescreen = assessment.answers.get("prescreen") or {}
    stage0 = {qid: (entry or {}).get("suggestion", "no") for qid, entry in prescreen.items()}
    stage0 = {qid: answer if answer in ("yes", "no", "unknown") else "no" for qid, answer in stage0.items()}
    if stage0 and rng.random() < 0.15:  # the preparer disagrees with one suggestion
        qid = rng.choice(sorted(stage0))
        stage0[qid] = "no" if stage0[qid] == "yes" else "yes"
    categories = list(assessment.categories or ["energy"])
    ratings: dict[str, dict[str, str]] = {}
    for code in categories:
        if box_ticking:
            ratings[code] = {"rating": "0", "justification": ""}
            continue
        rating = rng.choices(["+", "++", "-", "0", "?", "--"], weights=[40, 10, 20, 15, 10, 2])[0]
        ratings[code] = {
            "rating": rating,
            "justification": ""
            if rating == "0"
            else "Arvio perustuu hankesuunnitelman energialaskelmaan ja vastaaviin hankkeisiin.",
        }
    questions: dict[str, str] = {}
    if not box_ticking and rng.random() < 0.6:
        questions["X1"] = (
            "Vertailtiin kaukolämpöä ja maalämpöä; maalämpö valittiin elinkaaripäästöjen vuoksi."
        )
    if not box_ticking and rng.random() < 0.55:
        questions["X5"] = f"Kiinteistön energiankulutus MWh/v, seuranta {due_year}"
    if rng.random() < 0.4:
        questions["X6"] = "Arvio perustuu laskelmaan."
    return {"stage0": stage0, "ratings": ratings, "questions": questions}


def _set_times(assessment: Assessment, moment: datetime) -> None:
    assessment.created_at = moment
    if assessment.state == "submitted":
        assessment.submitted_at = moment


def seed_history(end: date, months: int = 12, seed: int = 2026) -> dict[str, int]:
    """Make the region, the two towns and ``months`` months of activity ending on ``end``; returns counts.

    Refuses to run twice over the same database (the towns' items exist already)."""
    rng = random.Random(seed)
    region = regions.find(REGION[0]) or regions.create_region(*REGION)
    counts = {"items": 0, "assessed": 0, "commitments": 0, "reviews": 0, "decided": 0, "follow_ups": 0}
    start = date(end.year - 1, end.month, 1) if months == 12 else end - timedelta(days=30 * months)
    for town in TOWNS:
        municipality = db.session.scalar(select(Municipality).where(Municipality.slug == town.slug))
        if municipality is None:
            municipality = Municipality(slug=town.slug, name=town.name, language="fi")
            db.session.add(municipality)
            db.session.commit()
        if db.session.scalar(
            select(AgendaItem.id).join(Connector).where(Connector.municipality_id == municipality.id).limit(1)
        ):
            raise ValueError(f"{town.slug} has items already: seed an empty database")
        regions.set_region(municipality, region)
        regions.share_with_region(municipality, True)
        connector, _ = create_connector(
            municipality,
            "rest",
            f"{town.name}: asianhallinta",
            rest_connector_config("http://127.0.0.1:9", write_back=False),
        )
        db.session.commit()
        _town_year(town, municipality, connector, start, end, rng, counts)
    # Orimattila switched item badges off halfway through the year: the picture compares on and off. The
    # switch is made through the service (its audit entry is what the picture reads) and dated back.
    orimattila = db.session.scalar(select(Municipality).where(Municipality.slug == "orimattila"))
    change_settings(orimattila, game_off=["item_badges"])
    switch = db.session.scalar(
        select(AuditEntry)
        .where(AuditEntry.municipality_id == orimattila.id, AuditEntry.action == "municipality.settings")
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )
    switch.at = _at(start + (end - start) / 2, 12)
    db.session.commit()
    return counts


def _town_year(
    town: Town,
    municipality: Municipality,
    connector: Connector,
    start: date,
    end: date,
    rng: random.Random,
    counts: dict[str, int],
) -> None:
    span = max(1, (end - start).days)
    number = 0
    day = date(start.year, start.month, 1)
    while day <= end:
        for index, body in enumerate(town.bodies):
            if day.month == 7:
                continue
            meeting = day + timedelta(days=7 + 4 * index)
            if meeting > end + timedelta(days=30):
                continue
            for _ in range(rng.randrange(4, 9)):
                number += 1
                climate = rng.random() < 0.45
                title, body_text = rng.choice(CLIMATE if climate else OTHER)
                drafted = meeting - timedelta(days=rng.randrange(7, 24))
                if drafted > end:
                    continue
                item = AgendaItem(
                    connector=connector,
                    external_id=f"{meeting.year}-{number}",
                    title=_fill(title, rng, town),
                    body=_fill(body_text, rng, town),
                    language="fi",
                    meeting=f"{body} {meeting.day}.{meeting.month}.{meeting.year}",
                    committee=body,
                    meeting_date=meeting,
                    updated_at=_at(drafted, 8),
                )
                item.content_hash = content_hash(item.title, item.body, item.language)
                db.session.add(item)
                db.session.flush()
                screened = assess(item)
                _set_times(screened, _at(drafted, 9))
                counts["items"] += 1
                _people(town, item, screened, drafted, meeting, start, span, end, rng, counts)
        day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
        db.session.commit()


def _people(
    town: Town,
    item: AgendaItem,
    screened: Assessment,
    drafted: date,
    meeting: date,
    start: date,
    span: int,
    end: date,
    rng: random.Random,
    counts: dict[str, int],
) -> None:
    progress = min(1.0, max(0.0, (drafted - start).days / span))
    chance = town.assess_from + (town.assess_to - town.assess_from) * progress
    if screened.relevance == "minor":
        chance *= 0.3
    elif screened.relevance == "none":
        chance = 0.02
    submitted_on = drafted + timedelta(days=rng.randrange(1, 26))
    if rng.random() >= chance or submitted_on > end:
        _decide(item, None, meeting, end, rng, counts)
        return
    box_ticking = screened.relevance == "high" and rng.random() < 0.08
    answers = _answers(screened, rng, box_ticking, meeting.year + rng.randrange(1, 3))
    submitted = submit_assessment(
        item, answers, rng.choice(PREPARERS[:5] if town.slug == "hollola" else PREPARERS[5:])
    )
    _set_times(submitted, _at(submitted_on, 14))
    counts["assessed"] += 1
    follow_up = db.session.scalar(select(FollowUp).where(FollowUp.item_id == item.id))
    if follow_up is not None:
        follow_up.created_at = _at(submitted_on, 14)
        counts["follow_ups"] += 1
    if not box_ticking and rng.random() < 0.3 and meeting <= end:
        due = meeting + timedelta(days=rng.randrange(60, 540))
        closed = due < end and rng.random() < 0.8
        status = rng.choice(["kept", "kept", "not_kept"]) if closed else "open"
        db.session.add(
            Commitment(
                item_id=item.id,
                municipality_id=item.connector.municipality_id,
                what="Toteutetaan esityksen energiatehokkuustoimet ja raportoidaan toteuma.",
                target=f"Energiankulutus −{rng.randrange(15, 60)} % vuoden 2025 tasosta",
                indicator="Kiinteistön energiankulutus MWh/v",
                due_date=due,
                owner=rng.choice(OWNERS),
                language="fi",
                status=status,
                result_note=None if status == "open" else f"Toteuma −{rng.randrange(5, 60)} % ({due.year})",
                closed_by=None if status == "open" else COORDINATOR,
                closed_at=None if status == "open" else _at(min(end, due + timedelta(days=10)), 12),
                created_at=_at(meeting, 16),
            )
        )
        counts["commitments"] += 1
    reasons = escalation_of(submitted, item.connector.municipality)
    if (reasons and rng.random() < 0.75) or (not reasons and rng.random() < 0.12):
        reviewed_on = min(end, submitted_on + timedelta(days=rng.randrange(1, 10)))
        outcome = rng.choices(["ok", "needs_changes", "in_depth"], weights=[6, 3, 1])[0]
        db.session.add(
            Review(
                assessment_id=submitted.id,
                municipality_id=item.connector.municipality_id,
                outcome=outcome,
                reason="escalated" if reasons else "sample",
                note="" if outcome == "ok" else "Perustele arvio laskelmalla ja vertaa vaihtoehtoihin.",
                reviewer=COORDINATOR,
                created_at=_at(reviewed_on, 11),
            )
        )
        counts["reviews"] += 1
    if follow_up is not None and follow_up.status == OPEN and follow_up.due_date < end and rng.random() < 0.7:
        db.session.flush()
        record_result(
            follow_up,
            {
                "status": rng.choice(["met", "met", "not_met", "unclear"]),
                "result_note": "Kulutus laski 28 % (mittaridata 2025).",
                "reviewer": COORDINATOR,
            },
            "fi",
        )
    _decide(item, submitted, meeting, end, rng, counts)


def _decide(
    item: AgendaItem,
    submitted: Assessment | None,
    meeting: date,
    end: date,
    rng: random.Random,
    counts: dict[str, int],
) -> None:
    if meeting > end:
        return
    state = rng.choices(["decided", "amended", "returned", "rejected"], weights=[85, 8, 5, 2])[0]
    item.decision_state = state
    item.decided_on = meeting
    item.decision_text = {
        "decided": "Lautakunta hyväksyi esityksen.",
        "amended": "Lautakunta hyväksyi esityksen muutettuna: aurinkopaneelien teho nostetaan 60 kWp:hen.",
        "returned": "Asia palautettiin uudelleen valmisteltavaksi.",
        "rejected": "Esitys hylättiin äänestyksen jälkeen.",
    }[state]
    counts["decided"] += 1
