"""Running the pipeline's tasks: Celery workers in production, one in-process thread when embedded."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Give the app its task queue: Celery when a broker is configured, else the embedded worker."""
    settings = app.extensions["climate_plugin.settings"]
    if settings.broker_url:
        from climate_plugin.worker.celery_app import CeleryQueue, celery_init_app

        app.extensions["climate_plugin.queue"] = CeleryQueue(celery_init_app(app))
    else:
        from climate_plugin.worker.embedded import EmbeddedWorker

        # Created now, started only by the processes that serve (see EmbeddedWorker.start): a CLI
        # command such as `municipality create` must not start a worker thread.
        app.extensions["climate_plugin.queue"] = EmbeddedWorker(app)
