"""One task run, the same for Celery and the embedded worker: run, and say whether to retry."""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from flask import current_app
from sqlalchemy.exc import IntegrityError, OperationalError

from climate_plugin.claims import gave_up
from climate_plugin.db import db
from climate_plugin.deliveries import pipeline
from climate_plugin.hosts import polling
from climate_plugin.models import Delivery, WriteBack
from climate_plugin.models import delivery as delivery_status
from climate_plugin.models import write_back as write_back_status
from climate_plugin.models._types import utcnow
from climate_plugin.outbound import TransientError
from climate_plugin.queue import TaskName
from climate_plugin.writeback import send

log = logging.getLogger(__name__)

TASKS: dict[TaskName, Callable[[int], None]] = {
    "process_delivery": pipeline.process_delivery,
    "send_write_back": send.send_write_back,
    "poll_connector": polling.poll_connector,
}

#: worth another try: the host or network (TransientError), a concurrent worker that won a unique
#: constraint race (IntegrityError), the database briefly away or locked (OperationalError), a task
#: that hit Celery's soft time limit (a slow host, like a timeout)
RETRYABLE = (TransientError, IntegrityError, OperationalError, SoftTimeLimitExceeded)


@dataclass(frozen=True)
class Outcome:
    retry_in: float | None = None  #: seconds until the next try; None: finished (done or given up)
    error: Exception | None = None


def run_task(
    task: TaskName,
    record_id: int,
    attempt: int = 0,
    max_retries: int | None = None,
    redelivered: bool = False,
) -> Outcome:
    """Run ``task`` once and say whether to retry; the caller runs it inside an app context.

    Deliveries and write-backs count their attempts on their record (the task's claim increments it in the
    database), so the bound holds whoever hands the record over (a retry, the sweeper, a redelivered message
    after a worker died). ``attempt`` (from 0) is only the count of a poll, which has no record of its own.
    ``max_retries`` defaults to ``CLIMATE_PLUGIN_TASK_MAX_RETRIES``. ``redelivered``: the broker handed the
    task's message out again after the run that had it died: only then may the task take a record still marked
claimed (see writeback.send.send_write_back and deliveries.pipeline.process_delivery).
    """
    if max_retries is None:
        max_retries = current_app.extensions["climate_plugin.settings"].task_max_retries
    try:
        if redelivered and task == "send_write_back":
            send.send_write_back(record_id, redelivered=True)
        elif redelivered and task == "process_delivery":
            pipeline.process_delivery(record_id, redelivered=True)
        else:
            TASKS[task](record_id)
    except RETRYABLE as exc:
        db.session.rollback()
        tries = _attempts(task, record_id)
        tries = attempt + 1 if tries is None else tries
        if tries > max_retries:
            log.error("%s %s: giving up after %s attempts: %s", task, record_id, tries, _said(exc))
            give_up(task, record_id, exc)
            return Outcome(error=exc)
        delay = retry_delay(tries)
        log.info("%s %s: %s; retry %s in %.1fs", task, record_id, _said(exc), tries, delay)
        note_retry(task, record_id, delay, exc)
        return Outcome(retry_in=delay, error=exc)
    except Exception as exc:  # a bug: keep the record, stop retrying, say why
        log.exception("%s %s failed", task, record_id)
        db.session.rollback()
        give_up(task, record_id, exc)
        return Outcome(error=exc)
    return Outcome()


def _said(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"


#: retry delays grow as 2**attempt seconds up to this, with full jitter so a host that comes back
#: is not hit by every waiting task at the same second
MAX_RETRY_DELAY = 600.0


def retry_delay(attempt: int) -> float:
    return random.uniform(0, min(MAX_RETRY_DELAY, 2.0 ** max(attempt, 1)))


#: the task's record, and the status a record is in while it runs → the status it waits in for its retry
_RECORDS = {
    "process_delivery": (Delivery, delivery_status.PROCESSING, delivery_status.RECEIVED),
    "send_write_back": (WriteBack, write_back_status.SENDING, write_back_status.PENDING),
}


def _record(task: str, record_id: int):
    # A poll keeps its state on the connector (see polling.py): nothing to note or give up here.
    found = _RECORDS.get(task)
    return (db.session.get(found[0], record_id), found) if found is not None else (None, None)


def _attempts(task: str, record_id: int) -> int | None:
    record, _ = _record(task, record_id)
    return record.attempts if record is not None else None


def note_retry(task: str, record_id: int, delay: float, exc: Exception | None = None) -> None:
    """Record when the retry is due (the sweeper leaves the record alone until then) and why, and put it back
    to waiting so the retry can claim it."""
    record, found = _record(task, record_id)
    if record is None:
        return
    if record.status == found[1]:
        record.status = found[2]
    if exc is not None:
        record.last_error = _said(exc)[:2000]
    record.enqueued_at = utcnow() + timedelta(seconds=delay)
    db.session.commit()


def give_up(task: str, record_id: int, exc: Exception) -> None:
    """Mark a record failed after its last retry; it stays stored for an administrator to redeliver."""
    record, _ = _record(task, record_id)
    if record is not None:
        record.status = "failed"
        record.last_error = gave_up(record.attempts, _said(exc))
        db.session.commit()
