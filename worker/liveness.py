"""Which worker processes are alive: each beats a heartbeat key in Redis, and a claim whose holder's key is
gone was left by a worker that died (SIGKILL, OOM, a lost machine), so it is taken over within seconds
(``worker.tasks.take_over_dead_workers``) instead of after the sweeper's 5 minutes. What a dead worker held
without a claim (a message just received, a retry kept for its countdown) is found among the messages Redis
gave out and never had acknowledged (``Unstarted``).

Why a heartbeat and not the broker: a whole worker killed leaves its messages unacknowledged in Redis, which
gives them out again only after the visibility timeout (2 hours); nothing else tells the others it is gone.
Celery's own worker heartbeats need gossip and events (the service runs with ``--without-gossip``), and a
``ping`` broadcast cannot tell a dead worker from a busy or slow one within a deadline.

Each process that runs tasks (a prefork pool child, or the worker's main process for the solo and threads
pools) beats its own key from a daemon thread: never from a signal handler, and independent of the task the
process is running, so a long task does not make its process look dead. A process names itself
``host:pid:token``: the random token keeps a restarted container, whose processes get the same host name and
pids again, from looking like the one that died.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import secrets
import socket
import threading
import time
from collections.abc import Iterable
from datetime import timedelta

from celery import signals

from climate_plugin import claims
from climate_plugin.config import is_redis_url

log = logging.getLogger(__name__)

#: a process refreshes its key this often ...
BEAT_EVERY = 5.0
#: ... and the key lives this long: three missed beats (a loaded machine, a slow Redis) before a process is
#: taken for dead. Together with the take-over's interval this bounds the recovery after a worker dies.
TTL = 20
#: a claim younger than this is never taken over: covers a first beat that had not landed yet and clocks a
#: few seconds apart between the worker that claimed and the one that checks
CLAIM_GRACE = timedelta(seconds=15)


def key(queue_name: str, holder: str) -> str:
    return f"climate-plugin:alive:{queue_name}:{holder}"


def registry_key(queue_name: str) -> str:
    """The registry of this deployment's holders: a hash, holder → how many take-overs have seen it dead.

    A heartbeat key that is gone says nothing by itself: a holder that named no claim (a worker idle in
    ``BRPOP`` when killed) left nothing to look for it by. Each beat registers its holder here (0: alive);
    a clean stop removes it; the take-over counts a registered holder without heartbeat as dead
    (``Registry``)."""
    return f"climate-plugin:holders:{queue_name}"


def new_holder() -> str:
    """This process's name in its claims and its heartbeat key."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


def _redis(broker_url: str, timeout: float):
    import redis

    return redis.Redis.from_url(broker_url, socket_timeout=timeout, socket_connect_timeout=timeout)


class Heartbeat:
    """One process's heartbeat: a daemon thread setting its key with a TTL every ``every`` seconds."""

    def __init__(
        self, broker_url: str, queue_name: str, timeout: float, every: float = BEAT_EVERY, ttl: int = TTL
    ) -> None:
        self.holder = new_holder()
        self.queue_name = queue_name
        self.key = key(queue_name, self.holder)
        self.every = every
        self.ttl = ttl
        self._client = _redis(broker_url, timeout)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def beat(self) -> bool:
        import redis

        try:
            # One transaction: a registered holder has had a heartbeat, so it is never taken for dead before
            # its first beat landed. Re-registered at each beat (0: alive again), so a process taken for dead
            # while cut off from Redis, and forgotten, is known again once it is back.
            self._client.pipeline(transaction=True).set(self.key, "1", ex=self.ttl).hset(
                registry_key(self.queue_name), self.holder, 0
            ).execute()
            return True
        except redis.RedisError as exc:
            # Redis away: the broker is too, so this process gets no new work either. Beyond the TTL its
            # claims are taken over (docs/operators.md); the next beat tries again.
            log.warning("heartbeat %s not written (%s: %s)", self.holder, type(exc).__name__, exc)
            return False

    def start(self) -> Heartbeat:
        # Every beat in the thread, the first one too: a pool child must finish its start-up within Celery's
        # few seconds whatever Redis does (a hung Redis holds each try for the socket timeout). A claim made
        # before the first beat lands is covered by CLAIM_GRACE.
        claims.announce_holder(self.holder)
        self._thread = threading.Thread(target=self._run, name="climate-plugin-heartbeat", daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        self.beat()
        while not self._stop.wait(self.every):
            self.beat()

    def stop(self) -> None:
        """A process that ends in order says so: its finished claims need no waiting for the TTL."""
        import redis

        claims.announce_holder(None)
        self._stop.set()
        if self._thread is not None:
            self._thread.join(self.every + 1)
        try:
            # stopped in order: nothing of its own can be lost, so it leaves the registry too
            self._client.pipeline(transaction=True).delete(self.key).hdel(
                registry_key(self.queue_name), self.holder
            ).execute()
        except redis.RedisError:
            pass  # the key runs out by itself; the registry entry goes at the take-over after
        finally:
            self._client.close()


def alive(broker_url: str, queue_name: str, holders: Iterable[str], timeout: float) -> set[str] | None:
    """Which of ``holders`` beat a heartbeat; None when that cannot be known (Redis unreachable): then
    nobody may be taken for dead."""
    import redis

    names = sorted(set(holders))
    if not names:
        return set()
    client = _redis(broker_url, timeout)
    try:
        return _beating(client, queue_name, names)
    except redis.RedisError as exc:
        log.warning("cannot tell which workers are alive (%s: %s)", type(exc).__name__, exc)
        return None
    finally:
        client.close()


def _beating(client, queue_name: str, names: list[str]) -> set[str]:
    """Which of ``names`` have their heartbeat key, in one round trip."""
    pipe = client.pipeline(transaction=False)
    for name in names:
        pipe.exists(key(queue_name, name))
    return {name for name, found in zip(names, pipe.execute(), strict=True) if found}


#: kombu's Redis transport keeps each message it gave a worker, until acknowledged, in a hash (delivery tag
#: → [message, exchange, routing key]) indexed by a sorted set of delivery times; their names unless the
#: broker's transport options override them (kombu.transport.redis.Channel.unacked_key, unacked_index_key)
UNACKED_KEY, UNACKED_INDEX_KEY = "unacked", "unacked_index"

#: kombu's Redis transport: a queue's list for each priority step (its default steps unless the transport
#: options set others), and the separator of a step's list name (kombu.transport.redis.Channel.sep)
PRIORITY_STEPS, PRIORITY_SEP = (0, 3, 6, 9), "\x06\x16"

#: at most this many messages (queued and unacknowledged) are read to find the records whose message is
#: nowhere: a few MB, read once per worker death; beyond it the sweeper's 5 minutes find them
SCAN_LIMIT = 20_000

#: the tasks whose record a message stands for
RECORD_TASKS = {
    "worker.tasks.process_delivery": "process_delivery",
    "worker.tasks.send_write_back": "send_write_back",
}


class Unstarted:
    """Messages that workers received from Redis longer than ``older_than`` seconds ago and never
    acknowledged, for this deployment's queues: a record among them that is still waiting (never claimed,
    due long ago) was received by a worker that died before starting it, or holds it for a retry's countdown
    it will never see. A live worker does neither for long: it takes a message only when one of its processes
    is free (``worker_prefetch_multiplier=1``) and starts a due retry at once."""

    def __init__(
        self, broker_url: str, queues: Iterable[str], timeout: float, transport_options: dict | None = None
    ) -> None:
        options = transport_options or {}
        self.prefix = prefix = options.get("global_keyprefix", "")
        self.hash_key = prefix + options.get("unacked_key", UNACKED_KEY)
        self.index_key = prefix + options.get("unacked_index_key", UNACKED_INDEX_KEY)
        self.priority_steps = sorted(options.get("priority_steps", PRIORITY_STEPS))
        self.queues = set(queues)
        self.broker_url, self.timeout = broker_url, timeout

    def find(self, older_than: float, limit: int = 1000) -> dict[str, dict[int, str]] | None:
        """task → {record id: delivery tag}; None when Redis cannot be asked."""
        import redis

        client = _redis(self.broker_url, self.timeout)
        try:
            tags = client.zrangebyscore(self.index_key, "-inf", time.time() - older_than, start=0, num=limit)
            found: dict[str, dict[int, str]] = {}
            for tag, raw in zip(tags, client.hmget(self.hash_key, tags) if tags else [], strict=True):
                record = self._record(raw)
                if record is not None:
                    found.setdefault(record[0], {})[record[1]] = tag.decode()
            return found
        except redis.RedisError as exc:
            log.warning("cannot read the messages workers hold (%s: %s)", type(exc).__name__, exc)
            return None
        finally:
            client.close()

    def _record(self, raw: bytes | None) -> tuple[str, int] | None:
        """The task and record id of one message as the unacked hash stores it, else None."""
        try:
            message, _exchange, routing_key = json.loads(raw or b"null")
        except (ValueError, TypeError):
            return None  # not as kombu stores it: not ours to judge
        return self._message_record(message, routing_key)

    def _message_record(self, message: dict, routing_key: str) -> tuple[str, int] | None:
        """The task and record id of one Celery message of this deployment's queues, else None."""
        try:
            task = RECORD_TASKS.get(message["headers"]["task"])
            if task is None or routing_key not in self.queues:
                return None  # another task, or another deployment sharing this Redis database
            body = message["body"]
            if message.get("properties", {}).get("body_encoding") == "base64":
                body = base64.b64decode(body)
            args = json.loads(body)[0]  # Celery's message protocol 2: [args, kwargs, embed]
            return task, int(args[0])
        except (ValueError, KeyError, IndexError, TypeError, AttributeError):
            return None  # not a message as Celery writes them: not ours to judge

    def queue_keys(self) -> dict[str, str]:
        """Redis list → queue, for this deployment's queues, named as kombu's Redis transport names them: a
        message of priority 0 (every message of this service) goes to the queue's own list, one of a higher
        priority step to ``<queue>\\x06\\x16<step>`` (``Channel._q_for_pri``); all behind the global
        prefix."""
        keys: dict[str, str] = {}
        for queue in self.queues:
            for step in self.priority_steps:
                keys[self.prefix + (f"{queue}{PRIORITY_SEP}{step}" if step else queue)] = queue
        return keys

    def present(self, limit: int = SCAN_LIMIT) -> dict[str, set[int]] | None:
        """task → the record ids that have a message somewhere in Redis: waiting in one of this deployment's
        queues or held unacknowledged by a worker. None when Redis cannot be asked, or when it holds more than
        ``limit`` messages (reading them all would cost the take-over too much under a backlog; the sweeper
        finds what is lost then)."""
        import redis

        keys = self.queue_keys()
        client = _redis(self.broker_url, self.timeout)
        try:
            pipe = client.pipeline(transaction=False)
            for list_key in keys:
                pipe.llen(list_key)
            pipe.hlen(self.hash_key)
            if sum(pipe.execute()) > limit:
                log.warning("more than %d messages in Redis: lost ones are left to the sweeper", limit)
                return None
            # One transaction, so that a message a worker moves from a queue to the unacked hash meanwhile is
            # seen in one of them. (kombu's own move is not atomic: a message popped by a live worker in the
            # instant of this read is seen nowhere, and its record handed over a second time; harmless, as the
            # claim lets one of the two messages run it.)
            pipe = client.pipeline(transaction=True)
            for list_key in keys:
                pipe.lrange(list_key, 0, limit)
            pipe.hvals(self.hash_key)
            *lists, held = pipe.execute()
        except redis.RedisError as exc:
            log.warning("cannot read the queued messages (%s: %s)", type(exc).__name__, exc)
            return None
        finally:
            client.close()
        present: dict[str, set[int]] = {}
        records = [self._record(raw) for raw in held]
        for queue, raws in zip(keys.values(), lists, strict=True):
            for raw in raws:
                try:
                    message = json.loads(raw)  # a queue holds the message itself (kombu's _put)
                except ValueError:
                    continue
                records.append(self._message_record(message, queue))
        for record in records:
            if record is not None:
                present.setdefault(record[0], set()).add(record[1])
        return present

    def forget(self, tags: Iterable[str]) -> None:
        """Acknowledge these messages on behalf of the dead worker that held them (as kombu's ack does), once
        their records were handed over: otherwise they would be found again at every take-over."""
        import redis

        tags = list(tags)
        if not tags:
            return
        client = _redis(self.broker_url, self.timeout)
        try:
            client.pipeline().zrem(self.index_key, *tags).hdel(self.hash_key, *tags).execute()
        except redis.RedisError:
            pass  # found again next time; handing a record over twice is harmless (claims)
        finally:
            client.close()


class Registry:
    """The holders registered for this deployment's queue (``registry_key``) and which of them are dead."""

    #: take-overs that search for a dead holder's lost message before it is forgotten: Redis may hand a
    #: message to a killed worker's socket a moment after the kill (0.7 s measured), so a record handed over
    #: just then may still be inside CLAIM_GRACE at the first take-over that sees the holder dead; the second,
    #: TAKE_OVER_EVERY later, finds it
    SEARCHES = 2

    def __init__(self, broker_url: str, queue_name: str, timeout: float) -> None:
        self.broker_url, self.queue_name, self.timeout = broker_url, queue_name, timeout

    def dead(self) -> set[str] | None:
        """The registered holders whose heartbeat is gone; None when that cannot be known (Redis
        unreachable): then nobody may be taken for dead."""
        read = self._read()
        return None if read is None else read[0] - read[1]

    def alive(self) -> set[str] | None:
        """The registered holders that beat their heartbeat (for a bench or an operator); None when Redis
        cannot be asked."""
        read = self._read()
        return None if read is None else read[1]

    def _read(self) -> tuple[set[str], set[str]] | None:
        """(registered holders, those of them with a heartbeat), over one connection."""
        import redis

        client = _redis(self.broker_url, self.timeout)
        try:
            registered = sorted(name.decode() for name in client.hkeys(registry_key(self.queue_name)))
            living = _beating(client, self.queue_name, registered) if registered else set()
            return set(registered), living
        except redis.RedisError as exc:
            log.warning("cannot read the registered workers (%s: %s)", type(exc).__name__, exc)
            return None
        finally:
            client.close()

    def searched(self, holders: Iterable[str]) -> None:
        """Count one search for these dead holders' lost messages; forget those searched ``SEARCHES`` times,
        so that a death costs a few searches, not one at every take-over."""
        import redis

        names = sorted(holders)
        if not names:
            return
        key_ = registry_key(self.queue_name)
        client = _redis(self.broker_url, self.timeout)
        try:
            pipe = client.pipeline(transaction=False)
            for name in names:
                pipe.hincrby(key_, name, 1)
            done = [name for name, n in zip(names, pipe.execute(), strict=True) if n >= self.SEARCHES]
            if done:
                client.hdel(key_, *done)
        except redis.RedisError:
            pass  # searched again next time: harmless
        finally:
            client.close()


# --- wiring: the Celery worker's processes ------------------------------------------------------------
_heartbeat: Heartbeat | None = None


def _start() -> None:
    global _heartbeat
    from celery import current_app as celery

    broker_url = celery.conf.broker_url or ""
    if not is_redis_url(broker_url):
        return  # another broker: no heartbeat, and claims name no holder (the sweeper's limit covers them)
    if _heartbeat is not None and claims.holder() == _heartbeat.holder:
        return  # already beating in this process
    timeout = celery.conf.broker_transport_options.get("socket_connect_timeout") or 2.0
    _heartbeat = Heartbeat(broker_url, celery.conf.task_default_queue, timeout).start()


def _stop() -> None:
    global _heartbeat
    if _heartbeat is not None and claims.holder() == _heartbeat.holder:
        _heartbeat.stop()
    _heartbeat = None


@signals.worker_process_init.connect
def _pool_process_started(**_kwargs) -> None:
    # A prefork pool child, just forked, or the main process of a solo pool: where the tasks run. (A thread
    # started here outlives the handler; Celery only asks that the handler itself return quickly, which the
    # heartbeat's start does: it only starts the thread.)
    _start()


@signals.worker_ready.connect
def _worker_ready(sender=None, **_kwargs) -> None:
    # The threads (and eventlet, gevent) pools run the tasks in the main process and send no
    # worker_process_init. A prefork main process runs none and must not beat: a thread running in it
    # while it forks a new pool child could leave a lock held in the child.
    pool = getattr(sender, "pool", None)
    if pool is not None and not type(pool).__module__.endswith(".prefork"):
        _start()


@signals.worker_process_shutdown.connect
@signals.worker_shutdown.connect
def _process_ending(**_kwargs) -> None:
    _stop()
