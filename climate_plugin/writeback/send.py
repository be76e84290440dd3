"""Sending one planned climate block to its host (the worker's ``send_write_back`` task).

A newer block for the same item makes an older one moot; the connector's ``Idempotency-Key`` makes a
repeated send harmless.
"""

from __future__ import annotations

from sqlalchemy import select

from climate_plugin.claims import claim, gave_up, max_tries
from climate_plugin.db import db
from climate_plugin.hosts.connector import build_connector
from climate_plugin.models import WriteBack
from climate_plugin.models import write_back as write_back_status
from climate_plugin.models._types import utcnow
from climate_plugin.outbound import PermanentError, TransientError


def send_write_back(write_back_id: int, redelivered: bool = False) -> None:
    """Send one stored block, claimed first so that one sender sends it; a newer block makes it moot.

    ``redelivered``: the broker handed this task's message out again, which it does when the run that had
    it is gone (its worker process died mid-send; messages are acknowledged late). The row is then left
    "sending" by that dead run, and this run takes it over at once instead of leaving it to the sweeper's
    5 minutes; the block goes again with the same Idempotency-Key."""
    waiting = (write_back_status.PENDING,)
    if redelivered:
        waiting += (write_back_status.SENDING,)
    write_back = db.session.get(WriteBack, write_back_id)
    if write_back is None or write_back.status not in waiting:
        return
    # Two deliveries for one item may both hand this row over: the conditional UPDATE lets one of them send
    # it, and counts the attempt in the database.
    attempts = claim(WriteBack, write_back_id, waiting, write_back_status.SENDING)
    if attempts is None:
        return
    write_back = db.session.get(WriteBack, write_back_id)
    if attempts > max_tries():
        _finish(write_back, write_back_status.FAILED, gave_up(attempts - 1, "no attempt finished"))
        return
    newer = db.session.scalar(
        select(WriteBack.id)
        .where(WriteBack.item_id == write_back.item_id, WriteBack.id > write_back.id)
        .limit(1)
    )
    if newer is not None:
        _finish(write_back, write_back_status.SUPERSEDED, None)
        return
    item = write_back.item
    try:
        build_connector(item.connector).write_back(
            item.external_id, write_back.body, write_back.idempotency_key
        )
    except TransientError as exc:
        # back to waiting for the retry (the runner decides whether there is one)
        _finish(write_back, write_back_status.PENDING, f"{type(exc).__name__}: {exc}")
        raise
    except PermanentError as exc:
        _finish(write_back, write_back_status.FAILED, f"{type(exc).__name__}: {exc}")
        return
    write_back.sent_at = utcnow()
    _finish(write_back, write_back_status.SENT, None)


def _finish(write_back: WriteBack, status: str, error: str | None) -> None:
    write_back.status = status
    write_back.last_error = error[:2000] if error else None
    db.session.commit()
