"""What administrators do to connectors, deliveries and write-backs: one implementation for the REST API
(climate_plugin/api/) and the admin pages, each action recorded in the audit log.

Every function commits. Bad input raises ``marshmallow.ValidationError`` with a message per field
(``{"name": [...]}``, ``{"config": {...}}``); an action that does not fit the record's state raises
:class:`NotPossible`; acting on another municipality raises :class:`NotAllowed`. Secret values are never
passed to ``audit`` nor put into a message.
"""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import Mapping
from typing import Any

from marshmallow import ValidationError

from climate_plugin import queue
from climate_plugin.connector_service import (
    _encryptor,
    build_connector,
    create_connector,
    full_config,
    rotate_webhook_secret,
)
from climate_plugin.db import db
from climate_plugin.models import ApiToken, ChecklistTemplate, Delivery, Municipality, User, WriteBack
from climate_plugin.models import Connector as ConnectorRow
from climate_plugin.models import delivery as delivery_status
from climate_plugin.models import write_back as write_back_status
from climate_plugin.models._types import utcnow
from connectors.registry import (
    REDACTED,
    UnknownConnectorKind,
    get_connector_class,
    redact,
    split_secrets,
    validate_config,
)

log = logging.getLogger(__name__)

NAME_MAX = 200  # Connector.name is VARCHAR(200)


class NotPossible(Exception):
    """The action does not fit the record's current state (e.g. retrying a write-back that was sent)."""


class NotAllowed(PermissionError):
    """The principal may not act on this municipality."""


def _audit(action: str, target: str, municipality_id: int | None, details: dict | None = None) -> None:
    # Imported here: climate_plugin.auth imports the models, and this module is imported by the API early.
    from climate_plugin.auth import audit

    audit(action, target, municipality_id, details)


def _target(row: ConnectorRow) -> str:
    return f"connector:{row.id}"


def _check_name(name: Any) -> str:
    if not isinstance(name, str) or not name.strip():
        raise ValidationError({"name": ["must not be empty"]})
    if len(name.strip()) > NAME_MAX:
        raise ValidationError({"name": [f"at most {NAME_MAX} characters"]})
    return name.strip()


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
    clean_name = _check_name(name)
    cls = _connector_class(kind)
    if not isinstance(config, Mapping):
        raise ValidationError({"config": ["must be a JSON object"]})
    try:
        row, secret = create_connector(municipality, kind, clean_name, dict(config))
    except ValidationError as exc:
        raise ValidationError({"config": exc.messages}) from None
    _audit(
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


def _keep_stored_secrets(cls, new: dict, stored: Mapping[str, Any]) -> list[str]:
    """Put the stored secret values into ``new`` where it leaves them out; return the paths it changes.

    Secrets are write-only: a client never sees them, so a config sent back without a secret (absent,
    null or the "***" it was shown) means "keep the stored one". A secret whose parent object the new
    config dropped is dropped with it (e.g. switching from bearer to basic auth).
    """
    changed = []
    for path in cls.secret_fields:
        parents, leaf = _split(path)
        holder = _holder(new, parents)
        if holder is None:
            continue
        value = holder.get(leaf)
        if value is None or value == REDACTED:
            old = _holder(stored, parents)
            if old is not None and old.get(leaf) is not None:
                holder[leaf] = old[leaf]
            else:
                holder.pop(leaf, None)
        else:
            changed.append(path)
    return changed


def update_connector(row: ConnectorRow, name: str | None = None, config: Any = None) -> ConnectorRow:
    """Rename and/or replace the config; secrets left out of ``config`` keep their stored values."""
    details: dict[str, Any] = {}
    if name is not None:
        clean_name = _check_name(name)
        if clean_name != row.name:
            details["name"] = {"from": row.name, "to": clean_name}
            row.name = clean_name
    if config is not None:
        if not isinstance(config, Mapping):
            raise ValidationError({"config": ["must be a JSON object"]})
        cls = _connector_class(row.kind)
        new = copy.deepcopy(dict(config))
        secrets_changed = _keep_stored_secrets(cls, new, full_config(row))
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
        _audit("connector.update", _target(row), row.municipality_id, details)
    db.session.commit()
    return row


def set_enabled(row: ConnectorRow, enabled: bool) -> ConnectorRow:
    if row.enabled != bool(enabled):
        row.enabled = bool(enabled)
        _audit("connector.enable" if enabled else "connector.disable", _target(row), row.municipality_id)
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


def test_connector(row: ConnectorRow) -> tuple[bool, str]:
    """Whether the host can be reached with the stored config: ``(True, "ok")`` or ``(False, problem)``."""
    try:
        build_connector(row).test_connection()
        ok, message = True, "ok"
    except UnknownConnectorKind as exc:
        ok, message = False, str(exc)
    except Exception as exc:  # whatever the connector raised, the administrator gets one plain line
        ok, message = False, _scrub(f"{type(exc).__name__}: {exc}", row)[:500]
    _audit("connector.test", _target(row), row.municipality_id, {"ok": ok, "message": message})
    db.session.commit()
    return ok, message


def rotate_secret(row: ConnectorRow) -> str:
    """A new webhook secret (show it once only); the old one keeps verifying for a grace period."""
    secret = rotate_webhook_secret(row)
    _audit(
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
    _audit("connector.sync", _target(row), row.municipality_id)
    db.session.commit()
    queue.enqueue("poll_connector", row.id)


# --- deliveries and write-backs -------------------------------------------------------------------
def redeliver(delivery: Delivery) -> Delivery:
    """Process a stored delivery again from the start (its raw body is kept for this)."""
    if delivery.status == delivery_status.PROCESSING:
        raise NotPossible("the delivery is being processed right now")
    previous = delivery.status
    delivery.status = delivery_status.RECEIVED
    delivery.attempts = 0
    delivery.last_error = None
    delivery.processed_at = None
    delivery.enqueued_at = utcnow()
    _audit(
        "delivery.redeliver",
        f"delivery:{delivery.id}",
        delivery.connector.municipality_id,
        {"previous_status": previous, "connector_id": delivery.connector_id},
    )
    db.session.commit()
    try:
        queue.enqueue("process_delivery", delivery.id)
    except Exception:  # stored as received: the sweeper hands it over once the broker is back
        log.warning("could not enqueue delivery %s; the sweeper will retry", delivery.id, exc_info=True)
    return delivery


def retry_write_back(write_back: WriteBack) -> WriteBack:
    """Send a failed climate block again (a newer block for the item supersedes it instead)."""
    if write_back.status != write_back_status.FAILED:
        raise NotPossible(f"only a failed write-back can be retried; this one is {write_back.status}")
    write_back.status = write_back_status.PENDING
    write_back.attempts = 0
    write_back.enqueued_at = utcnow()
    _audit(
        "write_back.retry",
        f"write_back:{write_back.id}",
        write_back.item.connector.municipality_id,
        {"item_id": write_back.item_id},
    )
    db.session.commit()
    try:
        queue.enqueue("send_write_back", write_back.id)
    except Exception:
        log.warning("could not enqueue write-back %s; the sweeper will retry", write_back.id, exc_info=True)
    return write_back


# --- checklist templates --------------------------------------------------------------------------
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
    _audit(
        "checklist_template.create", f"checklist_template:{row.id}", municipality.id, {"version": row.version}
    )
    db.session.commit()
    return row


# --- users and API tokens -------------------------------------------------------------------------
#: how long an API token lives when its creator does not say (climate_plugin.auth.tokens.DEFAULT_DAYS)
TOKEN_DAYS_DEFAULT = 90


def _grant(principal, role: str, municipality_id: int | None) -> None:
    """A role may only be handed out within the granter's reach (climate_plugin.auth.users.check_grant)."""
    from climate_plugin.auth import ROLES
    from climate_plugin.auth.users import check_grant

    if role not in ROLES:
        raise ValidationError({"role": [f"must be one of: {', '.join(ROLES)}"]})
    try:
        check_grant(principal, role, municipality_id)
    except PermissionError as exc:
        raise NotAllowed(str(exc)) from None


def _user_error(exc) -> ValidationError:
    field = {"municipality": "municipality_id"}.get(exc.field, exc.field)
    return ValidationError({field: [str(exc)]})


def create_user(principal, email: str, name: str, role: str, municipality_id: int | None) -> User:
    """A person for the admin pages, without a password (set by `climate-plugin user` or single sign-on)."""
    from climate_plugin.auth import users

    _grant(principal, role, municipality_id)
    municipality = db.session.get(Municipality, municipality_id) if municipality_id is not None else None
    try:
        user = users.create_user(municipality, email, name, role)  # audits "user.create"
    except users.UserError as exc:
        db.session.rollback()
        raise _user_error(exc) from None
    db.session.commit()
    return user


def update_user(
    principal, user: User, role: str | None = None, active: bool | None = None, name: str | None = None
) -> User:
    """Change a person's role, name or whether they may sign in (never the password: see the CLI)."""
    from climate_plugin.auth import users

    if name is not None:
        clean = _check_name(name)
        if clean != user.name:
            change = {"name": {"from": user.name, "to": clean}}
            _audit("user.update", f"user:{user.id}", user.municipality_id, change)
            user.name = clean
    if role is not None and role != user.role:
        _grant(principal, role, user.municipality_id)
        try:
            users.set_role(user, role)  # audits "user.role"
        except users.UserError as exc:
            db.session.rollback()
            raise _user_error(exc) from None
    if active is not None and bool(active) != user.active:
        if principal is not None and principal.kind == "user" and principal.id == user.id and not active:
            db.session.rollback()
            raise NotPossible("you cannot deactivate yourself")
        users.set_active(user, bool(active))  # audits "user.activate" / "user.deactivate"
    db.session.commit()
    return user


def create_token(
    principal, name: str, role: str, municipality_id: int | None, days: int = TOKEN_DAYS_DEFAULT
) -> tuple[ApiToken, str]:
    """A new API token: the row and the token itself (shown once; only its SHA-256 is stored)."""
    from climate_plugin.auth import tokens

    clean_name = _check_name(name)
    if not isinstance(days, int) or not 1 <= days <= tokens.MAX_DAYS:
        raise ValidationError({"expires_in_days": [f"from 1 to {tokens.MAX_DAYS}"]})
    _grant(principal, role, municipality_id)
    municipality = db.session.get(Municipality, municipality_id) if municipality_id is not None else None
    try:
        row, token = tokens.create_token(municipality, role, clean_name, days)
    except tokens.TokenError as exc:
        db.session.rollback()
        field = "municipality_id" if "municipality" in str(exc) else "role"
        raise ValidationError({field: [str(exc)]}) from None
    # tokens.create_token records "token.create" in the audit log itself
    db.session.commit()
    return row, token


def revoke_token(token_row) -> Any:
    from climate_plugin.auth import tokens

    tokens.revoke(token_row)  # records "token.revoke" in the audit log, once
    db.session.commit()
    return token_row
