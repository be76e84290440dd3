"""Celery wiring (Flask's documented pattern) and its production settings."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from celery import Celery, Task, signals
from flask import Flask
from kombu import Queue

from climate_plugin.config import is_redis_url
from climate_plugin.queue import TaskName
from climate_plugin.worker import (
    kombu_fixes,
    liveness,  # noqa: F401 - connects the heartbeat to the worker's signals
)

#: how often beat has the claims of dead workers taken over (worker.liveness): with the heartbeat's TTL
#: (20 s) a claim of a killed worker goes to another within about half a minute
TAKE_OVER_EVERY = 10.0

#: soft limit raises inside the task so it can record why; the hard limit kills a stuck worker child
SOFT_TIME_LIMIT = 120
HARD_TIME_LIMIT = 180


def write_back_queue(queue_name: str) -> str:
    """The Celery queue of write-backs, next to the deployment's own queue."""
    return f"{queue_name}.write-backs"


def celery_init_app(app: Flask) -> Celery:
    settings = app.extensions["climate_plugin.settings"]
    kombu_fixes.apply()  # a worker that loses Redis while it holds a message reconnects (see the module)

    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    celery = Celery(app.name, task_cls=FlaskTask)
    write_backs = write_back_queue(settings.queue_name)
    celery.conf.update(
        broker_url=settings.broker_url,
        task_default_queue=settings.queue_name,
        # Write-backs on a queue of their own, which every worker also consumes (Redis takes the queues in
        # turn): a backlog of deliveries must not hold back the blocks people wait to see in their agenda.
        # A worker started with `-Q <queue>.write-backs` serves only them.
        task_queues=(Queue(settings.queue_name), Queue(write_backs)),
        # The take-over of dead workers' claims too: it must run while a backlog of deliveries waits.
        task_routes={
            "worker.tasks.send_write_back": {"queue": write_backs},
            "worker.tasks.take_over_dead_workers": {"queue": write_backs},
        },
        task_ignore_result=True,
        task_serializer="json",
        accept_content=["json"],
        # A task is acknowledged only after it finished, and put back if its worker dies, so a
        # killed worker loses nothing; tasks are idempotent, so running one twice is harmless.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_soft_time_limit=SOFT_TIME_LIMIT,
        task_time_limit=HARD_TIME_LIMIT,
        broker_connection_retry_on_startup=True,
        # The web process publishes inside a webhook request: with the broker unreachable it must give
        # up within a second or two (the delivery is already committed; the sweeper enqueues it later)
        # rather than hold the sender past its own 10–15 s timeout.
        # A Redis that accepts connections and never answers (frozen, SIGSTOP) is the same: each socket
        # operation gives up after CLIMATE_PLUGIN_BROKER_TIMEOUT, and one publish tries at most twice, so a
        # webhook is answered within a few seconds whatever the broker does.
        broker_connection_timeout=settings.broker_timeout,
        task_publish_retry_policy={
            "max_retries": 1,
            "interval_start": 0,
            "interval_step": 0.2,
            "interval_max": 0.2,
        },
        broker_transport_options={
            # Redis re-delivers a task not acknowledged within the visibility timeout; it must be longer
            # than the longest retry countdown (runner.MAX_RETRY_DELAY) or retries run several times.
            "visibility_timeout": 2 * 3600,
            "socket_connect_timeout": settings.broker_timeout,
            # longer than the worker's 1-second BRPOP poll, which waits on this socket too
            "socket_timeout": max(settings.broker_timeout, 2.0),
        },
        beat_schedule={
            "sweep": {"task": "worker.tasks.sweep", "schedule": settings.sweep_interval},
            "reminders": {"task": "worker.tasks.send_reminders", "schedule": 24 * 3600.0},
            "poll": {"task": "worker.tasks.poll_due", "schedule": 60.0},
            "take-over": {
                "task": "worker.tasks.take_over_dead_workers",
                "schedule": TAKE_OVER_EVERY,
                # while every worker is down, one waiting take-over is enough: older ones expire unrun
                "options": {"expires": 3 * TAKE_OVER_EVERY},
            },
        },
        include=["climate_plugin.worker.tasks"],
    )
    celery.set_default()
    app.extensions["celery"] = celery
    return celery


@signals.worker_init.connect
def _warm_up(**_kwargs) -> None:
    # In the main worker process, before the pool forks: children inherit the loaded dictionaries
    # instead of each spending seconds on its first item of every language.
    from climate_plugin.screening import warm_up

    warm_up()


class CeleryQueue:
    """The core's queue interface, backed by Celery.

    A task due now is published by :class:`RedisPublisher` when the broker is Redis: the same message that
    ``apply_async`` puts in the queue's Redis list (``tests/test_webhook_hot_path.py`` compares the two), at
    a fraction of the cost; it is the webhook's hot path. Anything else (a countdown, another broker) goes
    through ``apply_async``.
    """

    def __init__(self, celery: Celery | None = None) -> None:
        self._publisher: RedisPublisher | None = None
        if celery is not None and is_redis_url(celery.conf.broker_url):
            self._publisher = RedisPublisher(celery)

    def enqueue(self, task: TaskName, record_id: int, countdown: float = 0) -> None:
        if self._publisher is not None and not countdown:
            self._publisher.publish(task, record_id)
            return
        from climate_plugin.worker import tasks

        getattr(tasks, task).apply_async((record_id,), countdown=countdown or None)

    def enqueue_all(self, task: TaskName, record_ids: Sequence[int]) -> None:
        """Several tasks due now: one LPUSH of all their messages on Redis."""
        if self._publisher is not None:
            self._publisher.publish_all(task, record_ids)
            return
        for record_id in record_ids:
            self.enqueue(task, record_id)


class RedisPublisher:
    """Celery's task message for ``task(record_id)``, pushed onto its queue's Redis list with one LPUSH.

    ``apply_async`` spends most of a webhook's publishing time in its own layers (options merged from the
    task, the router, signals, kombu's producer, channel and retry wrappers) before the one LPUSH that kombu's
    Redis transport sends. Here Celery still makes the message (``amqp.create_task_message``, once per task
    and process; each publish fills in its own task id and argument), routed as Celery routes the task, so a
    worker reads it as its own; only the envelope kombu's Redis transport wraps it in is built here
    (``tests/test_webhook_hot_path.py`` fails if a Celery or kombu release changes either). Socket timeouts
    and one retry as the Celery publish has them, so a hung Redis costs a webhook at most about twice the
    socket timeout; the caller leaves a failure to the sweeper.
    """

    def __init__(self, celery: Celery) -> None:
        import threading

        self._celery = celery
        # A client per thread, each with its own single connection: a client shared by the threads takes a
        # connection from its pool and checks it for stray data (a poll of the socket) on every publish.
        self._local = threading.local()
        self._queues: dict[str, str] = {}
        self._templates: dict[tuple[str, int], tuple[dict, dict, list]] = {}
        #: per task: (the Celery template it was made from, the envelope's template): made again with the
        #: Celery template, which a forked process makes anew
        self._envelopes: dict[str, tuple[tuple[dict, dict, list], tuple[bytes, bytes, bytes]]] = {}

    def _queue(self, name: str) -> str:
        queue = self._queues.get(name)
        if queue is None:
            from climate_plugin.worker import tasks  # noqa: F401 - registers the tasks with Celery

            task = self._celery.tasks[name]
            route = self._celery.amqp.router.route({}, name, (), {}, task)
            queue = self._queues[name] = route["queue"].name
        return queue

    def _template(self, name: str) -> tuple[dict, dict, list]:
        """Celery's own message for ``name`` (headers, properties, body), made once per process."""
        import os

        key = (name, os.getpid())  # the origin header names the process: a forked worker makes its own
        template = self._templates.get(key)
        if template is None:
            declared = self._celery.tasks[name]  # its options (from the configuration), as apply_async
            headers, properties, body, _sent = self._celery.amqp.create_task_message(
                "", name, (0,), {},
                expires=declared.expires,
                time_limit=declared.time_limit,
                soft_time_limit=declared.soft_time_limit,
                create_sent_event=self._celery.conf.task_send_sent_event,
                ignore_result=declared.ignore_result,
            )
            template = self._templates[key] = (headers, properties, body)
        return template

    def envelope(self, task: TaskName, record_id: int) -> bytes:
        """The bytes kombu's Redis transport would LPUSH for ``apply_async((record_id,))`` (ids aside)."""
        import base64
        import uuid

        name = f"worker.tasks.{task}"
        before_args, after_args, parts = self._envelope_template(name)
        task_id = str(uuid.uuid4())
        # The body is base64 of the JSON [[record_id], {}, embed]; only the id in it varies.
        body = base64.b64encode(b"%s%d%s" % (before_args, record_id, after_args))
        # uuids, the thread's oid (a uuid), an int's repr and base64 need no JSON escaping
        return parts % {
            b"body": body,
            b"task_id": task_id.encode(),
            b"argsrepr": b"(%d,)" % record_id,
            b"reply_to": self._celery.thread_oid.encode(),
            b"delivery_tag": str(uuid.uuid4()).encode(),
        }

    def _envelope_template(self, name: str) -> tuple[bytes, bytes, bytes]:
        """The message of :meth:`envelope` as JSON made once per task and process, with %-placeholders for
        what each publish fills in: (the body's JSON before the id, after it, the message)."""
        import json

        template = self._template(name)
        known = self._envelopes.get(name)
        if known is not None and known[0] is template:
            return known[1]
        headers, properties, body = template
        queue = self._queue(name)
        before_args, _, after_args = json.dumps([["ARGS"], *body[1:]]).encode().partition(b'"ARGS"')

        def slot(field: str) -> str:
            return f"SLOT<{field}>SLOT"

        message = {
            "body": slot("body"),
            "content-encoding": "utf-8",
            "content-type": "application/json",
            "headers": {
                **headers, "id": slot("task_id"), "root_id": slot("task_id"), "argsrepr": slot("argsrepr")
            },
            "properties": {
                **properties,
                "correlation_id": slot("task_id"),
                # per thread, as apply_async sends it
                "reply_to": slot("reply_to"),
                "delivery_mode": 2,
                "delivery_info": {"exchange": "", "routing_key": queue},
                "priority": 0,
                "body_encoding": "base64",
                "delivery_tag": slot("delivery_tag"),
            },
        }
        parts = json.dumps(message).encode().replace(b"%", b"%%")
        parts = re.sub(rb"SLOT<(\w+)>SLOT", rb"%(\1)s", parts)
        made = (before_args, after_args, parts)
        self._envelopes[name] = (template, made)
        return made

    def publish(self, task: TaskName, record_id: int) -> None:
        self.publish_all(task, (record_id,))

    def publish_all(self, task: TaskName, record_ids: Sequence[int]) -> None:
        # LPUSH of several values pushes them one after the other: the worker's BRPOP takes them in order.
        queue = self._queue(f"worker.tasks.{task}")  # first: it registers the tasks the envelope reads
        self._client().lpush(queue, *[self.envelope(task, record_id) for record_id in record_ids])

    def _client(self) -> Any:
        """This thread's client (made again in a forked process: a connection is never shared with one)."""
        import os

        local = self._local
        client = getattr(local, "client", None)
        if client is None or local.pid != os.getpid():
            import redis
            from redis.backoff import NoBackoff
            from redis.retry import Retry

            options = self._celery.conf.broker_transport_options or {}
            client = redis.Redis.from_url(
                self._celery.conf.broker_url,
                socket_timeout=options.get("socket_timeout"),
                socket_connect_timeout=options.get("socket_connect_timeout"),
                # one retry, as task_publish_retry_policy allows the Celery publish
                retry=Retry(NoBackoff(), 1),
                single_connection_client=True,
            )
            local.client, local.pid = client, os.getpid()
        return client
