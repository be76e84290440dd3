"""Celery tasks: thin wrappers that take record ids and leave the work to the services."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from flask import current_app

from climate_plugin.config import is_redis_url
from climate_plugin.queue import TaskName
from climate_plugin.worker import liveness, sweeper
from climate_plugin.worker.runner import run_task


def _run(task, name: TaskName, record_id: int) -> None:
    max_retries = current_app.extensions["climate_plugin.settings"].task_max_retries
    # acks late: a message is handed out again only when the run that had it is gone (see run_task)
    redelivered = bool((task.request.delivery_info or {}).get("redelivered"))
    outcome = run_task(name, record_id, task.request.retries, max_retries, redelivered)
    if outcome.retry_in is not None:
        # run_task enforces the bound (on the record's own count). Celery must not add one of its own:
        # ``retry(max_retries=None)`` would mean the task's default of 3, not "no limit", and the 4th
        # retry would die with the record left waiting. The tasks are declared with max_retries=None.
        raise task.retry(countdown=outcome.retry_in, exc=outcome.error)


#: no Celery limit on retries: run_task bounds them by the record's count (see _run)
UNBOUNDED = {"bind": True, "max_retries": None}


@shared_task(name="worker.tasks.process_delivery", **UNBOUNDED)
def process_delivery(self, delivery_id: int) -> None:
    _run(self, "process_delivery", delivery_id)


@shared_task(name="worker.tasks.send_write_back", **UNBOUNDED)
def send_write_back(self, write_back_id: int) -> None:
    _run(self, "send_write_back", write_back_id)


@shared_task(name="worker.tasks.poll_connector", **UNBOUNDED)
def poll_connector(self, connector_id: int) -> None:
    _run(self, "poll_connector", connector_id)


@shared_task(name="worker.tasks.poll_due")
def poll_due() -> None:
    from climate_plugin.hosts.polling import poll_due_connectors

    poll_due_connectors()


@shared_task(name="worker.tasks.send_reminders")
def send_reminders() -> None:
    from climate_plugin.commitments.reminders import send_due_reminders
    from climate_plugin.followups.service import send_follow_up_reminders

    send_due_reminders()
    send_follow_up_reminders()  # the coordinator's X5 follow-ups, on the same daily schedule


@shared_task(name="worker.tasks.sweep")
def sweep() -> None:
    settings = current_app.extensions["climate_plugin.settings"]
    # A Redis restarted without persistence has lost the messages it held: the records they stood for are
    # handed over now, not after the five minutes a lost message otherwise waits (see broker_forgot).
    forgot = sweeper.broker_forgot(settings.broker_url, settings.queue_name, settings.broker_timeout)
    sweeper.sweep(stale_after=sweeper.STALE_AFTER, unclaimed_after=timedelta(0) if forgot else None)


@shared_task(name="worker.tasks.take_over_dead_workers")
def take_over_dead_workers() -> None:
    """Hand over the claims of worker processes whose heartbeat is gone (beat, every TAKE_OVER_EVERY s)."""
    settings = current_app.extensions["climate_plugin.settings"]
    if not is_redis_url(settings.broker_url):
        return  # no heartbeats without Redis; the sweeper's limit covers such claims

    def alive(holders: set[str]) -> set[str] | None:
        return liveness.alive(settings.broker_url, settings.queue_name, holders, settings.broker_timeout)

    from celery import current_app as celery

    unstarted = liveness.Unstarted(
        settings.broker_url,
        [q.name for q in celery.conf.task_queues],  # this deployment's: deliveries' and write-backs'
        settings.broker_timeout,
        celery.conf.broker_transport_options,
    )
    registry = liveness.Registry(settings.broker_url, settings.queue_name, settings.broker_timeout)
    sweeper.take_over_dead_workers(alive, grace=liveness.CLAIM_GRACE, unstarted=unstarted, registry=registry)
