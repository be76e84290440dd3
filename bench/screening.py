"""Screening speed and worker memory, against plain simplemma lemmatisation of the same texts.

    python bench/screening.py [--rounds 7] [--json OUT] [--no-full-memory]

1. Builds items of about 5,000 characters per language (fi, sv, en) by concatenating the real agenda texts
   of the labelled corpus (bench/corpus: fi_text, and the sv and en items with a body) in rotating order;
   every third item is screened without a language, so detection is part of the cost.
2. Cold: each method in a fresh process, pinned to one core, over every item once, so every word is seen
   for the first time: ``screen()`` after ``warm_up()`` (the lemma tries prepared and loaded, the model
   read), and the baseline, ``simplemma.simple_tokenizer`` + ``simplemma.lemmatize`` on every token with
   simplemma's default dictionaries (loaded before the clock starts). R fresh pairs; medians.
3. Warm, in this process, pinned to one core: one untimed pass of each method (every word of the texts in
   the caches), then R rounds that alternate which method goes first. Reports the median items/s of each
   and the median of the per-round time ratio screen / simplemma (targets: >= 300 items/s, ratio <= 4).
4. Memory: a fresh subprocess imports the worker's modules (the Flask app factory,
   climate_plugin.worker.tasks), calls warm_up() and screens every item once, reporting VmRSS (steady) and
   VmHWM (peak) against 300 MB. It runs once as shipped and, unless --no-full-memory, once with simplemma's
   default full-dictionary backend for comparison.
5. How one long sentence of words never seen before scales: the median time ratio of 1,600 such words to
   800 (about 2 when the work per word is constant, 4 if it grew with the sentence).

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
CORPUS = ROOT / "bench" / "corpus"
TARGET_CHARS = 5000
ITEMS_PER_LANG = {"fi": 24, "sv": 12, "en": 12}
TARGET_ITEMS_PER_S = 300
TARGET_RATIO = 4.0
TARGET_RSS_MB = 300


def _sources() -> dict[str, list[tuple[str, str]]]:
    """(title, text) pairs per language: the real items of the labelled corpus that have a body."""
    by_lang: dict[str, list[tuple[str, str]]] = {"fi": [], "sv": [], "en": []}
    for name in ("fi_text", "sv", "en"):
        with (CORPUS / f"{name}.jsonl").open(encoding="utf-8") as fh:
            for line in fh:
                item = json.loads(line)
                if len(item.get("body") or "") >= 200:
                    by_lang[item["language"]].append((item["title"], f"{item['title']}\n{item['body']}"))
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


# The cold probes, each in a fresh interpreter pinned to one core: every word is new to it.
_COLD = r"""
import json, os, sys, time
if hasattr(os, "sched_setaffinity"):
    os.sched_setaffinity(0, {max(os.sched_getaffinity(0))})
mode, path = sys.argv[1], sys.argv[2]
items = json.load(open(path, encoding="utf-8"))
if mode == "screen":
    from climate_plugin.screening import screen, warm_up
    warm_up()
    start, cpu_start = time.perf_counter(), time.process_time()
    for item in items:
        screen(item["title"], item["body"], item["language"])
else:
    import simplemma
    for lang in ("fi", "sv", "en"):
        simplemma.lemmatize("a", lang)
    start, cpu_start = time.perf_counter(), time.process_time()
    for item in items:
        for token in simplemma.simple_tokenizer(item["title"] + "\n" + item["body"]):
            simplemma.lemmatize(token, item["lang"])
print(json.dumps({"seconds": time.perf_counter() - start, "cpu_seconds": time.process_time() - cpu_start}))
"""


def measure_cold(items: list[dict[str, Any]], rounds: int) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as fh:
        json.dump(items, fh, ensure_ascii=False)
        path = fh.name
    runs: list[dict[str, float]] = []
    try:
        for _ in range(rounds):
            run: dict[str, float] = {}
            for mode in ("screen", "simplemma"):
                command = [sys.executable, "-c", _COLD, mode, path]
                out = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
                timing = json.loads(out.stdout.strip().splitlines()[-1])
                run[mode], run[f"{mode}_cpu"] = timing["seconds"], timing["cpu_seconds"]
            runs.append(run)
    finally:
        os.unlink(path)
    n = len(items)
    return {
        "screen_items_per_s": round(statistics.median(n / r["screen"] for r in runs)),
        "simplemma_items_per_s": round(statistics.median(n / r["simplemma"] for r in runs)),
        "ratio_screen_to_simplemma": round(statistics.median(r["screen"] / r["simplemma"] for r in runs), 2),
        # The same runs by the CPU time each process used: what one core does when no one else uses it
        # (on a shared machine the clock also counts the time others had the core).
        "screen_items_per_cpu_s": round(statistics.median(n / r["screen_cpu"] for r in runs)),
        "simplemma_items_per_cpu_s": round(statistics.median(n / r["simplemma_cpu"] for r in runs)),
        "ratio_cpu": round(statistics.median(r["screen_cpu"] / r["simplemma_cpu"] for r in runs), 2),
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


def _time_unseen_sentence(words: int, tag: str) -> float:
    """One sentence of ``words`` new words (each paired with a lexicon term), screened cold."""
    from climate_plugin.screening import screen

    body = " ".join(f"sana{tag}x{i} kaukolämpö" for i in range(words))
    start = time.perf_counter()
    screen("Asia", body, "fi")
    return time.perf_counter() - start


def unseen_sentence_scaling(rounds: int) -> dict[str, float]:
    """Median time of 800 and 1,600 unseen words in one sentence, and the median per-round ratio (about 2
    when the work per word is constant, 4 if it grew with the sentence)."""
    runs = []
    for r in range(rounds):
        short, long = _time_unseen_sentence(800, f"{r}s"), _time_unseen_sentence(1600, f"{r}l")
        runs.append((short, long, long / short))
    return {
        "800_words_s": round(statistics.median(s for s, _, _ in runs), 4),
        "1600_words_s": round(statistics.median(long for _, long, _ in runs), 4),
        "ratio": round(statistics.median(ratio for _, _, ratio in runs), 2),
    }


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

    cold = measure_cold(items, max(3, args.rounds // 2))
    pinning = _pin_to_one_core()
    from climate_plugin.screening import warm_up

    warm_up()
    import simplemma

    for lang in ITEMS_PER_LANG:
        simplemma.lemmatize("a", lang)
    _time_screen(items), _time_simplemma(items)  # untimed: every word into the caches
    rounds: list[dict[str, float]] = []
    for r in range(args.rounds):
        if r % 2:
            s, b = _time_screen(items), _time_simplemma(items)
        else:
            b, s = _time_simplemma(items), _time_screen(items)
        rounds.append({"screen_s": s, "simplemma_s": b, "ratio": s / b})
    n = len(items)
    result = {
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
        "pinning": pinning,
        "items": n,
        "mean_chars": round(statistics.mean(chars)),
        "cold_fresh_process": cold,
        "screen_items_per_s": round(statistics.median(n / r["screen_s"] for r in rounds)),
        "simplemma_items_per_s": round(statistics.median(n / r["simplemma_s"] for r in rounds)),
        "ratio_screen_to_simplemma": round(statistics.median(r["ratio"] for r in rounds), 2),
        "rounds": rounds,
        "memory_mb": memory,
        "unseen_sentence_scaling": unseen_sentence_scaling(args.rounds),
    }
    print(f"{result['machine']}; {pinning}")
    print(
        f"cold, a fresh process per run (median of {max(3, args.rounds // 2)}): "
        f"screen {cold['screen_items_per_s']} items/s (target >= {TARGET_ITEMS_PER_S}), "
        f"simplemma {cold['simplemma_items_per_s']} items/s, "
        f"ratio {cold['ratio_screen_to_simplemma']:.2f} (target <= {TARGET_RATIO:g})"
    )
    print(
        f"  the same by CPU time used: screen {cold['screen_items_per_cpu_s']} items/s, "
        f"simplemma {cold['simplemma_items_per_cpu_s']} items/s, ratio {cold['ratio_cpu']:.2f}"
    )
    print(f"warm, median of {args.rounds} rounds:")
    print(
        f"  screen()            {result['screen_items_per_s']:>6} items/s   (target >= {TARGET_ITEMS_PER_S})"
    )
    print(f"  simplemma baseline  {result['simplemma_items_per_s']:>6} items/s")
    print(f"  ratio screen/simplemma {result['ratio_screen_to_simplemma']:.2f} (target <= {TARGET_RATIO:g})")
    scaling = result["unseen_sentence_scaling"]
    print(
        f"one sentence of unseen words: 800 in {scaling['800_words_s']:.3f} s, 1,600 in "
        f"{scaling['1600_words_s']:.3f} s, ratio {scaling['ratio']:.2f} (about 2: linear)"
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
