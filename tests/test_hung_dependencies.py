"""A dependency that accepts connections and never answers (a frozen database or Redis) must not hold a
webhook: the sender gets a 503 to retry, or a 202 with the work stored, within its own timeout (10–15 s),
not after libpq's two minutes or never. Each test's dependency is a socket of its own that listens and
never answers; nothing is timed here (the answer must come at all, well before the generous deadline)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from climate_plugin.db import db
from climate_plugin.models import Delivery
from tests.support.app import app_without_migrating, build_app
from tests.support.waiting import wait_for
from tests.support.webhooks import event_body, register, signed_headers


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A TCP port whose connections are accepted (by the kernel's backlog) and never answered."""
    server = socket.create_server(("127.0.0.1", 0), backlog=64)
    yield server.getsockname()[1]
    server.close()


def _answer(app, path: str, body: bytes, headers: dict) -> object:
    answered: list = []

    def post() -> None:
        answered.append(app.test_client().post(path, data=body, headers=headers))

    threading.Thread(target=post, daemon=True).start()
    wait_for(lambda: bool(answered))  # without timeouts: for ever (Redis), over two minutes (PostgreSQL)
    return answered[0]


def test_a_database_that_never_answers_gets_the_sender_a_503_to_retry(tmp_path, silent_port):
    url = f"postgresql://climate@127.0.0.1:{silent_port}/climate"
    app = app_without_migrating(tmp_path, database_url=url, db_connect_timeout="2")
    body = event_body("7")
    response = _answer(app, "/webhooks/1", body, {"Content-Type": "application/json"})
    assert response.status_code == 503 and response.headers["Retry-After"]


def test_a_broker_that_never_answers_still_gets_the_webhook_stored_and_answered(tmp_path, silent_port):
    app = build_app(tmp_path, broker_url=f"redis://127.0.0.1:{silent_port}/0", broker_timeout="0.5")
    with app.app_context():
        row, secret = register()
        connector_id = row.id
    body = event_body("7")
    response = _answer(app, f"/webhooks/{connector_id}", body, signed_headers(secret, body))
    assert response.status_code == 202, response.get_data(as_text=True)
    with app.app_context():
        [delivery] = db.session.query(Delivery).all()  # stored: the sweeper hands it over once Redis answers
        assert delivery.status == "received" and delivery.id == response.json["delivery"]
