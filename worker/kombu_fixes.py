"""A fix for kombu's Redis transport (kombu 5.7, with Celery 5.7): a worker that loses Redis while it holds an
unacknowledged message must reconnect, not stop.

What goes wrong: on a lost connection Celery's consumer first ``collect()``s the connection, which detaches
its transport (``transport.client = None``), and then closes it. Closing the channel puts the messages it
holds unacknowledged back in the queue (``QoS.restore_unacked``), which needs a Redis client, which needs the
connection parameters from ``transport.client``: ``AttributeError: 'NoneType' object has no attribute
'hostname'``. Celery ignores only connection and channel errors there, so the AttributeError ends the
consumer ("Unrecoverable error") and the worker consumes nothing more. A worker holds an unacknowledged
message whenever it runs a task (acks late) or keeps a retry for its countdown, so a Redis restart while
work is in flight can stop a worker (reproduced: tests/test_kombu_fixes.py).

The fix: a channel whose transport is detached cannot put anything back (Redis was unreachable anyway);
its messages are forgotten by the channel and stay where Redis keeps them, in its unacknowledged set. From
there they come back after the visibility timeout, and sooner through the take-over of unstarted messages
(``worker.tasks.take_over_dead_workers``: their records wait, unclaimed, and are handed over 15 s after they
are due), or, if Redis restarted empty, through the sweeper. Nothing is lost either way: the work is in the
database.

Applied when the Celery app is made (``worker.celery_app``). Remove it once kombu closes a detached
channel without reconnecting; tests/test_kombu_fixes.py says when.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)

_APPLIED = "_climate_plugin_detached_restore_fix"


def apply() -> None:
    """Patch kombu's Redis QoS once per process."""
    from kombu.transport import redis as kombu_redis

    qos = kombu_redis.QoS
    if getattr(qos, _APPLIED, False):
        return
    original = qos.restore_unacked

    def restore_unacked(self, client=None):
        transport = getattr(self.channel, "connection", None)
        if client is None and (transport is None or getattr(transport, "client", None) is None):
            held = len(self._delivered)
            # Forgotten here (the channel is finished), kept in Redis's unacknowledged set (see above).
            self._delivered.clear()
            log.warning(
                "broker connection already closed: %d unacknowledged message(s) left in Redis, to come back "
                "through the take-over or the sweeper",
                held,
            )
            return None
        return original(self, client)

    qos.restore_unacked = restore_unacked
    setattr(qos, _APPLIED, True)
