"""Reading how a host says an item was decided: its status words in Finnish, Swedish, English and German
(OParl's ``result`` is free text), and its dates.

Only words that say the item was handled count; "valmistelussa", "draft", "pending" or anything unknown is
no decision, so an item is never reported decided on a guess.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from climate_plugin.connectors.base import DECISION_STATES, Decision

#: decisions are dated in the municipalities' own zone (an 18:00 meeting in UTC+3 is still that day)
FINNISH_TIME = ZoneInfo("Europe/Helsinki")

# Stems, matched at the start of a word: "hyväksyttiin", "hyväksytty", "Beschlossen", "approved".
_WORDS: tuple[tuple[str, str], ...] = (
    # "ungeändert beschlossen", "ehdotuksen mukaisesti": as proposed (before "geändert" says amended)
    ("decided", r"ungeänder\w*|unveränder\w*|as proposed|ehdotuksen mukaisesti|enligt förslag\w*"),
    # the order matters: "ehdotuksesta poiketen" (amended) before "päätetty" (decided), "ei hyväksytty"
    # (rejected) before "hyväksytty" (decided)
    ("amended", r"muute\w*|muutettu\w*|poikete\w*|ändra\w*|amend\w*|modif\w*|changed|geänder\w*|änderung\w*"),
    (
        "rejected",
        r"hylät\w*|hylkä\w*|ei hyväksy\w*|avsl\w*|avslag\w*|förkast\w*|reject\w*|declin\w*|"
        r"abgelehnt\w*|ablehn\w*",
    ),
    (
        "returned",
        r"palaut\w*|pöydälle|jätettiin pöydälle|bordla\w*|återremi\w*|return\w*|referred back|"
        r"tabled|deferred|postpon\w*|vertagt\w*|zurückverwies\w*|zurückgestellt\w*",
    ),
    (
        "withdrawn",
        r"poistet\w*|poisto\w*|peru\w*|struk\w*|återtag\w*|withdraw\w*|removed|zurückgezogen\w*|"
        r"abgesetzt\w*",
    ),
    (
        "decided",
        r"päätet\w*|päätös|hyväksy\w*|merkit\w* tiedoksi|beslut\w*|godkän\w*|antag\w*|decided|"
        r"approved|adopted|accepted|resolved|carried|passed|noted|beschlossen\w*|angenommen\w*|"
        r"zugestimmt\w*|zur kenntnis genommen",
    ),
)
_PATTERNS = tuple((state, re.compile(rf"(?:^|\b)(?:{words})", re.IGNORECASE)) for state, words in _WORDS)


def decision_state(value: Any) -> str | None:
    """One of DECISION_STATES for a host's status word or phrase; None when it says no decision (yet)."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text.lower() in DECISION_STATES:
        return text.lower()
    for state, pattern in _PATTERNS:
        if pattern.search(text):
            return state
    return None


def parse_day(value: Any) -> date | None:
    """A day from "2026-03-17", "2026-03-17T18:00:00+02:00" or "17.3.2026" (a time in Finland's zone)."""
    if isinstance(value, datetime):
        return value.astimezone(FINNISH_TIME).date() if value.tzinfo else value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    finnish = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", text)
    try:
        if finnish:
            return date(int(finnish.group(3)), int(finnish.group(2)), int(finnish.group(1)))
        if len(text) == 10:
            return date.fromisoformat(text)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.astimezone(FINNISH_TIME).date() if moment.tzinfo else moment.date()


def make_decision(status: Any, text: Any = None, day: Any = None) -> Decision | None:
    """A Decision when ``status`` says the item was handled; None otherwise."""
    state = decision_state(status)
    if state is None:
        return None
    wording = text.strip() if isinstance(text, str) and text.strip() else None
    return Decision(state=state, text=wording, decided_on=parse_day(day))


# What a decision section in minutes says when it was not simply adopted. Only these phrases: a decision
# that "muutetaan asemakaava" (changes a plan) is still decided as proposed.
_MINUTES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (state, re.compile(words, re.IGNORECASE))
    for state, words in (
        (
            "returned",
            r"palautet\w* (?:uudelleen )?valmistel\w*|palautettiin|jätettiin pöydälle|pöydättiin|"
            r"återremitter\w*|bordlades|referred back|was tabled|vertagt",
        ),
        ("rejected", r"hylättiin|avslogs|förkastades|was rejected|abgelehnt"),
        ("withdrawn", r"poistettiin (?:esityslistalta|käsittelystä)|ströks från|was withdrawn|abgesetzt"),
        (
            "amended",
            r"muutettuna|muutoksin|ehdotuksesta poiketen|seuraavin muutoksin|med (?:följande )?ändring|"
            r"ändrat förslag|with amendments|as amended|geändert beschlossen",
        ),
    )
)


def decision_from_minutes(decision_text: Any, day: Any = None) -> Decision | None:
    """The decision section of minutes (CaseM's ``Decision``, Dynasty's "Päätös"): decided as proposed unless
    it says it was returned, rejected, withdrawn or amended; None when there is no decision section yet."""
    if not isinstance(decision_text, str) or not decision_text.strip():
        return None
    text = decision_text.strip()
    state = next((s for s, pattern in _MINUTES if pattern.search(text)), "decided")
    return Decision(state=state, text=text, decided_on=parse_day(day))
