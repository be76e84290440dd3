"""Stage 2: when an assessment goes to the climate coordinator for an in-depth review.

The rules are the municipality's (``Checklist.escalation``, defaults in ``ESCALATION_DEFAULTS``): a
council that reviews every "?" on a €50k investment sets the threshold lower, without a code change.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from climate_plugin.checklist.resolved import DEFAULT_CHECKLIST, Checklist
from climate_plugin.i18n import t

#: the reason codes, in the order they are reported
REASONS: tuple[str, ...] = (
    "strongly_negative",
    "negative_count",
    "unknown_in_key_category",
    "nonzero_steering",
    "no_effect_on_high",
)


def rating_codes(checklist: Checklist, ratings: Mapping[str, Any]) -> dict[str, str]:
    """``{category: code}`` from either that shape or the stored ``{category: {"rating": code, …}}``.

    Ratings of categories the checklist does not have (switched off, unknown) are dropped: a rating
    nobody could have given must not escalate an item.
    """
    codes: dict[str, str] = {}
    for category, value in ratings.items():
        code = value.get("rating") if isinstance(value, Mapping) else value
        if category in checklist.category_codes and isinstance(code, str):
            codes[category] = code
    return codes


def escalation_reasons(
    checklist: Checklist | Mapping[str, Any],
    ratings: Mapping[str, Any] | None = None,
    investment_eur: float | None = None,
    land_use_plan: bool = False,
    *,
    rules: Mapping[str, Any] | None = None,
    relevance: str | None = None,
) -> list[str]:
    """Which stage 2 rules fire (codes from ``REASONS``); an empty list means no escalation.

    The older form ``escalation_reasons(ratings, investment_eur=…)`` still works and uses the default
    checklist, so callers written before municipality templates keep their meaning. ``relevance`` is the
    screening's level: "no effect" throughout on a high item escalates (``no_effect_on_high``).
    """
    if not isinstance(checklist, Checklist):
        checklist, ratings = DEFAULT_CHECKLIST, checklist
    rules = checklist.escalation if rules is None else rules
    codes = rating_codes(checklist, ratings or {})
    values = list(codes.values())
    reasons: list[str] = []
    if rules.get("strongly_negative") and "--" in values:
        reasons.append("strongly_negative")
    limit = rules.get("negative_count")
    if limit is not None and values.count("-") >= limit:
        reasons.append("negative_count")
    big = (investment_eur or 0) > rules.get("unknown_investment_over_eur", 100_000)
    plan = bool(land_use_plan and rules.get("unknown_on_land_use_plan"))
    if (big or plan) and any(codes.get(c) == "?" for c in rules.get("unknown_categories", ())):
        reasons.append("unknown_in_key_category")
    if rules.get("nonzero_steering") and codes.get("steering", "0") != "0":
        reasons.append("nonzero_steering")
    if rules.get("no_effect_on_high") and relevance == "high" and no_effect_throughout(codes):
        reasons.append("no_effect_on_high")
    return reasons


def no_effect_throughout(codes: Mapping[str, str]) -> bool:
    """Every rating is "0" (none or minor), or nothing is rated at all (stage 0 answered "no" throughout):
    on an item screened high, the sign of box-ticking that councils' published forms show."""
    return all(code == "0" for code in codes.values())


def _euros(amount: int, lang: str) -> str:
    # 100,000 in English; 100 000 (narrow no-break space) in Finnish and Swedish
    grouped = f"{amount:,}"
    return grouped if lang == "en" else grouped.replace(",", "\u202f")


def describe_escalation(checklist: Checklist, reasons: list[str], lang: str) -> list[str]:
    """The reasons as sentences for the preparer and the coordinator, with the municipality's numbers."""
    rules = checklist.escalation
    params: dict[str, dict[str, object]] = {
        "negative_count": {"count": rules.get("negative_count") or 0},
        "unknown_in_key_category": {"limit": _euros(rules.get("unknown_investment_over_eur", 0), lang)},
    }
    return [t(f"escalation.{reason}", lang, **params.get(reason, {})) for reason in reasons]
