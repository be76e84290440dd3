"""The pipeline on the embedded default: webhook → fetch → screen → assess → write-back, and its failures."""

from __future__ import annotations

import json
import logging
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from climate_plugin.db import db
from climate_plugin.demo.sample_host import SampleHost, rest_connector_config
from climate_plugin.models import AgendaItem, Assessment, Delivery, WriteBack
from climate_plugin.models._types import utcnow
from climate_plugin.worker import sweeper
from climate_plugin.worker.runner import run_task
from tests.factories import UserFactory
from tests.support.cli import invoke
from tests.support.samples import MINUTES, SCHOOL
from tests.support.waiting import wait_for
from tests.support.webhooks import event_body, register, signed_headers


@pytest.fixture
def live(app):
    """The app served on a real port with the embedded worker, and a sample agenda system wired to it."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    app.config["PUBLIC_URL"] = f"http://127.0.0.1:{server.server_port}"
    host = SampleHost(retry_delays=(0.1,)).start()
    with app.app_context():
        row, secret = register(host.base_url)
        host.configure_webhook(f"{app.config['PUBLIC_URL']}/webhooks/{row.id}", secret)
    app.extensions["climate_plugin.queue"].start()
    yield host
    app.extensions["climate_plugin.queue"].stop()
    host.stop()
    server.shutdown()


def test_drafted_item_is_screened_and_written_back_once(app, live):
    webhook_id = live.draft(SCHOOL)
    wait_for(lambda: live.write_back_count(SCHOOL["id"]) == 1)
    block = live.climate_blocks()[SCHOOL["id"]]
    assert block["item"] == SCHOOL["id"]
    assert block["relevance"] == "high"
    assert {"energy", "buildings"} <= set(block["categories"])
    assert all(e["snippet"] and e["term"] for e in block["evidence"])
    assert block["checklist_url"].startswith(app.config["PUBLIC_URL"] + "/checklist/")
    assert block["summary"]
    # Delivered again and again, by the same id and as a fresh "updated" event with unchanged content.
    for _ in range(3):
        assert live.redeliver(webhook_id) in (200, 202)
    live.update(SCHOOL["id"])
    with app.app_context():
        wait_for(lambda: db.session.query(Delivery).filter_by(status="done").count() == 2)
    assert live.write_back_count(SCHOOL["id"]) == 1
    assert live.write_back_requests(SCHOOL["id"]) == 1
    with app.app_context():
        assert db.session.query(Assessment).count() == 1


def test_changed_content_gets_a_new_revision_and_a_new_write_back(app, live):
    live.draft(MINUTES)
    wait_for(lambda: live.write_back_count(MINUTES["id"]) == 1)
    first = live.climate_blocks()[MINUTES["id"]]
    assert first["relevance"] == "none" and first["categories"] == []
    live.update(
        MINUTES["id"],
        title="Jätevesiverkoston saneeraus ja hulevesien hallinta Keskustassa",
        body="Saneerataan vanha jätevesiverkosto ja rakennetaan hulevesialtaat tulvien ehkäisemiseksi.",
    )
    wait_for(lambda: live.write_back_count(MINUTES["id"]) == 2)
    second = live.climate_blocks()[MINUTES["id"]]
    assert second["revision"] == first["revision"] + 1
    assert second["relevance"] == "high"
    assert "adaptation" in second["categories"]


def test_detected_language_is_kept_while_the_text_is_unchanged(app, live):
    swedish = {
        **MINUTES,
        "id": "2026-43",
        "language": None,
        "title": "Val av protokolljusterare",
        "body": "Nämnden väljer två protokolljusterare för detta sammanträde.",
    }
    live.draft(swedish)
    wait_for(lambda: live.write_back_count("2026-43") == 1)
    first = live.climate_blocks()["2026-43"]
    live.update("2026-43")  # same text, still no language from the host
    with app.app_context():
        wait_for(lambda: db.session.query(Delivery).filter_by(status="done").count() == 2)
        assert db.session.query(AgendaItem).filter_by(external_id="2026-43").one().language == "sv"
    assert live.write_back_count("2026-43") == 1
    assert live.climate_blocks()["2026-43"] == first


def test_deleted_item_is_marked_and_nothing_is_written(app, live):
    live.draft(SCHOOL)
    wait_for(lambda: live.write_back_count(SCHOOL["id"]) == 1)
    live.delete(SCHOOL["id"])
    with app.app_context():
        wait_for(lambda: db.session.query(AgendaItem).filter(AgendaItem.deleted_at.isnot(None)).count() == 1)
        assert db.session.query(WriteBack).count() == 1


class FlakyHost:
    """An agenda API that fails on demand: 503s, slow answers, 404s."""

    def __init__(self) -> None:
        self.failures = 0  # answer 503 this many times first
        self.missing = False  # answer 404 for every item (as a typo in the connector's item path would)
        self.refusing_blocks = False  # answer every write-back 503
        self.delay = 0.0
        self.write_backs: list[dict] = []
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
                time.sleep(owner.delay)
                if owner.failures > 0:
                    owner.failures -= 1
                    return self._send(503, {"error": "maintenance"})
                if self.path != "/items/7" or owner.missing:
                    return self._send(404, {"error": "no such item"})
                self._send(
                    200,
                    {
                        "id": "7",
                        "title": SCHOOL["title"],
                        "body": SCHOOL["body"],
                        "language": "fi",
                        "updated_at": "2026-01-10T08:00:00+00:00",
                    },
                )

            def do_POST(self) -> None:
                if owner.refusing_blocks:
                    return self._send(503, {"error": "maintenance"})
                length = int(self.headers["content-length"])
                owner.write_backs.append(
                    {"key": self.headers.get("Idempotency-Key"), "body": json.loads(self.rfile.read(length))}
                )
                self._send(200, {"ok": True})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def flaky(app):
    host = FlakyHost()
    yield host
    host.server.shutdown()


def _receive(app, client, external_id: str = "7", msg_id: str | None = None) -> int:
    body = event_body(external_id)
    response = client.post(
        f"/webhooks/{app.config['_connector_id']}",
        data=body,
        headers=signed_headers(app.config["_secret"], body, msg_id),
    )
    assert response.status_code == 202, response.json
    return response.json["delivery"]


@pytest.fixture
def wired(app, flaky):
    with app.app_context():
        row, secret = register(flaky.base_url)
        app.config["_connector_id"], app.config["_secret"] = row.id, secret
    return app


def test_host_5xx_is_retried_with_backoff_then_succeeds(wired, client, flaky):
    app = wired
    delivery_id = _receive(app, client)
    flaky.failures = 2
    with app.app_context():
        first = run_task("process_delivery", delivery_id, attempt=0, max_retries=5)
        assert first.retry_in is not None and 0 <= first.retry_in <= 2.0**1
        delivery = db.session.get(Delivery, delivery_id)
        assert delivery.status == "received" and "503" in delivery.last_error
        assert delivery.enqueued_at > utcnow()  # the sweeper leaves it alone until the retry is due
        assert run_task("process_delivery", delivery_id, attempt=1, max_retries=5).retry_in is not None
        assert run_task("process_delivery", delivery_id, attempt=2, max_retries=5).retry_in is None
        db.session.expire_all()
        assert db.session.get(Delivery, delivery_id).status == "done"
        [write_back] = db.session.query(WriteBack).all()
        key = write_back.idempotency_key
        assert run_task("send_write_back", write_back.id, attempt=0, max_retries=5).retry_in is None
    assert len(flaky.write_backs) == 1
    assert flaky.write_backs[0]["key"] == key


def test_retries_stop_at_the_bound_counted_on_the_record_and_the_delivery_is_kept(wired, client, flaky):
    app = wired
    delivery_id = _receive(app, client)
    flaky.failures = 100
    with app.app_context():
        # The attempt number a queue passes in does not count (Celery's restarts at 0 after the sweeper hands
        # a record over again): the record's own count does, incremented by the task's claim.
        outcomes = [run_task("process_delivery", delivery_id, attempt=0, max_retries=3) for _ in range(4)]
        assert [o.retry_in is not None for o in outcomes] == [True, True, True, False]
        db.session.expire_all()
        delivery = db.session.get(Delivery, delivery_id)
        assert delivery.status == "failed" and delivery.attempts == 4
        assert "gave up after 4 attempts" in delivery.last_error and "503" in delivery.last_error
        assert delivery.body  # kept for an administrator to redeliver
        # The sweeper leaves a failed delivery alone, and never resets a waiting one's count.
        assert sweeper.sweep(stale_after=timedelta(0)) == []


def test_a_write_back_that_reaches_the_bound_fails_and_can_be_retried(wired, client, flaky, auth):
    app = wired
    flaky.refusing_blocks = True
    with app.app_context():
        assert run_task("process_delivery", _receive(app, client)).error is None
        [write_back_id] = db.session.scalars(db.select(WriteBack.id)).all()
        outcomes = [run_task("send_write_back", write_back_id, max_retries=2) for _ in range(3)]
        assert [o.retry_in is not None for o in outcomes] == [True, True, False]
        db.session.expire_all()
        failed = db.session.get(WriteBack, write_back_id)
        assert (failed.status, failed.attempts) == ("failed", 3) and "503" in failed.last_error
    admin = {"Authorization": f"Bearer {auth.token('municipality_admin')}"}
    [listed] = client.get("/api/v1/write-backs?status=failed", headers=admin).json
    assert listed["id"] == write_back_id and "gave up after 3 attempts" in listed["last_error"]
    flaky.refusing_blocks = False
    retried = client.post(f"/api/v1/write-backs/{write_back_id}/retry", headers=admin)
    assert retried.status_code == 202 and retried.json["status"] == "pending"
    with app.app_context():
        assert run_task("send_write_back", write_back_id).error is None
        assert db.session.get(WriteBack, write_back_id).status == "sent"
    assert len(flaky.write_backs) == 1


def test_the_embedded_worker_sends_due_write_backs_before_a_backlog_of_deliveries(app):
    worker = app.extensions["climate_plugin.queue"]  # not started: the test takes the jobs itself
    for delivery_id in (1, 2, 3):
        worker.enqueue("process_delivery", delivery_id)
    worker.enqueue("send_write_back", 9)
    worker.enqueue("send_write_back", 10, countdown=3600)  # a retry not yet due waits its turn
    taken = [worker._next_job(until=time.monotonic())[2:4] for _ in range(4)]
    assert taken == [("send_write_back", 9)] + [("process_delivery", i) for i in (1, 2, 3)]
    assert worker.pending() == 1


def test_the_celery_task_has_no_limit_of_its_own():
    # Celery's retry(max_retries=None) means the task's default (3), not "no limit": the 4th retry would die
    # with the record left waiting. The record's count is the only bound.
    from climate_plugin.worker import tasks

    for task in (tasks.process_delivery, tasks.send_write_back, tasks.poll_connector):
        assert task.max_retries is None


def test_host_timeout_is_transient(tmp_path, flaky):
    from tests.support.app import build_app

    app = build_app(tmp_path, outbound_timeout="0.3")
    flaky.delay = 1.0
    with app.app_context():
        row, secret = register(flaky.base_url)
        connector_id = row.id
    body = event_body("7")
    delivery_id = (
        app.test_client()
        .post(f"/webhooks/{connector_id}", data=body, headers=signed_headers(secret, body))
        .json["delivery"]
    )
    with app.app_context():
        assert run_task("process_delivery", delivery_id, attempt=0, max_retries=5).retry_in is not None
        assert db.session.get(Delivery, delivery_id).status == "received"
    flaky.delay = 0
    # The retry, on the same database with the default timeout: a busy machine can take more than 0.3 s
    # to answer even at once.
    retry_app = build_app(tmp_path)
    with retry_app.app_context():
        assert run_task("process_delivery", delivery_id, attempt=1, max_retries=5).retry_in is None
        assert db.session.get(Delivery, delivery_id).status == "done"


def test_a_404_the_connector_did_not_report_as_a_deletion_is_an_error_not_done(wired, client, flaky, auth):
    # issue 12, finding 1: a typo in the item path makes the host answer 404; that was taken as "deleted",
    # the delivery shown done and the connector's last success updated, silently.
    app = wired
    delivery_id = _receive(app, client, external_id="404-me")
    with app.app_context():
        outcome = run_task("process_delivery", delivery_id, attempt=0, max_retries=1)
        assert outcome.retry_in is not None  # retried, under the same bound as any transient failure
        delivery = db.session.get(Delivery, delivery_id)
        assert delivery.status == "received" and "404" in delivery.last_error
        assert run_task("process_delivery", delivery_id, attempt=0, max_retries=1).retry_in is None
        db.session.expire_all()
        delivery = db.session.get(Delivery, delivery_id)
        assert delivery.status == "failed" and delivery.processed_at is None
        assert "404" in delivery.last_error and "not marked deleted" in delivery.last_error
        assert db.session.query(AgendaItem).count() == 0 and db.session.query(WriteBack).count() == 0
        connector_id = delivery.connector_id
    headers = {"Authorization": f"Bearer {auth.token('viewer')}"}
    [listed] = client.get("/api/v1/deliveries?status=failed", headers=headers).json
    assert listed["id"] == delivery_id and "404" in listed["last_error"]
    runner = app.test_cli_runner()
    shown = invoke(runner, "deliveries", "list", "--json")
    assert shown.exit_code == 0 and "404" in json.loads(shown.stdout)[0]["last_error"]
    [connector] = json.loads(invoke(runner, "connector", "list").stdout)
    assert connector["id"] == connector_id
    assert "404" in connector["sync"]["last_error"] and connector["sync"]["last_success"] is None
    with app.app_context():
        admin_id = UserFactory(municipality__slug="hollola").id
    auth.login_as(admin_id)
    page = client.get("/admin/m/hollola/deliveries?status=failed&lang=en").get_data(as_text=True)
    assert f'id="delivery-{delivery_id}" data-status="failed"' in page and "404 Not Found" in page
    # A failed delivery can be redelivered (no 409); an explicit delete still marks a stored item deleted.
    admin = {"Authorization": f"Bearer {auth.token('municipality_admin')}"}
    again = client.post(f"/api/v1/deliveries/{delivery_id}/redeliver", headers=admin)
    assert again.status_code == 202 and again.json["status"] == "received"


def test_only_an_explicit_delete_marks_a_stored_item_deleted(wired, client, flaky):
    app = wired
    with app.app_context():
        assert run_task("process_delivery", _receive(app, client, external_id="7")).retry_in is None
    flaky.missing = True
    updated = _receive(app, client, external_id="7")
    with app.app_context():
        run_task("process_delivery", updated)
        assert "404" in db.session.get(Delivery, updated).last_error
        assert db.session.query(AgendaItem).filter(AgendaItem.deleted_at.isnot(None)).count() == 0
    body = event_body("7", "agenda_item.deleted")
    url, secret = f"/webhooks/{app.config['_connector_id']}", app.config["_secret"]
    response = client.post(url, data=body, headers=signed_headers(secret, body))
    with app.app_context():
        run_task("process_delivery", response.json["delivery"])
        assert db.session.query(AgendaItem).filter(AgendaItem.deleted_at.isnot(None)).count() == 1
        # The 404'd update's retry finds the newer delete done: nothing left to do, no error left standing.
        assert run_task("process_delivery", updated).retry_in is None
        db.session.expire_all()
        assert (db.session.get(Delivery, updated).status, db.session.get(Delivery, updated).last_error) == (
            "done",
            None,
        )


def test_sweeper_hands_over_work_lost_between_commit_and_enqueue(wired, client, flaky):
    app = wired

    class Recorder:
        def __init__(self):
            self.tasks = []

        def enqueue(self, task, record_id, countdown=0):
            self.tasks.append((task, record_id))

    class Down:
        def enqueue(self, task, record_id, countdown=0):
            raise ConnectionError("broker down")

    recorder = Recorder()
    app.extensions["climate_plugin.queue"] = recorder
    handed_over = _receive(app, client)  # handed over, not yet processed: not lost until 5 minutes pass
    app.extensions["climate_plugin.queue"] = Down()
    delivery_id = _receive(app, client)  # the broker is down: marked for the very next sweep
    app.extensions["climate_plugin.queue"] = recorder
    with app.app_context():
        assert db.session.get(Delivery, delivery_id).enqueued_at is None
        assert sweeper.sweep(stale_after=timedelta(minutes=5)) == [("process_delivery", delivery_id)]
        assert sweeper.sweep(stale_after=timedelta(minutes=5)) == []  # handed over once
        every_one = [("process_delivery", i) for i in (handed_over, delivery_id)]
        assert sweeper.sweep(stale_after=timedelta(0)) == every_one
    assert recorder.tasks[1:] == [("process_delivery", i) for i in (delivery_id, handed_over, delivery_id)]


def test_after_the_broker_forgot_its_messages_unclaimed_work_is_handed_over_at_once(wired, client):
    """A Redis restarted without persistence lost the queued messages: records no worker has claimed yet are
    handed over by the next sweep, not five minutes later; a record a worker is running keeps the long wait
    (it must not run twice)."""
    app = wired

    class Recorder:
        def __init__(self):
            self.tasks = []

        def enqueue(self, task, record_id, countdown=0):
            self.tasks.append((task, record_id))

    app.extensions["climate_plugin.queue"] = Recorder()
    waiting = _receive(app, client)  # queued in the broker that is about to forget it
    running = _receive(app, client)
    with app.app_context():
        db.session.get(Delivery, running).status = "processing"  # claimed by a worker that is still at it
        db.session.commit()
        assert sweeper.sweep(stale_after=timedelta(minutes=5)) == []
        forgot = sweeper.sweep(stale_after=timedelta(minutes=5), unclaimed_after=timedelta(0))
        assert forgot == [("process_delivery", waiting)]


@pytest.mark.services
def test_the_sweep_knows_when_redis_lost_what_it_held(redis_url, queue_name):
    """Each sweep leaves a marker in Redis; a marker that is gone means Redis restarted empty."""
    import redis

    marker = f"climate-plugin:sweeper-marker:{queue_name}"
    assert sweeper.broker_forgot(redis_url, queue_name, 2.0)  # the first sweep: nothing known yet
    assert not sweeper.broker_forgot(redis_url, queue_name, 2.0)
    redis.Redis.from_url(redis_url).delete(marker)  # as a restart without persistence would
    assert sweeper.broker_forgot(redis_url, queue_name, 2.0)
    redis.Redis.from_url(redis_url).delete(marker)
    assert not sweeper.broker_forgot("amqp://guest@127.0.0.1//", queue_name, 2.0)  # durable queues
    assert not sweeper.broker_forgot("redis://127.0.0.1:9/0", queue_name, 0.5)  # unreachable: no guess

def test_a_failed_hand_over_logs_one_line_with_the_reason_not_a_traceback(wired, client, caplog):
    class Down:
        def enqueue(self, task, record_id, countdown=0):
            raise ConnectionError("Error 111 connecting to redis:6379. Connection refused.")

    wired.extensions["climate_plugin.queue"] = Down()
    caplog.set_level(logging.WARNING, logger="climate_plugin.queue")
    delivery_id = _receive(wired, client)
    [record] = caplog.records
    line = record.getMessage()
    assert record.exc_info is None and "\n" not in line
    assert f"process_delivery {delivery_id}" in line and "Connection refused" in line


def test_older_state_does_not_overwrite_newer(app):
    from datetime import UTC, datetime

    from climate_plugin.connectors.base import FetchedItem
    from climate_plugin.items.store import upsert_item

    with app.app_context():
        row, _ = register()
        newer = FetchedItem("9", "Uusi otsikko", updated_at=datetime(2026, 1, 2, tzinfo=UTC))
        older = FetchedItem("9", "Vanha otsikko", updated_at=datetime(2026, 1, 1, tzinfo=UTC))
        upsert_item(row, newer)
        item = upsert_item(row, older)
        db.session.commit()
        assert item.title == "Uusi otsikko"
        assert item.updated_at == datetime(2026, 1, 2, tzinfo=UTC)


def test_attachment_text_is_screened_and_read_once(app):
    from climate_plugin.connectors.common.pdf import make_pdf

    pdf = make_pdf(["Koulun öljylämmitys korvataan maalämmöllä ja katolle asennetaan aurinkopaneelit."])
    downloads: list[str] = []
    blocks: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def _send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("content-type", content_type)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            if self.path == "/files/selvitys.pdf":
                downloads.append(self.path)
                return self._send(200, pdf, "application/pdf")
            item = {
                "id": "9",
                "title": "Hankesuunnitelman hyväksyminen",
                "body": "Liitteenä selvitys.",
                "language": "fi",
                "updated_at": "2026-01-10T08:00:00+00:00",
                "files": [{"url": "files/selvitys.pdf", "name": "selvitys.pdf"}],
            }
            self._send(200, json.dumps(item).encode(), "application/json")

        def do_POST(self) -> None:
            blocks.append(json.loads(self.rfile.read(int(self.headers["content-length"]))))
            self._send(200, b"{}", "application/json")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        config = {**rest_connector_config(f"http://127.0.0.1:{server.server_port}")}
        config["fields"] = {**config["fields"], "attachments": "/files"}
        with app.app_context():
            from climate_plugin.hosts.connector import create_connector
            from climate_plugin.models import Municipality

            town = Municipality(slug="orimattila", name="Orimattila", language="fi")
            db.session.add(town)
            db.session.commit()
            row, secret = create_connector(town, "rest", "files", config)
            connector_id = row.id
        for msg_id in ("msg_a", "msg_b"):  # the second is an update with nothing changed
            body = event_body("9")
            response = app.test_client().post(
                f"/webhooks/{connector_id}", data=body, headers=signed_headers(secret, body, msg_id)
            )
            with app.app_context():
                delivery_id = response.json["delivery"]
                assert run_task("process_delivery", delivery_id, attempt=0, max_retries=3).retry_in is None
                for write_back in db.session.query(WriteBack).filter_by(status="pending"):
                    run_task("send_write_back", write_back.id, attempt=0, max_retries=3)
        assert downloads == ["/files/selvitys.pdf"]
        [block] = blocks
        assert "energy" in block["categories"]
        assert any(e["location"] == "attachment" and e["category"] == "energy" for e in block["evidence"])
        with app.app_context():
            [item] = db.session.query(AgendaItem).all()
            assert (
                item.attachments[0]["name"] == "selvitys.pdf" and "maalämmöllä" in item.attachments[0]["text"]
            )
    finally:
        server.shutdown()


def test_a_group_whose_hand_over_failed_is_marked_for_the_next_sweep_together(wired, client, flaky):
    """Webhooks stored by one statement are handed over together; when the broker refuses, every one of them
    is marked for the very next sweep, none left to the 5-minute wait."""
    from climate_plugin import queue

    app = wired

    class Down:
        def enqueue(self, task, record_id, countdown=0):
            raise ConnectionError("broker down")

        def enqueue_all(self, task, record_ids):
            raise ConnectionError("broker down")

    class Recorder:
        def __init__(self):
            self.tasks = []

        def enqueue(self, task, record_id, countdown=0):
            self.tasks.append((task, record_id))

    recorder = Recorder()
    app.extensions["climate_plugin.queue"] = recorder
    ids = [_receive(app, client) for _ in range(3)]
    app.extensions["climate_plugin.queue"] = Down()
    with app.app_context():
        assert queue.enqueue_all_or_leave_to_sweeper("process_delivery", ids[:2]) is False
        assert [db.session.get(Delivery, i).enqueued_at is None for i in ids] == [True, True, False]
        app.extensions["climate_plugin.queue"] = recorder
        assert sweeper.sweep(stale_after=timedelta(minutes=5)) == [("process_delivery", i) for i in ids[:2]]
