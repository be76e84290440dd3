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
from climate_plugin.items.listing import STATES, items_query
from climate_plugin.meetings.links import meeting_url
from climate_plugin.models import AgendaItem
from climate_plugin.screening.model import RELEVANCE_LEVELS

PAGE_SIZE = 50


@bp.get("/m/<slug>/items")
@require(*VIEW)
def items(slug: str) -> Any:
    town = municipality_or_404(slug)
    q = request.args.get("q", "").strip()[:200]
    relevance = request.args.get("relevance", "")
    relevance = relevance if relevance in RELEVANCE_LEVELS else ""
    state = request.args.get("state", "")
    state = state if state in STATES else ""
    upcoming = request.args.get("upcoming") == "1"
    try:
        page = max(1, int(request.args.get("page", "1")))
    except ValueError:
        page = 1
    stmt = scoped(items_query(town, q, relevance, state, upcoming), AgendaItem)
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
        if upcoming:
            args["upcoming"] = "1"
        return url_for("admin.items", slug=town.slug, lang=lang(), page=number, **args)

    return render(
        "admin/items.html",
        town,
        items=listed,
        q=q,
        relevance=relevance,
        state=state,
        upcoming=upcoming,
        relevances=RELEVANCE_LEVELS,
        states=STATES,
        total=total,
        page=page,
        last_page=last_page,
        previous_url=page_url(page - 1) if page > 1 else None,
        next_url=page_url(page + 1) if page < last_page else None,
    )
