"""The screening hot path (text.sentence_list, matcher.sentence_matches) gives what the plain algorithm gives.

No stored snapshot: the reference below is the straightforward form of the same rules (split, then collapse
spaces per part; per token, phrase keys longest first on lemmas then surfaces, then word_hits() with the
capitalised-word rule), built on the same lemma() and word_hits(), so lexicon changes need no
regeneration here.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from climate_plugin.demo.items import DEMO_ITEMS
from climate_plugin.screening import matcher, text

DATA = Path(__file__).parent / "data"

_REF_SPLIT = re.compile(r"\s*\n\s*|(?<=[.!?;:])\s+(?=[A-ZÅÄÖÜ0-9\"“”«§(])")
_REF_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")


def _ref_sentences(source: str) -> list[str]:
    parts = (_REF_SPACES.sub(" ", part).strip() for part in _REF_SPLIT.split(source))
    return [part for part in parts if part]


def _ref_matches(sentence: str, lang: str) -> list[tuple[matcher.Hit, int, int]]:
    index = matcher._INDEX[lang]
    tokens = [(m.group().lower(), m.start(), m.end()) for m in text.WORD_RE.finditer(sentence)]
    found: list[tuple[matcher.Hit, int, int]] = []
    covered: set[int] = set()
    longest = max(key.count(" ") + 1 for key in index.bigram)
    for i in range(len(tokens) - 1):
        for n in range(min(longest, len(tokens) - i), 1, -1):
            run = tokens[i : i + n]
            keys = (" ".join(matcher.lemma(w, lang) for w, _, _ in run), " ".join(w for w, _, _ in run))
            key = next((k for k in keys if k in index.bigram), None)
            if key is not None:
                covered.update(range(i, i + n))
                found.extend((hit, run[0][1], run[-1][2]) for hit in index.bigram[key])
                break
    for i, (word, start, end) in enumerate(tokens):
        if i in covered:
            continue
        surface = sentence[start:end]
        is_name = i > 0 and surface[0].isupper() and not surface.isupper()
        keep = matcher._NAME_TIERS[lang] if is_name else None
        found.extend(
            (hit, start, end)
            for hit in matcher.word_hits(word, lang)
            if keep is None or hit.tier in keep or hit.category.startswith("_")
        )
    return found


def _texts() -> list[str]:
    out = []
    for name in ("screening_dev.jsonl", "screening_holdout.jsonl"):
        with (DATA / name).open(encoding="utf-8") as fh:
            for line in fh:
                item = json.loads(line)
                out += [item["title"], text.html_to_text(item.get("body") or "")]
    out += [s for item in DEMO_ITEMS for s in (item["title"], text.html_to_text(item.get("body") or ""))]
    return out


def _fuzz_sentences(lang: str, n: int, seed: int) -> list[str]:
    """Word salads of lexicon terms, phrase words, inflected and capitalised forms and odd separators."""
    rnd = random.Random(seed)
    index = matcher._INDEX[lang]
    pool = list(index.exact) + [w for key in index.bigram for w in key.split(" ")] + list(index.parts)
    pool += [p + "n" for p in index.parts] + ["ja", "och", "the", "Helsinki", "2035", "OY"]
    pool += ["İstanbul", "ΟΔΟΣ", "ΑΣ"]
    seps = [" ", " ", ", ", "-", " (", " – ", ". ", " / "]
    out = []
    for _ in range(n):
        words = [rnd.choice(pool) for _ in range(rnd.randint(1, 10))]
        words = [w.capitalize() if rnd.random() < 0.2 else w for w in words]
        words = [w.upper() if rnd.random() < 0.05 else w for w in words]
        out.append(words[0] + "".join(rnd.choice(seps) + w for w in words[1:]))
    return out


def test_sentence_splitting_is_unchanged() -> None:
    rnd = random.Random(7)
    alphabet = list('aAäÄ.!?;:,1"(“«§-_ ΣİΟ') + ["\n", "\t", "\u00a0", "\u2003", "\r", "\x85", "\u2028", "\f"]
    fuzz = ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 30))) for _ in range(20_000)]
    for source in _texts() + fuzz:
        assert text.sentence_list(source) == _ref_sentences(source), repr(source)
        assert list(text.sentences(source)) == _ref_sentences(source)


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_sentence_matches_are_unchanged(lang: str) -> None:
    sentences = [s for source in _texts() for s in _ref_sentences(source)]
    with_hits = 0
    for sentence in sentences + _fuzz_sentences(lang, 3_000, seed=len(lang)):
        expected = _ref_matches(sentence, lang)
        assert matcher.sentence_matches(sentence, lang) == expected, (sentence, lang)
        assert [(m.hit, m.surface, m.start, m.end) for m in matcher.match_sentence(sentence, lang)] == [
            (hit, sentence[start:end], start, end) for hit, start, end in expected
        ]
        with_hits += bool(expected)
    assert with_hits > 1000  # the comparison covers real matches
