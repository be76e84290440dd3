"""The "Ilmastovaikutukset / Klimatkonsekvenser / Climate impacts" section of an agenda item.

Written from a submitted assessment, as plain text and as HTML, in the item's language: the overall
verdict, the triggered categories with their ratings and justifications, alternatives and mitigation,
the follow-up indicator, who assessed it and when. It goes into the climate block, so it must be
deterministic: the same records give the same characters (no "today", no clock).

Everything the preparer wrote is escaped in the HTML; the HTML is built here, never by a template with
``|safe``, so the host can insert it as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from climate_plugin.checklist import (
    NO,
    RATING_SCALE,
    SCOPE_LABELS,
    Checklist,
    describe_escalation,
)
from climate_plugin.dates import format_date, zone_of
from climate_plugin.i18n import pick_language, t

_RATINGS = {r.code: r for r in RATING_SCALE}
#: the cross-cutting questions with a short label of their own; extra questions use their own text
_SHORT_LABELS = ("X1", "X2", "X3", "X4", "X5", "X6")


@dataclass(frozen=True)
class RatedCategory:
    name: str
    symbol: str
    label: str
    justification: str
    scope: str


@dataclass(frozen=True)
class Section:
    """The section's content, before it is rendered as text or HTML."""

    heading: str
    verdict: str
    notice: str = ""
    reason: str = ""
    categories: tuple[RatedCategory, ...] = ()
    answers: tuple[tuple[str, str], ...] = ()  #: (label, text) of the answered cross-cutting questions
    escalation: tuple[str, ...] = ()
    signature: str = ""


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def verdict_key(answers: Mapping[str, Any], checklist: Checklist) -> str:
    """The overall verdict as a text key suffix: none, positive, negative, mixed, minor or unknown."""
    stage0 = answers.get("stage0") if isinstance(answers.get("stage0"), Mapping) else {}
    if stage0 and all(stage0.get(q.id) == NO for q in checklist.stage0):
        return "none"
    ratings = answers.get("ratings") if isinstance(answers.get("ratings"), Mapping) else {}
    codes = {entry.get("rating") for entry in ratings.values() if isinstance(entry, Mapping)}
    positive = bool(codes & {"+", "++"})
    negative = bool(codes & {"-", "--"})
    if positive and negative:
        return "mixed"
    if positive:
        return "positive"
    if negative:
        return "negative"
    # No direction: all "0" is a minor effect; any "?" means part of it could not be assessed.
    return "unknown" if "?" in codes else "minor"


def build_section(assessment: Any, checklist: Checklist, lang: str) -> Section:
    lang = pick_language(lang)
    answers = assessment.answers if isinstance(assessment.answers, Mapping) else {}
    key = verdict_key(answers, checklist)
    verdict = t(f"impact.verdict.{key}", lang)
    ratings = answers.get("ratings") if isinstance(answers.get("ratings"), Mapping) else {}
    if key not in ("none", "unknown") and "?" in {
        e.get("rating") for e in ratings.values() if isinstance(e, Mapping)
    }:
        verdict = f"{verdict} {t('impact.verdict.partly_unknown', lang)}"
    categories = []
    for category in checklist.categories:
        entry = ratings.get(category.code)
        if not isinstance(entry, Mapping) or entry.get("rating") not in _RATINGS:
            continue
        rating = _RATINGS[entry["rating"]]
        scope = entry.get("scope")
        categories.append(
            RatedCategory(
                name=category.name[lang],
                symbol=rating.symbol,
                label=rating.label[lang],
                justification=_text(entry.get("justification")),
                scope=SCOPE_LABELS[scope][lang] if scope in SCOPE_LABELS else "",
            )
        )
    questions = answers.get("questions") if isinstance(answers.get("questions"), Mapping) else {}
    answered = tuple(
        (
            t(f"impact.question.{q.id}", lang) if q.id in _SHORT_LABELS else q.text[lang],
            _text(questions.get(q.id)),
        )
        for q in checklist.cross_cutting
        if _text(questions.get(q.id))
    )
    # The municipality's calendar, not the server's: a 00:30 submission in Helsinki is that day's.
    connector = getattr(getattr(assessment, "item", None), "connector", None)
    municipality = getattr(connector, "municipality", None)
    when = format_date(getattr(assessment, "submitted_at", None), lang, zone_of(municipality))
    who = _text(getattr(assessment, "submitted_by", None))
    if who:
        signature = t("impact.signed_by", lang, who=who, date=when)
    else:
        signature = t("impact.signed", lang, date=when)
    return Section(
        heading=t("impact.heading", lang),
        verdict=verdict,
        notice=t("impact.needs_review", lang) if getattr(assessment, "needs_review", False) else "",
        reason=_text(answers.get("no_impact_reason")) if key == "none" else "",
        categories=tuple(categories),
        answers=answered,
        escalation=tuple(describe_escalation(checklist, list(assessment.escalation or ()), lang)),
        signature=signature,
    )


def _category_line(c: RatedCategory, lang: str) -> str:
    line = f"{c.name}: {c.symbol} ({c.label})"
    if c.scope:
        line += f", {t('impact.scope', lang, scope=c.scope)}"
    return f"{line}. {c.justification}" if c.justification else f"{line}."


def render_text(section: Section, lang: str) -> str:
    lines = [section.heading]
    if section.notice:
        lines.append(section.notice)
    lines.append(f"{t('impact.verdict', lang)}: {section.verdict}")
    if section.reason:
        lines.append(f"{t('impact.reason', lang)}: {section.reason}")
    if section.categories:
        lines.append(f"{t('impact.categories', lang)}:")
        lines.extend(f"- {_category_line(c, lang)}" for c in section.categories)
    lines.extend(f"{label}: {text}" for label, text in section.answers)
    if section.escalation:
        lines.append(f"{t('impact.escalated', lang)}: " + " ".join(section.escalation))
    lines.append(section.signature)
    return "\n".join(lines)


_LABELLED = Markup("<p><strong>{}:</strong> {}</p>")


def render_html(section: Section, lang: str) -> Markup:
    """The section as an HTML fragment; every text is escaped (markupsafe), so the result is safe."""
    parts = [Markup('<section class="climate-impacts" lang="{}">').format(lang)]
    parts.append(Markup("<h2>{}</h2>").format(section.heading))
    if section.notice:
        notice = Markup('<p class="climate-impacts-notice"><strong>{}</strong></p>')
        parts.append(notice.format(section.notice))
    parts.append(_LABELLED.format(t("impact.verdict", lang), section.verdict))
    if section.reason:
        parts.append(_LABELLED.format(t("impact.reason", lang), section.reason))
    if section.categories:
        parts.append(Markup("<h3>{}</h3><ul>").format(t("impact.categories", lang)))
        for c in section.categories:
            parts.append(Markup("<li>{}</li>").format(_category_line(c, lang)))
        parts.append(Markup("</ul>"))
    if section.answers:
        parts.append(Markup("<dl>"))
        for label, text in section.answers:
            parts.append(Markup("<dt>{}</dt><dd>{}</dd>").format(label, text))
        parts.append(Markup("</dl>"))
    if section.escalation:
        parts.append(_LABELLED.format(t("impact.escalated", lang), " ".join(section.escalation)))
    parts.append(Markup('<p class="climate-impacts-signature">{}</p>').format(section.signature))
    parts.append(Markup("</section>"))
    return Markup("").join(parts)


def impact_section(assessment: Any, checklist: Checklist, lang: str) -> dict[str, str]:
    """``{"heading", "text", "html"}`` for a submitted assessment, in ``lang``."""
    lang = pick_language(lang)
    section = build_section(assessment, checklist, lang)
    return {
        "heading": section.heading,
        "text": render_text(section, lang),
        "html": str(render_html(section, lang)),
    }

