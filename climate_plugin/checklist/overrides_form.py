"""The municipality's checklist overrides as a form: each question's and category's wording in fi, sv and
en, categories switched off, the escalation rules, and the municipality's own extra questions.

The form shows the municipality's latest overrides over what it inherits (the default checklist with its
region's template, ``Inherited``); what is saved is only what differs from that, in the overrides format
of climate_plugin.checklist.overrides (so the JSON API, the CLI and this form store the same thing, through
the same service). Errors come back keyed by the form's input names, in the page's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from marshmallow import ValidationError

from climate_plugin.checklist.data import (
    CATEGORIES,
    CROSS_CUTTING,
    ESCALATION_DEFAULTS,
    STAGE0_QUESTIONS,
)
from climate_plugin.checklist.overrides import MAX_EXTRA_QUESTIONS, OverridesSchema
from climate_plugin.checklist.resolved import CROSS, PRESCREEN
from climate_plugin.web.validation import translate

LANGS = ("fi", "sv", "en")
PARTS = ("name", "question", "effect")
#: escalation rules by how they are edited
FLAGS = ("strongly_negative", "unknown_on_land_use_plan", "nonzero_steering", "no_effect_on_high")
NUMBERS = ("negative_count", "unknown_investment_over_eur")
CATEGORY_CODES = tuple(c.code for c in CATEGORIES)


@dataclass
class TextRow:
    """One text in three languages: ``key`` is the input prefix ("q.R1", "c.energy.name", "x.0")."""

    key: str
    label: str
    values: dict[str, str]
    changed: bool = False


@dataclass
class CategoryRow:
    code: str
    name: str
    off: bool
    texts: list[TextRow]


@dataclass
class ExtraRow:
    index: int
    id: str
    stage: str
    text: TextRow
    categories: list[str] = field(default_factory=list)
    new: bool = False


@dataclass
class OverridesForm:
    prescreen: list[TextRow]
    cross_cutting: list[TextRow]
    categories: list[CategoryRow]
    extras: list[ExtraRow]
    escalation: dict[str, Any]


def _texts(given: Any, default: Mapping[str, str]) -> dict[str, str]:
    given = given if isinstance(given, Mapping) else {}
    return {lang: str(given.get(lang, default.get(lang, ""))) for lang in LANGS}


def _section(overrides: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = overrides.get(key)
    return value if isinstance(value, Mapping) else {}


@dataclass(frozen=True)
class Inherited:
    """What a municipality's own overrides start from: the default checklist with its region's overrides.

    A region member's form must show the region's wording and rules where the municipality has none of its
    own, and store only what differs from them: comparing with the bare default would hide the region's
    wording and make "back to the default" impossible to save.
    """

    region: Mapping[str, Any] = field(default_factory=dict)

    def question(self, q: Any) -> dict[str, str]:
        return _texts(_section(self.region, "questions").get(q.id), q.text)

    def part(self, category: Any, part: str) -> dict[str, str]:
        own = _section(self.region, "categories").get(category.code)
        given = own.get(part) if isinstance(own, Mapping) else None
        return _texts(given, getattr(category, part))

    @property
    def disabled(self) -> list[str]:
        return [c for c in CATEGORY_CODES if c in (self.region.get("disabled_categories") or ())]

    @property
    def escalation(self) -> dict[str, Any]:
        return {**ESCALATION_DEFAULTS, **_section(self.region, "escalation")}


#: a municipality outside a region starts from the default checklist
DEFAULT = Inherited()


def build(overrides: Mapping[str, Any] | None, lang: str, inherited: Inherited = DEFAULT) -> OverridesForm:
    """The form filled in from the municipality's stored (or just submitted) overrides over ``inherited``;
    "changed" marks what differs from the inherited wording."""
    o = overrides or {}
    questions = o.get("questions") or {}

    def question_row(q) -> TextRow:
        base = inherited.question(q)
        values = _texts(questions.get(q.id), base)
        return TextRow(f"q.{q.id}", f"{q.id} {base.get(lang, '')}", values, values != base)

    categories = []
    stored = o.get("categories") or {}
    off = set(o.get("disabled_categories", inherited.disabled))
    for c in CATEGORIES:
        own = stored.get(c.code) or {}
        rows = []
        for part in PARTS:
            base = inherited.part(c, part)
            values = _texts(own.get(part), base)
            rows.append(TextRow(f"c.{c.code}.{part}", part, values, values != base))
        categories.append(CategoryRow(c.code, c.name.get(lang, c.code), c.code in off, rows))

    extras = []
    for index, e in enumerate(o.get("extra_questions") or ()):
        if not isinstance(e, Mapping):
            continue
        text = TextRow(f"x.{index}", str(e.get("id", "")), _texts(e.get("text"), {}))
        stage = str(e.get("stage", PRESCREEN))
        extras.append(ExtraRow(index, str(e.get("id", "")), stage, text, list(e.get("categories") or ())))
    if len(extras) < MAX_EXTRA_QUESTIONS:
        index = len(extras)
        extras.append(ExtraRow(index, "", PRESCREEN, TextRow(f"x.{index}", "", _texts({}, {})), new=True))

    rules = {**inherited.escalation, **(o.get("escalation") or {})}
    return OverridesForm(
        prescreen=[question_row(q) for q in STAGE0_QUESTIONS],
        cross_cutting=[question_row(q) for q in CROSS_CUTTING],
        categories=categories,
        extras=extras,
        escalation={**rules, "unknown_categories": list(rules.get("unknown_categories") or ())},
    )


def _typed(form: Any, key: str) -> dict[str, str]:
    return {lang: form.get(f"{key}.{lang}", "").strip() for lang in LANGS}


def _number(text: str) -> Any:
    text = text.strip()
    if text == "":
        return None
    try:
        return int(text)
    except ValueError:
        return text  # refused by the schema with its own message, shown next to the input


def read(form: Any, inherited: Inherited = DEFAULT) -> dict[str, Any]:
    """The overrides a submitted form asks for: only what differs from what the municipality inherits."""
    out: dict[str, Any] = {}
    questions = {}
    for q in STAGE0_QUESTIONS + CROSS_CUTTING:
        typed = _typed(form, f"q.{q.id}")
        if typed != inherited.question(q):
            questions[q.id] = typed
    if questions:
        out["questions"] = questions

    categories: dict[str, Any] = {}
    for c in CATEGORIES:
        changed = {}
        for part in PARTS:
            typed = _typed(form, f"c.{c.code}.{part}")
            if typed != inherited.part(c, part):
                changed[part] = typed
        if changed:
            categories[c.code] = changed
    if categories:
        out["categories"] = categories
    disabled = [code for code in CATEGORY_CODES if form.get(f"c.{code}.off")]
    if disabled != inherited.disabled:
        # the municipality's list replaces the region's, so [] switches the region's choice back on
        out["disabled_categories"] = disabled

    extras = []
    for index in range(MAX_EXTRA_QUESTIONS + 1):
        prefix = f"x.{index}"
        if f"{prefix}.id" not in form:
            break
        qid = form.get(f"{prefix}.id", "").strip()
        text = _typed(form, prefix)
        if form.get(f"{prefix}.remove") or (not qid and not any(text.values())):
            continue
        extra: dict[str, Any] = {"id": qid, "stage": form.get(f"{prefix}.stage", PRESCREEN), "text": text}
        chosen = form.getlist(f"{prefix}.categories")
        if chosen and extra["stage"] == PRESCREEN:
            extra["categories"] = chosen
        extras.append(extra)
    if extras:
        out["extra_questions"] = extras

    rules: dict[str, Any] = {}
    base = inherited.escalation
    for flag in FLAGS:
        value = bool(form.get(f"e.{flag}"))
        if value != base[flag]:
            rules[flag] = value
    for name in NUMBERS:
        value = _number(form.get(f"e.{name}", ""))
        if value != base[name]:
            rules[name] = value
    unknown = [code for code in CATEGORY_CODES if code in form.getlist("e.unknown_categories")]
    if tuple(unknown) != tuple(base["unknown_categories"] or ()):
        rules["unknown_categories"] = unknown
    if rules:
        out["escalation"] = rules
    return out


_SECTIONS = {"questions": "q", "categories": "c", "extra_questions": "x", "escalation": "e"}


def errors_by_input(overrides: Mapping[str, Any], lang: str) -> dict[str, list[str]]:
    """What the overrides schema says about ``overrides``, keyed by input name ("q.R1.fi"); {} if fine."""
    try:
        OverridesSchema().load(dict(overrides))
    except ValidationError as exc:
        found: dict[str, list[str]] = {}

        def walk(path: list[str], value: Any) -> None:
            if isinstance(value, Mapping):
                for key, inner in value.items():
                    step = [] if key in ("value", "key", "_schema") else [str(key)]
                    walk(path + step, inner)
            elif isinstance(value, list | tuple):
                for inner in value:
                    walk(path, inner)
            else:
                head = _SECTIONS.get(path[0], path[0]) if path else "_form"
                name = ".".join([head, *path[1:]]) if path else "_form"
                if name == "disabled_categories":
                    name = "_categories"
                found.setdefault(name, []).append(translate(str(value), lang))

        walk([], exc.messages)
        return found
    return {}


__all__ = ["CROSS", "DEFAULT", "PRESCREEN", "Inherited", "OverridesForm", "build", "errors_by_input", "read"]
