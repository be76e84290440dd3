"""Sending one planned climate block to its host (the worker's ``send_write_back`` task).

A newer block for the same item makes an older one moot; the connector's ``Idempotency-Key`` makes a
repeated send harmless.
"""

from __future__ import annotations

from sqlalchemy import select

from climate_plugin.db import db
from climate_plugin.hosts.connector import build_connector
from climate_plugin.models import WriteBack
from climate_plugin.models import write_back as write_back_status
from climate_plugin.models._types import utcnow
from climate_plugin.outbound import PermanentError, TransientError


def send_write_back(write_back_id: int) -> None:
    """Send one stored block; a newer block for the same item makes an older one moot."""
    write_back = db.session.get(WriteBack, write_back_id)
    if write_back is None or write_back.status != write_back_status.PENDING:
        return
    newer = db.session.scalar(
        select(WriteBack.id)
        .where(WriteBack.item_id == write_back.item_id, WriteBack.id > write_back.id)
        .limit(1)
    )
    if newer is not None:
        write_back.status = write_back_status.SUPERSEDED
        db.session.commit()
        return
    item = write_back.item
    write_back.attempts += 1
    try:
        build_connector(item.connector).write_back(
            item.external_id, write_back.body, write_back.idempotency_key
        )
    except TransientError as exc:
        write_back.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        db.session.commit()
        raise
    except PermanentError as exc:
        write_back.status = write_back_status.FAILED
        write_back.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        db.session.commit()
        return
    write_back.status = write_back_status.SENT
    write_back.sent_at = utcnow()
    write_back.last_error = None
    db.session.commit()
