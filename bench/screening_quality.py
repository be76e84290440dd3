"""Screening quality on the development set, against the issue's targets and a plain keyword-regex baseline.

The screener is run exactly as `climate-plugin screen` runs it: the items go through `screen_jsonl` as JSON
lines and the JSON lines that come out are scored. Figures are given overall, per language, for real items
only (texts and titles taken from real agendas) and title-only (each item's title alone, as a draft with no
body would be screened). Run:

    python bench/screening_quality.py [tests/data/screening_dev.jsonl] [--errors]

The baseline is what one would write without NLP: the core and strong words of all three lexicons as
word-initial stems in one regex over the raw lower-case text, "high" if anything matches.
"""

from __future__ import annotations

import io
import json
import re
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from climate_plugin.screening import CATEGORIES, lexicon_en, lexicon_fi, lexicon_sv, screen, screen_jsonl

DEV_SET = Path(__file__).resolve().parent.parent / "tests" / "data" / "screening_dev.jsonl"
Prediction = tuple[str, tuple[str, ...]]
BatchPredictor = Callable[[list[dict]], list[Prediction]]

#: The issue's quality targets: (metric, comparison, bound).
TARGETS: dict[str, tuple[str, float]] = {
    "recall_high": (">=", 0.9),
    "high_to_none": ("<=", 0),
    "none_to_high": ("<=", 0.05),
    "none_flagged": ("<=", 0.25),
    "category_f1": (">=", 0.75),
}


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


def baseline_predict(items: list[dict]) -> list[Prediction]:
    out: list[Prediction] = []
    for item in items:
        text = f"{item['title']}\n{item.get('body') or ''}".lower()
        categories = tuple(c for c, pattern in _PATTERNS.items() if pattern.search(text))
        out.append(("high", categories) if categories else ("none", ()))
    return out


def screener_predict(items: list[dict]) -> list[Prediction]:
    """Through the command's own contract: JSON lines in, JSON lines out, in order."""
    lines = [
        json.dumps(
            {
                "id": n,
                "title": item["title"],
                "body": item.get("body") or "",
                "language": item.get("language"),
                **({"attachments": item["attachments"]} if item.get("attachments") else {}),
            },
            ensure_ascii=False,
        )
        for n, item in enumerate(items)
    ]
    out, err = io.StringIO(), io.StringIO()
    bad = screen_jsonl(lines, out, err)
    assert not bad, err.getvalue()
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["id"] for r in records] == list(range(len(items)))
    return [(r["relevance"], tuple(r["categories"])) for r in records]


def title_only(items: Iterable[dict]) -> list[dict]:
    """Each item as a draft with only its title (same gold labels: the title names what is decided)."""
    return [{**item, "body": "", "attachments": []} for item in items]


def load(path: Path = DEV_SET) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def evaluate(items: list[dict], preds: list[Prediction]) -> dict[str, float]:
    pairs = list(zip(items, preds, strict=True))
    gold_high = [p for item, p in pairs if item["relevance"] == "high"]
    gold_none = [p for item, p in pairs if item["relevance"] == "none"]
    tp = fp = fn = 0
    for item, (_, cats) in pairs:
        gold, got = set(item["categories"]), set(cats)
        tp, fp, fn = tp + len(gold & got), fp + len(got - gold), fn + len(gold - got)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return {
        "n": len(pairs),
        "accuracy": sum(p[0] == item["relevance"] for item, p in pairs) / len(pairs) if pairs else 0.0,
        "recall_high": sum(p[0] == "high" for p in gold_high) / len(gold_high) if gold_high else 1.0,
        "high_to_none": sum(p[0] == "none" for p in gold_high),
        "none_to_high": sum(p[0] == "high" for p in gold_none) / len(gold_none) if gold_none else 0.0,
        "none_flagged": sum(p[0] != "none" for p in gold_none) / len(gold_none) if gold_none else 0.0,
        "category_f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
    }


def meets_targets(figures: dict[str, float]) -> dict[str, bool]:
    ok = {}
    for metric, (op, bound) in TARGETS.items():
        value = figures[metric]
        ok[metric] = value >= bound if op == ">=" else value <= bound
    return ok


def subsets(items: list[dict]) -> dict[str, list[dict]]:
    groups = {"all": items, "real": [i for i in items if i.get("source") == "real"]}
    for lang in ("fi", "sv", "en"):
        groups[lang] = [i for i in items if i.get("lang") == lang]
    return groups


def full_report(items: list[dict], predictor: BatchPredictor = screener_predict) -> dict[str, dict]:
    """Figures per subset, full texts and title-only: {"all": {...}, "title:all": {...}, ...}."""
    results: dict[str, dict] = {}
    for mode, transform in (("", lambda xs: xs), ("title:", title_only)):
        for name, group in subsets(items).items():
            if group:
                group = transform(group)
                results[mode + name] = evaluate(group, predictor(group))
    return results


def errors(items: list[dict], predictor: BatchPredictor = screener_predict) -> list[str]:
    lines = []
    for mode, group in (("full", items), ("title", title_only(items))):
        for item, (level, cats) in zip(group, predictor(group), strict=True):
            if level != item["relevance"] or set(cats) != set(item["categories"]):
                gold_cats, got_cats = ",".join(item["categories"]), ",".join(cats)
                lines.append(
                    f"{mode:<5} {item['id']:<10} gold {item['relevance']:<5} {gold_cats:<40}"
                    f" got {level:<5} {got_cats:<40} {item['title'][:70]}"
                )
    return lines


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


def print_report(items: list[dict]) -> dict[str, dict]:
    ours = full_report(items)
    regex = full_report(items, baseline_predict)
    print(
        f"\ndev set: {len(items)} items; "
        + ", ".join(f"{lv} {sum(i['relevance'] == lv for i in items)}" for lv in ("high", "minor", "none"))
        + "; "
        + ", ".join(f"{lang} {sum(i.get('lang') == lang for i in items)}" for lang in ("fi", "sv", "en"))
        + f"; real {sum(i.get('source') == 'real' for i in items)}"
    )
    metrics = ("n", "recall_high", "high_to_none", "none_to_high", "none_flagged", "category_f1", "accuracy")
    print(f"{'subset':<11}" + "".join(f"{m:>13}" for m in metrics) + "   targets")
    for name, figures in ours.items():
        ok = meets_targets(figures)
        row = "".join(
            f"{figures[m]:>13d}" if isinstance(figures[m], int) else f"{figures[m]:>13.3f}" for m in metrics
        )
        missed = [k for k, v in ok.items() if not v]
        print(f"{name:<11}{row}   {'MISSED: ' + ','.join(missed) if missed else 'met'}")
    print("\nkeyword-regex baseline:")
    for name in ("all", "title:all"):
        figures = regex[name]
        row = "".join(
            f"{figures[m]:>13d}" if isinstance(figures[m], int) else f"{figures[m]:>13.3f}" for m in metrics
        )
        print(f"{name:<11}{row}")
    return {"screener": ours, "regex": regex}


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    dev = load(Path(args[0]) if args else DEV_SET)
    print_report(dev)
    if "--errors" in sys.argv:
        print("\n".join(["", "errors:"] + errors(dev)))
    print(f"\nitems/s on 5,000-char bodies: {items_per_second():.0f}")
