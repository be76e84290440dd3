"""The audit log of a municipality: the most recent entries (who, what, when; never a secret value)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from climate_plugin.accounts import require, scoped
from climate_plugin.admin.pages import VIEW, bp, municipality_or_404, render
from climate_plugin.db import db
from climate_plugin.models import AuditEntry

SHOWN = 200


@bp.get("/m/<slug>/audit")
@require(*VIEW)
def audit(slug: str) -> Any:
    town = municipality_or_404(slug)
    rows = db.session.scalars(
        scoped(
            select(AuditEntry)
            .where(AuditEntry.municipality_id == town.id)
            .order_by(AuditEntry.id.desc())
            .limit(SHOWN),
            AuditEntry,
        )
    ).all()
    entries = [
        {
            "at": row.at,
            "actor": row.actor,
            "action": row.action,
            "target": row.target,
            # already scrubbed of secrets when stored (climate_plugin.accounts.audit)
            "details": json.dumps(row.details, ensure_ascii=False, sort_keys=True) if row.details else "",
        }
        for row in rows
    ]
    return render("admin/audit.html", town, entries=entries, shown=SHOWN)
