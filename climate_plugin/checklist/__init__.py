"""The climate checklist (docs/checklist.md; reference: shared/reference/climate-checklist.md).

The default checklist is versioned data (``data``); a municipality's template overrides its wording, adds
questions, switches categories off and sets the escalation thresholds (``overrides``, ``store``). Every
stored assessment records the resolved version, e.g. "default-1" or "hollola-3+default-1", so old answers
keep pointing at the questions they answered.

Shape of ``Assessment.answers`` (JSON):

- ``checklist_version``: the version the answers belong to
- ``prescreen``: stage 0 suggestions from screening, ``{R-id: {"suggestion", "evidence"}}``
  (see ``prefill_stage0``)
- written by the preparer later (checked by ``validate_answers``; read by ``climate_plugin.badges``):
  ``stage0``: ``{question id: "yes"|"no"|"unknown"}``, the extra prescreen questions included (derived
  from the rated categories when the preparer rated only, see ``answers``; then ``rated_only`` is true);
  ``no_impact_reason``: one line, required when every stage 0 answer is "no";
  ``ratings``: ``{category code: {"rating": one of RATING_CODES, "justification": str, "scope"?: str}}``;
  ``questions``: ``{X-id or extra cross-cutting id: str}``;
  ``commitment``: ``{"target", "indicator", "deadline": str, "kept"?: bool, "follow_up"?: str}``
"""

from climate_plugin.checklist.answers import (
    count_sentences,
    derived_stage0,
    triggered_categories,
    validate_answers,
)
from climate_plugin.checklist.data import (
    ANSWER_LABELS,
    CATEGORIES,
    CATEGORIES_BY_CODE,
    CATEGORY_CODES,
    CATEGORY_TO_STAGE0,
    CHECKLIST_VERSION,
    CROSS_CUTTING,
    DIRECTIONAL_RATINGS,
    ESCALATION_DEFAULTS,
    NO,
    RATING_CODES,
    RATING_SCALE,
    SCOPE_LABELS,
    STAGE0_QUESTIONS,
    STAGE0_TO_CATEGORIES,
    UNKNOWN,
    YES,
    Category,
    Question,
    Rating,
)
from climate_plugin.checklist.escalation import REASONS, describe_escalation, escalation_reasons
from climate_plugin.checklist.overrides import OverridesError, validate_overrides
from climate_plugin.checklist.prompts import tailored_prompts
from climate_plugin.checklist.resolved import DEFAULT_CHECKLIST, Checklist, resolve, template_number
from climate_plugin.checklist.stage0 import build_stage0_answers, prefill_stage0
from climate_plugin.checklist.store import checklist_for, save_template, template_versions

__all__ = [
    "ANSWER_LABELS",
    "CATEGORIES",
    "CATEGORIES_BY_CODE",
    "CATEGORY_CODES",
    "CATEGORY_TO_STAGE0",
    "CHECKLIST_VERSION",
    "CROSS_CUTTING",
    "DEFAULT_CHECKLIST",
    "DIRECTIONAL_RATINGS",
    "ESCALATION_DEFAULTS",
    "NO",
    "RATING_CODES",
    "RATING_SCALE",
    "REASONS",
    "SCOPE_LABELS",
    "STAGE0_QUESTIONS",
    "STAGE0_TO_CATEGORIES",
    "UNKNOWN",
    "YES",
    "Category",
    "Checklist",
    "OverridesError",
    "Question",
    "Rating",
    "build_stage0_answers",
    "checklist_for",
    "count_sentences",
    "derived_stage0",
    "describe_escalation",
    "escalation_reasons",
    "prefill_stage0",
    "resolve",
    "save_template",
    "tailored_prompts",
    "template_number",
    "template_versions",
    "triggered_categories",
    "validate_answers",
    "validate_overrides",
]
