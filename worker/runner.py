"""One task run, the same for Celery and the embedded worker: run, and say whether to retry."""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from sqlalchemy.exc import IntegrityError, OperationalError

from climate_plugin.db import db
from climate_plugin.deliveries import pipeline
from climate_plugin.hosts import polling
from climate_plugin.models import Delivery, WriteBack
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


def run_task(task: TaskName, record_id: int, attempt: int, max_retries: int) -> Outcome:
    """Run ``task`` once (``attempt`` counts from 0); the caller runs it inside an app context."""
    try:
        TASKS[task](record_id)
    except RETRYABLE as exc:
        db.session.rollback()
        if attempt >= max_retries:
            log.error("%s %s: giving up after %s retries: %s", task, record_id, attempt, exc)
            give_up(task, record_id, exc)
            return Outcome(error=exc)
        delay = retry_delay(attempt + 1)
        log.info("%s %s: %s; retry %s in %.1fs", task, record_id, exc, attempt + 1, delay)
        note_retry(task, record_id, delay)
        return Outcome(retry_in=delay, error=exc)
    except Exception as exc:  # a bug: keep the record, stop retrying, say why
        log.exception("%s %s failed", task, record_id)
        db.session.rollback()
        give_up(task, record_id, exc)
        return Outcome(error=exc)
    return Outcome()


#: retry delays grow as 2**attempt seconds up to this, with full jitter so a host that comes back
#: is not hit by every waiting task at the same second
MAX_RETRY_DELAY = 600.0


def retry_delay(attempt: int) -> float:
    return random.uniform(0, min(MAX_RETRY_DELAY, 2.0 ** max(attempt, 1)))


def _model(task: str):
    # A poll keeps its state on the connector (see polling.py): nothing to note or give up here.
    return {"process_delivery": Delivery, "send_write_back": WriteBack}.get(task)


def note_retry(task: str, record_id: int, delay: float) -> None:
    """Record when the retry is due, so the sweeper does not hand the record over before then."""
    model = _model(task)
    record = db.session.get(model, record_id) if model is not None else None
    if record is not None:
        record.enqueued_at = utcnow() + timedelta(seconds=delay)
        db.session.commit()


def give_up(task: str, record_id: int, exc: Exception) -> None:
    """Mark a record failed after its last retry; it stays stored for an administrator to redeliver."""
    model = _model(task)
    record = db.session.get(model, record_id) if model is not None else None
    if record is not None:
        record.status = "failed"
        record.last_error = f"gave up after {record.attempts} attempts: {type(exc).__name__}: {exc}"[:2000]
        db.session.commit()
