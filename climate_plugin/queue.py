"""The one place the core hands work to a worker: Celery in production, a thread when embedded.

Tasks are named, take one database id and are idempotent, so handing the same id over twice
(the sweeper after a crash, a redelivery) is always safe.

Work is handed over only once the transaction that stored it has committed (Warehouse's after-commit
hook): :func:`enqueue_after_commit` notes the task on the session and the commit hands it over. A
worker never looks for a record that is not there yet, and a rolled-back change enqueues nothing. If the
broker is down, the record is stored all the same and the sweeper (``climate_plugin.worker.sweeper``)
hands it over later; that is why a failed hand-over is logged, not raised.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Literal, Protocol

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

TaskName = Literal["process_delivery", "send_write_back", "poll_connector"]

#: the session.info key holding the tasks to hand over when the session commits
_PENDING = "climate_plugin.enqueue_after_commit"


class TaskQueue(Protocol):
    def enqueue(self, task: TaskName, record_id: int, countdown: float = 0) -> None: ...


def enqueue(task: TaskName, record_id: int, countdown: float = 0) -> None:
    current_app.extensions["climate_plugin.queue"].enqueue(task, record_id, countdown)


def enqueue_or_leave_to_sweeper(task: TaskName, record_id: int) -> bool:
    """Hand a committed record's task over; on failure log it and leave it to the sweeper (False)."""
    return enqueue_all_or_leave_to_sweeper(task, [record_id])


def enqueue_all_or_leave_to_sweeper(task: TaskName, record_ids: Sequence[int]) -> bool:
    """Hand several committed records' tasks over, with one message to the broker where the queue can
    (``enqueue_all``: webhooks stored together by one statement); on failure log it and leave them all to
    the sweeper (False). Handing one over twice is harmless (the tasks are idempotent)."""
    try:
        handler = current_app.extensions["climate_plugin.queue"]
        if len(record_ids) > 1 and hasattr(handler, "enqueue_all"):
            handler.enqueue_all(task, record_ids)
        else:
            for record_id in record_ids:
                enqueue(task, record_id)
    except Exception as exc:  # the broker is down: the records are safe in the database
        # One line with the reason, no traceback: during a broker outage every webhook gets here, and a
        # traceback each would flood the log (13.5 MB in a 30-second outage).
        log.warning(
            "could not enqueue %s %s (%s: %s); the sweeper will hand it over",
            task, ", ".join(map(str, record_ids)), type(exc).__name__, str(exc)[:300],
        )  # fmt: skip
        _not_handed_over(task, record_ids)
        return False
    return True


#: the table of each task's record
_TABLES = {"process_delivery": "delivery", "send_write_back": "write_back"}


def _not_handed_over(task: TaskName, record_ids: Sequence[int]) -> None:
    """Mark the records as never handed over (enqueued_at NULL), so the next sweep takes it at once instead of
    after the sweeper's 5 minutes for work lost unnoticed: work accepted during a broker outage reaches a
    worker within a sweep interval of the broker's return."""
    from sqlalchemy import bindparam, text

    from climate_plugin.db import db

    table = _TABLES.get(task)
    if table is None:
        return
    marked = text(f"UPDATE {table} SET enqueued_at = NULL WHERE id IN :ids").bindparams(
        bindparam("ids", expanding=True)
    )
    try:
        with db.engine.begin() as conn:  # one statement for a whole group
            conn.execute(marked, {"ids": list(record_ids)})
    except Exception as exc:  # the database away too: the sweeper's 5 minutes still cover it
        shown = ", ".join(map(str, record_ids))
        log.warning("could not mark %s %s for the next sweep (%s)", task, shown, type(exc).__name__)


def enqueue_after_commit(task: TaskName, record_id: int) -> None:
    """Hand the task over when the current database session commits (nothing if it rolls back)."""
    from climate_plugin.db import db

    pending = db.session.info.setdefault(_PENDING, [])
    if (task, record_id) not in pending:
        pending.append((task, record_id))


@event.listens_for(Session, "after_commit")
def _hand_over(session: Session) -> None:
    for task, record_id in session.info.pop(_PENDING, ()):
        enqueue_or_leave_to_sweeper(task, record_id)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_PENDING, None)
