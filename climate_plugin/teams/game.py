"""Game elements for climate teams, each switchable per municipality like the other game elements
(``Municipality.game_enabled``): team challenges over a period (``team_challenges``), climate team badges
(``climate_team_badges``) and an opt-in leaderboard between bodies, or between municipalities that all opted
in (``team_leaderboard``, off until switched on).

As for every badge here (docs/checklist.md, "gamification"): what counts is what came of the work, never
the number of forms or clicks; levels rise by the same thresholds as the committee badges and never fall
(every level reached is stored); no person is ever ranked, only bodies and municipalities, and only where
they chose to be.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from climate_plugin.accounts.audit import audit
from climate_plugin.badges.catalogue import MAX_LEVEL, THRESHOLDS, level_for, next_threshold
from climate_plugin.badges.item import question_answered
from climate_plugin.dates import format_date
from climate_plugin.db import db
from climate_plugin.i18n import pick_language, t
from climate_plugin.models import (
    AgendaItem,
    Assessment,
    Commitment,
    Connector,
    Municipality,
    Solution,
    Team,
    TeamBadgeAward,
    TeamChallenge,
)
from climate_plugin.models.commitment import KEPT
from climate_plugin.models.team_challenge import KINDS

#: a climate team's badges: code → what it counts (TEAM_COUNTERS)
TEAM_BADGES: dict[str, str] = {
    "team_solutions_adopted": "solutions_adopted",
    "team_commitments_kept": "commitments_kept",
}
#: a challenge can run at most this long (a council term)
MAX_CHALLENGE_DAYS = 4 * 366


# --- team badges ------------------------------------------------------------------------------------------
def team_counts(team: Team) -> dict[str, int]:
    """What the team's badges count: its solutions that became something (a commitment, an alternative on
    the item, a programme measure), and the commitments made from them that were kept with a result."""
    rows = list(db.session.scalars(select(Solution).where(Solution.team_id == team.id)))
    adopted = sum(1 for s in rows if s.commitment_id or s.alternative_at or s.proposed_measure_id)
    commitment_ids = [s.commitment_id for s in rows if s.commitment_id]
    kept = 0
    if commitment_ids:
        kept = (
            db.session.scalar(
                select(func.count(Commitment.id)).where(
                    Commitment.id.in_(commitment_ids),
                    Commitment.status == KEPT,
                    func.trim(func.coalesce(Commitment.result_note, "")) != "",
                )
            )
            or 0
        )
    return {"solutions_adopted": adopted, "commitments_kept": kept}


def _stored(team: Team) -> dict[str, int]:
    stmt = (
        select(TeamBadgeAward.code, func.max(TeamBadgeAward.level))
        .where(TeamBadgeAward.team_id == team.id)
        .group_by(TeamBadgeAward.code)
    )
    return dict(db.session.execute(stmt).all())


def recompute_team_awards(team: Team) -> list[TeamBadgeAward]:
    """Store every level the team's records reach that is not stored yet (never lowers one); the caller
    commits. Two recomputations at once are safe: the unique constraint refuses the second copy."""
    counts, stored, new = team_counts(team), _stored(team), []
    for code, counter in TEAM_BADGES.items():
        count = counts[counter]
        for level in range(stored.get(code, 0) + 1, level_for(count) + 1):
            row = TeamBadgeAward(team_id=team.id, code=code, level=level, count=count)
            try:
                with db.session.begin_nested():
                    db.session.add(row)
            except IntegrityError:
                continue
            new.append(row)
    return new


def team_badges(team: Team, lang: str) -> list[dict[str, Any]]:
    """The team's badges with level (never below a stored one), count and the next threshold."""
    lang = pick_language(lang)
    counts, stored = team_counts(team), _stored(team)
    shown = []
    for code, counter in TEAM_BADGES.items():
        level = max(level_for(counts[counter]), stored.get(code, 0))
        shown.append(
            {
                "code": code,
                "name": t(f"teams.badge.{code}.name", lang),
                "rule": t(f"teams.badge.{code}.rule", lang),
                "level": level,
                "max_level": MAX_LEVEL,
                "count": counts[counter],
                "next_threshold": next_threshold(level),
            }
        )
    return shown


# --- challenges -------------------------------------------------------------------------------------------
def create_challenge(
    municipality: Municipality, kind: Any, starts_on: Any, ends_on: Any, actor: str = ""
) -> TeamChallenge:
    if kind not in KINDS:
        raise ValidationError({"kind": [f"must be one of: {', '.join(KINDS)}"]})
    dates = {}
    for key, value in (("starts_on", starts_on), ("ends_on", ends_on)):
        try:
            dates[key] = value if isinstance(value, date) else date.fromisoformat(str(value))
        except ValueError:
            raise ValidationError({key: ["a date, YYYY-MM-DD"]}) from None
    if dates["ends_on"] < dates["starts_on"]:
        raise ValidationError({"ends_on": ["before starts_on"]})
    if (dates["ends_on"] - dates["starts_on"]).days > MAX_CHALLENGE_DAYS:
        raise ValidationError({"ends_on": [f"a challenge lasts at most {MAX_CHALLENGE_DAYS} days"]})
    row = TeamChallenge(municipality_id=municipality.id, kind=kind, created_by=actor[:400], **dates)
    db.session.add(row)
    db.session.flush()
    audit(
        "team.challenge",
        f"team_challenge:{row.id}",
        municipality.id,
        {"kind": kind, "starts_on": dates["starts_on"], "ends_on": dates["ends_on"]},
    )
    db.session.commit()
    return row


def challenges_of(municipality: Municipality) -> list[TeamChallenge]:
    stmt = select(TeamChallenge).where(TeamChallenge.municipality_id == municipality.id)
    return list(db.session.scalars(stmt.order_by(TeamChallenge.starts_on.desc(), TeamChallenge.id.desc())))


def _period(starts_on: date, ends_on: date) -> tuple[datetime, datetime]:
    # whole days, UTC bounds (a day's events near midnight in Finland may fall on the neighbouring day;
    # a challenge runs for weeks or months, so that edge does not decide it)
    return datetime.combine(starts_on, time.min, UTC), datetime.combine(
        ends_on + timedelta(days=1), time.min, UTC
    )


def counts_by_body(municipality_id: int, kind: str, starts_on: date, ends_on: date) -> Counter[str]:
    """What a challenge counts for each body of a municipality within the period."""
    start, end = _period(starts_on, ends_on)
    found: Counter[str] = Counter()
    live_items = (
        select(AgendaItem.id, AgendaItem.committee)
        .join(Connector, AgendaItem.connector_id == Connector.id)
        .where(Connector.municipality_id == municipality_id, AgendaItem.deleted_at.is_(None))
    )
    if kind == "alternatives_on_high_items":
        # a highly relevant item whose preparer submitted the checklist in the period with question X1
        # (alternatives) answered; counted once per item, from its latest submitted revision
        rows = db.session.execute(
            select(AgendaItem.committee, Assessment)
            .join(Assessment, Assessment.item_id == AgendaItem.id)
            .where(
                AgendaItem.id.in_(live_items.with_only_columns(AgendaItem.id)),
                Assessment.state == "submitted",
                Assessment.submitted_at >= start,
                Assessment.submitted_at < end,
            )
            .order_by(Assessment.revision)
        ).all()
        latest: dict[int, tuple[str | None, Any]] = {}
        for committee, assessment in rows:
            latest[assessment.item_id] = (committee, assessment)
        for committee, assessment in latest.values():
            answers = assessment.answers if isinstance(assessment.answers, dict) else {}
            if committee and assessment.relevance == "high" and question_answered(answers, "X1"):
                found[committee] += 1
    elif kind == "commitments_kept":
        rows = db.session.execute(
            select(AgendaItem.committee)
            .select_from(Commitment)
            .join(AgendaItem, AgendaItem.id == Commitment.item_id)
            .where(
                Commitment.municipality_id == municipality_id,
                Commitment.status == KEPT,
                func.trim(func.coalesce(Commitment.result_note, "")) != "",
                Commitment.closed_at >= start,
                Commitment.closed_at < end,
            )
        ).scalars()
        found.update(c for c in rows if c)
    elif kind == "solutions_adopted":
        rows = db.session.execute(
            select(Team.body, Solution)
            .join(Team, Team.id == Solution.team_id)
            .where(
                Solution.municipality_id == municipality_id,
                Solution.withdrawn_at.is_(None),
                Solution.created_at >= start,
                Solution.created_at < end,
            )
        ).all()
        for body, s in rows:
            if body and (s.commitment_id or s.alternative_at or s.proposed_measure_id):
                found[body] += 1
    else:
        raise ValueError(kind)
    return found


def standings(challenge: TeamChallenge, lang: str) -> dict[str, Any]:
    """A challenge as people see it: its bodies and their counts, listed by name; with the opt-in
    leaderboard switched on, ranked by count instead, plus the municipalities that opted in too."""
    lang = pick_language(lang)
    municipality = db.session.get(Municipality, challenge.municipality_id)
    counts = counts_by_body(challenge.municipality_id, challenge.kind, challenge.starts_on, challenge.ends_on)
    bodies = set(counts) | {
        b
        for b in db.session.scalars(
            select(Team.body).where(
                Team.municipality_id == challenge.municipality_id,
                Team.body.is_not(None),
                Team.archived_at.is_(None),
            )
        )
        if b
    }
    ranked = municipality.game_enabled("team_leaderboard")
    rows = [{"body": b, "count": counts.get(b, 0)} for b in bodies]
    rows.sort(key=(lambda r: (-r["count"], r["body"])) if ranked else (lambda r: r["body"]))
    result: dict[str, Any] = {
        "id": challenge.id,
        "kind": challenge.kind,
        "name": t(f"teams.challenge.{challenge.kind}.name", lang),
        "rule": t(f"teams.challenge.{challenge.kind}.rule", lang),
        "starts_on": challenge.starts_on,
        "ends_on": challenge.ends_on,
        "period": f"{format_date(challenge.starts_on, lang)} – {format_date(challenge.ends_on, lang)}",
        "ranked": ranked,
        "bodies": rows,
        "municipalities": municipality_leaderboard(challenge) if ranked else [],
    }
    return result


def municipality_leaderboard(challenge: TeamChallenge) -> list[dict[str, Any]]:
    """The challenge's count for every municipality that switched the leaderboard on (the asking one
    included), highest first. A municipality that did not opt in is never listed."""
    rows = []
    for town in db.session.scalars(select(Municipality).order_by(Municipality.name)):
        if not town.game_enabled("team_leaderboard"):
            continue
        total = sum(counts_by_body(town.id, challenge.kind, challenge.starts_on, challenge.ends_on).values())
        rows.append({"municipality": town.name, "count": total, "own": town.id == challenge.municipality_id})
    rows.sort(key=lambda r: (-r["count"], r["municipality"]))
    return rows


def current_challenges(municipality: Municipality, today: date | None = None) -> list[TeamChallenge]:
    today = today or datetime.now(UTC).date()
    return [c for c in challenges_of(municipality) if c.starts_on <= today <= c.ends_on]


def team_game(team: Team, lang: str) -> dict[str, Any]:
    """The game elements a team's page shows, as far as its municipality switched them on."""
    municipality = team.municipality
    shown: dict[str, Any] = {"badges": [], "challenges": []}
    if municipality.game_enabled("climate_team_badges"):
        shown["badges"] = team_badges(team, lang)
    if municipality.game_enabled("team_challenges"):
        shown["challenges"] = [standings(c, lang) for c in current_challenges(municipality)]
    shown["thresholds"] = list(THRESHOLDS)
    return shown
