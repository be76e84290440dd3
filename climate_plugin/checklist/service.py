"""Adding a municipality's next checklist version (an administrator's action, audited)."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError

from climate_plugin.accounts.audit import audit
from climate_plugin.db import db
from climate_plugin.models import ChecklistTemplate, Municipality


def save_checklist_template(
    municipality: Municipality, overrides: Any, created_by: str | None = None
) -> ChecklistTemplate:
    """Add the municipality's next checklist version; bad overrides raise ``ValidationError``
    ``{"overrides": [message]}``."""
    from climate_plugin.checklist.overrides import OverridesError
    from climate_plugin.checklist.store import save_template

    try:
        row = save_template(municipality, overrides, created_by=created_by)
    except OverridesError as exc:
        db.session.rollback()
        raise ValidationError({"overrides": [str(exc)]}) from None
    audit(
        "checklist_template.create", f"checklist_template:{row.id}", municipality.id, {"version": row.version}
    )
    db.session.commit()
    return row
