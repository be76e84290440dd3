"""The one place the core hands work to a worker: Celery in production, a thread when embedded.

Tasks are named, take one database id and are idempotent, so handing the same id over twice
(the sweeper after a crash, a redelivery) is always safe.
"""

from __future__ import annotations

from typing import Literal, Protocol

from flask import current_app

TaskName = Literal["process_delivery", "send_write_back", "poll_connector"]


class TaskQueue(Protocol):
    def enqueue(self, task: TaskName, record_id: int, countdown: float = 0) -> None: ...


def enqueue(task: TaskName, record_id: int, countdown: float = 0) -> None:
    current_app.extensions["climate_plugin.queue"].enqueue(task, record_id, countdown)
