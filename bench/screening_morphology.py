"""What a stronger Finnish morphology would change: simplemma (shipped) against Voikko on the real corpus.

    python bench/screening_morphology.py

Voikko (libvoikko with the voikko-fi dictionary, a full morphological analyser with compound structure)
installs from Debian only (``apt-get install libvoikko1 voikko-fi``; the Python binding ``libvoikko`` is on
PyPI); it cannot come with ``pip install -e .``, so it could only be optional. This script measures, on the
Finnish corpus sets:

1. lemmas: how often Voikko's base form and simplemma's lemma differ on the words of the texts;
2. compounds: the lexicon's compound-part hits that Voikko's word structure does not support;
3. quality: the cross-validated figures (bench/screening_model.py, the same folds) when Finnish lemmas and
   known-word checks come from Voikko instead of simplemma;
4. speed: microseconds per first-seen word for each.

Exits 2 with a one-line message when Voikko is not installed.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import screening_model as sm  # noqa: E402

from climate_plugin.screening import matcher  # noqa: E402
from climate_plugin.screening.text import WORD_RE  # noqa: E402

FIGURES = ("recall_high", "reach_any_high", "false_alarm_high_on_none", "flag_rate_on_none", "category_f1")


def _voikko():
    try:
        import libvoikko

        return libvoikko.Voikko("fi")
    except (ImportError, OSError, Exception):  # libvoikko raises its own error when the dictionary is absent
        return None


def _words(items: list[sm.Item]) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        for word in WORD_RE.findall(f"{item.title}\n{item.body}"):
            if len(word) >= 3 and not word[0].isdigit():
                seen.setdefault(word.lower(), None)
    return list(seen)


def _on_boundaries(word: str, stem: str, structure: str) -> bool:
    """Does `stem` stand in `word` from one of Voikko's compound boundaries to another (or into the last
    part, whose ending is inflection)? STRUCTURE marks each boundary with "=" before a part."""
    cuts, position = set(), 0
    for mark in structure:
        if mark == "=":
            cuts.add(position)
        else:
            position += 1
    start = word.find(stem)
    if start < 0 or start not in cuts | {0}:
        return False
    end, last = start + len(stem), max(cuts | {0})
    return end in cuts or end >= last


def main() -> int:
    voikko = _voikko()
    if voikko is None:
        print("Voikko is not installed (apt-get install libvoikko1 voikko-fi; pip install libvoikko)")
        return 2
    items = sm.load_corpus()
    finnish = [i for i in items if i.set in ("fi_text", "fi_titles")]
    words = _words(finnish)

    def voikko_lemma(word: str) -> str | None:
        analyses = voikko.analyze(word)
        return analyses[0]["BASEFORM"].lower() if analyses else None

    # 4. speed, on first sight of every word
    start = time.perf_counter()
    v_lemmas = {w: voikko_lemma(w) for w in words}
    voikko_us = (time.perf_counter() - start) / len(words) * 1e6
    matcher.lemma.cache_clear()
    start = time.perf_counter()
    s_lemmas = {w: matcher.lemma(w, "fi") for w in words}
    simplemma_us = (time.perf_counter() - start) / len(words) * 1e6

    # 1. lemmas
    known = [w for w in words if v_lemmas[w] is not None]
    differ = [w for w in known if v_lemmas[w] != s_lemmas[w]]

    # 2. compounds: lexicon hits through a compound part that Voikko's structure does not have
    unsupported, part_hits = [], 0
    index = matcher._INDEX["fi"]
    for word in known:
        base = s_lemmas[word]
        if base in index.exact:
            continue
        hits = [h for h in matcher.word_hits(word, "fi") if not h.category.startswith("_")]
        if not hits:
            continue
        part_hits += 1
        if not any(_on_boundaries(word, h.term, voikko.analyze(word)[0].get("STRUCTURE", "")) for h in hits):
            unsupported.append((word, sorted({h.term for h in hits})))

    # 3. quality with Voikko's lemmas and known words for Finnish
    baseline = sm.cross_validated(items, points=["recall"])["recall"]
    original_lemma, original_is_word = matcher.lemma, matcher.is_word

    def lemma(word: str, lang: str) -> str:
        found = voikko_lemma(word) if lang == "fi" else None
        return found or original_lemma(word, lang)

    def is_word(part: str, lang: str) -> bool:
        if lang != "fi":
            return original_is_word(part, lang)
        part = part.strip("-")
        return len(part) >= matcher.MIN_PART and bool(voikko.analyze(part))

    matcher.lemma, matcher.is_word = lemma, is_word  # type: ignore[assignment]
    matcher.word_hits.cache_clear()
    try:
        for item in items:
            item.reading = None
        with_voikko = sm.cross_validated(items, points=["recall"])["recall"]
    finally:
        matcher.lemma, matcher.is_word = original_lemma, original_is_word
        matcher.word_hits.cache_clear()

    report = {
        "finnish_words": len(words),
        "voikko_knows": len(known),
        "lemma_differs": len(differ),
        "lemma_differs_examples": [(w, s_lemmas[w], v_lemmas[w]) for w in differ[:12]],
        "compound_part_hits": part_hits,
        "compound_hits_voikko_does_not_support": len(unsupported),
        "unsupported_examples": unsupported[:12],
        "us_per_first_seen_word": {"voikko": round(voikko_us, 1), "simplemma_tries": round(simplemma_us, 1)},
        "cross_validated_recall_point": {
            name: {
                "simplemma": {k: round(sm.figures(items, baseline)[name][k], 3) for k in FIGURES},
                "voikko": {k: round(sm.figures(items, with_voikko)[name][k], 3) for k in FIGURES},
            }
            for name in sm.SETS
        },
    }
    print(json.dumps(report, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
