"""What administrators do to a municipality's connectors: one implementation for the admin pages, the REST
API and the CLI, each action recorded in the audit log.

Every function commits. Bad input raises ``marshmallow.ValidationError`` with a message per field
(``{"name": [...]}``, ``{"config": {...}}``); an action that does not fit the record's state raises
:class:`NotPossible`; acting on another municipality raises :class:`NotAllowed`. Secret values are never
passed to ``audit`` nor put into a message.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import Iterable, Mapping
from typing import Any

from marshmallow import ValidationError

from climate_plugin import queue
from climate_plugin.accounts.audit import audit
from climate_plugin.accounts.limits import forget_webhook_limits
from climate_plugin.config import rate_limit
from climate_plugin.connectors.registry import (
    REDACTED,
    UnknownConnectorKind,
    get_connector_class,
    redact,
    split_secrets,
    validate_config,
)
from climate_plugin.db import db
from climate_plugin.hosts import preview
from climate_plugin.hosts.connector import (
    _encryptor,
    create_connector,
    full_config,
    rotate_webhook_secret,
)
from climate_plugin.hosts.preview import ConnectorTest
from climate_plugin.models import Connector as ConnectorRow
from climate_plugin.models import Municipality
from climate_plugin.services import NotAllowed, NotPossible, check_name


def _target(row: ConnectorRow) -> str:
    return f"connector:{row.id}"


def _connector_class(kind: str):
    try:
        return get_connector_class(kind)
    except UnknownConnectorKind as exc:
        raise ValidationError({"kind": [str(exc)]}) from None


# --- connectors -----------------------------------------------------------------------------------
def create_connector_for(
    principal, municipality: Municipality, kind: str, name: str, config: Any
) -> tuple[ConnectorRow, str]:
    """Create a connector of ``municipality``; return it and its webhook secret (show it once only)."""
    if principal is not None and principal.municipality_id not in (None, municipality.id):
        raise NotAllowed("this principal cannot create connectors for another municipality")
    clean_name = check_name(name)
    cls = _connector_class(kind)
    if not isinstance(config, Mapping):
        raise ValidationError({"config": ["must be a JSON object"]})
    try:
        row, secret = create_connector(municipality, kind, clean_name, dict(config))
    except ValidationError as exc:
        raise ValidationError({"config": exc.messages}) from None
    audit(
        "connector.create",
        _target(row),
        municipality.id,
        {"kind": kind, "name": clean_name, "config": redact(cls, validate_config(kind, dict(config)))},
    )
    db.session.commit()
    return row, secret


def _split(path: str) -> tuple[list[str], str]:
    *parents, leaf = path.split(".")
    return parents, leaf


def _holder(config: Any, parents: list[str]) -> dict | None:
    node = config
    for key in parents:
        if not isinstance(node, dict) or not isinstance(node.get(key), dict):
            return None
        node = node[key]
    return node if isinstance(node, dict) else None


def _keep_stored_secrets(
    cls, new: dict, stored: Mapping[str, Any], clear: Iterable[str] = ()
) -> list[str]:
    """Put the stored secret values into ``new`` where it leaves them out; return the paths it changes.

    Secrets are write-only: a client never sees them, so a config sent back without a secret (absent,
    null or the "***" it was shown) means "keep the stored one". A secret whose parent object the new
    config dropped is dropped with it (e.g. switching from bearer to basic auth), and so is one in
    ``clear`` (the admin form's "remove the stored value" box: e.g. switching from bearer to no auth).
    """
    changed = []
    for path in cls.secret_fields:
        parents, leaf = _split(path)
        holder = _holder(new, parents)
        if holder is None:
            continue
        value = holder.get(leaf)
        if path in clear and (value is None or value == REDACTED):
            holder.pop(leaf, None)
            changed.append(path)
        elif value is None or value == REDACTED:
            old = _holder(stored, parents)
            if old is not None and old.get(leaf) is not None:
                holder[leaf] = old[leaf]
            else:
                holder.pop(leaf, None)
        else:
            changed.append(path)
    return changed


def update_connector(
    row: ConnectorRow, name: str | None = None, config: Any = None, clear_secrets: Iterable[str] = ()
) -> ConnectorRow:
    """Rename and/or replace the config; secrets left out of ``config`` keep their stored values, except
    those named in ``clear_secrets`` (dotted paths), which are removed."""
    details: dict[str, Any] = {}
    if name is not None:
        clean_name = check_name(name)
        if clean_name != row.name:
            details["name"] = {"from": row.name, "to": clean_name}
            row.name = clean_name
    if config is not None:
        if not isinstance(config, Mapping):
            raise ValidationError({"config": ["must be a JSON object"]})
        cls = _connector_class(row.kind)
        new = copy.deepcopy(dict(config))
        secrets_changed = _keep_stored_secrets(cls, new, full_config(row), set(clear_secrets))
        try:
            clean = validate_config(row.kind, new)
        except ValidationError as exc:
            db.session.rollback()
            raise ValidationError({"config": exc.messages}) from None
        public, secret_values = split_secrets(cls, clean)
        row.config = public
        row.secrets_encrypted = _encryptor().encrypt(json.dumps(secret_values)) if secret_values else None
        details["config"] = redact(cls, clean)
        if secrets_changed:
            details["changed_secret_fields"] = secrets_changed
    if details:
        audit("connector.update", _target(row), row.municipality_id, details)
    db.session.commit()
    return row


def set_webhook_rate_limit(row: ConnectorRow, limit: str | None) -> ConnectorRow:
    """Give the connector's host its own webhook rate (a backlog replayed at once needs more than the
    deployment's default), or None to go back to CLIMATE_PLUGIN_WEBHOOK_RATE_LIMIT."""
    limit = (limit or "").strip() or None
    if limit is not None:
        try:
            rate_limit(limit)
        except ValueError as exc:
            raise ValidationError({"webhook_rate_limit": [str(exc)]}) from None
        if len(limit) > 100:
            raise ValidationError({"webhook_rate_limit": ["at most 100 characters"]})
    if row.webhook_rate_limit != limit:
        previous = row.webhook_rate_limit
        row.webhook_rate_limit = limit
        audit(
            "connector.webhook_rate_limit",
            _target(row),
            row.municipality_id,
            {"previous": previous, "limit": limit},
        )
    db.session.commit()
    forget_webhook_limits()
    return row


def set_enabled(row: ConnectorRow, enabled: bool) -> ConnectorRow:
    if row.enabled != bool(enabled):
        row.enabled = bool(enabled)
        audit("connector.enable" if enabled else "connector.disable", _target(row), row.municipality_id)
    db.session.commit()
    return row


def _scrub(message: str, row: ConnectorRow) -> str:
    """A host's error text can echo what was sent (a URL with an API key): blank every secret value."""
    try:
        cls = get_connector_class(row.kind)
        config = full_config(row)
    except Exception:
        return message
    for path in cls.secret_fields:
        parents, leaf = _split(path)
        holder = _holder(config, parents)
        value = holder.get(leaf) if holder else None
        if isinstance(value, str) and len(value) >= 4:
            message = message.replace(value, REDACTED)
    return message


def test_connector(row: ConnectorRow, external_id: str | None = None) -> ConnectorTest:
    """Reach the host and read one real item with the stored config (``external_id``, or a sample); the
    result says what was read, or which setting to change. Audited; secrets blanked from the host's words.
    """
    result = preview.run(row, external_id)
    if result.detail:
        result = dataclasses.replace(result, detail=_scrub(result.detail, row))
    audit(
        "connector.test",
        _target(row),
        row.municipality_id,
        {
            "ok": result.ok,
            "problem": result.problem,
            "setting": result.setting,
            "item": result.external_id,
            "message": result.message("en")[:500],
        },
    )
    db.session.commit()
    return result


def rotate_secret(row: ConnectorRow) -> str:
    """A new webhook secret (show it once only); the old one keeps verifying for a grace period."""
    secret = rotate_webhook_secret(row)
    audit(
        "connector.rotate_secret",
        _target(row),
        row.municipality_id,
        {"previous_valid_until": row.previous_secret_expires_at.isoformat()},
    )
    db.session.commit()
    return secret


def sync_now(row: ConnectorRow) -> None:
    """Hand a poll of the connector to the worker (it resumes where the last poll stopped)."""
    try:
        polls = get_connector_class(row.kind).capabilities.poll
    except UnknownConnectorKind as exc:
        raise NotPossible(str(exc)) from None
    if not polls:
        raise NotPossible(f"{row.kind} connectors cannot be polled: their host pushes webhooks")
    if not row.enabled:
        raise NotPossible("the connector is disabled; enable it first")
    audit("connector.sync", _target(row), row.municipality_id)
    queue.enqueue_after_commit("poll_connector", row.id)
    db.session.commit()
