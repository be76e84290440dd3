"""The fitted decision: linear models over an item's features, and the operating points to read them by.

The model is data (``data/model.json``), fitted on the real labelled corpus by ``bench/screening_fit.py``
(one command rebuilds it; docs/screening.md says how it was fitted and how well it does). At run time only
the stored weights are needed: a dot product per head and a logistic function.

Heads: ``high`` (both annotators would say high) and ``flag`` (at least minor), each with a second head over
the language-independent features only (``high/shared``), their mean the score; and ``category``, one head
over (item, category) pairs (categories.py), read against a threshold per category.
An operating point is a pair of thresholds on the first two; each was chosen by cross-validation, and the
model file carries its cross-validated recall and flag rate, so an administrator sees what each choice
costs.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .categories import ReadingLike, pair_rows

MODEL_PATH = Path(__file__).with_name("data") / "model.json"
DEFAULT_SENSITIVITY = "recall"


class UnknownSensitivity(ValueError):
    """A sensitivity that the model has no operating point for."""


@dataclass(frozen=True)
class Head:
    intercept: float
    weights: Mapping[str, float]

    def score(self, features: Mapping[str, float]) -> float:
        weights = self.weights
        # Over the features the head has a weight for (a set intersection in C: most have none).
        z = self.intercept + sum(weights[name] * features[name] for name in features.keys() & weights.keys())
        return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, z))))

    def contributions(self, features: Mapping[str, float]) -> dict[str, float]:
        return {name: self.weights[name] * value for name, value in features.items() if name in self.weights}


#: The head over (item, category) pairs.
CATEGORY_HEAD = "category"

#: Kinds of item, each with its own thresholds: the scores of a Finnish title alone, a Finnish text, a
#: Swedish or an English item are not on the same scale (the corpus sets are these kinds).
KINDS: tuple[str, ...] = ("fi_text", "fi_titles", "sv", "en")


def kind_of(language: str, title_only: bool) -> str:
    if language == "fi":
        return "fi_titles" if title_only else "fi_text"
    return language if language in KINDS else "fi_text"


@dataclass(frozen=True)
class OperatingPoint:
    """Thresholds per kind: p(high) at or above ``high`` gives high; else p(flag) at or above ``flag``
    gives minor; else none."""

    name: str
    thresholds: Mapping[str, tuple[float, float]]  # kind -> (high, flag)
    rule: str  # what the thresholds were chosen to keep, in words
    figures: Mapping[str, Any]  # cross-validated figures per corpus set

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "rule": self.rule,
            "thresholds": {k: {"high": h, "flag": f} for k, (h, f) in self.thresholds.items()},
            "figures": dict(self.figures),
        }


@dataclass(frozen=True, eq=False)
class Model:
    version: str
    heads: Mapping[str, Head]
    category_thresholds: Mapping[str, float]
    points: Mapping[str, OperatingPoint]
    default: str
    about: Mapping[str, Any]

    def score(self, target: str, features: Mapping[str, float]) -> float:
        """p(target): the mean of the target's heads ("high", and "high/shared" over shared features)."""
        return self.scores(features, (target,))[target]

    def scores(self, features: Mapping[str, float], targets: tuple[str, ...]) -> dict[str, float]:
        """p(target) for each target, in one pass over the item's features."""
        names = [n for n in self.heads if n.split("/")[0] in targets]
        z = {n: self.heads[n].intercept for n in names}
        table = _weight_table(self)
        for feature, value in features.items():
            for name, weight in table.get(feature, ()):
                if name in z:
                    z[name] += weight * value
        out: dict[str, list[float]] = {t: [] for t in targets}
        for name, total in z.items():
            out[name.split("/")[0]].append(1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, total)))))
        return {t: (sum(ps) / len(ps) if ps else 0.0) for t, ps in out.items()}

    def category_scores(self, reading: ReadingLike, categories: tuple[str, ...]) -> dict[str, float]:
        """p(the annotators give this category | the item is flagged), for each category."""
        head = self.heads.get(CATEGORY_HEAD)
        if head is None:
            return dict.fromkeys(categories, 0.0)
        return {c: head.score(row) for c, row in pair_rows(reading, categories).items()}

    def point(self, sensitivity: str | None) -> OperatingPoint:
        name = sensitivity or self.default
        if name not in self.points:
            raise UnknownSensitivity(f"unknown sensitivity {name!r}; one of: {', '.join(self.points)}")
        return self.points[name]


def _from_json(data: Mapping[str, Any]) -> Model:
    heads = {
        name: Head(float(head["intercept"]), {k: float(v) for k, v in head["weights"].items()})
        for name, head in data["heads"].items()
    }
    points = {
        p["name"]: OperatingPoint(
            p["name"],
            {k: (float(th["high"]), float(th["flag"])) for k, th in p["thresholds"].items()},
            str(p.get("rule", "")),
            p.get("figures", {}),
        )
        for p in data["operating_points"]
    }
    return Model(
        version=str(data["version"]),
        heads=heads,
        category_thresholds={k: float(v) for k, v in data["category_thresholds"].items()},
        points=points,
        default=str(data.get("default", DEFAULT_SENSITIVITY)),
        about=data.get("about", {}),
    )


@lru_cache(maxsize=8)
def _weight_table(model: Model) -> dict[str, tuple[tuple[str, float], ...]]:
    """feature -> ((head, weight), ...): one lookup per feature for every head."""
    table: dict[str, list[tuple[str, float]]] = {}
    for name, head in model.heads.items():
        for feature, weight in head.weights.items():
            table.setdefault(feature, []).append((name, weight))
    return {feature: tuple(pairs) for feature, pairs in table.items()}


def model_from_dict(data: Mapping[str, Any]) -> Model:
    """A model from its JSON form (the fitting script and the benchmarks build them in memory)."""
    return _from_json(data)


@lru_cache(maxsize=1)
def load() -> Model:
    """The shipped model (read once per process)."""
    with MODEL_PATH.open(encoding="utf-8") as fh:
        return _from_json(json.load(fh))


def sensitivities() -> list[dict[str, Any]]:
    """The operating points with their cross-validated figures, default first (for settings and docs)."""
    model = load()
    points = sorted(model.points.values(), key=lambda p: p.name != model.default)
    return [p.to_dict() for p in points]
