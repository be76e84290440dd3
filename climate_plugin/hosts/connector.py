"""Creating, configuring and instantiating connectors; the only code that handles their secrets."""

from __future__ import annotations

import fcntl
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select, text, update

from climate_plugin.connectors.base import Connector
from climate_plugin.connectors.common.signature import new_webhook_secret
from climate_plugin.connectors.registry import (
    get_connector_class,
    merge_secrets,
    split_secrets,
    validate_config,
)
from climate_plugin.db import db
from climate_plugin.encryption import DecryptionError, Encryptor
from climate_plugin.models import Connector as ConnectorRow
from climate_plugin.models import Municipality
from climate_plugin.models._types import utcnow

#: how long the secret before a rotation keeps verifying, so senders can switch over without downtime
PREVIOUS_SECRET_GRACE = timedelta(hours=24)


def _encryptor() -> Encryptor:
    return current_app.extensions["climate_plugin.encryptor"]


def create_connector(
    municipality: Municipality, kind: str, name: str, config: dict
) -> tuple[ConnectorRow, str]:
    """Validate ``config`` with the kind's schema and store it; return the row and its webhook secret.

    Raises ``climate_plugin.connectors.registry.UnknownConnectorKind`` or ``marshmallow.ValidationError``.
    """
    cls = get_connector_class(kind)
    clean = validate_config(kind, config)
    public, secrets = split_secrets(cls, clean)
    webhook_secret = new_webhook_secret()
    row = ConnectorRow(
        municipality=municipality,
        kind=kind,
        name=name,
        config=public,
        secrets_encrypted=_encryptor().encrypt(json.dumps(secrets)) if secrets else None,
        webhook_secret_encrypted=_encryptor().encrypt(webhook_secret),
    )
    db.session.add(row)
    db.session.commit()
    return row, webhook_secret


def rotate_webhook_secret(row: ConnectorRow, now: datetime | None = None) -> str:
    """Issue a new webhook secret; the current one stays valid for :data:`PREVIOUS_SECRET_GRACE`."""
    now = now or utcnow()
    secret = new_webhook_secret()
    row.previous_webhook_secret_encrypted = row.webhook_secret_encrypted
    row.previous_secret_expires_at = now + PREVIOUS_SECRET_GRACE
    row.webhook_secret_encrypted = _encryptor().encrypt(secret)
    db.session.commit()
    return secret


def webhook_secrets(row: ConnectorRow, now: datetime | None = None) -> list[str]:
    """The secrets a webhook may be signed with right now: current first, then the previous one."""
    previous = row.previous_webhook_secret_encrypted
    return _valid_secrets(
        _encryptor().decrypt(row.webhook_secret_encrypted),
        _encryptor().decrypt(previous) if previous else None,
        row.previous_secret_expires_at,
        now,
    )


def _valid_secrets(current: str, previous: str | None, expires: datetime | None, now=None) -> list[str]:
    now = now or utcnow()
    return [current, previous] if previous and expires and now < expires else [current]


def full_config(row: ConnectorRow) -> dict:
    """The connector's config with its secret values decrypted: for the connector only, never shown."""
    try:
        secrets = json.loads(_encryptor().decrypt(row.secrets_encrypted)) if row.secrets_encrypted else {}
    except DecryptionError:
        raise DecryptionError(unreadable_message(row, ["its credentials"])) from None
    return merge_secrets(row.config, secrets)


# --- secrets no configured key can read -----------------------------------------------------------
def secrets_readable(row, now: datetime | None = None) -> dict[str, bool]:
    """Whether a key in CLIMATE_PLUGIN_ENCRYPTION_KEYS decrypts each of the connector's stored secrets, by
    name ("its credentials", "its webhook secret", …). ``row``: an ORM or a Core row."""
    now = now or utcnow()
    stored = [
        ("its credentials", row.secrets_encrypted),
        ("its webhook secret", row.webhook_secret_encrypted),
    ]
    if row.previous_secret_expires_at is not None and now < row.previous_secret_expires_at:
        stored.append(("its previous webhook secret", row.previous_webhook_secret_encrypted))
    readable = {}
    for name, token in stored:
        if not token:
            continue
        try:
            _encryptor().decrypt(token)
            readable[name] = True
        except DecryptionError:
            readable[name] = False
    return readable


def unreadable_message(row, which: list[str]) -> str:
    """What to tell an operator about a connector whose secrets cannot be decrypted, and what to do."""
    return (
        f"connector {row.id} ({row.name!r}): {' and '.join(which)} cannot be decrypted with the keys in "
        "CLIMATE_PLUGIN_ENCRYPTION_KEYS; add the key they were encrypted with (after the newest one), or "
        f"enter them again (`climate-plugin connector rotate-secret {row.id}` for a webhook secret)"
    )


def build_connector(row: ConnectorRow) -> Connector:
    cls = get_connector_class(row.kind)
    connector = cls(full_config(row), current_app.extensions["climate_plugin.outbound"])
    if hasattr(connector, "secret_store"):  # a kind that rotates its own secrets (Ahjo's refresh tokens)
        connector.secret_store = StoredSecrets(row)
    return connector


#: connectors built for the webhook path, keyed by everything they are built from (see inbound_connector)
_INBOUND_CACHE_SIZE = 256


def inbound_connector(row, version: str | None = None) -> tuple[Connector, list[str]]:
    """The connector and its currently valid webhook secrets, for verifying and parsing a webhook.

    ``row`` is a connector row (ORM object or Core row). Building a connector means a schema load and
    decryptions, which would dominate the webhook path; the result is cached per process under a key made
    of every column it depends on, so a changed config or a rotated secret is seen on the next request.
    ``version``: the row's version as PostgreSQL gives it (``xmin``, changed by every UPDATE of the row),
    which then is the key: making the key of the columns costs a JSON encoding of the config per webhook.
    """
    cache: dict = current_app.extensions.setdefault("climate_plugin.inbound_connectors", {})
    key = (
        (row.id, version)
        if version is not None
        else (
            row.id,
            row.kind,
            json.dumps(row.config, sort_keys=True),
            row.secrets_encrypted,
            row.webhook_secret_encrypted,
            row.previous_webhook_secret_encrypted,
        )
    )
    built = cache.get(key)
    if built is None:
        try:
            current = _encryptor().decrypt(row.webhook_secret_encrypted)
        except DecryptionError:
            raise DecryptionError(unreadable_message(row, ["its webhook secret"])) from None
        try:
            previous = (
                _encryptor().decrypt(row.previous_webhook_secret_encrypted)
                if row.previous_webhook_secret_encrypted
                else None
            )
        except DecryptionError:
            # A secret rotated because the old one could not be read: the new one alone verifies.
            previous = None
        built = (build_connector(row), current, previous)
        if len(cache) >= _INBOUND_CACHE_SIZE:
            cache.clear()
        cache[key] = built
    connector, current, previous = built
    return connector, _valid_secrets(current, previous, row.previous_secret_expires_at)


def webhook_url(row: ConnectorRow) -> str:
    return f"{current_app.config['PUBLIC_URL']}/webhooks/{row.id}"


# --- secrets a connector changes itself (a rotated OIDC refresh token) ----------------------------
_secret_locks: dict[int, threading.Lock] = {}
_secret_locks_guard = threading.Lock()


def update_secret(row: ConnectorRow, dotted_path: str, value: str | None) -> None:
    """Set one secret of ``row`` (a path from its kind's ``secret_fields``), encrypted; commits."""
    if dotted_path not in get_connector_class(row.kind).secret_fields:
        raise ValueError(f"{dotted_path!r} is not a secret field of {row.kind} connectors")
    secrets = json.loads(_encryptor().decrypt(row.secrets_encrypted)) if row.secrets_encrypted else {}
    secrets[dotted_path] = value
    row.secrets_encrypted = _encryptor().encrypt(json.dumps(secrets))
    db.session.commit()


class _SecretValues:
    def __init__(self, values: dict) -> None:
        self.values = values
        self.changed = False

    def get(self, path: str):
        return self.values.get(path)

    def set(self, path: str, value) -> None:
        self.values[path] = value
        self.changed = True


class StoredSecrets:
    """A connector's secrets in the database, for a connector that must change one itself.

    Single-use refresh tokens are the reason: the refresh, reading the token and storing its successor
    must happen under one lock that every thread and every process honours. The lock is a PostgreSQL
    advisory lock (any number of worker processes), or on SQLite a file lock in the instance folder.
    The read and the write go through their own connection, so the caller's session and its
    transaction are left alone. (See the ``secret_store`` attribute of connectors/ahjo/connector.py.)
    """

    def __init__(self, row: ConnectorRow) -> None:
        self.connector_id = row.id
        self.kind = row.kind
        self.key = f"connector-{row.id}"
        # Captured here, inside the app context, because the connector calls back from its own code.
        self._engine = db.engine
        self._encryptor = _encryptor()
        self._lock_dir = Path(current_app.instance_path) / "locks"

    @contextmanager
    def locked(self) -> Iterator[_SecretValues]:
        with _secret_locks_guard:
            thread_lock = _secret_locks.setdefault(self.connector_id, threading.Lock())
        with thread_lock, self._engine.connect() as conn, self._process_lock(conn):
            table = ConnectorRow.__table__
            stored = conn.execute(
                select(table.c.secrets_encrypted).where(table.c.id == self.connector_id)
            ).scalar_one_or_none()
            values = _SecretValues(json.loads(self._encryptor.decrypt(stored)) if stored else {})
            yield values
            if values.changed:
                unknown = set(values.values) - set(get_connector_class(self.kind).secret_fields)
                if unknown:
                    raise ValueError(f"not secret fields of {self.kind} connectors: {sorted(unknown)}")
                conn.execute(
                    update(table)
                    .where(table.c.id == self.connector_id)
                    .values(secrets_encrypted=self._encryptor.encrypt(json.dumps(values.values)))
                )
            conn.commit()

    @contextmanager
    def _process_lock(self, conn) -> Iterator[None]:
        if conn.dialect.name == "postgresql":
            # Transaction-scoped: released by the commit (or the rollback when the connection closes).
            conn.execute(text("SELECT pg_advisory_xact_lock(:a, :b)"), {"a": 0x636C, "b": self.connector_id})
            yield
            return
        self._lock_dir.mkdir(parents=True, exist_ok=True)
        with open(self._lock_dir / f"connector-{self.connector_id}.lock", "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
