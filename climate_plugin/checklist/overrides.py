"""Validation of a municipality's checklist overrides (the JSON format is described in docs/checklist.md).

Overrides are refused as a whole with one readable message rather than partly applied: a typo in a
question id must not silently leave the default wording in place. Every text a person reads must come
in fi, sv and en, because the page and the write-back are shown in the item's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validates_schema
from marshmallow.validate import Length, OneOf, Range, Regexp

from climate_plugin.checklist.data import CATEGORY_CODES, CROSS_CUTTING, STAGE0_QUESTIONS
from climate_plugin.checklist.resolved import CROSS, PRESCREEN

BUILTIN_IDS: tuple[str, ...] = tuple(q.id for q in STAGE0_QUESTIONS + CROSS_CUTTING)
MAX_TEXT = 1000
MAX_EXTRA_QUESTIONS = 20

_ID_HINT = (
    f"the checklist has {BUILTIN_IDS[0]}–{STAGE0_QUESTIONS[-1].id} and {CROSS_CUTTING[0].id}–"
    f"{BUILTIN_IDS[-1]}; add new questions under extra_questions"
)
_CODE_HINT = "known categories: " + ", ".join(CATEGORY_CODES)


class OverridesError(ValueError):
    """Overrides that cannot be used; ``str()`` is one line that names every problem."""


def _not_blank(text: str) -> None:
    if not text.strip():
        raise ValidationError("must not be blank")


def _language(name: str) -> fields.String:
    return fields.String(
        required=True,
        validate=[_not_blank, Length(max=MAX_TEXT)],
        error_messages={"required": f"missing: every text must be given in fi, sv and en ({name} missing)"},
    )


class _Text(Schema):
    fi = _language("fi")
    sv = _language("sv")
    en = _language("en")

    @post_load
    def _strip(self, data: dict[str, str], **_: Any) -> dict[str, str]:
        return {lang: text.strip() for lang, text in data.items()}


class _CategoryText(Schema):
    name = fields.Nested(_Text)
    question = fields.Nested(_Text)  # the guiding question
    effect = fields.Nested(_Text)  # "arvioi energiavaikutus" at the end of a tailored prompt


class _Extra(Schema):
    id = fields.String(
        required=True,
        validate=Regexp(
            r"^[A-Za-z][A-Za-z0-9_]{0,15}$", error="use a letter then letters, digits or _ (≤16)"
        ),
    )
    stage = fields.String(
        required=True, validate=OneOf((PRESCREEN, CROSS), error="must be 'prescreen' or 'cross_cutting'")
    )
    text = fields.Nested(_Text, required=True)
    #: prescreen only: the categories a "yes" or "don't know" opens in stage 1
    categories = fields.List(fields.String(validate=OneOf(CATEGORY_CODES, error=f"unknown; {_CODE_HINT}")))

    @validates_schema
    def _categories_on_prescreen_only(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("categories") and data.get("stage") != PRESCREEN:
            raise ValidationError("only a prescreen question opens categories", "categories")


class _StrictBoolean(fields.Boolean):
    # marshmallow's Boolean takes "yes", "on" and 1 as true; in a config file those are more likely mistakes.
    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise ValidationError("must be true or false")
        return value


class _Escalation(Schema):
    strongly_negative = _StrictBoolean()
    #: null switches the rule off
    negative_count = fields.Integer(strict=True, allow_none=True, validate=Range(min=1))
    unknown_categories = fields.List(
        fields.String(validate=OneOf(CATEGORY_CODES, error=f"unknown; {_CODE_HINT}"))
    )
    unknown_investment_over_eur = fields.Integer(strict=True, validate=Range(min=0))
    unknown_on_land_use_plan = _StrictBoolean()
    nonzero_steering = _StrictBoolean()
    no_effect_on_high = _StrictBoolean()


class OverridesSchema(Schema):
    questions = fields.Dict(
        keys=fields.String(validate=OneOf(BUILTIN_IDS, error=f"unknown question id {{input!r}}: {_ID_HINT}")),
        values=fields.Nested(_Text),
    )
    categories = fields.Dict(
        keys=fields.String(
            validate=OneOf(CATEGORY_CODES, error=f"unknown category {{input!r}}; {_CODE_HINT}")
        ),
        values=fields.Nested(_CategoryText),
    )
    disabled_categories = fields.List(
        fields.String(validate=OneOf(CATEGORY_CODES, error=f"unknown category {{input!r}}; {_CODE_HINT}"))
    )
    extra_questions = fields.List(fields.Nested(_Extra), validate=Length(max=MAX_EXTRA_QUESTIONS))
    escalation = fields.Nested(_Escalation)

    @validates_schema(skip_on_field_errors=False)  # report a taken id together with the other problems
    def _consistent(self, data: dict[str, Any], **_: Any) -> None:
        if set(CATEGORY_CODES) <= set(data.get("disabled_categories", ())):
            raise ValidationError("at least one category must stay switched on", "disabled_categories")
        seen: set[str] = set()
        for index, extra in enumerate(data.get("extra_questions") or ()):
            qid = extra.get("id") if isinstance(extra, Mapping) else None
            if not qid:
                continue
            if qid in BUILTIN_IDS or qid in seen:
                raise ValidationError(
                    {str(index): {"id": [f"{qid!r} is already taken; every question needs its own id"]}},
                    "extra_questions",
                )
            seen.add(qid)

    @post_load
    def _dedupe(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        if "disabled_categories" in data:
            data["disabled_categories"] = sorted(set(data["disabled_categories"]), key=CATEGORY_CODES.index)
        return data


def _flatten(messages: Any, path: str = "") -> list[str]:
    """marshmallow's nested messages as ["questions.R9: unknown question id …", …]."""
    if isinstance(messages, Mapping):
        out: list[str] = []
        for key, value in messages.items():
            # Dict key errors arrive as {"R9": {"key": [...]}}: the key itself is the culprit.
            step = path if key in ("key", "value", "_schema") else f"{path}.{key}" if path else str(key)
            out += _flatten(value, step)
        return out
    if isinstance(messages, list | tuple):
        return [line for m in messages for line in _flatten(m, path)]
    text = str(messages).rstrip(".")
    if text == "Unknown field":
        text = "unknown field"
    return [f"{path}: {text}" if path else text]


def validate_overrides(data: Any) -> dict[str, Any]:
    """The normalised overrides, or ``OverridesError`` naming every problem in one line."""
    if not isinstance(data, Mapping):
        raise OverridesError("the overrides must be a JSON object")
    try:
        return OverridesSchema().load(data)
    except ValidationError as exc:
        raise OverridesError("; ".join(_flatten(exc.messages))) from None
