"""Running the service: `serve` (web, plus the embedded worker without a broker), `worker`, `beat`.

Each checks first that it can do its work (climate_plugin.startup): a database not at the newest
migration is refused with the command to run, and stored secrets no key can read are named.
"""

from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import with_appcontext


def _settings():
    return current_app.extensions["climate_plugin.settings"]


def _ready() -> None:
    """Refuse to start (one line, non-zero exit) unless the start-up checks pass; log their warnings."""
    from climate_plugin.db import db
    from climate_plugin.startup import NotReady, check

    try:
        warnings = check()
    except NotReady as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        # gunicorn and Celery fork after this: a connection opened here must not be shared with children
        db.session.remove()
        db.engine.dispose()
    for warning in warnings:
        logging.getLogger("climate_plugin.startup").warning(warning)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--workers",
    default=None,
    type=click.IntRange(1, 64),
    help="Web worker processes (with a broker; default 2 × cores + 1).",
)
@click.option("--threads", default=4, show_default=True, type=click.IntRange(1, 64))
@with_appcontext
def serve(host: str, port: int, workers: int | None, threads: int) -> None:
    """Serve the web service under gunicorn.

    Without CLIMATE_PLUGIN_BROKER_URL the worker runs in the same (single) process, on its own thread.
    """
    import os

    from gunicorn.app.base import BaseApplication

    _ready()
    app = current_app._get_current_object()
    embedded = _settings().broker_url is None
    if embedded:
        if workers not in (None, 1):
            raise click.BadParameter(
                "the embedded worker needs exactly one process; set CLIMATE_PLUGIN_BROKER_URL to run several",
                param_hint="--workers",
            )
        workers = 1
    elif workers is None:
        workers = 2 * (os.cpu_count() or 1) + 1

    def post_worker_init(_worker) -> None:
        # Start the thread inside the serving process, after gunicorn's fork.
        if embedded:
            app.extensions["climate_plugin.queue"].start()

    class Server(BaseApplication):
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("threads", threads)
            self.cfg.set("post_worker_init", post_worker_init)
            self.cfg.set("accesslog", "-")

        def load(self):
            return app

    click.echo(
        f"climate-plugin serving on http://{host}:{port} "
        f"({'embedded worker' if embedded else f'{workers} web workers; run `climate-plugin worker`'})"
    )
    Server().run()


def _celery():
    celery = current_app.extensions.get("celery")
    if celery is None:
        raise click.ClickException(
            "no broker configured: set CLIMATE_PLUGIN_BROKER_URL=redis://… "
            "(without it `serve` runs the worker in-process)"
        )
    return celery


@click.command(context_settings={"ignore_unknown_options": True})
@click.option(
    "--concurrency",
    "-c",
    type=click.IntRange(1, 256),
    default=None,
    help="Worker processes (default: one per core).",
)
@click.argument("celery_args", nargs=-1, type=click.UNPROCESSED)
@with_appcontext
def worker(concurrency: int | None, celery_args: tuple[str, ...]) -> None:
    """Run a Celery worker; start as many as the load needs. Extra arguments go to Celery."""
    celery = _celery()
    _ready()
    argv = ["worker", "--loglevel", _settings().log_level]
    if concurrency:
        argv += ["--concurrency", str(concurrency)]
    celery.worker_main(argv + list(celery_args))


@click.command()
@with_appcontext
def beat() -> None:
    """Run Celery beat (the sweeper, the connector polls and the reminders); run exactly one."""
    import os

    celery = _celery()
    _ready()
    # Beat keeps its last-run times in a file: in the instance folder, not wherever it was started.
    schedule = os.path.join(current_app.instance_path, "celerybeat-schedule")
    celery.start(["beat", "--loglevel", _settings().log_level, "--schedule", schedule])
