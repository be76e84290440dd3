"""One task run, the same for Celery and the embedded worker: run, and say whether to retry."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from celery.exceptions import SoftTimeLimitExceeded
from sqlalchemy.exc import IntegrityError, OperationalError

from climate_plugin import pipeline, polling
from climate_plugin.db import db
from climate_plugin.outbound import TransientError
from climate_plugin.queue import TaskName

log = logging.getLogger(__name__)

TASKS: dict[TaskName, Callable[[int], None]] = {
    "process_delivery": pipeline.process_delivery,
    "send_write_back": pipeline.send_write_back,
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
            pipeline.give_up(task, record_id, exc)
            return Outcome(error=exc)
        delay = pipeline.retry_delay(attempt + 1)
        log.info("%s %s: %s; retry %s in %.1fs", task, record_id, exc, attempt + 1, delay)
        pipeline.note_retry(task, record_id, delay)
        return Outcome(retry_in=delay, error=exc)
    except Exception as exc:  # a bug: keep the record, stop retrying, say why
        log.exception("%s %s failed", task, record_id)
        db.session.rollback()
        pipeline.give_up(task, record_id, exc)
        return Outcome(error=exc)
    return Outcome()
