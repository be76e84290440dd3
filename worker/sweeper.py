"""The sweeper: whatever was stored but never handed to a worker (a crash between commit and enqueue, a
broker outage, a worker killed mid-task) is handed over again. Run by beat (Celery) or periodically by
the embedded worker; it is what lets every other hand-over be "commit, then try once".
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from climate_plugin import queue
from climate_plugin.db import db
from climate_plugin.models import Delivery, WriteBack
from climate_plugin.models import delivery as delivery_status
from climate_plugin.models import write_back as write_back_status
from climate_plugin.models._types import utcnow

#: a record still waiting this long after it was last handed over (or after its retry was due)
#: was lost on the way: a crash before the enqueue, a broker outage, a worker killed mid-task.
#: Longer than the hard task time limit, so a task still running is not handed over twice.
STALE_AFTER = timedelta(minutes=5)


def sweep(stale_after: timedelta) -> list[tuple[queue.TaskName, int]]:
    """Hand over again every delivery and write-back that has waited longer than ``stale_after``.

    Covers a crash between commit and enqueue, a broker outage, and a worker killed mid-task.
    """
    cutoff = utcnow() - stale_after
    waiting: list[tuple[queue.TaskName, int]] = []
    for task, model, statuses in (
        ("process_delivery", Delivery, (delivery_status.RECEIVED, delivery_status.PROCESSING)),
        ("send_write_back", WriteBack, (write_back_status.PENDING, write_back_status.SENDING)),
    ):
        stmt = (
            select(model)
            .where(model.status.in_(statuses), model.enqueued_at < cutoff)
            .order_by(model.id)
            .limit(500)
            # Two sweepers (two beat processes by mistake) must not hand the same rows over twice.
            .with_for_update(skip_locked=True)
        )
        for record in db.session.scalars(stmt):
            record.enqueued_at = utcnow()
            if record.status == write_back_status.SENDING:
                # claimed by a sender that died mid-send: waiting again, so one sender can claim it. Its
                # attempts are kept (never reset here), so the bound holds.
                record.status = write_back_status.PENDING
            waiting.append((task, record.id))
    db.session.commit()
    for task, record_id in waiting:
        queue.enqueue_or_leave_to_sweeper(task, record_id)  # still down: the next sweep tries again
    return waiting
