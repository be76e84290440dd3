"""The badge catalogue: every badge's code, scope, names and plain-words rule in fi, sv and en, and icon.

Lessons from the checklist reference: reward the quality of an assessment (justified ratings, alternatives
considered, a follow-up indicator, a kept commitment), never the number of forms and never a "0 / no
impact" verdict; publish every rule in plain words; no military or consumer imagery. Names and rules come
from the i18n catalogue, so the published rule and the badge never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import quote, urlencode

from climate_plugin.i18n import LANGUAGES, t

Scope = Literal["item", "team", "municipality"]
Kind = Literal["status", "achievement"]

#: Decidim-style rising thresholds for team and municipality badges: level n needs THRESHOLDS[n-1] records
THRESHOLDS: tuple[int, ...] = (1, 5, 10, 30, 60)
MAX_LEVEL = len(THRESHOLDS)


@dataclass(frozen=True)
class BadgeDefinition:
    code: str
    scope: Scope
    name: dict[str, str]  #: fi, sv, en
    rule: dict[str, str]  #: the award rule in plain words, fi, sv, en
    icon: str  #: a key of climate_plugin.badges.svg.ICONS
    #: "status" markers tell what is still to be done; "achievement" badges reward a good assessment
    kind: Kind = "achievement"
    #: what a team or municipality badge counts (a key of climate_plugin.badges.team.COUNTERS); None for items
    counts: str | None = None

    @property
    def levelled(self) -> bool:
        return self.scope != "item"

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "code": self.code,
            "scope": self.scope,
            "kind": self.kind,
            "name": dict(self.name),
            "rule": dict(self.rule),
            "icon": self.icon,
        }
        if self.levelled:
            data["thresholds"] = list(THRESHOLDS)
        return data

    def as_listing(self) -> dict[str, Any]:
        """The published form: exactly code, scope, name and rule (`climate-plugin badges list --json`)."""
        return {"code": self.code, "scope": self.scope, "name": dict(self.name), "rule": dict(self.rule)}


def _badge(code: str, icon: str, scope: Scope = "item", kind: Kind = "achievement",
           counts: str | None = None) -> BadgeDefinition:
    return BadgeDefinition(
        code=code,
        scope=scope,
        name={lang: t(f"badge.{code}.name", lang) for lang in LANGUAGES},
        rule={lang: t(f"badge.{code}.rule", lang) for lang in LANGUAGES},
        icon=icon,
        kind=kind,
        counts=counts,
    )


#: item badges in display order; the write-back lists them in this order, which keeps the block deterministic
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

#: a board's or committee's badges (AgendaItem.committee): levels by THRESHOLDS, never lowered
TEAM_BADGES: dict[str, BadgeDefinition] = {
    b.code: b
    for b in (
        _badge("team_climate_assessed", "check", scope="team", counts="climate_assessed"),
        _badge("team_indicators_set", "chart", scope="team", counts="indicator_set"),
        _badge("team_commitments_kept", "sprout", scope="team", counts="commitments_kept"),
    )
}

#: the whole municipality's progress, counted the same way over all its items
MUNICIPALITY_BADGES: dict[str, BadgeDefinition] = {
    b.code: b
    for b in (
        _badge("municipality_climate_assessed", "check", scope="municipality", counts="climate_assessed"),
        _badge("municipality_indicators_set", "chart", scope="municipality", counts="indicator_set"),
        _badge("municipality_commitments_kept", "sprout", scope="municipality", counts="commitments_kept"),
    )
}

#: every badge, items first; codes are unique across scopes
CATALOGUE: dict[str, BadgeDefinition] = {**BADGES, **TEAM_BADGES, **MUNICIPALITY_BADGES}


def level_for(count: int) -> int:
    """The level ``count`` records reach: 0 below the first threshold, at most MAX_LEVEL."""
    return sum(1 for threshold in THRESHOLDS if count >= threshold)


def next_threshold(level: int) -> int | None:
    """How many records the next level needs; None at the top level."""
    return THRESHOLDS[level] if level < MAX_LEVEL else None


def badge_image_url(code: str, lang: str, base_url: str) -> str:
    return base_url.rstrip("/") + f"/badges/{quote(code, safe='')}.svg?" + urlencode({"lang": lang})
