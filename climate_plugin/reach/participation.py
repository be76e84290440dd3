"""Who took part: a small registry of participation sources that the picture's "participants" sums.

Each source names, for a set of items, the people who took part in them and in what role. Today's
sources are the records this service keeps (preparers who submitted, commitment owners, coordinators who
reviewed or followed up); a feature with people of its own (climate teams, stakeholders) registers its
source with :func:`participation_source` and is counted everywhere at once.

People are matched by their name as written (case and spacing aside): the pages need no accounts, so a
name is what the records hold.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select

from climate_plugin.db import db
from climate_plugin.models import Assessment, Commitment, FollowUp, Review


@dataclass(frozen=True)
class Participation:
    item_id: int
    #: the person as a key: the name folded to lower case with single spaces
    person: str
    #: "preparer", "commitment_owner", "coordinator", or a role a registered source names
    role: str


Source = Callable[[Sequence[int]], Iterable[Participation]]

#: name → source; the order is the order roles are shown in
SOURCES: dict[str, Source] = {}


def participation_source(name: str) -> Callable[[Source], Source]:
    """Register ``source`` under ``name`` (a repeated name replaces the earlier source)."""

    def register(source: Source) -> Source:
        SOURCES[name] = source
        return source

    return register


def person_key(name: object) -> str | None:
    if not isinstance(name, str):
        return None
    key = " ".join(name.split()).casefold()
    return key or None


def participations(item_ids: Sequence[int]) -> list[Participation]:
    """Everyone who took part in ``item_ids``, from every registered source."""
    if not item_ids:
        return []
    found: list[Participation] = []
    for source in SOURCES.values():
        found.extend(p for p in source(item_ids) if p.person)
    return found


def chunks(ids: Sequence[int], size: int = 500) -> Iterable[Sequence[int]]:
    # IN lists stay well below SQLite's and PostgreSQL's parameter limits
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


@participation_source("preparer")
def _preparers(item_ids: Sequence[int]) -> Iterable[Participation]:
    for chunk in chunks(item_ids):
        rows = db.session.execute(
            select(Assessment.item_id, Assessment.submitted_by).where(
                Assessment.item_id.in_(chunk),
                Assessment.state == "submitted",
                Assessment.source == "preparer",
            )
        )
        for item_id, name in rows:
            key = person_key(name)
            if key:
                yield Participation(item_id, key, "preparer")


@participation_source("commitment_owner")
def _commitment_owners(item_ids: Sequence[int]) -> Iterable[Participation]:
    for chunk in chunks(item_ids):
        for item_id, name in db.session.execute(
            select(Commitment.item_id, Commitment.owner).where(Commitment.item_id.in_(chunk))
        ):
            key = person_key(name)
            if key:
                yield Participation(item_id, key, "commitment_owner")


@participation_source("coordinator")
def _coordinators(item_ids: Sequence[int]) -> Iterable[Participation]:
    for chunk in chunks(item_ids):
        reviews = select(Assessment.item_id, Review.reviewer).join(
            Assessment, Assessment.id == Review.assessment_id
        )
        closed = select(Commitment.item_id, Commitment.closed_by).where(Commitment.closed_by.is_not(None))
        followed = select(FollowUp.item_id, FollowUp.recorded_by).where(FollowUp.recorded_by.is_not(None))
        for stmt, column in (
            (reviews, Assessment.item_id),
            (closed, Commitment.item_id),
            (followed, FollowUp.item_id),
        ):
            for item_id, name in db.session.execute(stmt.where(column.in_(chunk))):
                key = person_key(name)
                if key:
                    yield Participation(item_id, key, "coordinator")
