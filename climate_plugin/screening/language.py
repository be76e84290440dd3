"""Fast, deterministic language choice between Finnish, Swedish and English."""

from __future__ import annotations

import simplemma
from simplemma.language_detector import LanguageDetector
from simplemma.token_sampler import MostCommonTokenSampler, RelaxedMostCommonTokenSampler

from . import lemmas
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

    simplemma's detector probes its dictionaries; here it probes the matcher's own (lemmas.py: the tries,
    else the low-memory stream) instead of loading another backend (the stream's index costs a process about
    1.5 s and 60 MB, the default backend 490 MB). The answers are the same with either backend.
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


def langdetect(text: str, lang: tuple[str, ...], low_memory: bool = False) -> list[tuple[str, float]]:
    """simplemma.langdetect; with ``low_memory`` over the matcher's dictionaries (lemmas.lookup_strategy()).

    The same two samplers and tie-break as simplemma's own, whose ``low_memory`` would index the front-coded
    stream even where the tries are ready."""
    if not low_memory:
        return simplemma.langdetect(text, lang=lang)
    strategy = lemmas.lookup_strategy()
    ranked: list[tuple[str, float]] = []
    for sampler in (MostCommonTokenSampler(), RelaxedMostCommonTokenSampler()):
        results = LanguageDetector(lang, sampler, strategy).proportion_in_each_language(text)
        ranked = sorted(results.items(), key=lambda item: (item[0] == "unk", -item[1]))
        if len(ranked) == 1 or ranked[0][1] != ranked[1][1]:
            return ranked
    return ranked
