"""Fitting the screening model on the labelled corpus, and cross-validating it honestly.

Used by bench/screening_fit.py (writes climate_plugin/screening/data/model.json) and
bench/screening_quality.py (the cross-validated figures). Needs scikit-learn (in the ``test`` extra); the
service itself needs only the stored weights.

Honesty rules (bench/corpus/README.md): whatever is fitted (weights, thresholds) is fitted on some
municipalities or sources and scored on others. Folds are grouped by municipality or council (by source
document where neither is given), across the four sets, so a municipality's titles and texts fall in the
same fold. Thresholds of the operating points are chosen inside each training part by an inner
cross-validation (averaged over THRESHOLD_SEEDS assignments), never on the items they are scored on.
"""

from __future__ import annotations

import importlib.util
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from climate_plugin.screening import CATEGORIES, SCREENING_VERSION, learned
from climate_plugin.screening.categories import pair_rows
from climate_plugin.screening.screen import Reading, decidable, decide, explicit, read

CORPUS = Path(__file__).resolve().parent / "corpus"
SETS: tuple[str, ...] = ("fi_text", "fi_titles", "sv", "en")
OUTER_FOLDS = 5
INNER_FOLDS = 4
# L2 strength (scikit-learn's C: larger fits the training items more closely). Chosen once by grouped
# cross-validation over 0.1 / 0.3 / 1 / 3 (levels) and 0.03 / 0.1 / 0.3 / 1 (the category pair head) and
# then fixed.
C_LEVEL = 0.3
C_CATEGORY = 0.1
# A word must appear in this many training items to get a weight: rarer words are names and numbers.
MIN_ITEMS_PER_FEATURE = 2
WEIGHT_DIGITS = 4

#: Operating points, each chosen per kind of item on the training items' inner cross-validated scores:
#: (name, recall on high to keep, any-annotator-high items to flag, none-items screened high at most,
#: none-items flagged at most, none-items flagged in all). Recall comes first: the thresholds are as low as
#: the recall asks, unless that would pass the false-alarm bounds, which then decide. Then the minor
#: threshold comes down until the share of none-items flagged in all is reached: the items flagged minor
#: are then mostly minor ones (flagged, they show their categories; unflagged, a minor item's categories
#: are all lost). The default has the loosest bounds: a missed high item is a decision taken blind.
POINTS: tuple[tuple[str, float, float, float, float, float], ...] = (
    ("recall", 0.96, 0.98, 0.05, 0.20, 0.15),
    ("balanced", 0.93, 0.98, 0.04, 0.16, 0.10),
    ("strict", 0.93, 0.98, 0.02, 0.08, 0.05),
)


def _rule(point: tuple[str, float, float, float, float, float]) -> str:
    _, recall, reach, cap_high, cap_flag, fill = point
    return (
        f"recall on high {recall:g} and any-annotator-high flagged {reach:g}, unless none-items would be "
        f"screened high more than {cap_high:g} or flagged more than {cap_flag:g}; minor items flagged as far "
        f"as {fill:g} of none-items flagged"
    )


DEFAULT_POINT = "recall"


def _load_score() -> Callable[[dict, dict], dict]:
    spec = importlib.util.spec_from_file_location("corpus_score", CORPUS / "score.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.score


score = _load_score()


@dataclass
class Item:
    set: str
    id: str
    title: str
    body: str
    language: str
    group: str
    a: dict[str, Any]
    b: dict[str, Any]
    reading: Reading | None = field(default=None, repr=False)

    @property
    def levels(self) -> tuple[str, str]:
        return self.a["level"], self.b["level"]

    @property
    def y_high(self) -> int | None:
        """1 when both annotators said high, 0 when neither did; None (left out) when they disagree."""
        levels = self.levels
        if levels == ("high", "high"):
            return 1
        return None if "high" in levels else 0

    @property
    def y_flag(self) -> int | None:
        """1 when both said at least minor, 0 when both said none; None when they disagree."""
        flagged = [level != "none" for level in self.levels]
        if all(flagged):
            return 1
        return 0 if not any(flagged) else None

    def categories(self) -> set[str]:
        return set(self.a["categories"]) | set(self.b["categories"])


def _group(record: dict[str, Any]) -> str:
    name = (record.get("municipality") or record.get("council") or "").strip().lower()
    return name or record.get("source_url", "") or record["id"]


def load_corpus(sets: Sequence[str] = SETS, root: Path = CORPUS) -> list[Item]:
    items: list[Item] = []
    for name in sets:
        labels = {r["id"]: r for r in _jsonl(root / f"{name}.labels.jsonl")}
        for record in _jsonl(root / f"{name}.jsonl"):
            label = labels[record["id"]]
            items.append(
                Item(
                    name,
                    record["id"],
                    record["title"],
                    record.get("body") or "",
                    record.get("language") or "",
                    _group(record),
                    label["a"],
                    label["b"],
                )
            )
    return items


def _jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def read_all(items: Sequence[Item]) -> None:
    for item in items:
        if item.reading is None:
            item.reading = read(item.title, item.body, item.language)


# --- fitting ---------------------------------------------------------------------------------------------


WORD_PREFIXES = ("fi|", "sv|", "en|", "term|")
SHARED_SUFFIX = "/shared"  # category heads on language-independent features only (see the docs)


def _shared(name: str) -> bool:
    return not name.startswith(WORD_PREFIXES)


def _vectorizer(items: Sequence[Item], only: Callable[[str], bool] = lambda name: True) -> DictVectorizer:
    counts: dict[str, int] = {}
    for item in items:
        assert item.reading is not None
        for name in item.reading.features:
            if only(name):
                counts[name] = counts.get(name, 0) + 1
    keep = {name for name, n in counts.items() if n >= MIN_ITEMS_PER_FEATURE}
    vec = DictVectorizer()
    vec.fit([{n: 1.0 for n in keep}])
    return vec


def _head(vec: DictVectorizer, x: Any, y: Sequence[int], c: float, balanced: bool = True) -> dict[str, Any]:
    if len(set(y)) < 2:
        # A category no training item has: never named.
        return {"intercept": -10.0, "weights": {}}
    weight = "balanced" if balanced else None
    clf = LogisticRegression(C=c, class_weight=weight, solver="liblinear", max_iter=2000, random_state=0)
    x = x.tocsr()
    x.indices, x.indptr = x.indices.astype(np.int32), x.indptr.astype(np.int32)
    clf.fit(x, np.asarray(y))
    names = vec.get_feature_names_out()
    weights = {
        str(names[j]): round(float(w), WEIGHT_DIGITS)
        for j, w in enumerate(clf.coef_[0])
        if abs(w) >= 10**-WEIGHT_DIGITS
    }
    return {"intercept": round(float(clf.intercept_[0]), WEIGHT_DIGITS), "weights": weights}


def fit_heads(items: Sequence[Item]) -> dict[str, dict[str, Any]]:
    """Weights of every head, fitted on these items."""
    heads: dict[str, dict[str, Any]] = {}
    # Each level is decided by two heads, averaged: one over every feature (the item's words too), one
    # over the shared, language-independent ones (lexicon evidence by part, cues). The words carry Finnish,
    # where most items are; the shared features carry Swedish and English, which have too few items to
    # learn words from (grouped cross-validation: docs/screening.md).
    for suffix, only in (("", lambda name: True), (SHARED_SUFFIX, _shared)):
        vec = _vectorizer(items, only)
        for name, target in (("high", "y_high"), ("flag", "y_flag")):
            chosen = [i for i in items if getattr(i, target) is not None]
            x = vec.transform([i.reading.features for i in chosen])  # type: ignore[union-attr]
            heads[name + suffix] = _head(vec, x, [getattr(i, target) for i in chosen], C_LEVEL)
    # Categories are learned on the items the annotators flagged (a none item has none), one head over
    # (item, category) pairs (climate_plugin/screening/categories.py); the target is what either annotator
    # gave (the scorer counts a category right when either gave it).
    flagged = [i for i in items if "none" not in i.levels]
    pairs = [(i, c) for i in flagged for c in CATEGORIES]
    rows = [row for i in flagged for row in pair_rows(i.reading, CATEGORIES).values()]  # type: ignore[arg-type]
    counts: dict[str, int] = {}
    for row in rows:
        for name in row:
            counts[name] = counts.get(name, 0) + 1
    vec = DictVectorizer()
    vec.fit([{n: 1.0 for n, k in counts.items() if k >= MIN_ITEMS_PER_FEATURE}])
    heads[learned.CATEGORY_HEAD] = _head(
        vec, vec.transform(rows), [int(c in i.categories()) for i, c in pairs], C_CATEGORY, balanced=False
    )
    return heads


def _probabilities(heads: dict[str, dict[str, Any]], items: Sequence[Item]) -> list[dict[str, float]]:
    """Each item's scores; an item the model does not decide scores 0 for its level (screen.decidable), one
    with a core word in its title 1 (screen.explicit)."""
    even = dict.fromkeys(learned.KINDS, (0.5, 0.5))
    model = learned.model_from_dict(_model_dict(heads, {}, [("x", "", even, {})]))
    out = []
    for item in items:
        reading = item.reading
        assert reading is not None
        scores = model.scores(reading.features, ("high", "flag"))
        scores.update(model.category_scores(reading, CATEGORIES))
        if not decidable(reading):
            scores["high"] = scores["flag"] = 0.0
        elif explicit(reading):
            scores["high"] = scores["flag"] = 1.0
        out.append(scores)
    return out


def _model_dict(
    heads: dict[str, dict[str, Any]],
    category_thresholds: dict[str, float],
    points: Sequence[tuple[str, str, dict[str, tuple[float, float]], dict[str, Any]]],
    about: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "version": SCREENING_VERSION,
        "default": DEFAULT_POINT if any(p[0] == DEFAULT_POINT for p in points) else points[0][0],
        "about": about or {},
        "category_thresholds": category_thresholds,
        "operating_points": [
            {
                "name": name,
                "rule": rule,
                "thresholds": {k: {"high": h, "flag": f} for k, (h, f) in thresholds.items()},
                "figures": figs,
            }
            for name, rule, thresholds, figs in points
        ],
        "heads": heads,
    }


#: Inner fold assignments whose thresholds are averaged (None: GroupKFold's balanced one)
THRESHOLD_SEEDS: tuple[int | None, ...] = (None, 1, 2)


def _oof(items: Sequence[Item], folds: int, seed: int | None = None) -> list[dict[str, float]]:
    """Out-of-fold probabilities: each item scored by heads fitted without its group."""
    out: list[dict[str, float]] = [{} for _ in items]
    groups = [i.group for i in items]
    splitter = GroupKFold(n_splits=folds, shuffle=seed is not None, random_state=seed)
    for train, test in splitter.split(list(items), groups=groups):
        heads = fit_heads([items[j] for j in train])
        for j, probs in zip(test, _probabilities(heads, [items[j] for j in test]), strict=True):
            out[j] = probs
    return out


def _keep_share(values: Sequence[float], share: float) -> float:
    """The largest threshold that keeps at least `share` of `values` at or above it (1.0 keeps none)."""
    if not values or share <= 0:
        return 1.0
    ordered = sorted(values, reverse=True)
    keep = max(1, math.ceil(share * len(ordered) - 1e-9))
    return ordered[min(keep, len(ordered)) - 1] - 1e-6


def _nth_threshold(values: Sequence[float], allowed: int) -> float:
    """The smallest threshold that lets at most `allowed` of `values` reach it."""
    ordered = sorted(values, reverse=True)
    return ordered[allowed] + 1e-6 if allowed < len(ordered) else 0.0


def _allow_share(values: Sequence[float], share: float) -> float:
    """The smallest threshold that lets at most `share` of `values` reach it."""
    if not values or share >= 1:
        return 0.0
    ordered = sorted(values, reverse=True)
    allowed = math.floor(share * len(ordered) + 1e-9)
    return ordered[allowed] + 1e-6 if allowed < len(ordered) else 0.0


def _category_f1(flagged: Sequence[tuple[Item, dict[str, float]]], thresholds: dict[str, float]) -> float:
    """score.py's category F1 over these items, were each flagged, at these thresholds."""
    tp = fp = hit = need = 0
    for item, p in flagged:
        got = {c for c in CATEGORIES if p[c] >= thresholds[c]} or {max(CATEGORIES, key=lambda c: p[c])}
        loose, strict = item.categories(), set(item.a["categories"]) & set(item.b["categories"])
        tp, fp = tp + len(got & loose), fp + len(got - loose)
        hit, need = hit + len(got & strict), need + len(strict)
    precision, recall = (tp / (tp + fp) if tp + fp else 0.0), (hit / need if need else 0.0)
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _category_thresholds(flagged: Sequence[tuple[Item, dict[str, float]]]) -> dict[str, float]:
    """One threshold for every category (best F1), then each category's own, in two coordinate passes
    (ties go to the shared one: a category with few items should not move far on them)."""
    grid = [round(float(t), 3) for t in np.arange(0.1, 0.8, 0.025)]
    shared = max(grid, key=lambda t: _category_f1(flagged, dict.fromkeys(CATEGORIES, t)))
    thresholds = dict.fromkeys(CATEGORIES, shared)
    for _ in range(2):
        for category in CATEGORIES:
            thresholds[category] = max(
                grid[::2],
                key=lambda t: (_category_f1(flagged, {**thresholds, category: t}), -abs(t - shared)),
            )
    return thresholds


def choose_thresholds(
    items: Sequence[Item], probs: Sequence[dict[str, float]]
) -> tuple[dict[str, float], list[tuple[str, str, dict[str, tuple[float, float]]]]]:
    """Category thresholds (best F1 on these scores) and each operating point's thresholds per kind."""
    flagged = [(i, p) for i, p in zip(items, probs, strict=True) if "none" not in i.levels]
    category_thresholds = _category_thresholds(flagged)
    points = []
    for point in POINTS:
        name, recall, reach, cap_high, cap_flag, fill = point
        thresholds: dict[str, tuple[float, float]] = {}
        for kind in learned.KINDS:
            pairs = [(i, p) for i, p in zip(items, probs, strict=True) if i.set == kind]
            nones = [p for i, p in pairs if i.levels == ("none", "none")]
            t_high = _keep_share([p["high"] for i, p in pairs if i.levels == ("high", "high")], recall)
            t_high = max(t_high, _allow_share([p["high"] for p in nones], cap_high))
            # The any-high items under the high threshold must be flagged minor, as far as `reach` asks.
            any_high = sum(1 for i, _ in pairs if "high" in i.levels)
            below = [p["flag"] for i, p in pairs if "high" in i.levels and p["high"] < t_high]
            share = 1 - (1 - reach) * any_high / len(below) if below else 0.0
            t_flag = _keep_share(below, share) if below else 1.0
            # Minor items: as many as the none-items flagged in all allow.
            screened_high = sum(1 for p in nones if p["high"] >= t_high)
            minor_budget = math.floor(fill * len(nones) + 1e-9) - screened_high
            if minor_budget > 0:
                below_high = [p["flag"] for p in nones if p["high"] < t_high]
                t_flag = min(t_flag, _nth_threshold(below_high, minor_budget))
            t_flag = max(t_flag, _allow_share([p["flag"] for p in nones if p["high"] < t_high], cap_flag))
            if points:  # a stricter point never screens an item higher than a looser one
                looser_high, looser_flag = points[-1][2][kind]
                t_high, t_flag = max(t_high, looser_high), max(t_flag, looser_flag)
            thresholds[kind] = (round(t_high, 4), round(min(t_flag, t_high), 4))
        points.append((name, _rule(point), thresholds))
    return category_thresholds, points


def fit_model(items: Sequence[Item], folds: int = INNER_FOLDS) -> dict[str, Any]:
    """A complete model (heads, category thresholds, operating points) from these items alone."""
    read_all(items)
    runs = [choose_thresholds(items, _oof(items, folds, seed)) for seed in THRESHOLD_SEEDS]
    category_thresholds = {c: round(float(np.mean([r[0][c] for r in runs])), 4) for c in CATEGORIES}
    points = []
    for index, (name, rule, _) in enumerate(runs[0][1]):
        per_kind = {
            kind: tuple(round(float(np.mean([r[1][index][2][kind][k] for r in runs])), 4) for k in (0, 1))
            for kind in learned.KINDS
        }
        points.append((name, rule, per_kind))
    heads = fit_heads(items)
    return _model_dict(heads, category_thresholds, [(n, r, t, {}) for n, r, t in points])


# --- predicting and scoring ------------------------------------------------------------------------------


def predict(model: dict[str, Any] | learned.Model, items: Sequence[Item], point: str | None = None) -> dict:
    """{id: {"relevance", "categories"}} as `climate-plugin screen` gives them."""
    read_all(items)
    m = model if isinstance(model, learned.Model) else learned.model_from_dict(model)
    out = {}
    for item in items:
        result = decide(item.reading, m, point)  # type: ignore[arg-type]
        out[item.id] = {"relevance": result.relevance, "categories": list(result.categories)}
    return out


def cross_validated(
    items: Sequence[Item],
    folds: int = OUTER_FOLDS,
    points: Sequence[str] | None = None,
    seed: int | None = None,
) -> dict[str, dict[str, dict]]:
    """{point: {id: prediction}}: each item predicted by a model fitted (thresholds too) without its group.

    `seed` shuffles which municipalities share an outer fold (None: scikit-learn's balanced assignment, the
    reported one); other seeds show how much the figures depend on the assignment.
    """
    read_all(items)
    names = list(points or [p[0] for p in POINTS])
    out: dict[str, dict[str, dict]] = {n: {} for n in names}
    groups = [i.group for i in items]
    splitter = GroupKFold(n_splits=folds, shuffle=seed is not None, random_state=seed)
    for train, test in splitter.split(list(items), groups=groups):
        model = fit_model([items[j] for j in train])
        test_items = [items[j] for j in test]
        for name in names:
            out[name].update(predict(model, test_items, name))
    return out


def labels_of(items: Sequence[Item]) -> dict[str, dict[str, dict]]:
    return {i.id: {"id": i.id, "a": i.a, "b": i.b} for i in items}


def figures(items: Sequence[Item], preds: dict[str, dict]) -> dict[str, dict[str, Any]]:
    """score.py's figures per set."""
    out = {}
    for name in SETS:
        subset = [i for i in items if i.set == name]
        if subset:
            out[name] = score(labels_of(subset), {i.id: preds[i.id] for i in subset if i.id in preds})
    return out
