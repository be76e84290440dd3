"""One send per climate block: a write-back row is claimed (pending → sending, one conditional UPDATE) before
it is sent, so concurrent workers handed the same row (two deliveries for one item, the sweeper, a redelivered
message) send it once. Real concurrency, on PostgreSQL."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from climate_plugin.db import db
from climate_plugin.models import WriteBack
from climate_plugin.worker.runner import run_task
from tests.support.app import build_app
from tests.support.samples import SCHOOL
from tests.support.webhooks import event_body, register, signed_headers

WORKERS = 4


class CountingHost:
    """An agenda API that serves item 7 and records every climate block sent to it, answering slowly enough
    that concurrent senders overlap."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def _send(self, status: int, payload: dict) -> None:
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                item = {"id": "7", "title": SCHOOL["title"], "body": SCHOOL["body"], "language": "fi"}
                self._send(200, item)

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers["content-length"]))
                with owner.lock:
                    owner.sent.append(self.headers.get("Idempotency-Key"))
                time.sleep(0.2)  # widens the window in which a second sender could start; nothing is timed
                self._send(200, {"ok": True})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


class Held:
    """A queue that hands nothing over: the test runs the tasks itself, all at once."""

    def enqueue(self, task, record_id, countdown=0):
        pass


@pytest.fixture
def setup(tmp_path, postgres_url):
    host = CountingHost()
    app = build_app(tmp_path, database_url=postgres_url)
    app.extensions["climate_plugin.queue"] = Held()
    with app.app_context():
        row, secret = register(host.base_url)
        connector_id = row.id
    yield app, host, connector_id, secret
    host.server.shutdown()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _together(app, work) -> None:
    """Run ``work()`` in WORKERS threads, each in its own app context (its own session and connection),
    started at the same moment."""
    start = threading.Barrier(WORKERS)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with app.app_context():
                start.wait()
                work()
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors


def _webhook(app, connector_id: int, secret: str) -> int:
    body = event_body("7", "agenda_item.updated")
    headers = signed_headers(secret, body)
    response = app.test_client().post(f"/webhooks/{connector_id}", data=body, headers=headers)
    assert response.status_code == 202, response.json
    return response.json["delivery"]


def test_one_write_back_handed_to_several_senders_is_sent_once(setup):
    app, host, connector_id, secret = setup
    with app.app_context():
        assert run_task("process_delivery", _webhook(app, connector_id, secret)).error is None
        [write_back_id] = db.session.scalars(db.select(WriteBack.id)).all()
    _together(app, lambda: run_task("send_write_back", write_back_id))
    assert len(host.sent) == 1
    with app.app_context():
        write_back = db.session.get(WriteBack, write_back_id)
        assert (write_back.status, write_back.attempts) == ("sent", 1)


def test_concurrent_deliveries_for_one_item_send_each_revision_once(setup):
    app, host, connector_id, secret = setup
    deliveries = iter([_webhook(app, connector_id, secret) for _ in range(WORKERS)])
    lock = threading.Lock()

    def deliver_then_send() -> None:
        with lock:
            delivery_id = next(deliveries)
        run_task("process_delivery", delivery_id)
        # what the commit would hand over: every block of the item still waiting
        for write_back_id in db.session.scalars(db.select(WriteBack.id).where(WriteBack.status == "pending")):
            run_task("send_write_back", write_back_id)

    _together(app, deliver_then_send)
    with app.app_context():
        rows = db.session.scalars(db.select(WriteBack)).all()
        sent = [row for row in rows if row.status == "sent"]
    assert len(host.sent) == len(set(host.sent)) == len(sent) == 1
    assert host.sent == [sent[0].idempotency_key]


def test_a_redelivered_message_takes_over_a_row_its_dead_sender_left_sending(setup):
    """A worker killed mid-send leaves its row "sending". The same task handed out again (not a
    redelivery) leaves it alone: another sender may be at it. A redelivery, which the broker makes only when
    the run that had the message is gone, sends it at once, with the same Idempotency-Key."""
    app, host, connector_id, secret = setup
    with app.app_context():
        assert run_task("process_delivery", _webhook(app, connector_id, secret)).error is None
        write_back = db.session.scalars(db.select(WriteBack)).one()
        write_back.status, write_back.attempts = "sending", 1  # what the killed sender left
        db.session.commit()
        write_back_id, key = write_back.id, write_back.idempotency_key
        assert run_task("send_write_back", write_back_id).error is None
        assert host.sent == []
        assert run_task("send_write_back", write_back_id, redelivered=True).error is None
        assert host.sent == [key]
        db.session.expire_all()
        assert (db.session.get(WriteBack, write_back_id).status, host.sent) == ("sent", [key])
        assert db.session.get(WriteBack, write_back_id).attempts == 2
