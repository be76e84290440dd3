"""The items list in /admin: a municipality's agenda items, searched by title and filtered by the
screening's relevance and the assessment's state, a page at a time, each linking to its checklist and
its meeting view (the signed links the host shows)."""

from __future__ import annotations

from typing import Any

from flask import current_app, request, url_for
from sqlalchemy import func, select

from climate_plugin.accounts import require, scoped
from climate_plugin.admin.pages import VIEW, bp, lang, municipality_or_404, render
from climate_plugin.assessments.links import checklist_url
from climate_plugin.db import db
from climate_plugin.meetings.links import meeting_url
from climate_plugin.models import AgendaItem, Assessment, Connector
from climate_plugin.screening.model import RELEVANCE_LEVELS

PAGE_SIZE = 50
#: the assessment states a list can be filtered by; "review": waiting for the climate coordinator
STATES = ("screened", "draft", "submitted", "review")


def _latest(column: Any) -> Any:
    """``column`` of the item's latest assessment revision, as a correlated subquery."""
    return (
        select(column)
        .where(Assessment.item_id == AgendaItem.id)
        .order_by(Assessment.revision.desc())
        .limit(1)
        .scalar_subquery()
    )


def items_query(municipality_id: int, q: str = "", relevance: str = "", state: str = "") -> Any:
    """The municipality's live items matching the filters, newest meeting first."""
    stmt = (
        select(AgendaItem)
        .join(Connector, AgendaItem.connector_id == Connector.id)
        .where(Connector.municipality_id == municipality_id, AgendaItem.deleted_at.is_(None))
    )
    if q:
        stmt = stmt.where(AgendaItem.title.contains(q, autoescape=True))
    if relevance in RELEVANCE_LEVELS:
        stmt = stmt.where(_latest(Assessment.relevance) == relevance)
    if state == "review":
        stmt = stmt.where(_latest(Assessment.needs_review).is_(True))
    elif state in STATES:
        stmt = stmt.where(_latest(Assessment.state) == state)
    return stmt


@bp.get("/m/<slug>/items")
@require(*VIEW)
def items(slug: str) -> Any:
    town = municipality_or_404(slug)
    q = request.args.get("q", "").strip()[:200]
    relevance = request.args.get("relevance", "")
    relevance = relevance if relevance in RELEVANCE_LEVELS else ""
    state = request.args.get("state", "")
    state = state if state in STATES else ""
    try:
        page = max(1, int(request.args.get("page", "1")))
    except ValueError:
        page = 1
    stmt = scoped(items_query(town.id, q, relevance, state), AgendaItem)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    last_page = max(1, -(-total // PAGE_SIZE))
    page = min(page, last_page)
    ordered = stmt.order_by(AgendaItem.meeting_date.desc().nulls_last(), AgendaItem.id.desc())
    rows = db.session.scalars(ordered.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()

    base = current_app.config["PUBLIC_URL"]
    meetings: dict[tuple[int, str], str | None] = {}
    listed = []
    for item in rows:
        key = (item.connector_id, item.meeting or "")
        if item.meeting and key not in meetings:
            try:
                meetings[key] = meeting_url(item.connector_id, item.meeting, base)
            except ValueError:
                meetings[key] = None
        listed.append(
            {
                "item": item,
                "assessment": item.current_assessment,
                "checklist_url": checklist_url(item, base),
                "meeting_url": meetings.get(key) if item.meeting else None,
            }
        )

    def page_url(number: int) -> str:
        args = {k: v for k, v in (("q", q), ("relevance", relevance), ("state", state)) if v}
        return url_for("admin.items", slug=town.slug, lang=lang(), page=number, **args)

    return render(
        "admin/items.html",
        town,
        items=listed,
        q=q,
        relevance=relevance,
        state=state,
        relevances=RELEVANCE_LEVELS,
        states=STATES,
        total=total,
        page=page,
        last_page=last_page,
        previous_url=page_url(page - 1) if page > 1 else None,
        next_url=page_url(page + 1) if page < last_page else None,
    )
