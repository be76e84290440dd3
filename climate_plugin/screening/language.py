"""Fast, deterministic language choice between Finnish, Swedish and English."""

from __future__ import annotations

from simplemma import langdetect

from .text import WORD_RE

SUPPORTED: tuple[str, ...] = ("fi", "sv", "en")
# Finnish first: the service runs for Finnish municipalities, so ties go to Finnish.
DEFAULT = "fi"

# Frequent function words (and a few agenda words) that are rare in the other two languages.
_STOPWORDS: dict[str, frozenset[str]] = {
    "fi": frozenset(
        [
            "ja",
            "on",
            "että",
            "ei",
            "sekä",
            "tai",
            "se",
            "ovat",
            "oli",
            "kuin",
            "myös",
            "mukaan",
            "osalta",
            "vuoden",
            "kaupunki",
            "kunnan",
            "kaupungin",
            "päättää",
            "esitys",
            "päätös",
            "ehdotus",
            "asia",
            "koskien",
            "joka",
            "jonka",
            "tulee",
            "hyväksyä",
        ]
    ),
    "sv": frozenset(
        [
            "och",
            "att",
            "det",
            "som",
            "är",
            "för",
            "av",
            "med",
            "till",
            "på",
            "en",
            "ett",
            "den",
            "inte",
            "om",
            "har",
            "från",
            "vid",
            "eller",
            "samt",
            "beslut",
            "ärende",
            "förslag",
            "stadens",
            "kommunens",
            "godkänna",
            "val",
        ]
    ),
    "en": frozenset(
        [
            "the",
            "and",
            "of",
            "to",
            "in",
            "is",
            "for",
            "that",
            "with",
            "on",
            "be",
            "are",
            "by",
            "this",
            "as",
            "from",
            "or",
            "at",
            "which",
            "council",
            "report",
            "meeting",
            "approve",
            "item",
        ]
    ),
}
_SAMPLE_CHARS = 2000


def normalise(language: str | None) -> str | None:
    """Return a supported code ("fi-FI", "SV" are accepted) or None."""
    if not language:
        return None
    code = language.strip().lower().replace("_", "-").split("-")[0]
    return code if code in SUPPORTED else None


def detect(text: str) -> str:
    """Pick fi, sv or en for the text; stopword counts first, simplemma when they do not decide.

    simplemma's detector probes its dictionaries; low_memory makes it use the same front-coded ones as the
    matcher's lemmas (loaded once per process, about 60 MB for all three) instead of loading the default
    backend's 490 MB a second time. The answers are the same with either backend.
    """
    sample = text[:_SAMPLE_CHARS].lower()
    words = WORD_RE.findall(sample)
    counts = {lang: sum(1 for w in words if w in stops) for lang, stops in _STOPWORDS.items()}
    ranked = sorted(SUPPORTED, key=lambda lang: -counts[lang])  # stable: ties keep SUPPORTED order
    best, second = ranked[0], ranked[1]
    if counts[best] >= 2 and counts[best] >= 2 * counts[second]:
        return best
    if not words:
        return DEFAULT
    scores = dict(langdetect(" ".join(words[:200]), lang=SUPPORTED, low_memory=True))
    top = max(SUPPORTED, key=lambda lang: (scores.get(lang, 0.0), -SUPPORTED.index(lang)))
    return top if scores.get(top, 0.0) > 0 else DEFAULT
