"""The picture: every figure of what the climate work reaches, computed from stored records.

One rule for every face (the coordinator's page, the region's page, the admin page, /api/v1/reach, the
exports and the print view): an item belongs to the period in which it was first screened (its first
assessment revision, read in the municipality's day) and to the body that decides it
(``AgendaItem.committee``), and every figure of a row is about the items of that row: their screening,
their assessments, commitments, reviews, follow-ups, decisions and the people who took part in them.
docs/coordinator.md explains each figure.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from climate_plugin.accounts.audit import audit
from climate_plugin.badges.item import question_answered, ratings_complete
from climate_plugin.checklist import STAGE0_TO_CATEGORIES
from climate_plugin.checklist.escalation import no_effect_throughout
from climate_plugin.dates import local_day, zone, zone_of
from climate_plugin.db import db
from climate_plugin.models import (
    AgendaItem,
    Assessment,
    AuditEntry,
    Commitment,
    Connector,
    FollowUp,
    Municipality,
    Review,
)
from climate_plugin.models.municipality import GAME_ELEMENTS, OPT_IN
from climate_plugin.reach.participation import participations

GROUPINGS: tuple[str, ...] = ("body", "month", "quarter")
RELEVANCE: tuple[str, ...] = ("high", "minor", "none")
#: the keys of a row of /api/v1/reach, in this order (the contract; CSV columns follow it)
ROW_KEYS: tuple[str, ...] = (
    "body",
    "period",
    "screened",
    "assessed",
    "assessed_before_meeting",
    "no_effect_on_high",
    "overrides",
    "commitments",
    "participants",
)


class BadFilter(ValueError):
    """A filter that cannot be used; the message names the parameter."""


@dataclass(frozen=True)
class Filters:
    start: date
    end: date  #: inclusive
    by: str = "body"
    body: str | None = None  #: only this body's items

    def __post_init__(self) -> None:
        if self.by not in GROUPINGS:
            raise BadFilter(f"by must be one of: {', '.join(GROUPINGS)}")
        if self.end < self.start:
            raise BadFilter("to must not be before from")
        if (self.end - self.start).days > 366 * 10:
            raise BadFilter("the period is at most ten years")

    @property
    def interval(self) -> str:
        return f"{self.start.isoformat()}/{self.end.isoformat()}"


def parse_filters(args: Mapping[str, Any], today: date) -> Filters:
    """Filters from query parameters ``from``, ``to`` (YYYY-MM-DD), ``by`` and ``body``; the default is the
    last twelve months to today, by body."""

    def day(name: str, default: date) -> date:
        raw = args.get(name)
        if raw in (None, ""):
            return default
        try:
            return date.fromisoformat(str(raw))
        except ValueError:
            raise BadFilter(f"{name} must be a date YYYY-MM-DD") from None

    end = day("to", today)
    start = day("from", date(end.year - 1, end.month, 1) if end.month != 12 else date(end.year, 1, 1))
    body = args.get("body")
    return Filters(start, end, str(args.get("by") or "body"), str(body) if body not in (None, "") else None)


def period_of(day: date, by: str) -> str:
    if by == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return f"{day.year}-{day.month:02d}"


def periods_between(start: date, end: date, by: str) -> list[str]:
    """Every month or quarter from start to end, so a quiet month shows as a zero, not as a gap."""
    found: list[str] = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        label = period_of(date(year, month, 1), by)
        if label not in found:
            found.append(label)
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return found


# --- one item, as the picture reads it -----------------------------------------------------------------
@dataclass
class ItemFacts:
    id: int
    external_id: str
    title: str
    body: str  #: "" when the host names no body
    first_screened: datetime
    relevance: str
    meeting_date: date | None
    #: the latest submitted revision's answers, ratings codes and escalation (None: never submitted)
    submitted: bool = False
    first_submitted: datetime | None = None
    answers: Mapping[str, Any] = field(default_factory=dict)
    escalated: bool = False
    no_effect: bool = False
    #: [(stage 0 question, "added" | "removed")]: where the preparer answered against the screening
    overrides: list[tuple[str, str]] = field(default_factory=list)
    commitments: list[str] = field(default_factory=list)  #: statuses
    commitments_overdue: int = 0
    reviews: list[tuple[str, str]] = field(default_factory=list)  #: (reason, outcome)
    follow_up: str | None = None  #: status of its X5 follow-up
    decision_state: str | None = None
    decided_on: date | None = None
    #: the proposal's text changed after the (first) submitted assessment, or the decision amended it
    changed_after_assessment: bool = False
    #: the municipality's time zone: which day a screening or a submit fell on is its calendar's
    tz: tzinfo = field(default_factory=zone)

    @property
    def assessed(self) -> bool:
        return self.submitted

    @property
    def before_meeting(self) -> bool:
        return bool(
            self.first_submitted
            and self.meeting_date
            and local_day(self.first_submitted, self.tz) <= self.meeting_date
        )

    @property
    def no_effect_on_high(self) -> bool:
        return self.relevance == "high" and self.submitted and self.no_effect


def _overrides(answers: Mapping[str, Any]) -> list[tuple[str, str]]:
    prescreen = answers.get("prescreen") if isinstance(answers.get("prescreen"), Mapping) else {}
    stage0 = answers.get("stage0") if isinstance(answers.get("stage0"), Mapping) else {}
    found = []
    for qid, answer in stage0.items():
        entry = prescreen.get(qid)
        suggestion = entry.get("suggestion") if isinstance(entry, Mapping) else None
        if suggestion == "yes" and answer == "no":
            found.append((qid, "removed"))
        elif suggestion == "no" and answer == "yes":
            found.append((qid, "added"))
    return found


def _rating_codes(answers: Mapping[str, Any]) -> dict[str, str]:
    ratings = answers.get("ratings") if isinstance(answers.get("ratings"), Mapping) else {}
    return {code: str(entry.get("rating")) for code, entry in ratings.items() if isinstance(entry, Mapping)}


def item_facts(municipality: Municipality, filters: Filters, today: date) -> list[ItemFacts]:
    """The facts of each live item of the municipality first screened within the filters' days."""
    stmt = (
        select(AgendaItem)
        .join(Connector, Connector.id == AgendaItem.connector_id)
        .where(Connector.municipality_id == municipality.id, AgendaItem.deleted_at.is_(None))
        .options(selectinload(AgendaItem.assessments))
        .order_by(AgendaItem.id)
    )
    if filters.body is not None:
        stmt = stmt.where(AgendaItem.committee == filters.body)
    facts: list[ItemFacts] = []
    tz = zone_of(municipality)
    for item in db.session.scalars(stmt):
        revisions = [a for a in item.assessments if a.created_at is not None]
        if not revisions:
            continue  # never screened: not in the picture yet
        first = min(a.created_at for a in revisions)
        if not filters.start <= local_day(first, tz) <= filters.end:
            continue
        current = next((a for a in reversed(revisions) if a.state != "draft"), revisions[-1])
        fact = ItemFacts(
            id=item.id,
            external_id=item.external_id,
            title=item.title,
            body=item.committee or "",
            first_screened=first,
            relevance=current.relevance,
            meeting_date=item.meeting_date,
            decision_state=item.decision_state,
            decided_on=item.decided_on,
            tz=tz,
        )
        submitted = [a for a in revisions if a.state == "submitted"]
        if submitted:
            latest = submitted[-1]
            answers = latest.answers if isinstance(latest.answers, Mapping) else {}
            fact.submitted = True
            fact.first_submitted = min((a.submitted_at or a.created_at) for a in submitted)
            fact.answers = answers
            fact.escalated = bool(latest.escalation)
            fact.no_effect = no_effect_throughout(_rating_codes(answers))
            fact.overrides = _overrides(answers)
            # a text changed after it was assessed: a later revision says so, or the item's own hash moved
            first_hash = submitted[0].content_hash
            changed_text = item.content_hash != first_hash or any(a.needs_review for a in revisions)
            fact.changed_after_assessment = changed_text or item.decision_state == "amended"
        facts.append(fact)
    _attach_records(facts, today)
    return facts


def _attach_records(facts: list[ItemFacts], today: date) -> None:
    by_id = {f.id: f for f in facts}
    ids = list(by_id)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for c in db.session.scalars(select(Commitment).where(Commitment.item_id.in_(chunk))):
            by_id[c.item_id].commitments.append(c.status)
            if c.status == "open" and c.due_date < today:
                by_id[c.item_id].commitments_overdue += 1
        reviews = (
            select(Assessment.item_id, Review.reason, Review.outcome)
            .join(Assessment, Assessment.id == Review.assessment_id)
            .where(Assessment.item_id.in_(chunk))
            .order_by(Review.id)
        )
        for item_id, reason, outcome in db.session.execute(reviews):
            by_id[item_id].reviews.append((reason, outcome))
        for follow in db.session.scalars(select(FollowUp).where(FollowUp.item_id.in_(chunk))):
            by_id[follow.item_id].follow_up = follow.status


# --- the contract's table ------------------------------------------------------------------------------
def _empty_row(body: str | None, period: str) -> dict[str, Any]:
    return {
        "body": body,
        "period": period,
        "screened": dict.fromkeys(RELEVANCE, 0),
        "assessed": 0,
        "assessed_before_meeting": 0,
        "no_effect_on_high": 0,
        "overrides": 0,
        "commitments": {"made": 0, "kept": 0, "not_kept": 0},
        "participants": 0,
    }


def _add(row: dict[str, Any], fact: ItemFacts) -> None:
    if fact.relevance in RELEVANCE:
        row["screened"][fact.relevance] += 1
    row["assessed"] += fact.assessed
    row["assessed_before_meeting"] += fact.before_meeting
    row["no_effect_on_high"] += fact.no_effect_on_high
    row["overrides"] += bool(fact.overrides)
    row["commitments"]["made"] += len(fact.commitments)
    row["commitments"]["kept"] += fact.commitments.count("kept")
    row["commitments"]["not_kept"] += fact.commitments.count("not_kept")


@dataclass
class Reach:
    filters: Filters
    facts: list[ItemFacts]
    rows: list[dict[str, Any]]
    totals: dict[str, Any]
    #: (item id, person, role) of everyone who took part in the items
    people: list[tuple[int, str, str]]

    def as_json(self) -> dict[str, Any]:
        return {"rows": self.rows, "totals": self.totals}


def row_key(fact: ItemFacts, by: str) -> tuple[str | None, str]:
    return (fact.body, "") if by == "body" else (None, period_of(local_day(fact.first_screened, fact.tz), by))


def reach(municipality: Municipality, filters: Filters, today: date) -> Reach:
    """The contract's rows (by body, or by month or quarter over all bodies) and their totals."""
    facts = item_facts(municipality, filters, today)
    people = [(p.item_id, p.person, p.role) for p in participations([f.id for f in facts])]
    rows: dict[tuple[str | None, str], dict[str, Any]] = {}
    if filters.by != "body":
        for label in periods_between(filters.start, filters.end, filters.by):
            rows[(None, label)] = _empty_row(None, label)
    persons: dict[tuple[str | None, str], set[str]] = defaultdict(set)
    key_of = {f.id: row_key(f, filters.by) for f in facts}
    for fact in facts:
        key = key_of[fact.id]
        if key not in rows:
            rows[key] = _empty_row(key[0], filters.interval)
        _add(rows[key], fact)
    for item_id, person, _role in people:
        persons[key_of[item_id]].add(person)
    for key, row in rows.items():
        row["participants"] = len(persons[key])
    totals = _empty_row(filters.body, filters.interval)
    for fact in facts:
        _add(totals, fact)
    totals["participants"] = len({person for _, person, _ in people})
    ordered = sorted(rows.values(), key=lambda r: (r["period"], (r["body"] or "").casefold()))
    return Reach(filters, facts, ordered, totals, people)


def flat_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """A row with its nested counts spread into columns (CSV, XLSX, the pages' tables)."""
    flat: dict[str, Any] = {}
    for key in ROW_KEYS:
        value = row[key]
        if isinstance(value, Mapping):
            flat.update({f"{key}_{sub}": number for sub, number in value.items()})
        else:
            flat[key] = value
    return flat


FLAT_KEYS: tuple[str, ...] = tuple(flat_row(_empty_row(None, "")))


# --- the picture's other tables ------------------------------------------------------------------------
def _median(values: Iterable[float]) -> float | None:
    values = list(values)
    return round(statistics.median(values), 1) if values else None


def _groups(result: Reach) -> list[tuple[tuple[str | None, str], list[ItemFacts]]]:
    grouped: dict[tuple[str | None, str], list[ItemFacts]] = {
        (r["body"], r["period"]): [] for r in result.rows
    }
    for fact in result.facts:
        key = row_key(fact, result.filters.by)
        if result.filters.by == "body":
            key = (key[0], result.filters.interval)
        grouped.setdefault(key, []).append(fact)
    return list(grouped.items())


def coverage(result: Reach) -> list[dict[str, Any]]:
    """Per row: high items, how many of them were assessed before their meeting, and the median lead times
    from first screening to assessment and from assessment to the meeting (days)."""
    out = []
    for (body, period), facts in _groups(result):
        high = [f for f in facts if f.relevance == "high"]
        with_meeting = [f for f in high if f.meeting_date is not None]
        out.append(
            {
                "body": body,
                "period": period,
                "high": len(high),
                "high_assessed": sum(f.assessed for f in high),
                "high_with_meeting": len(with_meeting),
                "high_assessed_before_meeting": sum(f.before_meeting for f in with_meeting),
                "days_to_assessment": _median(
                    (f.first_submitted - f.first_screened).total_seconds() / 86400
                    for f in facts
                    if f.first_submitted
                ),
                "days_assessment_to_meeting": _median(
                    (f.meeting_date - local_day(f.first_submitted, f.tz)).days
                    for f in facts
                    if f.first_submitted and f.meeting_date
                ),
            }
        )
    return out


def quality(result: Reach) -> list[dict[str, Any]]:
    """Per row, of the assessed items: alternatives considered (X1), indicator set (X5), justified directional
    ratings, escalated, and the coordinator's review outcomes (the escalation queue's and the sample's)."""
    out = []
    for (body, period), facts in _groups(result):
        assessed = [f for f in facts if f.assessed]
        reviews = [r for f in facts for r in f.reviews]
        sample = [outcome for reason, outcome in reviews if reason == "sample"]
        out.append(
            {
                "body": body,
                "period": period,
                "assessed": len(assessed),
                "alternatives": sum(question_answered(f.answers, "X1") for f in assessed),
                "indicator": sum(question_answered(f.answers, "X5") for f in assessed),
                "justified": sum(ratings_complete(f.answers) for f in assessed),
                "escalated": sum(f.escalated for f in assessed),
                "reviews_ok": sum(outcome == "ok" for _, outcome in reviews),
                "reviews_needs_changes": sum(outcome == "needs_changes" for _, outcome in reviews),
                "reviews_in_depth": sum(outcome == "in_depth" for _, outcome in reviews),
                "sample_reviewed": len(sample),
                "sample_findings": sum(outcome != "ok" for outcome in sample),
            }
        )
    return out


def overrides_by_category(result: Reach) -> list[dict[str, Any]]:
    """Where preparers answered stage 0 against the screening, per category the question opens: "added"
    (screening said no, the preparer yes: the screening missed it) and "removed" (the other way)."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for fact in result.facts:
        for qid, direction in fact.overrides:
            for category in STAGE0_TO_CATEGORIES.get(qid, ()) or ("other",):
                counts[category][direction] += 1
    return [
        {"category": category, "added": c["added"], "removed": c["removed"]}
        for category, c in sorted(counts.items(), key=lambda kv: -sum(kv[1].values()))
    ]


def commitments_table(result: Reach) -> list[dict[str, Any]]:
    out = []
    for (body, period), facts in _groups(result):
        statuses = [s for f in facts for s in f.commitments]
        out.append(
            {
                "body": body,
                "period": period,
                "made": len(statuses),
                "open": statuses.count("open"),
                "overdue": sum(f.commitments_overdue for f in facts),
                "kept": statuses.count("kept"),
                "not_kept": statuses.count("not_kept"),
                "follow_ups": sum(f.follow_up is not None for f in facts),
                "follow_ups_recorded": sum(f.follow_up not in (None, "open") for f in facts),
            }
        )
    return out


def decisions_table(result: Reach) -> list[dict[str, Any]]:
    """Per row: items decided, how (as proposed, amended, rejected, returned), and of the decided items that
    were assessed, how many proposals changed after the assessment."""
    out = []
    for (body, period), facts in _groups(result):
        decided = [f for f in facts if f.decision_state]
        states = Counter(f.decision_state for f in decided)
        out.append(
            {
                "body": body,
                "period": period,
                "decided": len(decided),
                "as_proposed": states["decided"],
                "amended": states["amended"],
                "rejected": states["rejected"],
                "returned": states["returned"] + states["withdrawn"],
                "decided_assessed": sum(f.assessed for f in decided),
                "changed_after_assessment": sum(f.assessed and f.changed_after_assessment for f in decided),
            }
        )
    return out


def participants_by_role(result: Reach) -> list[dict[str, Any]]:
    """Distinct people per row and role (a person in two roles counts once in each, once in "all")."""
    key_of = {f.id: row_key(f, result.filters.by) for f in result.facts}
    roles: list[str] = []
    per: dict[tuple[str | None, str], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for item_id, person, role in result.people:
        key = key_of[item_id]
        if result.filters.by == "body":
            key = (key[0], result.filters.interval)
        per[key][role].add(person)
        per[key]["all"].add(person)
        if role not in roles:
            roles.append(role)
    out = []
    for row in result.rows:
        counts = per.get((row["body"], row["period"]), {})
        out.append(
            {
                "body": row["body"],
                "period": row["period"],
                **{role: len(counts.get(role, ())) for role in roles},
                "all": len(counts.get("all", ())),
            }
        )
    return out


# --- game elements: engagement where each is on against where it is off --------------------------------
def game_timeline(municipality: Municipality) -> dict[str, list[tuple[datetime, bool]]]:
    """When each game element was switched, from the audit log (``municipality.settings``)."""
    changes: dict[str, list[tuple[datetime, bool]]] = {name: [] for name in GAME_ELEMENTS}
    entries = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.municipality_id == municipality.id, AuditEntry.action == "municipality.settings")
        .order_by(AuditEntry.at, AuditEntry.id)
    )
    for entry in entries:
        game = entry.details.get("game") if isinstance(entry.details, Mapping) else None
        if isinstance(game, Mapping):
            for name, on in game.items():
                if name in changes:
                    changes[name].append((entry.at, bool(on)))
    return changes


def element_on(
    municipality: Municipality, timeline: Sequence[tuple[datetime, bool]], element: str, moment: datetime
) -> bool:
    """Whether ``element`` was on at ``moment``: the last switch before it; before any recorded switch, its
    default (on, or off for an opt-in element); with no switch recorded at all, the current setting."""
    if not timeline:
        return municipality.game_enabled(element)
    state = element not in OPT_IN
    for at, on in timeline:
        if at > moment:
            break
        state = on
    return state


def game_engagement(municipality: Municipality, result: Reach) -> list[dict[str, Any]]:
    """Per game element and state (on, off): items screened high while it was so, how many were assessed,
    how many with justified directional ratings, and commitments made on them."""
    timeline = game_timeline(municipality)
    out = []
    for element in GAME_ELEMENTS:
        for state in (True, False):
            facts = [
                f
                for f in result.facts
                if f.relevance == "high"
                and element_on(municipality, timeline[element], element, f.first_screened) == state
            ]
            out.append(
                {
                    "element": element,
                    "state": "on" if state else "off",
                    "high": len(facts),
                    "assessed": sum(f.assessed for f in facts),
                    "justified": sum(ratings_complete(f.answers) for f in facts if f.assessed),
                    "commitments": sum(len(f.commitments) for f in facts),
                }
            )
    return out


def share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def publish_open_data(municipality: Municipality, on: bool) -> Municipality:
    """The municipality chooses to publish (or stop publishing) its assessed decisions and commitments."""
    if municipality.publishes_open_data() != on:
        municipality.set_flag("open_data", on)
        audit("municipality.open_data", f"municipality:{municipality.id}", municipality.id, {"on": on})
    db.session.commit()
    return municipality
