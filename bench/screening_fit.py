"""Rebuild the screening model from the labelled corpus: one command.

    python bench/screening_fit.py [--check]

Fits the heads on every corpus item (bench/corpus/), chooses each operating point's thresholds by grouped
cross-validation inside the corpus, measures every operating point by nested grouped cross-validation
(the figures an administrator sees next to each choice), and writes
climate_plugin/screening/data/model.json. --check fits and compares with the stored model instead of
writing (exit 1 when they differ). How and why: docs/screening.md.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import screening_model as sm  # noqa: E402

from climate_plugin.screening import learned  # noqa: E402

FIGURE_KEYS = (
    "recall_high",
    "reach_any_high",
    "false_alarm_high_on_none",
    "flag_rate_on_none",
    "category_f1",
)


def build() -> dict:
    items = sm.load_corpus()
    model = sm.fit_model(items)
    cv = sm.cross_validated(items)
    for point in model["operating_points"]:
        per_set = sm.figures(items, cv[point["name"]])
        point["figures"] = {s: {k: round(float(f[k]), 3) for k in FIGURE_KEYS} for s, f in per_set.items()}
    model["about"] = {
        "fitted_on": {s: sum(1 for i in items if i.set == s) for s in sm.SETS},
        "groups": len({i.group for i in items}),
        "folds": {"outer": sm.OUTER_FOLDS, "inner": sm.INNER_FOLDS, "grouped_by": "municipality or source"},
        "regularisation_C": {"level": sm.C_LEVEL, "category": sm.C_CATEGORY},
        "figures": "cross-validated (nested, grouped); see docs/screening.md",
        "command": "python bench/screening_fit.py",
    }
    return model


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with the stored model, write nothing")
    args = parser.parse_args(argv)
    model = build()
    text = json.dumps(model, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    if args.check:
        same = learned.MODEL_PATH.read_text(encoding="utf-8") == text
        print("the stored model is what the corpus gives" if same else "the stored model differs")
        return 0 if same else 1
    learned.MODEL_PATH.parent.mkdir(parents=True, exist_ok=True)
    learned.MODEL_PATH.write_text(text, encoding="utf-8")
    size = learned.MODEL_PATH.stat().st_size
    print(f"wrote {learned.MODEL_PATH.relative_to(ROOT)} ({size // 1024} KiB)")
    for point in model["operating_points"]:
        print(f"{point['name']}: {point['rule']}")
        for name, figs in point["figures"].items():
            print(f"  {name:10} " + "  ".join(f"{k} {v:.3f}" for k, v in figs.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
