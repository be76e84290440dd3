"""Which of a municipality's items a list shows: by title, by the screening's relevance, by the state of the
assessment, and whether their meeting is still ahead. The admin items list and the overview's counts use
the same query, so a count and the list it links to always agree."""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, or_, select

from climate_plugin.dates import local_today, zone_of
from climate_plugin.models import AgendaItem, Assessment, Connector, Municipality, Review
from climate_plugin.screening.model import RELEVANCE_LEVELS

#: screened (not assessed), draft, submitted; open: not submitted yet (screened or draft); review:
#: escalated to the climate coordinator and not reviewed yet
STATES = ("screened", "draft", "submitted", "open", "review")


def _latest(column: Any) -> Any:
    """``column`` of the item's latest assessment revision, as a correlated subquery."""
    return (
        select(column)
        .where(Assessment.item_id == AgendaItem.id)
        .order_by(Assessment.revision.desc())
        .limit(1)
        .correlate(AgendaItem)  # also from inside the EXISTS of "review", two levels down
        .scalar_subquery()
    )


def items_query(
    municipality: Municipality, q: str = "", relevance: str = "", state: str = "", upcoming: bool = False
) -> Any:
    """The municipality's live items matching the filters (unordered)."""
    stmt = (
        select(AgendaItem)
        .join(Connector, AgendaItem.connector_id == Connector.id)
        .where(Connector.municipality_id == municipality.id, AgendaItem.deleted_at.is_(None))
    )
    if q:
        stmt = stmt.where(AgendaItem.title.contains(q, autoescape=True))
    if relevance in RELEVANCE_LEVELS:
        stmt = stmt.where(_latest(Assessment.relevance) == relevance)
    if state == "review":
        latest_id = _latest(Assessment.id)
        stmt = stmt.where(
            _latest(Assessment.needs_review).is_(True),
            ~exists().where(Review.assessment_id == latest_id),
        )
    elif state == "open":
        stmt = stmt.where(or_(_latest(Assessment.state).is_(None), _latest(Assessment.state) != "submitted"))
    elif state in STATES:
        stmt = stmt.where(_latest(Assessment.state) == state)
    if upcoming:
        stmt = stmt.where(AgendaItem.meeting_date >= local_today(zone_of(municipality)))
    return stmt
