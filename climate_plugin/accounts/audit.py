"""The audit log: who changed what, and when, with every secret value replaced by "***".

Callers should already pass redacted data (``climate_plugin.connectors.registry.redact`` for connector
configs); the
scrub here is the second line of defence, so that one forgotten redact cannot put a secret in the log.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import click
from flask import has_request_context

from climate_plugin.db import db
from climate_plugin.models.audit_entry import AuditEntry

REDACTED = "***"
#: key names whose values are secrets; "token_id", "expires_at", "secret_rotated_at" and the like are not
_SECRET_KEY = re.compile(
    r"secret|password|passwd|token|(^|[_-])key$|apikey|authorization|credential|private|cookie", re.IGNORECASE
)
_HARMLESS_SUFFIX = re.compile(r"(_id|_ids|_at|_name|_count|_set|_fields)$", re.IGNORECASE)
#: values that are secrets whatever their key: API tokens, Standard Webhooks secrets, bearer headers
_SECRET_VALUE = re.compile(r"^(cpt_|whsec_|Bearer\s)", re.IGNORECASE)


def scrub(value: Any, key: str = "") -> Any:
    """A copy of ``value`` with secret-looking keys and values replaced by "***" (None and "" kept)."""
    if key and _SECRET_KEY.search(key) and not _HARMLESS_SUFFIX.search(key) and value not in (None, ""):
        return REDACTED if not isinstance(value, bool) else value
    if isinstance(value, Mapping):
        return {str(k): scrub(v, str(k)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [scrub(v) for v in value]
    if isinstance(value, str) and _SECRET_VALUE.match(value):
        return REDACTED
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)  # dates and the like: JSON needs a plain value


def _actor() -> str:
    from climate_plugin.accounts.principal import current_principal

    principal = current_principal()
    if principal is not None:
        return principal.actor
    if not has_request_context() and click.get_current_context(silent=True) is not None:
        return "cli"
    return "system"


def audit(
    action: str,
    target: str,
    municipality_id: int | None,
    details: Mapping[str, Any] | None = None,
    *,
    actor: str | None = None,
) -> AuditEntry:
    """Add an audit entry to the session (the caller commits, so the entry and the change land together)."""
    entry = AuditEntry(
        actor=(actor or _actor())[:400],
        municipality_id=municipality_id,
        action=action[:100],
        target=target[:200],
        details=scrub(dict(details or {})),
    )
    db.session.add(entry)
    return entry
