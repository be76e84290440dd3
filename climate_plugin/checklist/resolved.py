"""A resolved checklist: the default merged with one municipality's overrides.

Everything that reads the checklist (the page, answer validation, escalation, prompts, the CLI) takes a
``Checklist``, never the module-level defaults, so a municipality's wording, extra questions, switched-off
categories and escalation thresholds apply everywhere at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from climate_plugin.checklist.data import (
    CATEGORIES,
    CHECKLIST_VERSION,
    CROSS_CUTTING,
    ESCALATION_DEFAULTS,
    RATING_SCALE,
    STAGE0_QUESTIONS,
    STAGE0_TO_CATEGORIES,
    Category,
    Question,
)

PRESCREEN, CROSS = "prescreen", "cross_cutting"


@dataclass(frozen=True)
class Checklist:
    #: "default-1", or "<slug>-<n>+default-1" for template n of a municipality
    version: str
    stage0: tuple[Question, ...]  #: R1–R8 then the municipality's extra prescreen questions
    categories: tuple[Category, ...]  #: enabled categories only, in the default order
    cross_cutting: tuple[Question, ...]  #: X1–X6 then extra cross-cutting questions
    disabled_categories: tuple[str, ...] = ()
    #: stage 0 id → the enabled categories that a "yes" or "don't know" opens in stage 1
    opens: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    escalation: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType(dict(ESCALATION_DEFAULTS)))
    #: ids of the municipality's extra questions (shown as such on the page)
    extra_ids: frozenset[str] = frozenset()

    @property
    def category_codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.categories)

    def category(self, code: str) -> Category | None:
        return next((c for c in self.categories if c.code == code), None)

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.stage0 + self.cross_cutting if q.id == question_id), None)

    def as_json(self) -> dict[str, Any]:
        """Everything a form or the JSON API needs to show this checklist, in all three languages."""
        return {
            "version": self.version,
            "stage0": [
                {
                    "id": q.id,
                    "text": dict(q.text),
                    "opens": list(self.opens.get(q.id, ())),
                    "extra": q.id in self.extra_ids,
                }
                for q in self.stage0
            ],
            "categories": [
                {"code": c.code, "name": dict(c.name), "question": dict(c.question), "effect": dict(c.effect)}
                for c in self.categories
            ],
            "disabled_categories": list(self.disabled_categories),
            "scale": [{"code": r.code, "symbol": r.symbol, "label": dict(r.label)} for r in RATING_SCALE],
            "cross_cutting": [
                {"id": q.id, "text": dict(q.text), "extra": q.id in self.extra_ids}
                for q in self.cross_cutting
            ],
            "escalation": {k: list(v) if isinstance(v, tuple) else v for k, v in self.escalation.items()},
        }


def template_version(slug: str, number: int) -> str:
    return f"{slug}-{number}+{CHECKLIST_VERSION}"


def template_number(version: str | None) -> int | None:
    """The template number in "<slug>-<n>+default-1"; None for the default or anything unparseable."""
    if not isinstance(version, str) or "+" not in version:
        return None
    head = version.split("+", 1)[0]
    _, _, number = head.rpartition("-")
    return int(number) if number.isdigit() and int(number) > 0 else None


def _with_text(question: Question, texts: Mapping[str, Mapping[str, str]]) -> Question:
    return replace(question, text=dict(texts[question.id])) if question.id in texts else question


def _with_category_text(category: Category, overrides: Mapping[str, Any]) -> Category:
    changes = {key: dict(value) for key, value in overrides.get(category.code, {}).items()}
    return replace(category, **changes) if changes else category


def resolve(overrides: Mapping[str, Any], version: str = CHECKLIST_VERSION) -> Checklist:
    """The checklist for already validated overrides (see ``climate_plugin.checklist.overrides``)."""
    texts = overrides.get("questions", {})
    disabled = set(overrides.get("disabled_categories", ()))
    categories = tuple(
        _with_category_text(c, overrides.get("categories", {})) for c in CATEGORIES if c.code not in disabled
    )
    enabled = {c.code for c in categories}
    extras = overrides.get("extra_questions", ())

    stage0 = tuple(_with_text(q, texts) for q in STAGE0_QUESTIONS)
    stage0 += tuple(Question(e["id"], dict(e["text"])) for e in extras if e["stage"] == PRESCREEN)
    cross = tuple(_with_text(q, texts) for q in CROSS_CUTTING)
    cross += tuple(Question(e["id"], dict(e["text"])) for e in extras if e["stage"] == CROSS)

    opens = {qid: tuple(c for c in codes if c in enabled) for qid, codes in STAGE0_TO_CATEGORIES.items()}
    for extra in extras:
        if extra["stage"] == PRESCREEN:
            wanted = set(extra.get("categories", ()))
            opens[extra["id"]] = tuple(c.code for c in categories if c.code in wanted)

    rules = {**ESCALATION_DEFAULTS, **overrides.get("escalation", {})}
    # A switched-off category is never rated, so it cannot trigger "?" escalation either.
    rules["unknown_categories"] = tuple(c for c in rules["unknown_categories"] if c in enabled)
    return Checklist(
        version=version,
        stage0=stage0,
        categories=categories,
        cross_cutting=cross,
        disabled_categories=tuple(c.code for c in CATEGORIES if c.code in disabled),
        opens=MappingProxyType(opens),
        escalation=MappingProxyType(rules),
        extra_ids=frozenset(e["id"] for e in extras),
    )


#: the checklist of a municipality without a template of its own
DEFAULT_CHECKLIST: Checklist = resolve({})
