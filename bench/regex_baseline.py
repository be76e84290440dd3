"""Plain keyword-regex baseline for climate screening, and the dev-set figures for both methods.

The baseline is what one would write without NLP: the same strong climate keywords (all languages) as
word-initial stems in one regex over the raw lower-case text, "high" if anything matches. Run:

    python bench/regex_baseline.py [tests/data/screening_dev.jsonl]
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from climate_plugin.screening import CATEGORIES, lexicon_en, lexicon_fi, lexicon_sv, screen

DEV_SET = Path(__file__).resolve().parent.parent / "tests" / "data" / "screening_dev.jsonl"
Predictor = Callable[[dict], tuple[str, tuple[str, ...]]]


def _baseline_patterns() -> dict[str, re.Pattern[str]]:
    stems: dict[str, set[str]] = {c: set() for c in CATEGORIES}
    for lexicon in (lexicon_fi.LEXICON, lexicon_sv.LEXICON, lexicon_en.LEXICON):
        for category in CATEGORIES:
            for tier in ("core", "strong"):
                stems[category].update(t.lstrip("=+") for t in lexicon.get(category, {}).get(tier, ()))
    return {
        c: re.compile(r"\b(?:" + "|".join(map(re.escape, sorted(s, key=len, reverse=True))) + ")")
        for c, s in stems.items()
        if s
    }


_PATTERNS = _baseline_patterns()


def baseline_predict(item: dict) -> tuple[str, tuple[str, ...]]:
    text = f"{item['title']}\n{item.get('body') or ''}".lower()
    categories = tuple(c for c, pattern in _PATTERNS.items() if pattern.search(text))
    return ("high", categories) if categories else ("none", ())


def screener_predict(item: dict) -> tuple[str, tuple[str, ...]]:
    result = screen(item["title"], item.get("body") or "", item.get("language"))
    return result.relevance, result.categories


def load(path: Path = DEV_SET) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def evaluate(items: Iterable[dict], predict: Predictor) -> dict[str, float]:
    items = list(items)
    preds = [predict(item) for item in items]
    gold_high = [p for item, p in zip(items, preds, strict=True) if item["relevance"] == "high"]
    gold_none = [p for item, p in zip(items, preds, strict=True) if item["relevance"] == "none"]
    tp = fp = fn = 0
    for item, (_, cats) in zip(items, preds, strict=True):
        gold, got = set(item["categories"]), set(cats)
        tp, fp, fn = tp + len(gold & got), fp + len(got - gold), fn + len(gold - got)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return {
        "accuracy": sum(p[0] == item["relevance"] for item, p in zip(items, preds, strict=True)) / len(items),
        "recall_high": sum(p[0] == "high" for p in gold_high) / len(gold_high),
        "none_to_high": sum(p[0] == "high" for p in gold_none) / len(gold_none),
        "none_flagged": sum(p[0] != "none" for p in gold_none) / len(gold_none),
        "category_f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
    }


def items_per_second(n: int = 300, chars: int = 5000) -> float:
    """Throughput on ~5,000-character bodies built from the dev set's own texts (warm caches excluded)."""
    texts = [f"{item['title']}. {item.get('body') or ''}" for item in load()]
    corpus = " ".join(texts)
    bodies = [corpus[(i * 997) % max(1, len(corpus) - chars) :][:chars] for i in range(n)]
    screen("warm-up", bodies[0])
    start = time.perf_counter()
    for body in bodies:
        screen("Asia", body)
    return n / (time.perf_counter() - start)


def report(items: list[dict]) -> dict[str, dict[str, float]]:
    figures = {"screener": evaluate(items, screener_predict), "regex": evaluate(items, baseline_predict)}
    print(
        f"\ndev set: {len(items)} items "
        + ", ".join(
            f"{level} {sum(i['relevance'] == level for i in items)}" for level in ("high", "minor", "none")
        )
    )
    print(f"{'metric':<14}{'screener':>10}{'regex':>10}")
    for metric in figures["screener"]:
        print(f"{metric:<14}{figures['screener'][metric]:>10.3f}{figures['regex'][metric]:>10.3f}")
    return figures


if __name__ == "__main__":
    report(load(Path(sys.argv[1]) if len(sys.argv) > 1 else DEV_SET))
    print(f"items/s on 5,000-char bodies: {items_per_second():.0f}")
