"""Screening speed and worker memory, against plain simplemma lemmatisation of the same texts.

    python bench/screening.py [--rounds 7] [--json OUT] [--no-full-memory]

1. Builds items of about 5,000 characters per language (fi, sv, en) by concatenating the real texts of
   ../shared/data/dev-items/ and tests/data/screening_dev.jsonl in rotating order; every third item is
   screened without a language, so detection is part of the cost.
2. In this process, pinned to one core where the OS allows: warm_up(), one untimed pass of each method
   (so both run warm: every word of the texts is in the caches), then R rounds that alternate which method
   goes first. Methods: ``screen()``, and the baseline ``simplemma.simple_tokenizer`` +
   ``simplemma.lemmatize`` on every token with simplemma's default dictionaries. Reports the median items/s
   of each and the median of the per-round time ratio screen / simplemma (targets: >= 300 items/s,
   ratio <= 4). The cold first pass (new words: lemmatisation on cache misses) is reported too, and how one
   long sentence of words never seen before scales: the median time ratio of 1,600 such words to 800 (about
   2 when the work per word is constant, 4 if it grew with the sentence).
3. Memory: a fresh subprocess imports the worker's modules (the Flask app factory,
   climate_plugin.worker.tasks), calls
   warm_up() and screens every item once, reporting VmRSS (steady) and VmHWM (peak) against 300 MB. It runs
   once as shipped and, unless --no-full-memory, once with simplemma's default full-dictionary backend for
   comparison.

Takes about a minute on 2 cores. Exit status 0 when the figures were measured (targets are reported, not
enforced: the numbers depend on the machine). Results and method: docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEV_SET = ROOT / "tests" / "data" / "screening_dev.jsonl"
DEV_ITEMS = ROOT.parent / "shared" / "data" / "dev-items"
TARGET_CHARS = 5000
ITEMS_PER_LANG = {"fi": 24, "sv": 12, "en": 12}
TARGET_ITEMS_PER_S = 300
TARGET_RATIO = 4.0
TARGET_RSS_MB = 300


def _sources() -> dict[str, list[tuple[str, str]]]:
    """(title, text) pairs per language from the dev set and the dev-items folder."""
    from climate_plugin.screening import language

    by_lang: dict[str, list[tuple[str, str]]] = {"fi": [], "sv": [], "en": []}
    with DEV_SET.open(encoding="utf-8") as fh:
        for line in fh:
            item = json.loads(line)
            body = item.get("body") or ""
            lang = language.normalise(item.get("language")) or language.detect(f"{item['title']}\n{body}")
            by_lang[lang].append((item["title"], f"{item['title']}\n{body}"))
    for path in sorted(DEV_ITEMS.rglob("*.txt")) if DEV_ITEMS.is_dir() else ():
        text = path.read_text(encoding="utf-8", errors="replace")
        title = text.strip().split("\n", 1)[0][:200]
        by_lang[language.detect(text)].append((title, text))
    return by_lang


def build_items() -> list[dict[str, Any]]:
    """Items of about TARGET_CHARS characters: each starts at another source and runs on through the next."""
    items: list[dict[str, Any]] = []
    for lang, sources in _sources().items():
        if not sources:
            continue
        for n in range(ITEMS_PER_LANG[lang]):
            title = sources[n % len(sources)][0]
            parts: list[str] = []
            size, k = 0, n
            while size < TARGET_CHARS:
                text = sources[k % len(sources)][1]
                parts.append(text)
                size += len(text) + 2
                k += 1
            body = "\n\n".join(parts)
            cut = body.rfind(" ", 0, TARGET_CHARS)  # trim at a word boundary
            body = body[: cut if cut > TARGET_CHARS - 200 else TARGET_CHARS]
            items.append(
                {"title": title, "body": body, "language": None if n % 3 == 2 else lang, "lang": lang}
            )
    return items


def _pin_to_one_core() -> str:
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned (no sched_setaffinity)"
    cpu = max(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return f"pinned to CPU {cpu}"


def _time_screen(items: list[dict[str, Any]]) -> float:
    from climate_plugin.screening import screen

    start = time.perf_counter()
    for item in items:
        screen(item["title"], item["body"], item["language"])
    return time.perf_counter() - start


def _time_simplemma(items: list[dict[str, Any]]) -> float:
    import simplemma

    start = time.perf_counter()
    for item in items:
        for token in simplemma.simple_tokenizer(f"{item['title']}\n{item['body']}"):
            simplemma.lemmatize(token, item["lang"])
    return time.perf_counter() - start


def _time_unseen_sentence(words: int, tag: str) -> float:
    """One sentence of ``words`` new words (each paired with a lexicon term), screened cold."""
    from climate_plugin.screening import screen

    body = " ".join(f"sana{tag}x{i} kaukolämpö" for i in range(words))
    start = time.perf_counter()
    screen("Asia", body, "fi")
    return time.perf_counter() - start


def unseen_sentence_scaling(rounds: int) -> dict[str, float]:
    """Median time of 800 and 1,600 unseen words in one sentence, and the median per-round ratio."""
    runs = []
    for r in range(rounds):
        short, long = _time_unseen_sentence(800, f"{r}s"), _time_unseen_sentence(1600, f"{r}l")
        runs.append((short, long, long / short))
    return {
        "800_words_s": round(statistics.median(s for s, _, _ in runs), 4),
        "1600_words_s": round(statistics.median(long for _, long, _ in runs), 4),
        "ratio": round(statistics.median(ratio for _, _, ratio in runs), 2),
    }


# The memory probe, run with `python -c` in a fresh interpreter: what a Celery worker process holds.
_CHILD = r"""
import json, sys
def status():
    out = {}
    for line in open("/proc/self/status"):
        key = line.split(":")[0]
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(line.split()[1]) / 1024
    return out
mode, path = sys.argv[1], sys.argv[2]
from climate_plugin.app import create_app  # noqa: F401  (what the worker imports)
import climate_plugin.worker.tasks  # noqa: F401
import climate_plugin.worker.celery_app  # noqa: F401
from climate_plugin.screening import matcher, screen, warm_up
if mode == "full":  # the backend before this change: simplemma's default dict-of-bytes dictionaries
    from functools import lru_cache
    from simplemma import lemmatize
    from climate_plugin.screening import language
    matcher.lemma = lru_cache(maxsize=262_144)(lambda w, l: lemmatize(w, lang=l).lower())
    _detect = language.langdetect
    language.langdetect = lambda text, lang, low_memory=False: _detect(text, lang=lang)
after_import = status()
import time
t0 = time.perf_counter()
warm_up()
warm_up_s = time.perf_counter() - t0
after_warm_up = status()
items = json.load(open(path, encoding="utf-8"))
for item in items:
    screen(item["title"], item["body"], item["language"])
print(json.dumps({"warm_up_s": round(warm_up_s, 2), "after_import": after_import,
                  "after_warm_up": after_warm_up, "after_screening": status()}))
"""


def measure_memory(items: list[dict[str, Any]], mode: str) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as fh:
        json.dump(items, fh, ensure_ascii=False)
        path = fh.name
    try:
        out = subprocess.run(
            [sys.executable, "-c", _CHILD, mode, path], cwd=ROOT, capture_output=True, text=True, check=True
        )
    finally:
        os.unlink(path)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--json", metavar="OUT", help="write the figures as JSON to OUT")
    parser.add_argument("--no-full-memory", action="store_true", help="skip the full-dictionary memory probe")
    args = parser.parse_args(argv)

    items = build_items()
    chars = [len(i["title"]) + len(i["body"]) for i in items]
    counts = {lang: sum(1 for i in items if i["lang"] == lang) for lang in ITEMS_PER_LANG}
    print(f"{len(items)} items ({counts}), {statistics.mean(chars):.0f} characters on average")

    # Memory first, in fresh processes, before this one grows.
    memory = {"shipped": measure_memory(items, "shipped")}
    if not args.no_full_memory:
        memory["full_dictionaries"] = measure_memory(items, "full")

    pinning = _pin_to_one_core()
    from climate_plugin.screening import warm_up

    warm_up()  # already done by build_items' language detection here; timed in the fresh subprocess
    import simplemma

    for lang in ITEMS_PER_LANG:  # load the baseline's dictionaries outside the timed cold pass
        simplemma.lemmatize("a", lang)
    cold_screen = _time_screen(items)
    cold_simplemma = _time_simplemma(items)
    rounds: list[dict[str, float]] = []
    for r in range(args.rounds):
        if r % 2:
            s, b = _time_screen(items), _time_simplemma(items)
        else:
            b, s = _time_simplemma(items), _time_screen(items)
        rounds.append({"screen_s": s, "simplemma_s": b, "ratio": s / b})
    scaling = unseen_sentence_scaling(args.rounds)
    n = len(items)
    result = {
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
        "pinning": pinning,
        "items": n,
        "mean_chars": round(statistics.mean(chars)),
        "cold_first_pass_items_per_s": {
            "screen": round(n / cold_screen),
            "simplemma": round(n / cold_simplemma),
        },
        "screen_items_per_s": round(statistics.median(n / r["screen_s"] for r in rounds)),
        "simplemma_items_per_s": round(statistics.median(n / r["simplemma_s"] for r in rounds)),
        "ratio_screen_to_simplemma": round(statistics.median(r["ratio"] for r in rounds), 2),
        "rounds": rounds,
        "unseen_sentence_scaling": scaling,
        "memory_mb": memory,
    }
    print(f"{result['machine']}; {pinning}")
    print(
        f"cold first pass: screen {result['cold_first_pass_items_per_s']['screen']} items/s, "
        f"simplemma {result['cold_first_pass_items_per_s']['simplemma']} items/s"
    )
    print(f"warm, median of {args.rounds} rounds:")
    print(
        f"  screen()            {result['screen_items_per_s']:>6} items/s   (target >= {TARGET_ITEMS_PER_S})"
    )
    print(f"  simplemma baseline  {result['simplemma_items_per_s']:>6} items/s")
    print(f"  ratio screen/simplemma {result['ratio_screen_to_simplemma']:.2f} (target <= {TARGET_RATIO:g})")
    print(
        f"one sentence of unseen words: 800 in {scaling['800_words_s']:.3f} s, 1,600 in "
        f"{scaling['1600_words_s']:.3f} s, ratio {scaling['ratio']:.2f} (2: linear, 4: quadratic)"
    )
    for mode, figures in memory.items():
        stages = {k: v for k, v in figures.items() if k.startswith("after_")}
        print(
            f"worker memory ({mode}; warm_up() {figures['warm_up_s']:.2f} s), MB: "
            + "; ".join(f"{stage} RSS {v['VmRSS']:.0f} peak {v['VmHWM']:.0f}" for stage, v in stages.items())
            + f"   (target <= {TARGET_RSS_MB})"
        )
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))  # worker/ and climate_plugin/ from the repository when run as a script
    sys.exit(main())
