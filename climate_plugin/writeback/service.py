"""Retrying a failed write-back (an administrator's action, audited)."""

from __future__ import annotations

from climate_plugin import queue
from climate_plugin.accounts.audit import audit
from climate_plugin.db import db
from climate_plugin.models import WriteBack
from climate_plugin.models import write_back as write_back_status
from climate_plugin.models._types import utcnow
from climate_plugin.services import NotPossible


def retry_write_back(write_back: WriteBack) -> WriteBack:
    """Send a failed climate block again (a newer block for the item supersedes it instead)."""
    if write_back.status != write_back_status.FAILED:
        raise NotPossible(f"only a failed write-back can be retried; this one is {write_back.status}")
    write_back.status = write_back_status.PENDING
    write_back.attempts = 0
    write_back.enqueued_at = utcnow()
    audit(
        "write_back.retry",
        f"write_back:{write_back.id}",
        write_back.item.connector.municipality_id,
        {"item_id": write_back.item_id},
    )
    queue.enqueue_after_commit("send_write_back", write_back.id)
    db.session.commit()
    return write_back
