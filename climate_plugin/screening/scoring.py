"""From matches to a relevance level (see docs: shared/reference/relevance-levels.md)."""

from __future__ import annotations

from dataclasses import dataclass, field

TIER_WEIGHT = {"core": 3, "strong": 2, "weak": 1}
# The title names what is decided; the body also carries boilerplate and background; an attachment (a whole
# plan, a report, a contract) carries even more that is not decided in this item, so it counts half.
LOCATION_FACTOR = {"title": 2.0, "body": 1.0, "attachment": 0.5}
TITLE_FACTOR = LOCATION_FACTOR["title"]
HIGH_SCORE = 8  # enough independent evidence in the body alone
MINOR_SCORE = 2  # a single weak body word is too often incidental


@dataclass
class Tally:
    """Distinct lexicon terms seen, per location."""

    terms: dict[tuple[str, str, str], str] = field(default_factory=dict)  # (category, term, location) -> tier
    minor_in_title: bool = False  # sale, lease, travel, event: small or indirect by nature
    routine_in_title: str | None = None  # "hard" or "soft" once a routine cue is seen in the title
    cues_seen: bool = False  # any routine or minor cue anywhere (the text was understood, if not as climate)

    def add(self, category: str, term: str, location: str, tier: str) -> None:
        self.terms.setdefault((category, term, location), tier)

    def categories(self) -> set[str]:
        return {category for category, _, _ in self.terms}

    def empty(self) -> bool:
        """Nothing in the lexicon matched: no category word and no routine or minor cue."""
        return not self.terms and not self.cues_seen


def decide(tally: Tally) -> str:
    """high / minor / none.

    Core terms (explicit climate, land-use plans, building permits) in the title or body always give high. A
    routine cue in the title caps everything else: hard cues (minutes, claims, personnel, legal, social
    matters) give none; soft cues (appointments, nominations) give minor with a strong title word, else none.
    A minor cue in the title (sale, lease, travel, event) gives minor. Otherwise strong title words or plenty
    of body and attachment evidence give high, some evidence minor.
    """
    if not tally.terms:
        return "none"
    tiers = tally.terms.values()
    if "core" in tiers:
        return "high"
    strong_title = any(loc == "title" and tier == "strong" for (_, _, loc), tier in tally.terms.items())
    if tally.routine_in_title == "hard":
        return "none"
    if tally.routine_in_title == "soft":
        return "minor" if strong_title else "none"
    if tally.minor_in_title:
        return "minor"
    if strong_title:
        return "high"
    score = sum(TIER_WEIGHT[tier] * LOCATION_FACTOR[loc] for (_, _, loc), tier in tally.terms.items())
    strong_text = {term for (_, term, loc), tier in tally.terms.items() if tier == "strong"}
    if score >= HIGH_SCORE and len(strong_text) >= 2:
        return "high"
    return "minor" if score >= MINOR_SCORE else "none"
