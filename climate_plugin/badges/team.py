"""Team (board or committee) and municipality badges: counted from records, stored so levels only go up.

What counts is quality, never volume of forms: an item counts once its current assessment earns "climate
impacts assessed" (justified, directional ratings; never a "no impact" verdict), an indicator counts only on
such an item, and a commitment counts once the coordinator has found it kept. Counts are recomputed from
the records at any time (``recompute_awards``); every level reached is stored as a BadgeAward row and never
deleted, so a count that falls (an item under review after its text changed) does not lower the level.
No person is ever ranked: committees are listed by name, not by score.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from climate_plugin.badges.catalogue import (
    MAX_LEVEL,
    MUNICIPALITY_BADGES,
    TEAM_BADGES,
    THRESHOLDS,
    BadgeDefinition,
    level_for,
    next_threshold,
)
from climate_plugin.badges.item import COMMITMENT_TABLE, KEPT, earned_codes
from climate_plugin.db import db
from climate_plugin.i18n import pick_language
from climate_plugin.models import AgendaItem, Assessment, BadgeAward, Connector, Municipality
from climate_plugin.models.badge_award import WHOLE_MUNICIPALITY

#: what team and municipality badges count (BadgeDefinition.counts)
COUNTERS: tuple[str, ...] = ("climate_assessed", "indicator_set", "commitments_kept")

Counts = dict[str, dict[str, int]]  # committee (WHOLE_MUNICIPALITY for all) → counter → number


def _current_assessments(municipality: Municipality) -> list[tuple[str | None, Any]]:
    """(committee, current assessment) of each of the municipality's items that are not deleted."""
    # drafts are work in progress: an item counts by its latest revision that is not a draft
    latest = (
        select(Assessment.item_id, func.max(Assessment.revision).label("revision"))
        .where(Assessment.state != "draft")
        .group_by(Assessment.item_id)
        .subquery()
    )
    stmt = (
        select(AgendaItem.committee, Assessment)
        .join(Connector, AgendaItem.connector_id == Connector.id)
        .join(latest, latest.c.item_id == AgendaItem.id)
        .join(Assessment, (Assessment.item_id == AgendaItem.id) & (Assessment.revision == latest.c.revision))
        .where(Connector.municipality_id == municipality.id, AgendaItem.deleted_at.is_(None))
    )
    return [(committee, assessment) for committee, assessment in db.session.execute(stmt)]


def _kept_commitments(municipality: Municipality) -> list[str | None]:
    """The committee of each kept commitment on the municipality's items (read by table name: see
    climate_plugin.badges.item.commitments_for)."""
    table = db.metadata.tables.get(COMMITMENT_TABLE)
    if table is None or "item_id" not in table.c or "status" not in table.c:
        return []
    stmt = (
        select(AgendaItem.committee)
        .select_from(table)
        .join(AgendaItem, AgendaItem.id == table.c.item_id)
        .join(Connector, AgendaItem.connector_id == Connector.id)
        .where(Connector.municipality_id == municipality.id, table.c.status == KEPT)
    )
    if "result_note" in table.c:
        # as for the item badge: kept counts with the follow-up result written down
        stmt = stmt.where(func.trim(func.coalesce(table.c.result_note, "")) != "")
    return list(db.session.scalars(stmt))


def count_records(municipality: Municipality) -> Counts:
    """The quality records per committee and for the whole municipality (always present)."""
    counts: Counts = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
    counts[WHOLE_MUNICIPALITY]  # noqa: B018 - the municipality is listed even before its first record

    def add(committee: str | None, counter: str) -> None:
        counts[WHOLE_MUNICIPALITY][counter] += 1
        if committee:
            counts[committee][counter] += 1

    for committee, assessment in _current_assessments(municipality):
        earned = earned_codes(assessment)
        if "climate_assessed" in earned:
            add(committee, "climate_assessed")
            # an indicator on an otherwise unassessed form would reward ticking a box
            if "indicator_set" in earned:
                add(committee, "indicator_set")
        elif committee:
            # committees with items are listed at level 0 too, so a board sees where it starts
            counts[committee]  # noqa: B018
    for committee in _kept_commitments(municipality):
        add(committee, "commitments_kept")
    return dict(counts)


def stored_levels(municipality: Municipality) -> dict[tuple[str, str], int]:
    """(committee, code) → the highest level ever stored."""
    stmt = (
        select(BadgeAward.committee, BadgeAward.code, func.max(BadgeAward.level))
        .where(BadgeAward.municipality_id == municipality.id)
        .group_by(BadgeAward.committee, BadgeAward.code)
    )
    return {(committee, code): level for committee, code, level in db.session.execute(stmt)}


def _badges_for(committee: str) -> dict[str, BadgeDefinition]:
    return MUNICIPALITY_BADGES if committee == WHOLE_MUNICIPALITY else TEAM_BADGES


def recompute_awards(municipality: Municipality, counts: Counts | None = None) -> list[BadgeAward]:
    """Store every level the records now reach and that is not stored yet; never lowers or deletes one.

    Returns the new rows. The caller commits. Two recomputations at once are safe: the unique constraint
    refuses the second copy of a level and that insert alone is rolled back (a savepoint).
    """
    counts = count_records(municipality) if counts is None else counts
    stored = stored_levels(municipality)
    new: list[BadgeAward] = []
    for committee, by_counter in counts.items():
        for badge in _badges_for(committee).values():
            count = by_counter.get(badge.counts or "", 0)
            for level in range(stored.get((committee, badge.code), 0) + 1, level_for(count) + 1):
                row = BadgeAward(
                    municipality_id=municipality.id, committee=committee, code=badge.code, level=level,
                    count=count,
                )
                try:
                    with db.session.begin_nested():
                        db.session.add(row)
                except IntegrityError:
                    continue
                new.append(row)
    return new


def _entry(badge: BadgeDefinition, count: int, level: int, lang: str) -> dict[str, Any]:
    return {
        "code": badge.code,
        "scope": badge.scope,
        "name": badge.name[lang],
        "rule": badge.rule[lang],
        "level": level,
        "max_level": MAX_LEVEL,
        "count": count,
        "next_threshold": next_threshold(level),
    }


def progress(municipality: Municipality, lang: str, *, recompute: bool = True) -> dict[str, Any]:
    """The municipality's progress and its committees' team badges, as far as the municipality's game
    settings show them (``municipality`` and ``teams`` are None when switched off).

    With ``recompute`` new levels are stored first (the caller commits), so the level shown never falls.
    """
    lang = pick_language(lang)
    counts = count_records(municipality)
    if recompute:
        recompute_awards(municipality, counts)
    stored = stored_levels(municipality)
    committees = sorted({c for c in counts if c != WHOLE_MUNICIPALITY} | {c for c, _ in stored if c})

    def entries(committee: str) -> list[dict[str, Any]]:
        by_counter = counts.get(committee, {})
        result = []
        for badge in _badges_for(committee).values():
            count = by_counter.get(badge.counts or "", 0)
            level = max(level_for(count), stored.get((committee, badge.code), 0))
            result.append(_entry(badge, count, level, lang))
        return result

    return {
        "municipality": {"slug": municipality.slug, "name": municipality.name},
        "lang": lang,
        "thresholds": list(THRESHOLDS),
        "progress": entries(WHOLE_MUNICIPALITY) if municipality.game_enabled("progress") else None,
        "teams": [{"committee": c, "badges": entries(c)} for c in committees]
        if municipality.game_enabled("team_badges")
        else None,
    }


def badge_level(
    municipality: Municipality, code: str, committee: str = WHOLE_MUNICIPALITY
) -> tuple[int, int] | None:
    """(level, count) of one team or municipality badge after storing any new level (the caller commits);
    None for a committee the municipality has neither items nor awards for."""
    counts = count_records(municipality)
    recompute_awards(municipality, counts)
    stored = stored_levels(municipality)
    if committee not in counts and not any(c == committee for c, _ in stored):
        return None
    count = counts.get(committee, {}).get(_badges_for(committee)[code].counts or "", 0)
    return max(level_for(count), stored.get((committee, code), 0)), count
