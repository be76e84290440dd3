"""The sweeper: whatever was stored but never handed to a worker (a crash between commit and enqueue, a
broker outage, a worker killed mid-task) is handed over again. Run by beat (Celery) or periodically by
the embedded worker; it is what lets every other hand-over be "commit, then try once".

A claim whose worker died is handed over by the same code, sooner: ``take_over_dead_workers`` (beat, every
few seconds) asks which claim holders still beat their heartbeat (``worker.liveness``) and hands over the
claims of the others, without waiting for ``STALE_AFTER``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select

from climate_plugin import queue
from climate_plugin.config import is_redis_url
from climate_plugin.db import db
from climate_plugin.models import Delivery, WriteBack
from climate_plugin.models import delivery as delivery_status
from climate_plugin.models import write_back as write_back_status
from climate_plugin.models._types import utcnow
from climate_plugin.worker import liveness

log = logging.getLogger(__name__)

#: a record still waiting this long after it was last handed over (or after its retry was due)
#: was lost on the way: a crash before the enqueue, a broker outage, a worker killed mid-task.
#: Longer than the hard task time limit, so a task still running is not handed over twice.
STALE_AFTER = timedelta(minutes=5)


#: records handed over per batch; a sweep takes batch after batch while the hand-overs succeed
BATCH = 500


#: each kind of record the sweeper hands over: its task, model, status waiting for a worker, status claimed
_KINDS = (
    ("process_delivery", Delivery, delivery_status.RECEIVED, delivery_status.PROCESSING),
    ("send_write_back", WriteBack, write_back_status.PENDING, write_back_status.SENDING),
)


def sweep(
    stale_after: timedelta,
    unclaimed_after: timedelta | None = None,
    dead_holders: Collection[str] | None = None,
    unstarted: dict[str, Collection[int]] | None = None,
) -> list[tuple[queue.TaskName, int]]:
    """Hand over again every delivery and write-back that was never handed over (its hand-over failed: a
    broker outage) or has waited longer than ``stale_after`` (a crash between commit and enqueue, a worker
    killed mid-task). Batch after batch, so a backlog from a long outage goes in one sweep.

    ``unclaimed_after`` (default: ``stale_after``) applies to records no worker has claimed yet (a delivery
    still received, a write-back still pending): after a broker lost the messages it held (a Redis restarted
    without persistence), those are handed over at once, while a record a worker is running keeps the long
    wait so that it is not run twice.

    ``dead_holders``: hand over only the records claimed by these worker processes (their heartbeat is gone:
    see ``take_over_dead_workers``) longer than ``stale_after`` ago, and nothing else. ``unstarted`` (task →
    record ids): hand over only these records, if still waiting and due longer than ``stale_after`` ago."""
    # One cutoff for the whole sweep: a record handed over in this sweep is newer than it, so it is not
    # taken twice.
    now = utcnow()
    cutoff = now - stale_after
    unclaimed_cutoff = now - (stale_after if unclaimed_after is None else unclaimed_after)
    handed: list[tuple[queue.TaskName, int]] = []
    while True:
        batch, full = _sweep_batch(cutoff, unclaimed_cutoff, dead_holders, unstarted)
        handed += [item for item, _ in batch]
        # Stop when no batch was full, or when the broker refused: the next sweep tries again.
        if not full or not all(ok for _, ok in batch):
            return handed


def _sweep_batch(
    cutoff: datetime,
    unclaimed_cutoff: datetime,
    dead_holders: Collection[str] | None,
    unstarted: dict[str, Collection[int]] | None,
) -> tuple[list[tuple[tuple[queue.TaskName, int], bool]], bool]:
    waiting: list[tuple[queue.TaskName, int]] = []
    full = False
    for task, model, unclaimed, claimed in _KINDS:
        if unstarted is not None:
            ids = sorted(unstarted.get(task, ()))
            if not ids:
                continue
            lost = and_(
                model.id.in_(ids),
                model.status == unclaimed,
                or_(model.enqueued_at.is_(None), model.enqueued_at < cutoff),
            )
        elif dead_holders is not None:
            lost = and_(
                model.status == claimed,
                model.claimed_by.in_(sorted(dead_holders)),
                model.enqueued_at < cutoff,
            )
        else:
            lost = or_(
                and_(model.status.in_((unclaimed, claimed)), model.enqueued_at.is_(None)),
                and_(model.status == claimed, model.enqueued_at < cutoff),
                and_(model.status == unclaimed, model.enqueued_at < unclaimed_cutoff),
            )
        stmt = (
            select(model)
            .where(lost)
            .order_by(model.id)
            .limit(BATCH)
            # Two sweepers (two beat processes by mistake) must not hand the same rows over twice; nor may a
            # sweep and a redelivered message's claim of the same row both proceed (the row lock orders them,
            # and the claim's row no longer matches once it is the live worker's).
            .with_for_update(skip_locked=True)
        )
        records = list(db.session.scalars(stmt))
        full = full or len(records) == BATCH
        for record in records:
            record.enqueued_at = utcnow()
            if record.status == claimed:
                # claimed by a worker that died mid-task: waiting again, so that one worker claims it (only a
                # message the broker redelivered may take a record still marked claimed; a live duplicate
                # message may not). Its attempts are kept (never reset here), so the bound holds.
                record.status = unclaimed
            waiting.append((task, record.id))
    db.session.commit()
    # still down: the record is marked for the next sweep again
    return [(item, queue.enqueue_or_leave_to_sweeper(*item)) for item in waiting], full


def claim_holders(claimed_before: datetime) -> set[str]:
    """The worker processes named by claims still held (a delivery processing, a write-back sending) that
    were made before ``claimed_before``."""
    holders: set[str] = set()
    for _, model, _, claimed in _KINDS:
        holders.update(
            db.session.scalars(
                select(model.claimed_by)
                .where(
                    model.status == claimed,
                    model.claimed_by.is_not(None),
                    model.enqueued_at < claimed_before,
                )
                .distinct()
            )
        )
    db.session.commit()  # end the read's transaction: the take-over's own locks come next
    return holders


def take_over_dead_workers(
    alive: Callable[[set[str]], set[str] | None],
    grace: timedelta,
    unstarted: liveness.Unstarted | None = None,
    registry: liveness.Registry | None = None,
) -> list[tuple[queue.TaskName, int]]:
    """Hand over every claim whose holder no longer beats its heartbeat, claimed at least ``grace`` ago (so a
    just-started process whose first beat has not landed is not taken for dead). ``alive`` answers which of
    the holders it is given are alive, or None when it cannot tell (Redis away): then nothing is taken.

    A whole worker killed (SIGKILL, OOM, a lost machine) leaves its messages unacknowledged in Redis, which
    gives them out again only after the visibility timeout (2 hours); without this its claims would wait for
    ``STALE_AFTER``. The attempt counts are kept, so the retry bound holds across take-overs.

    ``unstarted``: the messages workers received and never acknowledged (see ``liveness.Unstarted``). A dead
    worker also held messages it had not started (one just received; a retry waiting for its countdown):
    their records are not claims, so they are found there. A record still waiting, due longer than ``grace``
    ago, that a worker received a message for longer than ``grace`` ago is handed over, and that message
    forgotten. Handing over a record a live worker also holds is harmless: one of them claims it, the other
    finds it taken.

    ``registry`` (with ``unstarted``): the worker processes registered for this deployment, whether or not
    they held a claim. When one of them is dead, the messages Redis handed it in the instant it died are found
    too (``hand_over_lost_messages``), at the next ``Registry.SEARCHES`` take-overs; then it is forgotten."""
    handed: list[tuple[queue.TaskName, int]] = []
    holders = claim_holders(utcnow() - grace)
    living = alive(holders) if holders else set()
    if living is not None and holders - living:
        dead = holders - living
        handed += sweep(stale_after=grace, dead_holders=dead)
        # one line per take-over: the operator's trace of a worker that died
        log.warning("took over %d claims of dead worker processes %s", len(handed), ", ".join(sorted(dead)))
    if unstarted is not None:
        found = unstarted.find(grace.total_seconds())
        if found:
            ids = {task: set(records) for task, records in found.items()}
            taken = sweep(stale_after=grace, unstarted=ids)
            handed += taken
            if taken:
                log.warning("handed over %d records whose messages a dead worker held unstarted", len(taken))
            # forgotten: the messages whose records went on now, and those of records already finished
            done = set(taken) | _finished(ids)
            unstarted.forget(
                tag for task, records in found.items() for i, tag in records.items() if (task, i) in done
            )
    if registry is not None and unstarted is not None:
        dead = registry.dead()  # None: Redis cannot tell, so nobody is taken for dead
        if dead:
            lost = hand_over_lost_messages(unstarted, grace)
            if lost is not None:  # else not known this time (Redis away, a backlog): searched again next time
                handed += lost
                registry.searched(dead)
    return handed


def hand_over_lost_messages(
    unstarted: liveness.Unstarted, grace: timedelta, limit: int = liveness.SCAN_LIMIT
) -> list[tuple[queue.TaskName, int]] | None:
    """Hand over every record still waiting (never claimed), handed over (and due) longer than ``grace``
    ago, whose message is nowhere in Redis: neither in this deployment's queues nor held unacknowledged by a
    worker. None when that cannot be known (Redis away, or more than ``limit`` messages to read).

    Why: kombu's Redis transport takes a message off the queue with ``BRPOP`` and only then records it as
    unacknowledged; a worker killed while it waited in ``BRPOP`` can be handed a message (even a moment after
    the kill, before its socket closes) that it never reads, and that is then in neither place. Its record
    would wait for the sweeper's 5 minutes. Run only when a registered worker died (rare), because it reads
    every queued message. A record handed over twice (its message was on its way from the queue to a live
    worker's unacked hash in the instant of the read) is harmless: the claim lets one run, the other finds it
    taken. The attempt counts are kept (the sweeper's own hand-over)."""
    # The cutoff before reading Redis: a record handed over before it had its message published before the
    # read (a hand-over commits, then publishes at once; the grace covers the gap and clocks apart).
    cutoff = utcnow() - grace
    present = unstarted.present(limit)
    if present is None:
        return None
    lost: dict[str, set[int]] = {}
    for task, model, unclaimed, _claimed in _KINDS:
        waiting = db.session.scalars(
            select(model.id)
            .where(
                model.status == unclaimed,
                or_(model.enqueued_at.is_(None), model.enqueued_at < cutoff),
            )
            .order_by(model.id)
            .limit(limit)
        )
        ids = set(waiting) - present.get(task, set())
        if ids:
            lost[task] = ids
    db.session.commit()  # end the read's transaction: the sweep's own locks come next
    if not lost:
        return []
    # through the sweeper's hand-over, which checks each record again under its row lock
    taken = sweep(stale_after=grace, unstarted=lost)
    if taken:
        log.warning("handed over %d records whose messages were lost with a dead worker", len(taken))
    return taken


def _finished(ids: dict[str, Collection[int]]) -> set[tuple[queue.TaskName, int]]:
    finished: set[tuple[queue.TaskName, int]] = set()
    for task, model, unclaimed, claimed in _KINDS:
        if ids.get(task):
            rows = db.session.scalars(
                select(model.id).where(
                    model.id.in_(sorted(ids[task])), model.status.not_in((unclaimed, claimed))
                )
            )
            finished.update((task, i) for i in rows)
    db.session.commit()
    return finished


def broker_forgot(broker_url: str | None, queue_name: str, timeout: float) -> bool:
    """Whether the broker has lost what it held since the last sweep: each sweep leaves a marker in Redis,
    and a marker that is gone means a Redis that restarted empty (no persistence) or was flushed; its
    queued messages went with it. True on the very first sweep too (handing over what waits is harmless:
    a task whose record is already claimed or done does nothing). False for brokers other than Redis
    (RabbitMQ keeps durable queues) and when Redis cannot be reached (the sweep's own hand-overs then fail
    and leave the records marked for the next sweep)."""
    if not is_redis_url(broker_url):
        return False
    import redis

    client = redis.Redis.from_url(broker_url, socket_timeout=timeout, socket_connect_timeout=timeout)
    try:
        # SET NX answers true only when the key was absent
        return bool(client.set(f"climate-plugin:sweeper-marker:{queue_name}", "1", nx=True))
    except redis.RedisError:
        return False
    finally:
        client.close()
