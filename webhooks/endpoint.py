"""POST /webhooks/<connector id>[/<resource>]: verify → parse → persist → enqueue → answer.

The delivery is committed before it is enqueued, and a sweeper re-enqueues deliveries still waiting,
so a crash or a broker outage between the two loses nothing.

This is the hot path (hosts send bursts, and duplicates). On PostgreSQL a webhook costs one Redis command
before (the sender's rate; far fewer under a large allowance, see below), at most one statement, and one
Redis command after (the hand-over):

- the connector row is kept per process with its row version (PostgreSQL's ``xmin``, which every UPDATE of
  the row changes), so it is not read again for each webhook;
- the delivery is stored by one ``INSERT … SELECT … WHERE EXISTS (the connector row at that version)
  ON CONFLICT DO NOTHING RETURNING id`` in autocommit: the statement commits itself (no BEGIN, no COMMIT),
  and it stores nothing if the connector changed meanwhile (disabled, secret rotated, config edited). It runs
  on the pooled connection's psycopg connection, not through SQLAlchemy's Connection (``_run_insert``), and
  webhooks that reach it while another thread of the process is storing are stored with the next statement,
  together (group commit, ``_GroupInsert``); each is answered once the statement that stored it committed;
- when it stored nothing or refused the webhook (a twin delivery, a bad signature, a changed connector) the
  webhook takes the full path: the connector read afresh, verified and parsed again, an unguarded insert,
  the duplicate looked up. A refusal never rests on a row this process kept.

The per-sender rate limit is counted directly in the limiter's store (``accounts.limits.webhook_over_limit``),
not through Flask-Limiter's per-request machinery, which cost more than the count itself; a limit of 2000 or
more per window (a backlog's allowance) is counted in leases, so most webhooks skip that round trip.
"""

from __future__ import annotations

import functools
import json
import logging
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, current_app, request
from marshmallow import ValidationError
from sqlalchemy import Text, bindparam, cast, literal_column, select
from sqlalchemy.engine import Connection, Row

from climate_plugin import queue
from climate_plugin.accounts.limits import webhook_over_limit
from climate_plugin.connectors.base import PayloadError, WebhookAuthError, WebhookEvent
from climate_plugin.connectors.registry import UnknownConnectorKind
from climate_plugin.db import db
from climate_plugin.db_deadline import answer_within
from climate_plugin.encryption import DecryptionError
from climate_plugin.hosts.connector import inbound_connector
from climate_plugin.models import Connector, Delivery
from climate_plugin.models._types import utcnow
from climate_plugin.web.edge import storable_time, unstorable
from climate_plugin.web.errors import json_error

log = logging.getLogger(__name__)
bp = Blueprint("webhooks", __name__)


#: headers kept with a delivery for audit and redelivery; never Authorization or cookies
KEPT_HEADERS = ("content-type", "user-agent", "webhook-id", "webhook-timestamp", "webhook-signature")


#: the resource segment of ``<webhook_url>/<resource>`` (Ahjo posts each resource type to its own URL)
RESOURCE = re.compile(r"[a-z_]{1,40}")

#: seconds a webhook waits for each answer of the database (a sender gives up after 10-15 s; then a 503)
ANSWER_TIMEOUT = 5.0

#: the app's extensions key of this process's connector rows: {connector id: (row, row version)}
_KNOWN = "climate_plugin.webhook_connectors"
#: connectors a process keeps at most (a deployment has a few dozen)
_KNOWN_SIZE = 1024


# Ids beyond the integer column's range are unknown connectors (404), not a database overflow.
@bp.post("/webhooks/<int(max=2147483647):connector_id>")
@bp.post("/webhooks/<int(max=2147483647):connector_id>/<resource>")
def receive(connector_id: int, resource: str | None = None):
    # What the fast path (webhooks.fast_path) did before it handed the webhook over to this view.
    environ = request.environ
    raised = environ.pop(FAST_RAISED, None)
    if raised is not None:
        raise raised  # answered by the app's error handlers, as if it had happened here
    tried_fast = FAST_COUNTED in environ
    wait = environ.pop(FAST_COUNTED) if tried_fast else webhook_over_limit(connector_id, request.remote_addr)
    if wait is not None:
        response = json_error(429, "too many requests; wait and try again")
        response.headers["Retry-After"] = str(wait)
        return response
    if resource is not None and not RESOURCE.fullmatch(resource):
        return json_error(404, "no such webhook URL: a resource is 1 to 40 of a-z and _")
    body: bytes | None = None
    # A connector this process has read: the webhook is stored on a pooled connection's driver directly
    # (see _insert_guarded); only PostgreSQL's connectors are kept.
    known = None if tried_fast else kept_connector(connector_id)
    if known is not None:
        row, version = known
        body = request.get_data(cache=False)  # over MAX_CONTENT_LENGTH: 413 from Werkzeug
        outcome = accept(None, row, body, resource, version, request.headers, environ, quiet=True)
        if isinstance(outcome, int):
            return _answer(outcome)
        # Refused or not stored: a bad webhook or a twin delivery, or one signed with a new secret,
        # for a changed config, a disabled connector. The row as it is now decides.
    with db.engine.connect() as conn, answer_within(conn.connection.driver_connection, ANSWER_TIMEOUT):
        postgresql = conn.dialect.name == "postgresql"
        if postgresql:
            # Each statement commits itself: no BEGIN and COMMIT round trips around the one INSERT.
            conn.execution_options(isolation_level="AUTOCOMMIT")

        row = conn.execute(_select_connector(conn.dialect.name), {"id": connector_id}).first()
        if row is None:
            return json_error(404, f"unknown connector {connector_id}")
        if not row.enabled:
            return json_error(410, f"connector {connector_id} is disabled")
        if postgresql:
            known_rows = current_app.extensions.setdefault(_KNOWN, {})
            if len(known_rows) >= _KNOWN_SIZE:
                known_rows.clear()
            known_rows[connector_id] = (row, row.row_version)
        if body is None:
            body = request.get_data(cache=False)
        outcome = accept(conn, row, body, resource, None, request.headers, environ)
        if isinstance(outcome, NotStored):
            existing = conn.execute(
                select(Delivery.id, Delivery.status).where(
                    Delivery.connector_id == row.id, Delivery.delivery_id == outcome.delivery_id
                )
            ).one()
            return {"delivery": existing.id, "status": existing.status, "duplicate": True}, 200
        return _answer(outcome)


#: environ keys by which the fast path tells this view what it did: the sender's count (None, or the seconds
#: of a 429), and an exception it met (raised again here, for the app's error handlers)
FAST_COUNTED = "climate_plugin.webhook.counted"
FAST_RAISED = "climate_plugin.webhook.raised"


def kept_connector(connector_id: int) -> tuple[Row, str] | None:
    """(row, row version) of a connector this process has read, if it keeps it (PostgreSQL only)."""
    return current_app.extensions.get(_KNOWN, {}).get(connector_id)


def _answer(outcome: int | Refusal) -> Response:
    if isinstance(outcome, Refusal):
        response = json_error(outcome.status, outcome.message)
        if outcome.retry_after is not None:
            response.headers["Retry-After"] = outcome.retry_after
        return response
    return current_app.response_class(RECEIVED % outcome, status=202, mimetype="application/json")


def _hand_over(delivery_ids: list[int]) -> None:
    """Committed: hand the deliveries over now (the sweeper covers a failure)."""
    if delivery_ids:
        queue.enqueue_all_or_leave_to_sweeper("process_delivery", delivery_ids)


#: the 202 answer's body, the bytes Flask's jsonify makes of {"delivery": id, "status": "received",
#: "duplicate": False} (keys sorted, compact, a newline) without its JSON encoder on every webhook
RECEIVED = b'{"delivery":%d,"duplicate":false,"status":"received"}\n'


@dataclass(frozen=True)
class NotStored:
    """A verified webhook that stored nothing: a twin of ``delivery_id`` is stored already, or (when the
    insert was guarded by a row version) the connector changed since it was read."""

    delivery_id: str


@dataclass(frozen=True)
class Refusal:
    """A webhook refused before anything was stored: the answer's status, message and Retry-After."""

    status: int
    message: str
    retry_after: str | None = None


def accept(
    conn: Connection | None,
    row: Row,
    body: bytes,
    resource: str | None,
    version: str | None,
    headers: Mapping[str, str],
    environ: Mapping[str, Any],
    quiet: bool = False,
) -> int | Refusal | NotStored:
    """Verify, parse, store and hand over one webhook for connector ``row``: the new delivery's id, a
    refusal, or :class:`NotStored`. With a row ``version`` the insert is guarded by it and runs on a pooled
    driver connection (``conn`` unused), else on ``conn``. ``headers`` and ``environ`` are the request's
    (no request context needed: the fast path has none). ``quiet``: log nothing (a refusal is decided again
    on the row as it is now)."""
    try:
        connector, secrets = inbound_connector(row, version)
    except UnknownConnectorKind:
        if not quiet:
            log.error("connector %s has kind %r, which is not installed", row.id, row.kind)
        return Refusal(404, f"connector {row.id} has a kind that is not installed")
    except DecryptionError as exc:
        # Nothing can be verified, so nothing is stored; a 503 has the host retry once it is fixed.
        if not quiet:
            log.error("webhook for %s", exc)
        return Refusal(
            503,
            f"connector {row.id}'s stored secret cannot be decrypted by this service, so the "
            "webhook cannot be verified; its operator must fix CLIMATE_PLUGIN_ENCRYPTION_KEYS. "
            "Retry later",
            retry_after="300",
        )

    try:
        connector.verify_webhook(body, headers, secrets)
    except WebhookAuthError as exc:
        return Refusal(401, str(exc))
    try:
        event = connector.parse_webhook(body, headers, resource)
        _check_storable(event)
    except PayloadError as exc:
        return Refusal(400, str(exc))
    except (ValueError, OverflowError) as exc:
        # A connector's parse met a value it did not expect (a date past the calendar's edge): the content
        # is wrong, whatever the signature says; a 5xx would have the sender retry it for ever.
        if not quiet:
            log.warning("webhook for connector %s: unreadable content (%s)", row.id, type(exc).__name__)
        return Refusal(400, f"the webhook's content cannot be read ({type(exc).__name__})")

    now = utcnow()
    values = dict(
        connector_id=row.id,
        delivery_id=event.delivery_id,
        event_type=event.event_type,
        action=event.action,
        external_id=event.external_id,
        occurred_at=event.occurred_at,
        body=body,
        headers=_kept_headers(environ),
        status="received",
        attempts=0,
        received_at=now,
        # Set before the enqueue so no second write is needed; if the enqueue fails the sweeper
        # sees a delivery that has waited too long and hands it over again.
        enqueued_at=now,
    )
    # The unique constraint, not a check-then-insert, decides: twin deliveries arrive together.
    if version is None:
        assert conn is not None
        delivery_id = conn.execute(_insert_delivery(conn.dialect.name), values).scalar()
        conn.commit()  # in autocommit (PostgreSQL) nothing is sent: the INSERT committed itself
        _hand_over([] if delivery_id is None else [delivery_id])
    else:
        delivery_id = _insert_guarded(values, row.id, version)  # handed over with its group
    return NotStored(event.delivery_id) if delivery_id is None else delivery_id


#: (WSGI environ key, header name as ``request.headers`` gives it) of each of KEPT_HEADERS
_KEPT_ENVIRON = tuple(
    ("CONTENT_TYPE" if name == "content-type" else "HTTP_" + name.upper().replace("-", "_"), name.title())
    for name in KEPT_HEADERS
)


def _kept_headers(environ: Mapping[str, Any]) -> dict[str, str]:
    """The KEPT_HEADERS the request has, as ``request.headers`` names them, read from the WSGI environ
    (iterating ``request.headers`` decodes every header the request has)."""
    return {name: environ[key] for key, name in _KEPT_ENVIRON if key in environ}


_OCCURRED_AT = Delivery.__table__.c.occurred_at.type


def _insert_guarded(values: dict[str, Any], guard_id: int, version: str) -> int | None:
    """Store one webhook by the guarded insert, in autocommit, together with whatever other webhooks this
    process is storing at the moment (see :class:`_GroupInsert`); the new id, or None when nothing was
    stored (a twin, or the connector changed)."""
    engine = db.engine
    # The driver is given what the ORM's column types would have bound: an aware UTC time, the headers' JSON.
    bound = {
        **values,
        "occurred_at": _OCCURRED_AT.process_bind_param(values["occurred_at"], engine.dialect),
        "headers": json.dumps(values["headers"]),
    }
    row = (*(bound[name] for name in _COLUMNS), guard_id, version)  # in _row_sql()'s order
    group = current_app.extensions.get(_GROUP)
    if group is None:
        group = current_app.extensions.setdefault(_GROUP, _GroupInsert())
    return group.insert(engine, row)


#: the app's extensions key of this process's :class:`_GroupInsert`
_GROUP = "climate_plugin.webhook_group_insert"
#: webhooks stored by one statement at most
GROUP_MAX = 32


class _Slot:
    """One webhook waiting in a :class:`_GroupInsert`: its row, then its outcome."""

    __slots__ = ("row", "_signal", "_woken", "lead", "result", "error", "alone")

    def __init__(self, row: tuple) -> None:
        self.row = row
        # A lock held from the start and released to wake the waiting thread: cheaper than an Event (whose
        # set() notifies through a Condition in Python), and a slot is woken by one thread at a time.
        self._signal = threading.Lock()
        self._signal.acquire()
        self._woken = False
        self.lead = False  # woken to store the ones waiting, not because it was stored
        self.result: int | None = None
        self.error: BaseException | None = None
        self.alone = False  # the group's statement failed: store it by itself

    def wait(self) -> None:
        self._signal.acquire()

    def wake(self) -> None:
        """Wake its thread (once: a slot woken to lead is in the batch it then stores)."""
        if not self._woken:
            self._woken = True
            self._signal.release()


class _GroupInsert:
    """Group commit: webhooks that reach the insert while another thread of this process is storing are
    stored together by one statement, committed once, when it is done.

    The first to arrive stores (it leads); those arriving meanwhile wait, and the leader hands over to the
    first of them, which stores all that waited. Nobody waits for anyone to arrive: a webhook alone is
    stored at once, by itself. Each is answered only after the statement that stored it committed, as
    before. If the statement fails on something else than a lost connection (a row the database refused),
    each of its webhooks is stored again by itself, so one bad row fails only its own webhook.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiting: list[_Slot] = []
        self._busy = False

    def insert(self, engine: Any, row: tuple) -> int | None:
        slot = _Slot(row)
        with self._lock:
            self._waiting.append(slot)
            lead = not self._busy
            self._busy = True
        if not lead:
            slot.wait()
            lead = slot.lead
        if lead:
            self._lead(engine)
        if slot.alone:
            result = _run_insert(engine, [slot.row])[0]
            _hand_over([] if result is None else [result])
            return result
        if slot.error is not None:
            raise slot.error
        return slot.result

    def _lead(self, engine: Any) -> None:
        with self._lock:
            batch, self._waiting = self._waiting[:GROUP_MAX], self._waiting[GROUP_MAX:]
        stored: list[int] = []
        try:
            results = _run_insert(engine, [s.row for s in batch])
        except _StoreAlone:
            for s in batch:
                s.alone = True
        except BaseException as exc:
            for s in batch:
                s.error = exc
        else:
            for s, result in zip(batch, results, strict=True):
                s.result = result
            stored = [result for result in results if result is not None]
        finally:
            with self._lock:
                if self._waiting:  # arrived meanwhile: the first of them stores them all
                    following = self._waiting[0]
                    following.lead = True
                    following.wake()
                else:
                    self._busy = False
            try:
                # The whole group with one message to the broker, before anyone of it is answered; after
                # the next group's statement may start, which this hand-over then overlaps.
                _hand_over(stored)
            finally:
                for s in batch:
                    s.wake()


class _StoreAlone(Exception):
    """A group's statement failed on its content: each of its webhooks is stored by itself."""


#: the delivery columns a webhook's statement sets from its values, in the order of a row's values
_COLUMNS = (
    "connector_id", "delivery_id", "event_type", "action", "external_id", "occurred_at", "body", "headers",
    "received_at", "enqueued_at",
)  # fmt: skip


@functools.cache
def _group_sql(rows: int) -> str:
    """The guarded insert of ``rows`` webhooks: ``INSERT INTO delivery … SELECT … FROM (VALUES …) WHERE EXISTS
    (each one's connector at the version it was verified with) ON CONFLICT DO NOTHING RETURNING``."""
    values = ", ".join([_row_sql()] * rows)
    columns = ", ".join(_COLUMNS)
    selected = ", ".join(f"v.{name}" for name in _COLUMNS)
    return (
        f"INSERT INTO delivery ({columns}, status, attempts)"
        f" SELECT {selected}, 'received', 0"
        f" FROM (VALUES {values}) AS v({columns}, guard_id, guard_version)"
        " WHERE EXISTS (SELECT 1 FROM connector"
        " WHERE connector.id = v.guard_id AND connector.xmin::text = v.guard_version)"
        " ON CONFLICT DO NOTHING RETURNING id, connector_id, delivery_id"
    )


@functools.cache
def _row_sql() -> str:
    """One webhook's values, each cast to its column's type as the model declares it (PostgreSQL types a
    VALUES list's parameters alone), then the guard's connector id and row version."""
    from sqlalchemy.dialects import postgresql

    dialect = postgresql.dialect()
    table = Delivery.__table__
    casts = [f"%s::{table.c[name].type.compile(dialect=dialect)}" for name in _COLUMNS]
    return "(" + ", ".join([*casts, "%s::integer", "%s::text"]) + ")"


def _run_insert(engine: Any, rows: list[tuple]) -> list[int | None]:
    """Run the guarded insert of ``rows`` on a pooled connection's psycopg connection, in autocommit; per
    row the new id, or None when nothing was stored. Raises :class:`_StoreAlone` when a statement of several
    rows failed on its content.

    It is the whole of a webhook's database work, so it skips SQLAlchemy's Connection and statement layers
    (about a third of its CPU time); the pool still checks the connection out (with its ping after idling)
    and takes it back. A driver error is raised as SQLAlchemy would raise it (the app answers 503 to an
    OperationalError), and a lost connection invalidates the pool as SQLAlchemy's Connection does.
    """
    from sqlalchemy.exc import DBAPIError

    dialect = engine.dialect
    sql = _group_sql(len(rows))
    params = [value for row in rows for value in row]
    pooled = engine.raw_connection()
    driver = pooled.driver_connection
    try:
        driver.autocommit = True  # the INSERT commits itself: no BEGIN, no COMMIT
        with answer_within(driver, ANSWER_TIMEOUT):
            stored = driver.execute(sql, params, prepare=True).fetchall()
    except dialect.loaded_dbapi.Error as exc:
        lost = dialect.is_disconnect(exc, driver, None)
        if lost:
            # Every connection older than this one is replaced at its next check-out (the server went
            # away: they are gone too), as SQLAlchemy's Connection does on a disconnect.
            engine.pool._invalidate(pooled, exc)
        else:
            pooled.invalidate(exc)  # not back to the pool in autocommit, or after a failed statement
            if len(rows) > 1:
                raise _StoreAlone() from exc
        raise DBAPIError.instance(
            sql, params, exc, dialect.loaded_dbapi.Error,
            hide_parameters=engine.hide_parameters, connection_invalidated=lost, dialect=dialect,
        ) from exc  # fmt: skip
    except BaseException:
        pooled.invalidate()  # whatever happened, its autocommit must not reach the pool's next user
        raise
    else:
        driver.autocommit = False  # as the pool hands connections out
    finally:
        pooled.close()
    ids = {(connector_id, delivery_id): id_ for id_, connector_id, delivery_id in stored}
    # Twins in one statement: one row is stored; its id goes to the first of them, the others stored nothing.
    return [ids.pop((row[0], row[1]), None) for row in rows]


#: (what, the column's length) of the event's delivery id, item id and event type, read from the model once
_STORABLE_LENGTHS = tuple(
    (name, Delivery.__table__.c[column].type.length)
    for name, column in (
        ("the delivery id (webhook-id)", "delivery_id"),
        ("the item id", "external_id"),
        ("the event type", "event_type"),
    )
)


def _check_storable(event: WebhookEvent) -> None:
    """Refuse what the database cannot store, whatever the connector accepted (a 400, not a 500): ids too
    long or with a NUL or a lone surrogate, an event time with no UTC equivalent. A sender retries a 5xx
    for ever; a 400 tells it the content itself is wrong."""
    for (name, limit), value in zip(
        _STORABLE_LENGTHS, (event.delivery_id, event.external_id, event.event_type), strict=True
    ):
        if len(value) > limit:
            raise PayloadError(f"{name} is longer than {limit} characters")
        if unstorable(value):
            raise PayloadError(f"{name} contains a NUL character or an unpaired surrogate")
    if event.occurred_at is not None:
        try:
            storable_time(event.occurred_at)
        except ValidationError:
            raise PayloadError("the event's time is outside the calendar (no UTC equivalent)") from None


@functools.cache
def _insert_delivery(dialect: str):
    """INSERT … ON CONFLICT DO NOTHING RETURNING id, built once: building it costs more than running it."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(Delivery).on_conflict_do_nothing().returning(Delivery.id)


@functools.cache
def _select_connector(dialect: str):
    """The connector row; on PostgreSQL with its row version (``xmin``, which every UPDATE changes)."""
    table = Connector.__table__
    if dialect == "postgresql":
        return select(table, cast(literal_column("connector.xmin"), Text).label("row_version")).where(
            table.c.id == bindparam("id")
        )
    return select(table).where(table.c.id == bindparam("id"))
