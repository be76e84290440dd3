"""Measures of a municipality's climate programme and their links: the one place that changes them (imports,
a team's proposal, links to decisions, commitments and solutions), each change in the audit log.

Imports match rows on ``identifier`` within the municipality: a new identifier is created, a known one is
updated when a field differs, so importing the same file twice creates and changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from climate_plugin.accounts.audit import audit
from climate_plugin.db import db
from climate_plugin.models import AgendaItem, Commitment, Measure, MeasureLink, Municipality, Solution
from climate_plugin.models._types import utcnow
from climate_plugin.models.measure import CSV, KAUSAL, TEAM
from climate_plugin.models.measure_link import EFFECTS
from climate_plugin.services import NotPossible

FIELDS: tuple[str, ...] = (
    "identifier",
    "title",
    "sector",
    "responsible_body",
    "indicator",
    "target",
    "status",
)
MAX_LENGTH = {
    "identifier": 100,
    "title": 1000,
    "sector": 200,
    "responsible_body": 500,
    "indicator": 1000,
    "target": 1000,
    "status": 100,
}
MAX_NOTE = 2000


class ProgrammeInputError(ValueError):
    """A source's data cannot be imported (the message says where and why, in one line)."""


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def as_json(self) -> dict[str, int]:
        """What the import command prints: exactly ``{"created", "updated"}``."""
        return {"created": self.created, "updated": self.updated}


def check_row(raw: Mapping[str, Any], where: str) -> dict[str, str]:
    """One measure's fields, trimmed and checked; raises ProgrammeInputError naming ``where``."""
    row: dict[str, str] = {}
    for name in FIELDS:
        value = raw.get(name)
        value = "" if value is None else value
        if not isinstance(value, str):
            raise ProgrammeInputError(f"{where}: {name} must be text")
        value = " ".join(value.split())  # line breaks inside a quoted cell become spaces
        if len(value) > MAX_LENGTH[name]:
            raise ProgrammeInputError(f"{where}: {name} is longer than {MAX_LENGTH[name]} characters")
        row[name] = value
    for name in ("identifier", "title"):
        if not row[name]:
            raise ProgrammeInputError(f"{where}: {name} is empty")
    return row


def _target(measure: Measure) -> str:
    return f"measure:{measure.id}"


def measures_of(municipality: Municipality) -> list[Measure]:
    stmt = select(Measure).where(Measure.municipality_id == municipality.id).order_by(Measure.identifier)
    return list(db.session.scalars(stmt))


def import_measures(
    municipality: Municipality,
    rows: Iterable[Mapping[str, str]],
    *,
    source: str = CSV,
    source_ref: str | None = None,
    urls: Mapping[str, str | None] | None = None,
) -> ImportResult:
    """Create or update the municipality's measures from checked rows (``check_row``); commits.

    For a Kausal Watch plan (``source_ref`` names endpoint and plan), the plan's measures that the plan no
    longer lists are marked ``missing_since`` (never deleted: decisions may be linked to them).
    """
    now = utcnow()
    urls = urls or {}
    existing = {m.identifier: m for m in measures_of(municipality)}
    result = ImportResult()
    seen: set[str] = set()
    for row in rows:
        identifier = row["identifier"]
        seen.add(identifier)
        measure = existing.get(identifier)
        values = {name: row[name] for name in FIELDS}
        url = urls.get(identifier)
        if measure is None:
            measure = Measure(
                municipality_id=municipality.id,
                source=source,
                source_ref=source_ref,
                url=url,
                synced_at=now,
                **values,
            )
            db.session.add(measure)
            existing[identifier] = measure
            result.created += 1
            continue
        changed = any(getattr(measure, name) != value for name, value in values.items())
        changed = changed or measure.missing_since is not None or (url is not None and measure.url != url)
        if measure.source == TEAM and source != TEAM:
            changed = True  # a team's proposal the programme now lists: it is the programme's measure now
        if changed:
            for name, value in values.items():
                setattr(measure, name, value)
            measure.source, measure.source_ref, measure.missing_since = source, source_ref, None
            if url is not None:
                measure.url = url
            result.updated += 1
        else:
            result.unchanged += 1
        measure.synced_at = now
    if source == KAUSAL and source_ref:
        for measure in existing.values():
            if (
                measure.source_ref == source_ref
                and measure.identifier not in seen
                and not measure.missing_since
            ):
                measure.missing_since = now
                result.updated += 1
    audit(
        "programme.import",
        f"municipality:{municipality.id}",
        municipality.id,
        {"source": source, "source_ref": source_ref, **result.as_json(), "unchanged": result.unchanged},
    )
    db.session.commit()
    return result


def propose_measure(
    municipality: Municipality, title: str, sector: str, responsible_body: str, identifier: str
) -> Measure:
    """A measure a climate team proposes for the programme (status "proposed"); the caller commits."""
    row = check_row(
        {
            "identifier": identifier,
            "title": title,
            "sector": sector,
            "responsible_body": responsible_body,
            "status": "proposed",
        },
        "the proposed measure",
    )
    if db.session.scalar(
        select(Measure.id).where(Measure.municipality_id == municipality.id, Measure.identifier == identifier)
    ):
        raise NotPossible(f"the programme has a measure {identifier!r} already")
    measure = Measure(municipality_id=municipality.id, source=TEAM, **row)
    db.session.add(measure)
    db.session.flush()
    audit("programme.propose", _target(measure), municipality.id, {"identifier": identifier, "title": title})
    return measure


def link_measure(
    measure: Measure,
    *,
    effect: str,
    item: AgendaItem | None = None,
    commitment: Commitment | None = None,
    solution: Solution | None = None,
    note: str = "",
    actor: str = "",
) -> MeasureLink:
    """Link a decision (item), a commitment or a solution of the measure's municipality to the measure, as
    advancing it or conflicting with it; a second link of the same subject changes the first. Commits."""
    if effect not in EFFECTS:
        raise NotPossible(f"effect must be one of {', '.join(EFFECTS)}")
    subjects = [s for s in (item, commitment, solution) if s is not None]
    if len(subjects) != 1:
        raise NotPossible("link exactly one decision, commitment or solution")
    if not isinstance(note, str) or len(note.strip()) > MAX_NOTE:
        raise NotPossible(f"the note is at most {MAX_NOTE} characters")
    owner = (
        item.connector.municipality_id
        if item is not None
        else commitment.municipality_id
        if commitment is not None
        else solution.municipality_id  # type: ignore[union-attr]
    )
    if owner != measure.municipality_id:
        raise NotPossible("the measure and what is linked to it belong to different municipalities")
    conditions = [MeasureLink.measure_id == measure.id]
    for column, subject in (
        (MeasureLink.item_id, item),
        (MeasureLink.commitment_id, commitment),
        (MeasureLink.solution_id, solution),
    ):
        conditions.append(column == subject.id if subject is not None else column.is_(None))
    stmt = select(MeasureLink).where(*conditions)
    link = db.session.scalar(stmt)
    if link is None:
        link = MeasureLink(
            measure_id=measure.id,
            municipality_id=measure.municipality_id,
            item_id=item.id if item else None,
            commitment_id=commitment.id if commitment else None,
            solution_id=solution.id if solution else None,
            effect=effect,
            note=note.strip(),
            created_by=actor[:400],
        )
        db.session.add(link)
    else:
        link.effect, link.note = effect, note.strip()
    db.session.flush()
    audit(
        "programme.link",
        _target(measure),
        measure.municipality_id,
        {"link_id": link.id, "kind": link.kind, "subject_id": subjects[0].id, "effect": effect},
    )
    db.session.commit()
    return link


def links_of(measure: Measure) -> list[MeasureLink]:
    stmt = select(MeasureLink).where(MeasureLink.measure_id == measure.id).order_by(MeasureLink.id)
    return list(db.session.scalars(stmt))


def measures_linked(
    *, item_id: int | None = None, solution_id: int | None = None, commitment_id: int | None = None
) -> list[MeasureLink]:
    """The links of one subject to measures (a solution's, an item's), oldest first."""
    stmt = select(MeasureLink)
    if item_id is not None:
        stmt = stmt.where(MeasureLink.item_id == item_id)
    if solution_id is not None:
        stmt = stmt.where(MeasureLink.solution_id == solution_id)
    if commitment_id is not None:
        stmt = stmt.where(MeasureLink.commitment_id == commitment_id)
    return list(db.session.scalars(stmt.order_by(MeasureLink.id)))
