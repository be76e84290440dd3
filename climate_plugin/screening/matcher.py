"""Lexicon matching on lemmas, including parts of Finnish and Swedish compounds.

Each lexicon is compiled once into an index. Per distinct word the lemma and its hits are cached, so a
5,000-character text costs one dictionary lookup per token once the vocabulary is warm.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from simplemma import lemmatize

from . import lexicon_en, lexicon_fi, lexicon_sv
from .text import WORD_RE

ROUTINE = "_routine"
MINOR = "_minor"
BLOCK = "_block"
PERSON = "_person"

# Shorter stems hit too many unrelated words as compound parts (tie, puu, auto); they need "+" to opt in.
MIN_COMPOUND_PART = 5
# English writes compounds apart, so substring matching there would mostly find false friends.
_COMPOUNDING = frozenset({"fi", "sv"})

_LEXICONS = {"fi": lexicon_fi.LEXICON, "sv": lexicon_sv.LEXICON, "en": lexicon_en.LEXICON}


@dataclass(frozen=True)
class Hit:
    category: str  # a checklist category, or ROUTINE
    tier: str  # core | strong | weak, or hard | soft for routine cues
    term: str  # the lexicon term (for de-duplication and scoring)


@dataclass(frozen=True)
class Match:
    hit: Hit
    surface: str  # the word(s) as written
    start: int  # offsets in the sentence
    end: int


class _Index:
    def __init__(self, lexicon: dict[str, dict[str, tuple[str, ...]]], compounding: bool) -> None:
        self.exact: dict[str, list[Hit]] = {}
        self.bigram: dict[str, list[Hit]] = {}
        self.parts: dict[str, list[Hit]] = {}  # compound-capable terms; BLOCK terms map to []
        self.person_heads: tuple[str, ...] = tuple(lexicon.get(PERSON, {}).get("head", ()))
        for category, tiers in lexicon.items():
            if category == PERSON:
                continue
            for tier, terms in tiers.items():
                for raw in terms:
                    hit = None if category == BLOCK else Hit(category, tier, raw.lstrip("=+"))
                    self._add(raw, hit, compounding)
        stems = sorted(self.parts, key=lambda t: (-len(t), t))
        # A zero-width lookahead finds a match at every position, so overlapping stems are all seen;
        # alternation order (longest first) picks the longest stem starting at each position.
        self.compound_re = re.compile("(?=(" + "|".join(map(re.escape, stems)) + "))") if stems else None

    def _add(self, raw: str, hit: Hit | None, compounding: bool) -> None:
        term = raw.lstrip("=+").lower()
        hits = [hit] if hit else []
        if " " in term:
            self.bigram.setdefault(term, []).extend(hits)
            return
        self.exact.setdefault(term, []).extend(hits)
        allow_part = raw.startswith("+") or (not raw.startswith("=") and len(term) >= MIN_COMPOUND_PART)
        if compounding and allow_part:
            self.parts.setdefault(term, []).extend(hits)


_INDEX = {lang: _Index(lexicon, lang in _COMPOUNDING) for lang, lexicon in _LEXICONS.items()}


@lru_cache(maxsize=262_144)
def lemma(word: str, lang: str) -> str:
    """Lower-case lemma of a lower-case word (simplemma is the slow step, hence the cache)."""
    return lemmatize(word, lang=lang).lower()


@lru_cache(maxsize=262_144)
def word_hits(word: str, lang: str) -> tuple[Hit, ...]:
    """Hits for one lower-case word: whole-word matches on lemma or surface, then compound parts."""
    index = _INDEX[lang]
    base = lemma(word, lang)
    if base in index.exact and not index.exact[base] or word in index.exact and not index.exact[word]:
        return ()  # the whole word is blocked
    found: list[Hit] = []
    for form in (base, word):
        found.extend(index.exact.get(form, ()))
    if index.compound_re is not None:
        spans = sorted(
            ((m.start(), m.start() + len(m.group(1)), m.group(1)) for m in index.compound_re.finditer(base)),
            key=lambda s: s[0] - s[1],
        )
        kept: list[tuple[int, int]] = []
        for start, end, stem in spans:
            # Skip a stem inside a longer matched one (lämpö in kaukolämpö, ympäristö in a blocked word).
            if any(s <= start and end <= e for s, e in kept):
                continue
            kept.append((start, end))
            found.extend(index.parts[stem])
    if any(base.endswith(head) and len(base) > len(head) for head in index.person_heads):
        # "strategiapäällikkö", "kaavoitusarkkitehti": a person's title; keep only routine/minor cues.
        found = [hit for hit in found if hit.category.startswith("_")]
    return tuple(dict.fromkeys(found))


def match_sentence(sentence: str, lang: str) -> Iterator[Match]:
    """All lexicon matches in one sentence; a two-word phrase match replaces its words' own matches."""
    index = _INDEX[lang]
    tokens = [(m.group().lower(), m.start(), m.end()) for m in WORD_RE.finditer(sentence)]
    covered: set[int] = set()
    if index.bigram:
        for i in range(len(tokens) - 1):
            (w1, s1, _), (w2, _, e2) = tokens[i], tokens[i + 1]
            for key in (lemma(w1, lang) + " " + lemma(w2, lang), w1 + " " + w2):
                if key in index.bigram:
                    covered.update((i, i + 1))
                    for hit in index.bigram[key]:
                        yield Match(hit, sentence[s1:e2], s1, e2)
                    break
    for i, (word, start, end) in enumerate(tokens):
        if i in covered:
            continue
        surface = sentence[start:end]
        # A capitalised word inside a sentence is usually a name (Peltokorpi, Kauppakatu, Station Road):
        # it can still carry strong evidence (Ilmastosuunnitelma 2029) but not weak evidence.
        is_name = i > 0 and surface[0].isupper() and not surface.isupper()
        for hit in word_hits(word, lang):
            if not (is_name and hit.tier == "weak"):
                yield Match(hit, surface, start, end)
