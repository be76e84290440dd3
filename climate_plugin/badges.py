"""The badge catalogue, the rules that award item badges, and their SVG images.

Lessons from the checklist reference: reward the quality of an assessment (justified ratings, alternatives
considered, a follow-up indicator, a kept commitment), never the number of forms and never a "0 / no
impact" verdict; publish every rule in plain words; no military or consumer imagery. Badges are computed
from stored records only, so they can be recomputed at any time and never depend on who is looking.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal
from xml.sax.saxutils import escape, quoteattr

from climate_plugin.checklist import DIRECTIONAL_RATINGS, RATING_CODES
from climate_plugin.i18n import LANGUAGES, pick_language, t

Scope = Literal["item", "team", "municipality"]


@dataclass(frozen=True)
class BadgeDefinition:
    code: str
    scope: Scope
    name: dict[str, str]  #: fi, sv, en
    rule: dict[str, str]  #: the award rule in plain words, fi, sv, en
    icon: str  #: a key of _ICONS
    #: "status" markers tell what is still to be done; "achievement" badges reward a good assessment
    kind: Literal["status", "achievement"] = "achievement"

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "scope": self.scope,
            "kind": self.kind,
            "name": dict(self.name),
            "rule": dict(self.rule),
            "icon": self.icon,
        }


def _badge(code: str, icon: str, kind: Literal["status", "achievement"] = "achievement") -> BadgeDefinition:
    # Names and rules come from the i18n catalogue, so the published rule and the badge never disagree.
    return BadgeDefinition(
        code=code,
        scope="item",
        name={lang: t(f"badge.{code}.name", lang) for lang in LANGUAGES},
        rule={lang: t(f"badge.{code}.rule", lang) for lang in LANGUAGES},
        icon=icon,
        kind=kind,
    )


#: in display order; the write-back lists badges in this order, which keeps the block deterministic
BADGES: dict[str, BadgeDefinition] = {
    b.code: b
    for b in (
        _badge("climate_check_recommended", "clipboard", kind="status"),
        _badge("climate_assessed", "check"),
        _badge("alternatives_considered", "fork"),
        _badge("indicator_set", "chart"),
        _badge("commitment_made", "calendar"),
        _badge("commitment_kept", "sprout"),
    )
}


def _filled(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def ratings_complete(answers: Mapping[str, Any]) -> bool:
    """climate_assessed: every rating other than "0" has a justification, and at least one rating says
    which way the effect goes (++, +, -, --). All-"0" or all-"?" answers do not count: the badge must never
    reward a "no impact" verdict or an empty form."""
    ratings = answers.get("ratings")
    if not isinstance(ratings, Mapping) or not ratings:
        return False
    directional = False
    for entry in ratings.values():
        if not isinstance(entry, Mapping) or entry.get("rating") not in RATING_CODES:
            return False
        rating = entry["rating"]
        if rating != "0" and not _filled(entry.get("justification")):
            return False
        directional = directional or rating in DIRECTIONAL_RATINGS
    return directional


def _question(answers: Mapping[str, Any], qid: str) -> bool:
    questions = answers.get("questions")
    return isinstance(questions, Mapping) and _filled(questions.get(qid))


def commitment_made(answers: Mapping[str, Any]) -> bool:
    """Sitoumus2050: its own target, an indicator and a timetable, all written down."""
    commitment = answers.get("commitment")
    return isinstance(commitment, Mapping) and all(
        _filled(commitment.get(key)) for key in ("target", "indicator", "deadline")
    )


def commitment_kept(answers: Mapping[str, Any]) -> bool:
    """A made commitment marked kept, with the follow-up result recorded (the claim alone is not enough)."""
    commitment = answers.get("commitment")
    return (
        commitment_made(answers)
        and commitment.get("kept") is True
        and _filled(commitment.get("follow_up"))
    )


def item_badges(item: Any, assessment: Any | None) -> list[BadgeDefinition]:
    """The badges an item has, from its (current) assessment record; catalogue order.

    ``item`` is accepted for future rules (e.g. a coordinator's sample review) and not read yet.
    """
    if assessment is None:
        return []
    answers = assessment.answers if isinstance(assessment.answers, Mapping) else {}
    assessed = ratings_complete(answers)
    earned = {
        # The marker disappears once the preparer has assessed the impacts: it is a to-do, not a label.
        "climate_check_recommended": assessment.relevance == "high" and not assessed,
        "climate_assessed": assessed,
        "alternatives_considered": _question(answers, "X1"),
        "indicator_set": _question(answers, "X5"),
        "commitment_made": commitment_made(answers),
        "commitment_kept": commitment_kept(answers),
    }
    return [badge for code, badge in BADGES.items() if earned[code]]


# --- SVG ---------------------------------------------------------------------------------------------

#: 16×16 stroke icons drawn in white; plain shapes, nothing martial or commercial
_ICONS: dict[str, str] = {
    "clipboard": '<rect x="3" y="2.5" width="10" height="12" rx="1.5"/>'
    '<path d="M6 2.5h4v2H6zM5.5 8h5M5.5 11h3"/>',
    "check": '<circle cx="8" cy="8" r="6.5"/><path d="M4.8 8.3l2.2 2.2 4.2-4.6"/>',
    "fork": '<path d="M8 14.5V8M8 8L3.5 3M8 8l4.5-5M3.5 3v2.5M3.5 3H6M12.5 3v2.5M12.5 3H10"/>',
    "chart": '<path d="M2 14h12M3 11l3.5-3.5 2.5 2 4.5-5"/><path d="M11 4.5h2.5V7"/>',
    "calendar": '<rect x="2" y="3.5" width="12" height="10.5" rx="1.5"/><path d="M2 6.5h12M5 2v3M11 2v3"/>',
    "sprout": '<path d="M8 14.5V7.5M8 9.5C8 6 5.5 4.5 2.5 4.5 2.5 7.5 4.5 9.5 8 9.5z'
    'M8 7.5c0-3 2-5 5.5-5 0 3-2 5-5.5 5z"/>',
}

#: white text on these backgrounds: contrast ≥ 7:1 (WCAG AAA for small text)
_COLOURS = {"status": "#0b4a7a", "achievement": "#1d5e2a"}

# A rough average glyph advance for 12 px sans-serif; the viewBox scales, so a little slack is harmless.
_CHAR_WIDTH = 7.6


def render_badge_svg(code: str, lang: str) -> str:
    """A small accessible SVG image of a badge; raises KeyError for an unknown code."""
    badge = BADGES[code]
    lang = pick_language(lang)
    name = badge.name[lang]
    width = round(34 + len(name) * _CHAR_WIDTH + 12)
    height = 28
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="badge-title badge-desc"'
        f' width="{width}" height="{height}" viewBox="0 0 {width} {height}" xml:lang={quoteattr(lang)}>'
        f'<title id="badge-title">{escape(name)}</title>'
        f'<desc id="badge-desc">{escape(badge.rule[lang])}</desc>'
        f'<rect width="{width}" height="{height}" rx="14" fill="{_COLOURS[badge.kind]}"/>'
        f'<g transform="translate(8 6)" fill="none" stroke="#ffffff" stroke-width="1.5"'
        f' stroke-linecap="round" stroke-linejoin="round">{_ICONS[badge.icon]}</g>'
        f'<text x="32" y="18.5" fill="#ffffff" font-family="system-ui, -apple-system, Segoe UI, Roboto,'
        f' Arial, sans-serif" font-size="12" font-weight="600">{escape(name)}</text>'
        f"</svg>"
    )
