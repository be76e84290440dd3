"""Texts for team and municipality badges: key → {"fi", "sv", "en"}.

The rules name the thresholds in words; climate_plugin.badges.catalogue.THRESHOLDS holds the same numbers
(a test checks that they agree).
"""

_LEVELS = {
    "fi": "Taso 1 saavutetaan yhdestä, taso 2 viidestä, taso 3 kymmenestä, taso 4 30:stä ja taso 5 60:stä. "
    "Saavutettu taso ei laske.",
    "sv": "Nivå 1 nås vid en, nivå 2 vid fem, nivå 3 vid tio, nivå 4 vid 30 och nivå 5 vid 60. "
    "En uppnådd nivå sjunker inte.",
    "en": "Level 1 comes at one, level 2 at five, level 3 at ten, level 4 at 30 and level 5 at 60. "
    "A level reached never goes down.",
}


def _rule(fi: str, sv: str, en: str) -> dict[str, str]:
    return {"fi": f"{fi} {_LEVELS['fi']}", "sv": f"{sv} {_LEVELS['sv']}", "en": f"{en} {_LEVELS['en']}"}


_ASSESSED = {
    "fi": "asiat, joiden ilmastovaikutukset valmistelija on arvioinut perustellusti (merkki "
    "”Ilmastovaikutukset arvioitu”). Lomakkeiden määrä ja pelkät ”ei vaikutusta” -arviot eivät kasvata "
    "lukua.",
    "sv": "ärenden vars klimatkonsekvenser beredaren har bedömt med motiveringar (märket "
    "”Klimatkonsekvenserna bedömda”). Antalet blanketter och enbart bedömningar av typen ”ingen påverkan” "
    "räknas inte.",
    "en": "items whose climate impacts the preparer assessed with justifications (the “Climate impacts "
    "assessed” badge). The number of forms and “no impact” verdicts alone do not count.",
}
_INDICATORS = {
    "fi": "perustellusti arvioidut asiat, joille on myös nimetty seurantamittari ja seurannan ajankohta "
    "(kysymys X5).",
    "sv": "ärenden som har bedömts med motiveringar och som dessutom har fått en uppföljningsindikator och "
    "en tidpunkt för uppföljningen (fråga X5).",
    "en": "items assessed with justifications that also name a follow-up indicator and when it is checked "
    "(question X5).",
}
_KEPT = {
    "fi": "sitoumukset, jotka ilmastokoordinaattori on seurannassa todennut pidetyiksi.",
    "sv": "åtaganden som klimatkoordinatorn vid uppföljningen har konstaterat uppfyllda.",
    "en": "commitments that the climate coordinator found kept at follow-up.",
}
_TEAM = {
    "fi": "Lasketaan lautakunnan tai muun toimielimen",
    "sv": "Räknar nämndens eller organets",
    "en": "Counts the board's or committee's",
}
_MUNICIPALITY = {
    "fi": "Lasketaan kaikki kunnan",
    "sv": "Räknar alla kommunens",
    "en": "Counts all the municipality's",
}


def _counted(scope: dict[str, str], what: dict[str, str]) -> dict[str, str]:
    return _rule(*(f"{scope[lang]} {what[lang]}" for lang in ("fi", "sv", "en")))


MESSAGES: dict[str, dict[str, str]] = {
    "badge.level": {"fi": "taso {level}/{max}", "sv": "nivå {level}/{max}", "en": "level {level} of {max}"},
    # --- team badges: a board or committee (the host's committee of the item) ---
    "badge.team_climate_assessed.name": {
        "fi": "Toimielin arvioi ilmastovaikutukset",
        "sv": "Organet bedömer klimatkonsekvenser",
        "en": "Committee assesses climate impacts",
    },
    "badge.team_climate_assessed.rule": _counted(_TEAM, _ASSESSED),
    "badge.team_indicators_set.name": {
        "fi": "Toimielin seuraa vaikutuksia",
        "sv": "Organet följer upp konsekvenserna",
        "en": "Committee follows up impacts",
    },
    "badge.team_indicators_set.rule": _counted(_TEAM, _INDICATORS),
    "badge.team_commitments_kept.name": {
        "fi": "Toimielin pitää sitoumuksensa",
        "sv": "Organet håller sina åtaganden",
        "en": "Committee keeps its commitments",
    },
    "badge.team_commitments_kept.rule": _counted(_TEAM, _KEPT),
    # --- the municipality's progress ---
    "badge.municipality_climate_assessed.name": {
        "fi": "Kunta arvioi ilmastovaikutukset",
        "sv": "Kommunen bedömer klimatkonsekvenser",
        "en": "Municipality assesses climate impacts",
    },
    "badge.municipality_climate_assessed.rule": _counted(_MUNICIPALITY, _ASSESSED),
    "badge.municipality_indicators_set.name": {
        "fi": "Kunta seuraa vaikutuksia",
        "sv": "Kommunen följer upp konsekvenserna",
        "en": "Municipality follows up impacts",
    },
    "badge.municipality_indicators_set.rule": _counted(_MUNICIPALITY, _INDICATORS),
    "badge.municipality_commitments_kept.name": {
        "fi": "Kunta pitää sitoumuksensa",
        "sv": "Kommunen håller sina åtaganden",
        "en": "Municipality keeps its commitments",
    },
    "badge.municipality_commitments_kept.rule": _counted(_MUNICIPALITY, _KEPT),
}
