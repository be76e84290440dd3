"""`climate-plugin demo`: the whole pipeline on one machine, against built-in sample agenda systems.

Each demo municipality (Hollola, Lahti, Orimattila, Porvoo, Sipoo, Loviisa) gets its own sample agenda
system and connector; the items are drafted there, screened and written back, and a table shows the result.
With --keep-running, the service's front page at / links to every face: each item's checklist, the meeting
views, the climate coordinator's pages, /admin (with a demo login shown on the page) and the API docs.
Everything lives in a temporary folder, removed when the demo stops (also on Ctrl-C or SIGTERM).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import click


@click.command()
@click.option("--keep-running", is_flag=True, help="Keep the servers up for browsing until Ctrl-C.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=0,
    show_default=True,
    help="Port for climate-plugin on 127.0.0.1 (0: any free port).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON instead of a table.")
@click.option(
    "--timeout",
    default=60.0,
    show_default=True,
    type=click.FloatRange(1, 600),
    help="Seconds to wait for every item to be screened and written back.",
)
def demo(keep_running: bool, port: int, as_json: bool, timeout: float) -> None:
    """Draft sample agenda items in sample agenda systems and show them screened and written back."""
    from climate_plugin.demo.items import DEMO_ITEMS

    with _stopped_by_signals(), _temporary_folder() as workdir, _services(workdir, port) as demo_run:
        click.echo(f"climate-plugin on {demo_run.public_url}; sample agenda systems:")
        for slug, host in demo_run.hosts.items():
            click.echo(f"  {slug:<11} {host.base_url}/")
        for item in DEMO_ITEMS:
            demo_run.hosts[item["municipality"]].draft(item)
        done = _wait_for_write_backs(demo_run, timeout)
        rows = demo_run.rows()
        if as_json:
            click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        else:
            _print_table(rows)
        missing = [i["id"] for i in DEMO_ITEMS if i["id"] not in done]
        if missing:
            click.echo(f"not written back within {timeout:.0f}s: {', '.join(missing)}", err=True)
            sys.exit(1)
        click.echo(f"{len(done)} items screened and written back.")
        if not keep_running:
            click.echo("Run `climate-plugin demo --keep-running` to open the pages in a browser.")
            return
        click.echo(
            f"Open {demo_run.public_url}/ in a browser: it links to every page. Sign in to "
            f"{demo_run.public_url}/admin/ as {demo_run.admin_email} with the password "
            f"{demo_run.admin_password}\n"
            "Ctrl-C stops the demo and removes its temporary folder."
        )
        while True:
            time.sleep(3600)


@contextmanager
def _stopped_by_signals() -> Iterator[None]:
    """Ctrl-C ends the demo quietly; SIGTERM too, through the same clean-up (the temporary folder goes)."""

    def terminate(_signum, _frame):
        raise KeyboardInterrupt

    # SIGINT too: a shell that starts the demo in the background leaves it ignored, and then no Ctrl-C or
    # `kill -INT` would ever reach the clean-up.
    previous = {
        signal.SIGTERM: signal.signal(signal.SIGTERM, terminate),
        signal.SIGINT: signal.signal(signal.SIGINT, signal.default_int_handler),
    }
    try:
        yield
    except KeyboardInterrupt:
        click.echo("\nstopped", err=True)
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


@contextmanager
def _temporary_folder() -> Iterator[str]:
    workdir = tempfile.mkdtemp(prefix="climate-plugin-demo-")
    try:
        yield workdir
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


class _Dispatcher:
    """The server's WSGI app, set once the app exists: the app needs the server's port (its public URL)."""

    app = None

    def __call__(self, environ, start_response):
        return self.app(environ, start_response)


@contextmanager
def _services(workdir: str, port: int):
    """The service on 127.0.0.1:``port`` with its embedded worker, on SQLite in ``workdir``, and a sample
    agenda system per demo municipality; everything stopped on the way out."""
    from flask_migrate import upgrade
    from werkzeug.serving import make_server

    from climate_plugin.app import MIGRATIONS_DIR, create_app
    from climate_plugin.config import PREFIX, load_settings

    dispatcher = _Dispatcher()
    _check_port(port)
    server = make_server("127.0.0.1", port, dispatcher, threaded=True)
    public_url = f"http://127.0.0.1:{server.server_port}"
    # The demo always runs the embedded default in a fresh folder, whatever this shell has configured.
    environ = {k: v for k, v in os.environ.items() if not k.startswith(PREFIX)}
    environ.update(
        {
            PREFIX + "DATABASE_URL": f"sqlite:///{workdir}/demo.sqlite3",
            PREFIX + "PUBLIC_URL": public_url,
            # The sample agenda systems run on this machine: allow exactly its loopback address.
            PREFIX + "OUTBOUND_ALLOW": "127.0.0.1",
            PREFIX + "LOG_LEVEL": "WARNING",
        }
    )
    app = create_app(load_settings(workdir, environ))
    # Only the table is meant for the reader: no migration or request chatter.
    for name in ("alembic", "werkzeug"):
        logging.getLogger(name).setLevel(logging.WARNING)
    with app.app_context():
        upgrade(directory=MIGRATIONS_DIR)
    dispatcher.app = app
    serving = threading.Thread(target=server.serve_forever, name="demo-server", daemon=True)
    serving.start()
    worker = app.extensions["climate_plugin.queue"]
    worker.start()
    from climate_plugin.demo.run import DemoRun

    demo_run = DemoRun(app, public_url)
    try:
        demo_run.start()
        yield demo_run
    finally:
        demo_run.stop()
        server.shutdown()
        server.server_close()
        worker.stop()
        with app.app_context():
            from climate_plugin.db import db

            db.session.remove()
            db.engine.dispose()


def _check_port(port: int) -> None:
    """One clear line for a port already taken (Werkzeug would print two and exit on its own)."""
    if port == 0:
        return
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server itself binds
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as exc:
            raise click.ClickException(
                f"cannot serve on 127.0.0.1:{port} ({exc.strerror}); choose another --port"
            ) from None


def _wait_for_write_backs(demo_run, timeout: float) -> set[str]:
    from climate_plugin.demo.items import DEMO_ITEMS

    deadline = time.monotonic() + timeout
    while True:
        done = demo_run.written_back()
        if len(done) == len(DEMO_ITEMS) or time.monotonic() > deadline:
            return done
        time.sleep(0.1)


def _print_table(rows: list[dict]) -> None:
    click.echo(
        f"\n{'item':<9} {'municipality':<12} {'lang':<4} {'relevance':<9} {'expected':<8} "
        f"{'categories':<44} checklist"
    )
    for row in rows:
        click.echo(
            f"{row['item']:<9} {row['municipality']:<12} {row['language'] or '-':<4} {row['relevance']:<9} "
            f"{row['expected'] or '-':<8} {','.join(row['categories']) or '-':<44} {row['checklist_url']}"
        )
        click.echo(f"{'':<9} {row['title'][:100]}")
        if row["differs"]:
            click.echo(f"{'':<9} why not {row['expected']}: {row['differs']}")
    click.echo()

