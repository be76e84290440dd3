"""The embedded worker: one thread in the serving process, for the single-machine default.

Its queue lives in memory, but the work does not: every task names a stored record, and the thread
runs the sweeper at start and then periodically, so whatever was waiting when the process stopped
is picked up when it starts again.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from datetime import timedelta

from flask import Flask

from climate_plugin.commitments.reminders import send_due_reminders
from climate_plugin.followups.service import send_follow_up_reminders
from climate_plugin.hosts.polling import poll_due_connectors
from climate_plugin.queue import TaskName
from climate_plugin.worker import sweeper
from climate_plugin.worker.runner import run_task

log = logging.getLogger(__name__)


class EmbeddedWorker:
    def __init__(self, app: Flask) -> None:
        self.app = app
        settings = app.extensions["climate_plugin.settings"]
        self.max_retries = settings.task_max_retries
        self.sweep_interval = settings.sweep_interval
        self._heap: list[tuple[float, int, TaskName, int, int]] = []
        # Write-backs wait in a heap of their own and go first once due: a backlog of deliveries must not
        # hold back the blocks people wait to see in their agenda (Celery gives them their own queue).
        self._write_backs: list[tuple[float, int, TaskName, int, int]] = []
        self._seq = itertools.count()
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._stopping = False
        # The first sweep takes everything waiting: nothing from a previous run is queued in this
        # fresh process. Later sweeps take only what has waited long enough to have been lost.
        self._stale_after = timedelta(0)

    # --- the queue side, called from request threads ---------------------------------------------
    def enqueue(self, task: TaskName, record_id: int, countdown: float = 0, attempt: int = 0) -> None:
        heap = self._write_backs if task == "send_write_back" else self._heap
        with self._cond:
            heapq.heappush(heap, (time.monotonic() + countdown, next(self._seq), task, record_id, attempt))
            self._cond.notify()

    def pending(self) -> int:
        with self._cond:
            return len(self._heap) + len(self._write_backs)

    # --- the worker side ---------------------------------------------------------------------------
    def start(self) -> None:
        if self._thread is not None:
            return
        self._stopping = False
        self._thread = threading.Thread(target=self._loop, name="climate-plugin-worker", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _loop(self) -> None:
        from climate_plugin.screening import warm_up

        warm_up()  # here, not at start-up: the web service answers while the dictionaries load
        next_sweep = 0.0
        while True:
            if time.monotonic() >= next_sweep:
                self._sweep()
                next_sweep = time.monotonic() + self.sweep_interval
            job = self._next_job(until=next_sweep)
            if job is None:
                if self._stopping:
                    return
                continue
            _, _, task, record_id, attempt = job
            with self.app.app_context():
                outcome = run_task(task, record_id, attempt, self.max_retries)
            if outcome.retry_in is not None:
                self.enqueue(task, record_id, countdown=outcome.retry_in, attempt=attempt + 1)

    def _next_job(self, until: float):
        with self._cond:
            while not self._stopping:
                now = time.monotonic()
                for heap in (self._write_backs, self._heap):
                    if heap and heap[0][0] <= now:
                        return heapq.heappop(heap)
                wake = min([until] + [heap[0][0] for heap in (self._write_backs, self._heap) if heap])
                if now >= wake:
                    return None
                self._cond.wait(wake - now)
            return None

    def _sweep(self) -> None:
        try:
            with self.app.app_context():
                sweeper.sweep(stale_after=self._stale_after)
            self._stale_after = sweeper.STALE_AFTER
        except Exception:
            log.exception("embedded sweeper failed; trying again later")
        # Commitment reminders, which beat schedules daily under Celery; idempotent, so running them
        # every sweep only sends what is due.
        try:
            with self.app.app_context():
                send_due_reminders()
                send_follow_up_reminders()
        except Exception:
            log.exception("embedded reminders failed; trying again at the next sweep")
        # Polls of connectors whose poll_interval has passed (beat's minutely schedule under Celery).
        try:
            with self.app.app_context():
                poll_due_connectors()
        except Exception:
            log.exception("embedded poll scheduling failed; trying again at the next sweep")
