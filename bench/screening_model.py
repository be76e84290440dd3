"""Fitting the screening model on the labelled corpus, and cross-validating it honestly.

Used by bench/screening_fit.py (writes climate_plugin/screening/data/model.json) and
bench/screening_quality.py (the cross-validated figures). Needs scikit-learn (in the ``test`` extra); the
service itself needs only the stored weights.

Honesty rules (bench/corpus/README.md): whatever is fitted (weights, thresholds) is fitted on some
municipalities or sources and scored on others. Folds are grouped by municipality or council (by source
document where neither is given), across the four sets, so a municipality's titles and texts fall in the
same fold. Thresholds of the operating points are chosen inside each training part by an inner
cross-validation, never on the items they are scored on.
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

from climate_plugin.screening import CATEGORIES, learned
from climate_plugin.screening.screen import Reading, decide, read

CORPUS = Path(__file__).resolve().parent / "corpus"
SETS: tuple[str, ...] = ("fi_text", "fi_titles", "sv", "en")
OUTER_FOLDS = 5
INNER_FOLDS = 4
# L2 strength (scikit-learn's C: larger fits the training items more closely). Chosen once by grouped
# cross-validation over 0.1 / 0.3 / 1 / 3 (bench/screening_quality.py --choose-c) and then fixed.
C_LEVEL = 0.3
C_CATEGORY = 0.3
# A word must appear in this many training items to get a weight: rarer words are names and numbers.
MIN_ITEMS_PER_FEATURE = 2
WEIGHT_DIGITS = 4

#: Operating points, each chosen per kind of item on the training items' inner cross-validated scores:
#: (name, recall on high to keep, any-annotator-high items to flag, none-items screened high at most,
#: none-items flagged at most). Recall comes first: the thresholds are as low as the recall asks, unless
#: that would pass the false-alarm bounds, which then decide. The default has the loosest bounds: a missed
#: high item is a decision taken blind.
POINTS: tuple[tuple[str, float, float, float, float], ...] = (
    ("recall", 0.93, 0.98, 0.10, 0.30),
    ("balanced", 0.93, 0.98, 0.04, 0.16),
    ("strict", 0.93, 0.98, 0.02, 0.08),
)


def _rule(point: tuple[str, float, float, float, float]) -> str:
    _, recall, reach, cap_high, cap_flag = point
    return (
        f"recall on high {recall:g} and any-annotator-high flagged {reach:g}, unless none-items would be "
        f"screened high more than {cap_high:g} or flagged more than {cap_flag:g}"
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


def _head(vec: DictVectorizer, x: Any, y: Sequence[int], c: float) -> dict[str, Any]:
    if len(set(y)) < 2:
        # A category no training item has: never named.
        return {"intercept": -10.0, "weights": {}}
    clf = LogisticRegression(C=c, class_weight="balanced", solver="liblinear", max_iter=2000, random_state=0)
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
    # Categories are learned on the items the annotators flagged (a none item has none).
    flagged = [i for i in items if "none" not in i.levels]
    # Categories from the shared features only: they carry across languages (the words did not help).
    vec = _vectorizer(items, _shared)
    x = vec.transform([i.reading.features for i in flagged])  # type: ignore[union-attr]
    for category in CATEGORIES:
        heads[category] = _head(vec, x, [int(category in i.categories()) for i in flagged], C_CATEGORY)
    return heads


def _probabilities(heads: dict[str, dict[str, Any]], items: Sequence[Item]) -> list[dict[str, float]]:
    """Each item's scores; an item without any lexicon word scores 0 for its level (screen.decide: none)."""
    even = dict.fromkeys(learned.KINDS, (0.5, 0.5))
    model = learned.model_from_dict(_model_dict(heads, {}, [("x", "", even, {})]))
    out = []
    for item in items:
        reading = item.reading
        assert reading is not None
        scores = model.scores(reading.features, ("high", "flag", *CATEGORIES))
        if not reading.lexicon_hits:
            scores["high"] = scores["flag"] = 0.0
        out.append(scores)
    return out


def _model_dict(
    heads: dict[str, dict[str, Any]],
    category_thresholds: dict[str, float],
    points: Sequence[tuple[str, str, dict[str, tuple[float, float]], dict[str, Any]]],
    about: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "version": "3",
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


def _oof(items: Sequence[Item], folds: int) -> list[dict[str, float]]:
    """Out-of-fold probabilities: each item scored by heads fitted without its group."""
    out: list[dict[str, float]] = [{} for _ in items]
    groups = [i.group for i in items]
    for train, test in GroupKFold(n_splits=folds).split(list(items), groups=groups):
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


def _allow_share(values: Sequence[float], share: float) -> float:
    """The smallest threshold that lets at most `share` of `values` reach it."""
    if not values or share >= 1:
        return 0.0
    ordered = sorted(values, reverse=True)
    allowed = math.floor(share * len(ordered) + 1e-9)
    return ordered[allowed] + 1e-6 if allowed < len(ordered) else 0.0


def choose_thresholds(
    items: Sequence[Item], probs: Sequence[dict[str, float]]
) -> tuple[dict[str, float], list[tuple[str, str, dict[str, tuple[float, float]]]]]:
    """Category thresholds (best F1 on these scores) and each operating point's thresholds per kind."""
    category_thresholds: dict[str, float] = {}
    flagged = [(i, p) for i, p in zip(items, probs, strict=True) if "none" not in i.levels]
    for category in CATEGORIES:
        best, best_f1 = 0.5, -1.0
        for t in np.arange(0.2, 0.9, 0.025):
            tp = sum(1 for i, p in flagged if p[category] >= t and category in i.categories())
            fp = sum(1 for i, p in flagged if p[category] >= t and category not in i.categories())
            fn = sum(1 for i, p in flagged if p[category] < t and category in i.categories())
            f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
            if f1 > best_f1:
                best, best_f1 = float(t), f1
        category_thresholds[category] = round(best, 3)
    points = []
    for point in POINTS:
        name, recall, reach, cap_high, cap_flag = point
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
    probs = _oof(items, folds)
    category_thresholds, points = choose_thresholds(items, probs)
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
    items: Sequence[Item], folds: int = OUTER_FOLDS, points: Sequence[str] | None = None
) -> dict[str, dict[str, dict]]:
    """{point: {id: prediction}}: each item predicted by a model fitted (thresholds too) without its group."""
    read_all(items)
    names = list(points or [p[0] for p in POINTS])
    out: dict[str, dict[str, dict]] = {n: {} for n in names}
    groups = [i.group for i in items]
    for train, test in GroupKFold(n_splits=folds).split(list(items), groups=groups):
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
