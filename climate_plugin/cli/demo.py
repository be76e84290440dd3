"""`climate-plugin demo`: the whole pipeline on one machine, against a built-in sample agenda system."""

from __future__ import annotations

import json
import logging
import os
import sys
import tempfile
import threading
import time

import click


@click.command()
@click.option("--keep-running", is_flag=True, help="Keep both servers up for browsing until Ctrl-C.")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON instead of a table.")
@click.option(
    "--timeout",
    default=60.0,
    show_default=True,
    type=click.FloatRange(1, 600),
    help="Seconds to wait for every item to be screened and written back.",
)
def demo(keep_running: bool, as_json: bool, timeout: float) -> None:
    """Draft sample agenda items in a sample agenda system and show them screened and written back."""
    from flask_migrate import upgrade
    from werkzeug.serving import make_server

    from climate_plugin.app import MIGRATIONS_DIR, create_app
    from climate_plugin.config import PREFIX, load_settings
    from climate_plugin.demo.items import DEMO_ITEMS
    from climate_plugin.demo.sample_host import SampleHost

    workdir = tempfile.mkdtemp(prefix="climate-plugin-demo-")
    # The demo always runs the embedded default in a fresh folder, whatever this shell has configured.
    environ = {k: v for k, v in os.environ.items() if not k.startswith(PREFIX)}
    environ.update(
        {
            PREFIX + "DATABASE_URL": f"sqlite:///{workdir}/demo.sqlite3",
            # The sample agenda system runs on this machine: allow exactly its loopback address.
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

    server = make_server("127.0.0.1", 0, app, threaded=True)
    app.config["PUBLIC_URL"] = f"http://127.0.0.1:{server.server_port}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    app.extensions["climate_plugin.queue"].start()

    host = SampleHost()
    host.start()
    try:
        connector_id = _register(app, host)
        click.echo(f"climate-plugin on {app.config['PUBLIC_URL']}; sample agenda system on {host.base_url}")
        for item in DEMO_ITEMS:
            host.draft(item)
        done = _wait_for_write_backs(host, [i["id"] for i in DEMO_ITEMS], timeout)
        rows = _rows(app, connector_id)
        expected = {i["id"]: i["expected"] for i in DEMO_ITEMS}
        for row in rows:
            row["expected"] = expected.get(row["item"])
        if as_json:
            click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        else:
            _print_table(rows)
        missing = [i["id"] for i in DEMO_ITEMS if i["id"] not in done]
        if missing:
            click.echo(f"not written back within {timeout:.0f}s: {', '.join(missing)}", err=True)
            sys.exit(1)
        click.echo(f"{len(done)} items screened and written back; database in {workdir}")
        if keep_running:
            click.echo(f"Browse {host.base_url}/ and the checklist links; Ctrl-C stops.")
            while True:
                time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        host.stop()
        server.shutdown()
        app.extensions["climate_plugin.queue"].stop()


def _register(app, host) -> int:
    from climate_plugin.db import db
    from climate_plugin.demo.sample_host import rest_connector_config
    from climate_plugin.hosts.connector import create_connector, webhook_url
    from climate_plugin.models import Municipality

    with app.app_context():
        town = Municipality(slug="hollola", name="Hollolan kunta", language="fi")
        db.session.add(town)
        db.session.commit()
        row, secret = create_connector(
            town, "rest", "Sample agenda system", rest_connector_config(host.base_url)
        )
        host.configure_webhook(webhook_url(row), secret)
        return row.id


def _wait_for_write_backs(host, item_ids: list[str], timeout: float) -> set[str]:
    deadline = time.monotonic() + timeout
    while True:
        done = {i for i in item_ids if i in host.climate_blocks()}
        if len(done) == len(item_ids) or time.monotonic() > deadline:
            return done
        time.sleep(0.1)


def _rows(app, connector_id: int) -> list[dict]:
    from sqlalchemy import select

    from climate_plugin.assessments.links import checklist_url
    from climate_plugin.db import db
    from climate_plugin.models import AgendaItem

    with app.app_context():
        items = db.session.scalars(
            select(AgendaItem).where(AgendaItem.connector_id == connector_id).order_by(AgendaItem.id)
        )
        return [
            {
                "item": item.external_id,
                "language": item.language,
                "title": item.title,
                "relevance": item.current_assessment.relevance if item.current_assessment else "-",
                "categories": item.current_assessment.categories if item.current_assessment else [],
                "checklist_url": checklist_url(item, app.config["PUBLIC_URL"]),
            }
            for item in items
        ]


def _print_table(rows: list[dict]) -> None:
    click.echo(f"\n{'item':<9} {'lang':<4} {'relevance':<9} {'expected':<8} {'categories':<52} checklist")
    for row in rows:
        click.echo(
            f"{row['item']:<9} {row['language'] or '-':<4} {row['relevance']:<9} {row['expected'] or '-':<8} "
            f"{','.join(row['categories']) or '-':<52} {row['checklist_url']}"
        )
        click.echo(f"{'':<9} {row['title'][:100]}")
    click.echo()
