"""Screening quality on the real labelled corpus, cross-validated, next to the previous method and a baseline.

    python bench/screening_quality.py [--markdown] [--errors] [--json OUT] [--seeds 1,2,3]

Per corpus set (fi_text, fi_titles, sv, en: bench/corpus/README.md) the five figures of the issue, computed
by the corpus's own score.py, for:

* **cross-validated**: every item screened by a model fitted (weights and thresholds) without its
  municipality or source: grouped 5-fold outer cross-validation, thresholds chosen by a 4-fold inner one.
  This is the figure that predicts what a new municipality sees. Each operating point.
* **in-fold**: the shipped model (fitted on every item) on the items it was fitted on. The gap to the
  cross-validated figure is how much the fit learned the corpus rather than the task.
* **screening v4 as shipped**: the fitted model before this version (commit PREVIOUS_MODEL), run the same
  way as v2; it was fitted on every corpus item, so its figures are in-fold (compare with in-fold above).
* **previous method**: the screening before the fitted model (the rule-based v2 at commit PREVIOUS), run from
  git in a subprocess through `climate-plugin screen`'s JSON-lines contract.
* **keyword baseline**: the core and strong words of the three lexicons as word-initial stems in one regex
  over the lower-case text; "high" when anything matches, with the categories matched.

Takes under a minute. --errors lists the cross-validated misses by kind; --json writes every figure;
--seeds repeats the cross-validated default with the municipalities dealt into the five folds by other seeds
(how much the figures depend on which municipalities are scored together).
"""

from __future__ import annotations

import argparse
import io
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import screening_model as sm  # noqa: E402

from climate_plugin.screening import CATEGORIES, learned, lexicon_en, lexicon_fi, lexicon_sv  # noqa: E402

#: The commit whose screening is "the previous method" (rule-based screening v2).
PREVIOUS = "4366fe5"
#: The last commit with screening version 4 (the fitted model before this version), for comparison.
PREVIOUS_MODEL = "09a2a70"

#: The issue's targets: (figure, comparison, bound, column title).
TARGETS: tuple[tuple[str, str, float, str], ...] = (
    ("recall_high", ">=", 0.90, "recall on high"),
    ("reach_any_high", ">=", 1.00, "any-annotator-high not screened none"),
    ("false_alarm_high_on_none", "<=", 0.05, "none-items screened high"),
    ("flag_rate_on_none", "<=", 0.20, "none-items flagged (high or minor)"),
    ("category_f1", ">=", 0.75, "category F1"),
)


def meets(figure: str, value: float) -> bool:
    for name, op, bound, _ in TARGETS:
        if name == figure:
            return value >= bound - 1e-9 if op == ">=" else value <= bound + 1e-9
    raise KeyError(figure)


# --- the keyword baseline --------------------------------------------------------------------------------


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


def baseline_predict(items: list[sm.Item]) -> dict[str, dict]:
    patterns = _baseline_patterns()
    out = {}
    for item in items:
        text = f"{item.title}\n{item.body}".lower()
        categories = [c for c, pattern in patterns.items() if pattern.search(text)]
        out[item.id] = {"relevance": "high" if categories else "none", "categories": categories}
    return out


# --- the previous method, from git -----------------------------------------------------------------------


def previous_predict(items: list[sm.Item], commit: str = PREVIOUS) -> dict[str, dict] | None:
    """`climate-plugin screen` as it was at `commit`, or None when git or the commit is not there."""
    try:
        archive = subprocess.run(
            ["git", "archive", "--format=tar", commit, "climate_plugin"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    lines = "".join(
        json.dumps({"id": i.id, "title": i.title, "body": i.body, "language": i.language}, ensure_ascii=False)
        + "\n"
        for i in items
    )
    with tempfile.TemporaryDirectory() as tmp:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")
        code = (
            "import sys\nfrom climate_plugin.screening import screen_jsonl\n"
            "screen_jsonl(sys.stdin, sys.stdout, sys.stderr)"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], cwd=tmp, input=lines, capture_output=True, text=True, check=True
        ).stdout
    return {r["id"]: r for r in map(json.loads, out.splitlines())}


# --- failures by kind ------------------------------------------------------------------------------------


def failure_kind(item: sm.Item, predicted: str) -> str:
    """Why a cross-validated prediction went wrong, in words, from what screening read."""
    features = item.reading.features  # type: ignore[union-attr]
    lex_parts = {name.split("|")[3] for name in features if name.startswith("lex|")}
    cues = {name.split("|")[1] for name in features if name.startswith("cue|") and name.endswith("|t")}
    if "high" in item.levels:
        if not lex_parts:
            return "missed: no lexicon word anywhere"
        if not lex_parts & {"t", "d", "b"}:
            return "missed: lexicon words only in the preparation text"
        if cues:
            return "missed: a routine or report cue in the title"
        return "missed: lexicon words in the title or decision, weighed too little"
    if cues:
        return f"false {predicted}: lexicon words despite a routine or report cue in the title"
    steering = [n for n in features if n.startswith("lex|steering|") and n.endswith("|t")]
    others = [n for n in features if n.startswith("lex|") and n.endswith("|t") and "|steering|" not in n]
    if steering and not others:
        return f"false {predicted}: a plan, budget or programme word alone in the title"
    if "t" in lex_parts:
        return f"false {predicted}: a lexicon word in the title"
    if lex_parts:
        return f"false {predicted}: lexicon words in the body only"
    return f"false {predicted}: the item's words alone (no lexicon word)"


def errors(items: list[sm.Item], preds: dict[str, dict]) -> tuple[Counter, list[str]]:
    kinds: Counter = Counter()
    lines = []
    for item in items:
        got = preds[item.id]["relevance"]
        wrong = (item.levels == ("high", "high") and got != "high") or (
            item.levels == ("none", "none") and got == "high"
        )
        if wrong:
            kind = failure_kind(item, got)
            kinds[(item.set, kind)] += 1
            lines.append(
                f"{item.set:9} {item.id:6} {'/'.join(item.levels):10} -> {got:5} {kind:70} {item.title[:70]}"
            )
    return kinds, lines


# --- report ----------------------------------------------------------------------------------------------


def run(points: list[str] | None = None) -> dict[str, Any]:
    items = sm.load_corpus()
    sm.read_all(items)
    model = learned.load()
    names = points or list(model.points)
    cv = sm.cross_validated(items, points=names)
    methods: dict[str, dict[str, dict]] = {}
    for name in names:
        methods[f"cross-validated, {name}" + (" (default)" if name == model.default else "")] = sm.figures(
            items, cv[name]
        )
    methods["in-fold (shipped model on its own training items), default"] = sm.figures(
        items, sm.predict(model, items, model.default)
    )
    v4 = previous_predict(items, PREVIOUS_MODEL)
    if v4 is not None:
        name = f"screening v4 as shipped ({PREVIOUS_MODEL}; fitted on these items: in-fold)"
        methods[name] = sm.figures(items, v4)
    previous = previous_predict(items)
    if previous is not None:
        methods[f"previous method (rule-based v2, {PREVIOUS})"] = sm.figures(items, previous)
    methods["keyword baseline"] = sm.figures(items, baseline_predict(items))
    kinds, lines = errors(items, cv[model.default])
    return {"items": items, "methods": methods, "error_kinds": kinds, "error_lines": lines}


def _cell(figure: str, value: float) -> str:
    mark = "" if meets(figure, value) else " ✗"
    return f"{value:.2f}{mark}"


def table(methods: dict[str, dict[str, dict]], markdown: bool) -> str:
    head = ["set", "method", *(title for _, _, _, title in TARGETS)]
    targets = ["", "target", *(f"{op} {bound:.2f}" for _, op, bound, _ in TARGETS)]
    rows = [targets]
    for set_name in sm.SETS:
        for method, per_set in methods.items():
            figures = per_set[set_name]
            rows.append([set_name, method, *(_cell(name, figures[name]) for name, _, _, _ in TARGETS)])
    if markdown:
        out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        out += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(out)
    widths = [max(len(str(r[k])) for r in [head, *rows]) for k in range(len(head))]
    return "\n".join(
        "  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)) for r in [head, *rows]
    )


def seed_table(items: list[sm.Item], seeds: list[int], markdown: bool) -> str:
    """The cross-validated default per set for the reported fold assignment and each seed's."""
    default = learned.load().default
    runs = {"reported (GroupKFold)": sm.figures(items, sm.cross_validated(items, points=[default])[default])}
    for seed in seeds:
        predictions = sm.cross_validated(items, points=[default], seed=seed)[default]
        runs[f"seed {seed}"] = sm.figures(items, predictions)
    return table(runs, markdown)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    parser.add_argument("--errors", action="store_true", help="list the cross-validated misses")
    parser.add_argument("--json", metavar="OUT", help="write every figure as JSON")
    parser.add_argument("--seeds", default="", help="other fold assignments for the default, e.g. 1,2,3")
    args = parser.parse_args(argv)
    seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
    result = run()
    items = result["items"]
    counts = {s: sum(1 for i in items if i.set == s) for s in sm.SETS}
    print(f"corpus: {counts}; {len({i.group for i in items})} municipalities or sources; ✗ misses the target")
    print(table(result["methods"], args.markdown))
    print("\ncross-validated errors of the default by kind")
    print("(both-high items not screened high; both-none items screened high):")
    for (set_name, kind), n in sorted(result["error_kinds"].items()):
        print(f"  {set_name:9} {n:3}  {kind}")
    if seeds:
        print(f"\ncross-validated default ({learned.load().default}) by fold assignment:")
        print(seed_table(result["items"], seeds, args.markdown))
    if args.errors:
        print("\n" + "\n".join(result["error_lines"]))
    if args.json:
        Path(args.json).write_text(json.dumps(result["methods"], indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
