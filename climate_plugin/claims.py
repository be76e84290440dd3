"""Claiming a stored record for one run of its task: one conditional UPDATE, so one runner per record.

``UPDATE … SET status = <working>, attempts = attempts + 1 WHERE id = :id AND status IN (<waiting>)``: the
database decides who runs a record (a second runner finds no row to update and stops), and the attempt
is counted there, not in a worker's memory, so neither a re-enqueue by the sweeper nor a worker restart
starts the count again. The bound (``CLIMATE_PLUGIN_TASK_MAX_RETRIES``) is checked against this count.

The claim also names its holder (``claimed_by``): the worker process, as announced by the worker's heartbeat
(``climate_plugin.worker.liveness``). A claim whose holder stopped beating (its worker was killed) is taken
over within seconds. A process that beats no heartbeat (the embedded worker, a command, a test) claims
without a name, and such a claim waits for the sweeper's long limit as before: nobody could tell it dead.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from flask import current_app
from sqlalchemy import select, update

from climate_plugin.db import db
from climate_plugin.models._types import utcnow

#: (pid, name) of this process's heartbeat, set by the worker once it beats one. The pid guards against a
#: forked child inheriting its parent's name: it beats no heartbeat of its own until it announces one.
_holder: tuple[int, str] | None = None


def announce_holder(name: str | None) -> None:
    """Name this process in the claims it makes from now on (None: name none). Called by the worker's
    heartbeat, which keeps the name alive in Redis; the core does not know how."""
    global _holder
    _holder = (os.getpid(), name) if name else None


def holder() -> str | None:
    """The name this process gives its claims, or None when it beats no heartbeat."""
    announced = _holder
    return announced[1] if announced is not None and announced[0] == os.getpid() else None


def claim(model, record_id: int, waiting: Iterable[str], working: str) -> int | None:
    """Move the record from a waiting status to ``working`` and count the attempt; its attempts, or None
    when another runner has it or it is finished. Commits."""
    table = model.__table__
    claimed = db.session.execute(
        update(table)
        .where(table.c.id == record_id, table.c.status.in_(tuple(waiting)))
        # enqueued_at becomes the claim's time: the sweeper takes a record claimed long ago as lost
        .values(status=working, attempts=table.c.attempts + 1, enqueued_at=utcnow(), claimed_by=holder())
    ).rowcount
    attempts = db.session.scalar(select(table.c.attempts).where(table.c.id == record_id)) if claimed else None
    db.session.commit()
    db.session.expire_all()  # the ORM's copies of the record must show the claim
    return attempts


def max_tries() -> int:
    """How many times a task runs at most: the first run and ``CLIMATE_PLUGIN_TASK_MAX_RETRIES`` retries."""
    return current_app.extensions["climate_plugin.settings"].task_max_retries + 1


def gave_up(attempts: int, error: str) -> str:
    """The last_error of a record that reached the bound."""
    return f"gave up after {attempts} attempts: {error}"[:2000]
