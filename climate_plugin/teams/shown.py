"""What other features show of climate teams, read only (no import of anything that writes, so the climate
block, the preparer's checklist and the meeting view can call it without a cycle):

- ``block_solutions``: the item's team solutions for the climate block written back to the host
  (deterministic: stored fields only, no counts that change with every click)
- ``alternatives_for``: the solutions attached to an item as alternatives, for the checklist's question X1
- ``item_teams``: the item's teams and their solutions on it, for the meeting view
- ``solution_rows``: a list of solutions as pages show them (support, priorities, what became of them)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import case, func, or_, select

from climate_plugin.checklist import CATEGORIES_BY_CODE
from climate_plugin.db import db
from climate_plugin.i18n import pick_language, t
from climate_plugin.models import AgendaItem, Solution, SolutionSupport, Team

COMMITMENT, ALTERNATIVE, MEASURE, PROPOSED = "commitment", "alternative", "measure", "proposed"


def outcomes(solution: Solution) -> list[str]:
    """What became of a solution, in a fixed order; ["proposed"] while nothing has."""
    found = [
        name
        for name, done in (
            (COMMITMENT, solution.commitment_id is not None),
            (ALTERNATIVE, solution.alternative_at is not None),
            (MEASURE, solution.proposed_measure_id is not None),
        )
        if done
    ]
    return found or [PROPOSED]


def category_label(code: str, lang: str) -> str:
    category = CATEGORIES_BY_CODE.get(code)
    return category.name[lang] if category is not None else code


def support_counts(solution_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    """solution id → (supporters, members counting it among their priorities)."""
    ids = list(solution_ids)
    if not ids:
        return {}
    stmt = (
        select(
            SolutionSupport.solution_id,
            func.count(SolutionSupport.id),
            func.sum(case((SolutionSupport.priority.is_(True), 1), else_=0)),
        )
        .where(SolutionSupport.solution_id.in_(ids))
        .group_by(SolutionSupport.solution_id)
    )
    return {sid: (int(n), int(p or 0)) for sid, n, p in db.session.execute(stmt)}


def ranked(solutions: list[Solution]) -> list[tuple[Solution, int, int]]:
    """(solution, supporters, priorities), most prioritised first, then most supported, then oldest."""
    counts = support_counts(s.id for s in solutions)
    rows = [(s, *counts.get(s.id, (0, 0))) for s in solutions]
    rows.sort(key=lambda r: (-r[2], -r[1], r[0].id))
    return rows


def solution_rows(solutions: list[Solution], lang: str, *, rank: bool = True) -> list[dict[str, Any]]:
    lang = pick_language(lang)
    rows = ranked(solutions) if rank else [(s, *support_counts([s.id]).get(s.id, (0, 0))) for s in solutions]
    return [
        {
            "id": s.id,
            "what": s.what,
            "effect": s.effect,
            "category": category_label(s.effect_category, lang),
            "cost": t(f"teams.cost.{s.cost}", lang),
            "who": s.who,
            "author": s.author.name if s.author else "",
            "author_role": t(f"teams.role.{s.author.role}", lang) if s.author else "",
            "item_title": s.item.title if s.item is not None else None,
            "supporters": supporters,
            "priorities": priorities,
            "outcomes": [{"code": o, "label": t(f"teams.outcome.{o}", lang)} for o in outcomes(s)],
            "row": s,
        }
        for s, supporters, priorities in rows
    ]


def item_solutions(item: AgendaItem, *, alternatives_only: bool = False) -> list[Solution]:
    stmt = select(Solution).where(Solution.item_id == item.id, Solution.withdrawn_at.is_(None))
    if alternatives_only:
        stmt = stmt.where(Solution.alternative_at.is_not(None))
    return list(db.session.scalars(stmt.order_by(Solution.id)))


def item_teams(item: AgendaItem) -> list[Team]:
    """The live teams working on the item: on the item itself, on its body's agenda, or with a solution
    proposed on it."""
    municipality_id = item.connector.municipality_id
    on_item = select(Solution.team_id).where(Solution.item_id == item.id)
    conditions = [Team.item_id == item.id, Team.id.in_(on_item)]
    if item.committee:
        conditions.append((Team.body == item.committee) & Team.item_id.is_(None))
    stmt = select(Team).where(
        Team.municipality_id == municipality_id, Team.archived_at.is_(None), or_(*conditions)
    )
    return list(db.session.scalars(stmt.order_by(Team.name, Team.id)))


def block_solutions(item: Any, lang: str) -> list[dict[str, Any]]:
    """The item's team solutions for the climate block: stored fields only, in proposal order."""
    if getattr(item, "id", None) is None:
        return []
    lang = pick_language(lang)
    return [
        {
            "team": s.team.name,
            "what": s.what,
            "effect": s.effect,
            "category": s.effect_category,
            "category_label": category_label(s.effect_category, lang),
            "cost": s.cost,
            "who": s.who,
            "outcomes": outcomes(s),
        }
        for s in item_solutions(item)
    ]


def alternatives_for(item: Any, lang: str) -> list[dict[str, Any]]:
    """The solutions attached to the item as alternatives, for the preparer's checklist at question X1."""
    if getattr(item, "id", None) is None:
        return []
    return solution_rows(item_solutions(item, alternatives_only=True), lang)


def meeting_teams(item: Any, lang: str) -> list[dict[str, Any]]:
    """For the meeting view: each team working on the item, with its solutions on the item."""
    if getattr(item, "id", None) is None:
        return []
    solutions = item_solutions(item)
    shown = []
    for team in item_teams(item):
        own = [s for s in solutions if s.team_id == team.id]
        shown.append({"name": team.name, "theme": team.theme, "solutions": solution_rows(own, lang)})
    return shown
