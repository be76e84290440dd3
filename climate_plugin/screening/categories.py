"""Which checklist categories an item touches: one linear model over (item, category) pairs.

A model per category learned each category's own few items: Swedish and English have a few dozen flagged
items each, and most categories a handful of them. Here one model scores every pair, so what evidence of a
category's own words means (a core word in the title, a weak one in the preparation text) is learned from
all categories and languages together, and only what is particular to a category is learned per category:
its prior per language, its own lexicon terms, and the other categories' terms and evidence that come with it
(a building permit's words are land use's, yet the annotators give it buildings; a school renovation's are
buildings', yet it often touches energy). Grouped cross-validation: docs/screening.md.

The features are data (the weights in ``data/model.json``); this module only names them, the same way when the
model is fitted (bench/screening_model.py) and when it is used (screen.decide).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

#: How much a lexicon tier and a part weigh in a category's share of an item's evidence (own_share, own_top).
_TIER_WEIGHT = {"core": 3.0, "strong": 2.0, "weak": 1.0}
_PART_WEIGHT = {"t": 3.0, "d": 2.0, "b": 1.5, "p": 1.0}
_MAX_CATEGORIES = 5
#: Item features that say something about every category at once (cues, plan words alone, a title only).
_ITEM_PREFIXES = ("cue|", "steering_", "domain_", "categories2", "title_only")


class ReadingLike(Protocol):
    language: str
    title_only: bool
    features: dict[str, float]
    evidence: Mapping[tuple[str, str, str], object]


def pair_features(reading: ReadingLike, category: str) -> dict[str, float]:
    """The features of the pair (this item, this category)."""
    return pair_rows(reading, (category,))[category]


def pair_rows(reading: ReadingLike, categories: tuple[str, ...]) -> dict[str, dict[str, float]]:
    """The features of the pairs (this item, each category): the item is read once for all of them."""
    lang = reading.language
    lex: list[tuple[str, str, str, float]] = []  # (category, tier, part, value)
    counts: list[tuple[str, str, float]] = []
    item: list[tuple[str, float]] = []
    strength: dict[str, float] = {}
    for name, value in reading.features.items():
        if name.startswith("lex|"):
            _, cat, tier, part = name.split("|")
            lex.append((cat, tier, part, value))
            strength[cat] = strength.get(cat, 0.0) + _TIER_WEIGHT.get(tier, 1.0) * _PART_WEIGHT.get(part, 1.0)
        elif name.startswith("count|"):
            _, cat, part = name.split("|")
            counts.append((cat, part, value))
        elif name.startswith(_ITEM_PREFIXES):
            item.append((name, value))
    terms = [(cat, term) for cat, term, _ in reading.evidence]
    top = max(strength.values(), default=0.0)
    found = min(len(strength), _MAX_CATEGORIES) / _MAX_CATEGORIES
    rows: dict[str, dict[str, float]] = {}
    for category in categories:
        f: dict[str, float] = {f"bias|{category}": 1.0, f"bias|{category}|{lang}": 1.0}
        if reading.title_only:
            f[f"bias|{category}|title_only"] = 1.0
        for cat, tier, part, value in lex:
            if cat == category:
                f[f"own|{tier}|{part}"] = value
                f[f"{category}|own|{tier}|{part}"] = value
                f[f"{lang}|own|{tier}|{part}"] = value
            else:
                f[f"{category}|other|{cat}|{part}"] = value
        for cat, part, value in counts:
            if cat == category:
                f[f"owncount|{part}"] = value
                f[f"{category}|owncount|{part}"] = value
        for name, value in item:
            f[f"{category}|{name}"] = value
        for cat, term in terms:
            f[f"{category}|{'term' if cat == category else 'xterm'}|{lang}|{term}"] = 1.0
        if strength:
            own = strength.get(category, 0.0)
            if own:
                f["own_share"] = own / top
                if own == top:
                    f["own_top"] = 1.0
            f["categories_found"] = found
        rows[category] = f
    return rows
