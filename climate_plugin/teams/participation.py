"""Figures of team participation for the reach picture (issue 13 calls these at merge): who took part, by
the team's body and the member's role, within a period; and how the team game elements were used.

A member counts as taking part in a period when they proposed, commented on or supported a solution in it
(opening the link alone is counted separately as ``joined``). No person is named: only counts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select

from climate_plugin.db import db
from climate_plugin.models import (
    Municipality,
    Solution,
    SolutionComment,
    SolutionSupport,
    Team,
    TeamBadgeAward,
    TeamChallenge,
    TeamMember,
)
from climate_plugin.reach.participation import Participation, chunks, participation_source, person_key

#: the game elements of climate teams (the other GAME_ELEMENTS are the committees' and items')
TEAM_GAME_ELEMENTS: tuple[str, ...] = ("team_challenges", "climate_team_badges", "team_leaderboard")


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return datetime.combine(start, time.min, UTC), datetime.combine(end + timedelta(days=1), time.min, UTC)


def participation(municipality_id: int, start: date, end: date) -> list[dict[str, Any]]:
    """One row per (body, role, group): ``members`` invited and not revoked by the period's end, ``joined``
    (opened their link by then), ``active`` (proposed, commented or supported within the period),
    ``solutions``, ``comments``, ``supports`` within the period. Bodies are the teams' bodies ("" for a team
    on a theme only). Sorted by body, role, group."""
    lo, hi = _bounds(start, end)
    members = db.session.execute(
        select(TeamMember, Team.body)
        .join(Team, Team.id == TeamMember.team_id)
        .where(
            Team.municipality_id == municipality_id,
            TeamMember.invited_at < hi,
            (TeamMember.revoked_at.is_(None)) | (TeamMember.revoked_at >= lo),
        )
    ).all()

    def per_member(model: Any, column: Any) -> dict[int, int]:
        stmt = (
            select(column, func.count(model.id))
            .where(column.in_([m.id for m, _ in members]), model.created_at >= lo, model.created_at < hi)
            .group_by(column)
        )
        return dict(db.session.execute(stmt).all()) if members else {}

    solutions = per_member(Solution, Solution.author_id)
    comments = per_member(SolutionComment, SolutionComment.member_id)
    supports = per_member(SolutionSupport, SolutionSupport.member_id)
    rows: dict[tuple[str, str, str], dict[str, Any]] = defaultdict(
        lambda: dict.fromkeys(("members", "joined", "active", "solutions", "comments", "supports"), 0)
    )
    for member, body in members:
        row = rows[(body or "", member.role, member.group or "")]
        row["members"] += 1
        row["joined"] += int(member.joined_at is not None and member.joined_at < hi)
        did = (solutions.get(member.id, 0), comments.get(member.id, 0), supports.get(member.id, 0))
        row["active"] += int(any(did))
        row["solutions"] += did[0]
        row["comments"] += did[1]
        row["supports"] += did[2]
    return [{"body": b, "role": r, "group": g, **counts} for (b, r, g), counts in sorted(rows.items())]


def game_engagement(municipality_id: int, start: date, end: date) -> dict[str, Any]:
    """How the team game elements were used in the period: which are switched on now, challenges running
    in it, team badge levels reached in it, and whether the municipality is on the leaderboard."""
    lo, hi = _bounds(start, end)
    town = db.session.get(Municipality, municipality_id)
    challenges = (
        db.session.scalar(
            select(func.count(TeamChallenge.id)).where(
                TeamChallenge.municipality_id == municipality_id,
                TeamChallenge.starts_on <= end,
                TeamChallenge.ends_on >= start,
            )
        )
        or 0
    )
    levels = (
        db.session.scalar(
            select(func.count(TeamBadgeAward.id))
            .join(Team, Team.id == TeamBadgeAward.team_id)
            .where(
                Team.municipality_id == municipality_id,
                TeamBadgeAward.awarded_at >= lo,
                TeamBadgeAward.awarded_at < hi,
            )
        )
        or 0
    )
    return {
        "enabled": {name: town.game_enabled(name) for name in TEAM_GAME_ELEMENTS} if town is not None else {},
        "challenges": challenges,
        "team_badge_levels_reached": levels,
        "on_leaderboard": bool(town and town.game_enabled("team_leaderboard")),
    }


# The reach picture's "participants" sums registered sources; climate teams register theirs here (this
# module is imported with the teams' admin pages, so whenever the app is built). A member takes part in an
# agenda item when they proposed, commented on or supported a solution attached to it, or are a member of a
# team working on that one item who opened their link. The role says which kind of member: the picture
# then shows whom the teams reached (decision-makers, officials, stakeholders) beside the preparers.
@participation_source("team")
def _team_members(item_ids: Sequence[int]) -> Iterable[Participation]:
    for chunk in chunks(item_ids):
        on_solutions = [
            select(Solution.item_id, TeamMember.name, TeamMember.role)
            .join(TeamMember, TeamMember.id == Solution.author_id)
            .where(Solution.item_id.in_(chunk))
        ]
        for model in (SolutionComment, SolutionSupport):
            on_solutions.append(
                select(Solution.item_id, TeamMember.name, TeamMember.role)
                .join(model, model.solution_id == Solution.id)
                .join(TeamMember, TeamMember.id == model.member_id)
                .where(Solution.item_id.in_(chunk))
            )
        on_team = (
            select(Team.item_id, TeamMember.name, TeamMember.role)
            .join(TeamMember, TeamMember.team_id == Team.id)
            .where(Team.item_id.in_(chunk), TeamMember.joined_at.is_not(None))
        )
        for stmt in (*on_solutions, on_team):
            for item_id, name, role in db.session.execute(stmt):
                key = person_key(name)
                if key and item_id is not None:
                    yield Participation(item_id, key, f"team_{role}")
