"""Polling hosts that cannot push: time windows from a stored cursor, one page at a time.

A poll asks the connector what changed in ``(cursor, cursor + poll_window]``, page after page, and stores
each change through the same path as a webhook (:func:`climate_plugin.deliveries.pipeline.apply_change`). The
position (the next page inside a window, then the window's end as the new cursor) is committed only after
everything before it is stored, so a poll stopped by a host error, a crash or a deploy resumes where it
stopped and loses nothing; storing a change twice is harmless.

Two polls of one connector never overlap: a poll holds a lease on the connector row, taken with a
conditional UPDATE (works the same on SQLite and PostgreSQL) and renewed at every stored position, so a
poll killed mid-way frees the connector once the lease runs out, or at once for a poll on the same host
(the lease names its process, and a process that no longer exists holds nothing).

A backfill (``climate-plugin connector backfill``) is a poll over history with its own position, kept in
``Connector.backfill``, so it can be interrupted and continued, and does not move the regular cursor.
"""

from __future__ import annotations

import logging
import math
import os
import socket
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update

from climate_plugin import queue
from climate_plugin.connectors.base import Change, Connector
from climate_plugin.connectors.registry import UnknownConnectorKind, get_connector_class
from climate_plugin.db import db
from climate_plugin.deliveries import pipeline
from climate_plugin.hosts.connector import build_connector
from climate_plugin.models import AgendaItem, Delivery, WriteBack
from climate_plugin.models import Connector as ConnectorRow
from climate_plugin.models import delivery as delivery_status
from climate_plugin.models import write_back as write_back_status
from climate_plugin.models._types import utcnow
from climate_plugin.outbound import PermanentError, TransientError

log = logging.getLogger(__name__)

#: how long a poll holds its connector without storing anything; longer than any single host request,
#: renewed at every stored page, so only a poll that died gives the connector up this way
LEASE = timedelta(minutes=10)


class CannotPoll(Exception):
    """The connector's kind cannot be polled (push only)."""


class PollBusy(Exception):
    """Another poll (or a backfill) of this connector is running."""


class BackfillConflict(Exception):
    """A backfill from another date is in progress on this connector."""


@dataclass
class SyncResult:
    fetched: int = 0  #: changed items whose content was read (fetched, or carried by the listing)
    created: int = 0
    updated: int = 0  #: items whose stored content changed (or that came back after a deletion)
    deleted: int = 0
    errors: int = 0  #: items the host refused for good (the poll went on without them)
    #: why the poll stopped before the end (a host error: the next poll resumes there); None if it finished
    stopped: str | None = None

    def counts(self) -> dict[str, int]:
        return {k: v for k, v in asdict(self).items() if k != "stopped"}


@dataclass(frozen=True)
class Position:
    """Where a poll stands: changes up to ``cursor`` are stored; inside the window ending at
    ``page_until``, the pages before ``page`` are stored too."""

    cursor: datetime
    page: str | None = None
    page_until: datetime | None = None


# --- the regular poll -----------------------------------------------------------------------------
def run_poll(
    connector_row: ConnectorRow, until: datetime | None = None, since: datetime | None = None
) -> SyncResult:
    """Poll the host from the stored cursor (or ``since``) up to ``until`` (default now), window by window.

    A connector never polled starts one ``poll_window`` back: older history is what a backfill is for.
    Raises :class:`CannotPoll`, :class:`PollBusy` or ``UnknownConnectorKind``; host errors do not raise,
    they stop the poll (``SyncResult.stopped``) and are kept as the connector's last error.
    """
    row = connector_row
    connector = _polling_connector(row)
    end = until or utcnow()
    if since is not None:
        start = Position(since)
    elif row.poll_cursor is not None:
        start = Position(row.poll_cursor, row.poll_page, row.poll_page_until)
    else:
        start = Position(end - connector.poll_window)

    def save(position: Position) -> None:
        row.poll_cursor = position.cursor
        row.poll_page = position.page
        row.poll_page_until = position.page_until

    return _drive(row, connector, start, end, save)


# --- backfill -------------------------------------------------------------------------------------
def backfill_state(row: ConnectorRow) -> dict | None:
    """The backfill in progress as datetimes ({"since", "until", "cursor", "page", "page_until"}), or None."""
    state = row.backfill
    if not state:
        return None
    parsed: dict = dict(state)
    for key in ("since", "until", "cursor", "page_until"):
        parsed[key] = datetime.fromisoformat(state[key]) if state.get(key) else None
    return parsed


def start_backfill(row: ConnectorRow, since: datetime, until: datetime | None = None) -> dict:
    """Begin a backfill from ``since``, or continue the one in progress from the same date.

    Raises :class:`BackfillConflict` when a backfill from another date is unfinished.
    """
    state = backfill_state(row)
    if state is not None:
        if state["since"] != since:
            raise BackfillConflict(
                f"a backfill from {state['since'].isoformat()} is in progress (stored up to "
                f"{state['cursor'].isoformat()}); run it again with that date to continue it, "
                "or with --restart to start over"
            )
        return state
    _polling_connector(row)
    end = until or utcnow()
    row.backfill = _state_json(since, end, Position(since))
    db.session.commit()
    return backfill_state(row)


def run_backfill(row: ConnectorRow, on_window: Callable[[datetime], None] | None = None) -> SyncResult:
    """Continue the backfill begun by :func:`start_backfill`; it is forgotten once it reaches its end.

    When the connector was never polled, the regular cursor starts where the backfill ended.
    """
    state = backfill_state(row)
    if state is None:
        raise ValueError("no backfill in progress")
    connector = _polling_connector(row)
    since, end = state["since"], state["until"]

    def save(position: Position) -> None:
        row.backfill = _state_json(since, end, position)

    def finish() -> None:
        row.backfill = None
        if row.poll_cursor is None:
            row.poll_cursor = end

    start = Position(state["cursor"], state.get("page"), state["page_until"])
    return _drive(row, connector, start, end, save, finish=finish, on_window=on_window)


def windows_left(row: ConnectorRow, cursor: datetime, end: datetime) -> int:
    """How many windows a poll from ``cursor`` to ``end`` takes (for a progress bar)."""
    window = get_connector_class(row.kind).poll_window
    return max(0, math.ceil((end - cursor) / window))


def cancel_backfill(row: ConnectorRow) -> None:
    row.backfill = None
    db.session.commit()


def _state_json(since: datetime, until: datetime, position: Position) -> dict:
    return {
        "since": since.isoformat(),
        "until": until.isoformat(),
        "cursor": position.cursor.isoformat(),
        "page": position.page,
        "page_until": position.page_until.isoformat() if position.page_until else None,
    }


# --- the loop both share --------------------------------------------------------------------------
def _polling_connector(row: ConnectorRow) -> Connector:
    connector = build_connector(row)
    if not connector.capabilities.poll:
        raise CannotPoll(f"connector {row.id} is of kind {row.kind!r}, which cannot be polled (push only)")
    return connector


def _drive(
    row: ConnectorRow,
    connector: Connector,
    start: Position,
    end: datetime,
    save: Callable[[Position], None],
    finish: Callable[[], None] | None = None,
    on_window: Callable[[datetime], None] | None = None,
) -> SyncResult:
    if not _acquire(row):
        raise PollBusy(
            f"connector {row.id} is being polled right now (held until {row.poll_lease_until:%Y-%m-%d %H:%M} "
            "UTC at the latest); try again later"
        )
    result = SyncResult()

    def store(position: Position) -> None:
        save(position)
        row.poll_lease_until = utcnow() + LEASE
        db.session.commit()

    try:
        _windows(row, connector, start, end, store, result, on_window)
    except Exception as exc:
        db.session.rollback()
        if not isinstance(exc, TransientError | PermanentError):
            log.exception("poll of connector %s failed", row.id)
        result.stopped = f"{type(exc).__name__}: {exc}"
        _note_error(row, result.stopped)
    else:
        if finish is not None:
            finish()
        if not result.errors:  # a poll that met refused or missing items is no success to report
            row.last_success_at = utcnow()
        db.session.commit()
    finally:
        db.session.rollback()  # nothing half-done may ride along with the release
        row.poll_lease_until = None
        row.poll_lease_holder = None
        db.session.commit()
    return result


def _windows(
    row: ConnectorRow,
    connector: Connector,
    position: Position,
    end: datetime,
    store: Callable[[Position], None],
    result: SyncResult,
    on_window: Callable[[datetime], None] | None,
) -> None:
    # Every fetch happens after ``end``, so an item fetched once in this poll is already newer than any
    # change a later page or window reports for it: those repeats need no second fetch.
    fetched: set[str] = set()
    while position.cursor < end or position.page is not None:
        window_end = position.page_until or min(position.cursor + connector.poll_window, end)
        page = position.page
        while True:
            listing = connector.poll(position.cursor, window_end, page)
            _apply(row, connector, listing.changes, result, fetched)
            page = listing.next_page
            if page is None:
                break
            store(Position(position.cursor, page, window_end))
        position = Position(window_end)
        store(position)
        if on_window is not None:
            on_window(window_end)


def coalesce(changes: Iterable[Change]) -> list[Change]:
    """One change per item: the latest (by the host's change time, else the listing's order), in the order
    of the kept changes. A meeting reported as updated twenty times is fetched once."""
    latest: dict[str, tuple[int, Change]] = {}
    for index, change in enumerate(changes):
        kept = latest.get(change.external_id)
        if kept is None or not _older(change, kept[1]):
            latest[change.external_id] = (index, change)
    return [change for _, change in sorted(latest.values(), key=lambda pair: pair[0])]


def _older(change: Change, than: Change) -> bool:
    return (
        change.changed_at is not None and than.changed_at is not None and change.changed_at < than.changed_at
    )


def _apply(
    row: ConnectorRow, connector: Connector, changes: Iterable[Change], result: SyncResult, fetched: set[str]
) -> None:
    for change in coalesce(changes):
        if change.action == "upsert" and change.item is None and change.external_id in fetched:
            continue
        try:
            applied = pipeline.apply_change(row, connector, change.action, change.external_id, change.item)
            db.session.commit()  # hands a planned write-back to the worker
        except (PermanentError, pipeline.ItemMissing) as exc:
            # One item the host refuses (a 403 on a confidential case) or does not have although it listed
            # it (never taken as a deletion) must not hold up the rest; it is noted on the connector.
            db.session.rollback()
            result.errors += 1
            _note_error(row, f"item {change.external_id}: {type(exc).__name__}: {exc}")
            continue
        if change.action == "upsert":
            result.fetched += 1
            if change.item is None:
                fetched.add(change.external_id)
        if applied.outcome != "unchanged":
            setattr(result, applied.outcome, getattr(result, applied.outcome) + 1)


def _note_error(row: ConnectorRow, message: str) -> None:
    row.last_error = message[:2000]
    row.last_error_at = utcnow()
    db.session.commit()


def lease_holder() -> str:
    """This process, as a lease names it."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _dead_here(holder: str | None) -> bool:
    """Whether ``holder`` is a process of this host that no longer exists (another host's: not known)."""
    host, _, pid = (holder or "").rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return True
    except OSError:  # it exists, owned by someone else
        return False
    return False


def _acquire(row: ConnectorRow) -> bool:
    """Take the connector's poll lease; False when another poll holds it. A lease whose process died on
    this host (a backfill killed mid-way) is taken over at once, not after it runs out."""
    now = utcnow()
    held = db.session.scalar(select(ConnectorRow.poll_lease_holder).where(ConnectorRow.id == row.id))
    free = or_(ConnectorRow.poll_lease_until.is_(None), ConnectorRow.poll_lease_until < now)
    if held is not None and _dead_here(held):
        # conditional on the same holder: two pollers noticing the same dead one, one of them takes it
        free = or_(free, ConnectorRow.poll_lease_holder == held)
    taken = db.session.execute(
        update(ConnectorRow)
        .where(ConnectorRow.id == row.id, free)
        .values(poll_lease_until=now + LEASE, poll_lease_holder=lease_holder(), last_poll_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()  # also expires ``row``, so it shows the lease as stored
    return taken == 1


# --- scheduling -----------------------------------------------------------------------------------
def poll_due_connectors(now: datetime | None = None) -> list[int]:
    """Hand a poll to the worker for every enabled polling connector whose ``poll_interval`` has passed.

    Claiming is a conditional UPDATE of ``last_poll_at``: two schedulers (two beats by mistake, or beat and
    an embedded worker) cannot both enqueue the same connector's poll.
    """
    now = now or utcnow()
    claimed: list[int] = []
    rows = db.session.execute(
        select(ConnectorRow.id, ConnectorRow.kind)
        .where(ConnectorRow.enabled.is_(True))
        .order_by(ConnectorRow.id)
    ).all()
    for connector_id, kind in rows:
        try:
            cls = get_connector_class(kind)
        except UnknownConnectorKind:
            continue
        if not cls.capabilities.poll:
            continue
        due = now - cls.poll_interval
        taken = db.session.execute(
            update(ConnectorRow)
            .where(
                ConnectorRow.id == connector_id,
                or_(ConnectorRow.last_poll_at.is_(None), ConnectorRow.last_poll_at <= due),
            )
            .values(last_poll_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if taken == 1:
            claimed.append(connector_id)
    db.session.commit()
    for connector_id in claimed:
        try:
            queue.enqueue("poll_connector", connector_id)
        except Exception:  # the broker is down: the connector is due again after its interval
            log.warning("could not enqueue the poll of connector %s", connector_id, exc_info=True)
    return claimed


def poll_connector(connector_id: int) -> None:
    """The worker's task: one poll; a poll already running or a kind that cannot poll is not an error."""
    row = db.session.get(ConnectorRow, connector_id)
    if row is None or not row.enabled:
        return
    try:
        result = run_poll(row)
    except (CannotPoll, PollBusy, UnknownConnectorKind) as exc:
        log.info("poll of connector %s skipped: %s", connector_id, exc)
        return
    if result.stopped:
        log.warning("poll of connector %s stopped: %s", connector_id, result.stopped)


# --- health ---------------------------------------------------------------------------------------
def sync_health(row: ConnectorRow, now: datetime | None = None) -> dict:
    """What an administrator needs to see whether a connector keeps up.

    ``lag_seconds``: for a polling connector, how far behind now its stored state is (now − cursor; None
    before the first poll); for a push-only connector, how long the oldest waiting delivery has waited.
    ``items_waiting``: deliveries not yet processed plus climate blocks not yet sent.
    """
    now = now or utcnow()
    waiting_deliveries = Delivery.status.in_((delivery_status.RECEIVED, delivery_status.PROCESSING))
    deliveries, oldest = db.session.execute(
        select(func.count(Delivery.id), func.min(Delivery.received_at)).where(
            Delivery.connector_id == row.id, waiting_deliveries
        )
    ).one()
    write_backs = db.session.scalar(
        select(func.count(WriteBack.id))
        .join(AgendaItem, WriteBack.item_id == AgendaItem.id)
        .where(
            AgendaItem.connector_id == row.id,
            WriteBack.status.in_((write_back_status.PENDING, write_back_status.SENDING)),
        )
    )
    try:
        polls = get_connector_class(row.kind).capabilities.poll
    except UnknownConnectorKind:
        polls = False
    last_success, last_error, last_error_at = row.last_success_at, row.last_error, row.last_error_at
    if polls:
        lag = (now - row.poll_cursor).total_seconds() if row.poll_cursor else None
    else:
        lag = max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0
        # A push connector's successes and errors live on its deliveries.
        last_success = last_success or db.session.scalar(
            select(func.max(Delivery.processed_at)).where(
                Delivery.connector_id == row.id, Delivery.status == delivery_status.DONE
            )
        )
        if last_error is None:
            failed = db.session.execute(
                select(Delivery.last_error, Delivery.received_at)
                .where(Delivery.connector_id == row.id, Delivery.last_error.isnot(None))
                .order_by(Delivery.id.desc())
                .limit(1)
            ).first()
            if failed is not None:
                last_error, last_error_at = failed
    return {
        "last_success": _iso(last_success),
        "last_error": last_error,
        "last_error_at": _iso(last_error_at),
        "lag_seconds": None if lag is None else round(lag),
        "items_waiting": deliveries + write_backs,
    }


def _iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)
