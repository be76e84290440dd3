"""Solutions: members propose them (what, the expected effect and its category, a rough cost, who could do
it), comment on them, support them and count a few among their priorities; the facilitator turns the
team's best ones into something: a commitment (through the commitments service and its Sitoumus2050
rules), an alternative the preparer's checklist shows at question X1, or a measure proposed for the
climate programme. Every change that shows in a host's agenda item plans the item's climate block through
the one write-back rule.

Member-facing functions take the member's language and return ``(row, {field: message})`` like the
commitments service, so a form can show each message next to its field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from climate_plugin.accounts.audit import audit
from climate_plugin.checklist import CATEGORIES_BY_CODE
from climate_plugin.commitments.service import record_commitment
from climate_plugin.db import db
from climate_plugin.i18n import t
from climate_plugin.models import (
    AgendaItem,
    Measure,
    Solution,
    SolutionComment,
    SolutionSupport,
    Team,
    TeamMember,
)
from climate_plugin.models._types import utcnow
from climate_plugin.models.solution import COSTS
from climate_plugin.models.team_member import DECISION_MAKER, FACILITATOR
from climate_plugin.programme.service import link_measure, propose_measure
from climate_plugin.services import NotPossible
from climate_plugin.teams.game import recompute_team_awards
from climate_plugin.teams.links import member_url
from climate_plugin.teams.notices import queue_notice
from climate_plugin.teams.service import team_items
from climate_plugin.writeback.plan import plan_write_back

FIELDS: tuple[str, ...] = ("what", "effect", "effect_category", "cost", "who", "item_id")
MAX_LENGTH = {"what": 1000, "effect": 1000, "who": 500}
MAX_COMMENT = 2000
#: how many solutions a member can count among their priorities at once (dot voting's three dots)
MAX_PRIORITIES = 3
#: who may turn a solution into their commitment: it is a decision-maker's promise
COMMITTERS = (DECISION_MAKER, FACILITATOR)


def actor_of(member: TeamMember) -> str:
    return f"member:{member.id} ({member.name})"


def _text(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    return value.strip() if isinstance(value, str) else ""


def _item_choice(member: TeamMember, raw: Any) -> tuple[AgendaItem | None, bool]:
    """The item a proposal is for (one of the team's items), and whether the value was acceptable."""
    items = team_items(member.team)
    if raw in (None, ""):
        # a team on one item proposes on that item
        return (items[0], True) if member.team.item_id is not None and items else (None, True)
    try:
        wanted = int(raw)
    except (TypeError, ValueError):
        return None, False
    found = next((item for item in items if item.id == wanted), None)
    return found, found is not None


def check_proposal(member: TeamMember, data: Mapping[str, Any], lang: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    for key in ("what", "effect"):
        if not _text(data, key):
            errors[key] = t(f"teams.error.{key}_missing", lang)
    for key, limit in MAX_LENGTH.items():
        if key not in errors and len(_text(data, key)) > limit:
            errors[key] = t("teams.error.too_long", lang, max=limit)
    if data.get("effect_category") not in CATEGORIES_BY_CODE:
        errors["effect_category"] = t("teams.error.effect_category", lang)
    if (data.get("cost") or "unknown") not in COSTS:
        errors["cost"] = t("teams.error.cost", lang)
    if not _item_choice(member, data.get("item_id"))[1]:
        errors["item_id"] = t("teams.error.item", lang)
    return errors


def propose(member: TeamMember, data: Mapping[str, Any], lang: str) -> tuple[Solution | None, dict[str, str]]:
    """A member's proposal; commits, plans the item's climate block, and notifies the facilitator."""
    errors = check_proposal(member, data, lang)
    if errors:
        return None, errors
    team = member.team
    item, _ = _item_choice(member, data.get("item_id"))
    solution = Solution(
        team_id=team.id,
        municipality_id=team.municipality_id,
        item_id=item.id if item else None,
        author_id=member.id,
        what=_text(data, "what"),
        effect=_text(data, "effect"),
        effect_category=str(data["effect_category"]),
        cost=str(data.get("cost") or "unknown"),
        who=_text(data, "who"),
        session_round=team.session_round if team.session_phase else 0,
    )
    db.session.add(solution)
    db.session.flush()
    audit(
        "solution.propose",
        f"solution:{solution.id}",
        team.municipality_id,
        {"team_id": team.id, "item_id": solution.item_id},
        actor=actor_of(member),
    )
    facilitator_lang = team.municipality.language
    queue_notice(
        team,
        team.facilitator_email,
        t("teams.mail.proposed.subject", facilitator_lang, team=team.name),
        t(
            "teams.mail.proposed.body",
            facilitator_lang,
            name=member.name,
            team=team.name,
            what=solution.what,
            effect=solution.effect,
        ),
    )
    if item is not None:
        plan_write_back(item)  # the host's agenda item shows the team's proposal
    db.session.commit()
    return solution, {}


def solution_of(member: TeamMember, solution_id: Any) -> Solution | None:
    """One of the member's team's solutions (not withdrawn), or None."""
    try:
        wanted = int(solution_id)
    except (TypeError, ValueError):
        return None
    solution = db.session.get(Solution, wanted)
    if solution is None or solution.team_id != member.team_id or solution.withdrawn_at is not None:
        return None
    return solution


def _live(team: Team) -> Any:
    return (Solution.team_id == team.id) & Solution.withdrawn_at.is_(None)


def live_solutions(team: Team) -> list[Solution]:
    """The team's solutions that were not withdrawn, oldest first: what every list of them starts from."""
    return list(db.session.scalars(select(Solution).where(_live(team)).order_by(Solution.id)))


def live_solution_count(team: Team) -> int:
    return db.session.scalar(select(func.count(Solution.id)).where(_live(team))) or 0


def comment(member: TeamMember, solution: Solution, text: Any, lang: str) -> dict[str, str]:
    body = text.strip() if isinstance(text, str) else ""
    if not body:
        return {"text": t("teams.error.comment_missing", lang)}
    if len(body) > MAX_COMMENT:
        return {"text": t("teams.error.too_long", lang, max=MAX_COMMENT)}
    db.session.add(SolutionComment(solution_id=solution.id, member_id=member.id, text=body))
    audit("solution.comment", f"solution:{solution.id}", solution.municipality_id, {}, actor=actor_of(member))
    db.session.commit()
    return {}


def _support_row(member: TeamMember, solution: Solution) -> SolutionSupport | None:
    return db.session.scalar(
        select(SolutionSupport).where(
            SolutionSupport.solution_id == solution.id, SolutionSupport.member_id == member.id
        )
    )


def toggle_support(member: TeamMember, solution: Solution) -> bool:
    """Support the solution, or take the support back (with its priority); whether it is supported now."""
    row = _support_row(member, solution)
    if row is not None:
        db.session.delete(row)
        audit(
            "solution.unsupport",
            f"solution:{solution.id}",
            solution.municipality_id,
            {},
            actor=actor_of(member),
        )
        db.session.commit()
        return False
    try:
        with db.session.begin_nested():
            db.session.add(SolutionSupport(solution_id=solution.id, member_id=member.id))
    except IntegrityError:
        pass  # a double click: the first one counted
    audit("solution.support", f"solution:{solution.id}", solution.municipality_id, {}, actor=actor_of(member))
    db.session.commit()
    return True


def priorities_of(member: TeamMember) -> int:
    return (
        db.session.scalar(
            select(func.count(SolutionSupport.id)).where(
                SolutionSupport.member_id == member.id, SolutionSupport.priority.is_(True)
            )
        )
        or 0
    )


def toggle_priority(member: TeamMember, solution: Solution, lang: str) -> dict[str, str]:
    """Count the solution among the member's priorities (supporting it too), or stop counting it."""
    row = _support_row(member, solution)
    if row is not None and row.priority:
        row.priority = False
    else:
        if priorities_of(member) >= MAX_PRIORITIES:
            return {"priority": t("teams.error.priorities_full", lang, max=MAX_PRIORITIES)}
        if row is None:
            row = SolutionSupport(solution_id=solution.id, member_id=member.id)
            db.session.add(row)
        row.priority = True
    audit(
        "solution.priority",
        f"solution:{solution.id}",
        solution.municipality_id,
        {"on": row.priority},
        actor=actor_of(member),
    )
    db.session.commit()
    return {}


def withdraw(member: TeamMember, solution: Solution) -> None:
    """The author takes the proposal back (kept, no longer shown), unless something became of it."""
    if solution.author_id != member.id:
        raise NotPossible("only the author can withdraw a proposal")
    if solution.commitment_id or solution.alternative_at or solution.proposed_measure_id:
        raise NotPossible("something became of this solution already")
    solution.withdrawn_at = utcnow()
    audit(
        "solution.withdraw", f"solution:{solution.id}", solution.municipality_id, {}, actor=actor_of(member)
    )
    if solution.item is not None:
        plan_write_back(solution.item)
    db.session.commit()


# --- what becomes of a solution ---------------------------------------------------------------------------
def _tell_author(solution: Solution, outcome: str) -> None:
    """Tell the author what became of the proposal; and a new outcome may raise the team's badges."""
    recompute_team_awards(solution.team)
    author = solution.author
    if author is None or author.revoked_at is not None:
        return
    lang = author.language
    queue_notice(
        solution.team,
        author.email,
        t("teams.mail.outcome.subject", lang, team=solution.team.name),
        t(
            "teams.mail.outcome.body",
            lang,
            name=author.name,
            what=solution.what,
            outcome=t(f"teams.outcome.{outcome}", lang),
            url=member_url(author, current_app.config["PUBLIC_URL"]),
        ),
    )


def make_commitment(
    member: TeamMember, solution: Solution, data: Mapping[str, Any], lang: str
) -> tuple[Any, dict[str, str]]:
    """A decision-maker (or the facilitator) commits to the solution on its agenda item, through the
    commitments service and its rules; (commitment, {}) or (None, errors)."""
    if member.role not in COMMITTERS:
        return None, {"_form": t("teams.error.not_committer", lang)}
    if solution.item is None or solution.item.deleted_at is not None:
        return None, {"_form": t("teams.error.no_item", lang)}
    if solution.commitment_id is not None:
        return None, {"_form": t("teams.error.committed_already", lang)}
    commitment, errors = record_commitment(solution.item, data, lang)
    if errors:
        db.session.rollback()
        return None, errors
    solution.commitment_id = commitment.id
    audit(
        "solution.commitment",
        f"solution:{solution.id}",
        solution.municipality_id,
        {"commitment_id": commitment.id, "item_id": solution.item_id},
        actor=actor_of(member),
    )
    _tell_author(solution, "commitment")
    plan_write_back(solution.item)  # the host's agenda item shows the new commitment
    db.session.commit()
    return commitment, {}


def attach_alternative(solution: Solution, actor: str = "") -> Solution:
    """Attach the solution to its agenda item as an alternative the preparer's checklist shows at X1."""
    if solution.item is None:
        raise NotPossible("the solution is on no agenda item; an alternative belongs to one")
    if solution.withdrawn_at is not None:
        raise NotPossible("the solution was withdrawn")
    if solution.alternative_at is None:
        solution.alternative_at = utcnow()
        audit(
            "solution.alternative",
            f"solution:{solution.id}",
            solution.municipality_id,
            {"item_id": solution.item_id},
            actor=actor or None,
        )
        _tell_author(solution, "alternative")
        plan_write_back(solution.item)
    db.session.commit()
    return solution


def detach_alternative(solution: Solution, actor: str = "") -> Solution:
    if solution.alternative_at is not None:
        solution.alternative_at = None
        audit(
            "solution.alternative_removed",
            f"solution:{solution.id}",
            solution.municipality_id,
            {},
            actor=actor or None,
        )
        if solution.item is not None:
            plan_write_back(solution.item)
    db.session.commit()
    return solution


def propose_as_measure(solution: Solution, identifier: str, actor: str = "") -> Measure:
    """Propose the solution for the climate programme: a new measure (status "proposed") that the
    solution advances."""
    if solution.proposed_measure_id is not None:
        raise NotPossible("the solution was proposed as a measure already")
    identifier = (identifier or "").strip() or f"T{solution.team_id}-{solution.id}"
    sector = (
        CATEGORIES_BY_CODE[solution.effect_category].name[solution.team.municipality.language]
        if solution.effect_category in CATEGORIES_BY_CODE
        else ""
    )
    measure = propose_measure(
        solution.team.municipality,
        solution.what,
        sector,
        solution.who or solution.team.body or "",
        identifier,
    )
    solution.proposed_measure_id = measure.id
    _tell_author(solution, "measure")
    db.session.flush()
    link_measure(measure, effect="advances", solution=solution, actor=actor)  # commits
    return measure


def link_solution(solution: Solution, measure: Measure, effect: str, note: str = "", actor: str = "") -> Any:
    """Link the solution to a programme measure as advancing it or conflicting with it."""
    link = link_measure(measure, effect=effect, solution=solution, note=note, actor=actor)
    if effect == "advances":
        _tell_author(solution, "linked")
        db.session.commit()
    return link
