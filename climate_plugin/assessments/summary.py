"""An assessment in words: the found categories and one or two plain sentences on the relevance and what
the preparer does, in fi, sv or en (the climate block, the checklist page and the meeting view)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from climate_plugin.assessments.impact_section import build_section
from climate_plugin.checklist import CATEGORIES, CATEGORIES_BY_CODE, checklist_for
from climate_plugin.i18n import pick_language, t


def block_categories(assessment: Any) -> list[str]:
    """Known category codes in checklist order, each once; none-items have none by definition."""
    if assessment.relevance == "none":
        return []
    found = set(assessment.categories or ())
    return [c.code for c in CATEGORIES if c.code in found]


def _category_list(codes: Iterable[str], lang: str) -> str:
    # Names run inside a sentence, so lower-case their first letter; semicolons, because several names
    # already contain "ja"/"och"/"and" ("liikenne ja liikkuminen").
    names = [CATEGORIES_BY_CODE[c].name[lang] for c in codes]
    return "; ".join(n[:1].lower() + n[1:] for n in names)


def _verdict(item: Any, assessment: Any, lang: str) -> str:
    # The checklist the answers belong to (its stage 0 decides "no assessable impact").
    municipality = getattr(getattr(item, "connector", None), "municipality", None)
    answers = assessment.answers if isinstance(assessment.answers, dict) else {}
    checklist = checklist_for(municipality, answers.get("checklist_version"))
    return build_section(assessment, checklist, lang).verdict


def summary_text(item: Any, assessment: Any | None, lang: str) -> str:
    """One or two plain sentences: the relevance in words, the categories, and what the preparer does;
    once the preparer has submitted, their verdict instead."""
    lang = pick_language(lang)
    if assessment is None:
        return t("summary.pending", lang)
    if getattr(assessment, "state", None) == "submitted":
        return t("summary.assessed", lang, verdict=_verdict(item, assessment, lang))
    if assessment.relevance == "none":
        return t("summary.none", lang)
    level = "high" if assessment.relevance == "high" else "minor"
    codes = block_categories(assessment)
    if codes:
        first = t(f"summary.{level}_categories", lang, categories=_category_list(codes, lang))
    else:
        first = t(f"summary.{level}", lang)
    return f"{first} {t(f'summary.invite_{level}', lang)}"
