"""The webhook hot path on PostgreSQL and Redis, as production runs it: what one webhook sends to each (round
trips counted from libpq's protocol trace and redis-py's writes, never timed), and that the shortcuts keep
every guarantee: stored before 202, handed over once with the message Celery itself would send, a changed
connector seen at once, twins stored once, the sender's rate shared between processes."""

from __future__ import annotations

import base64
import json

import pytest
from sqlalchemy import func, select, text, update

from climate_plugin.db import db
from climate_plugin.models import Connector, Delivery
from tests.support.app import build_app
from tests.support.round_trips import counting
from tests.support.webhooks import event_body, register, signed_headers

pytestmark = pytest.mark.services


@pytest.fixture
def hot(tmp_path, postgres_url, redis_url, queue_name):
    """An app on PostgreSQL and Redis, a REST connector; (app, connector id, secret, redis client)."""
    import redis

    app = build_app(
        tmp_path, database_url=postgres_url, broker_url=redis_url, queue_name=queue_name,
        webhook_rate_limit="1000/minute",
    )
    with app.app_context():
        row, secret = register()
        connector_id = row.id
    store = redis.Redis.from_url(redis_url)
    yield app, connector_id, secret, store
    keys = list(store.scan_iter(match=f"*{queue_name}*", count=1000))
    if keys:
        store.delete(*keys)
    with app.app_context():
        db.engine.dispose()


def _post(app, connector_id: int, secret: str, item: str, msg_id: str | None = None):
    body = event_body(item)
    return app.test_client().post(
        f"/webhooks/{connector_id}", data=body, headers=signed_headers(secret, body, msg_id=msg_id)
    )


def _stored(app) -> int:
    with app.app_context():
        count = db.session.execute(select(func.count()).select_from(Delivery)).scalar()
        db.session.remove()
        return count


def _queued(app, store) -> list[dict]:
    queue = app.extensions["climate_plugin.settings"].queue_name
    return [json.loads(m) for m in store.lrange(queue, 0, -1)]


def test_a_webhook_costs_one_postgresql_and_two_redis_round_trips(hot):
    app, connector_id, secret, store = hot
    assert _post(app, connector_id, secret, "warm").status_code == 202  # the connector is read once
    with app.app_context():
        engine = db.engine
    n = 20
    with counting(engine) as trips:
        answers = [_post(app, connector_id, secret, f"item-{i}").status_code for i in range(n)]
    assert answers == [202] * n
    # One INSERT each, committing itself (before: pre-ping, BEGIN, SELECT connector, INSERT, COMMIT = 5);
    # one more for the whole batch at most (psycopg prepares the statement once per connection).
    assert trips.postgresql <= n + 1, trips.statements
    # the sender's count and the hand-over
    assert trips.redis == 2 * n
    assert _stored(app) == n + 1 and len(_queued(app, store)) == n + 1


def test_a_backlog_allowance_is_counted_in_leases(hot):
    """A connector's own rate of 2000 or more per window is counted in leases (accounts.limits): the store is
    asked twice per lease (count, window's end), not once per webhook; the hand-over stays one each."""
    app, connector_id, secret, store = hot
    with app.app_context():
        db.session.execute(
            update(Connector).where(Connector.id == connector_id).values(webhook_rate_limit="100000/minute")
        )
        db.session.commit()
    assert _post(app, connector_id, secret, "warm").status_code == 202
    with app.app_context():
        engine = db.engine
    n = 20  # within the first lease of 100
    with counting(engine) as trips:
        answers = [_post(app, connector_id, secret, f"item-{i}").status_code for i in range(n)]
    assert answers == [202] * n
    assert trips.redis == n  # the hand-overs only
    assert _stored(app) == n + 1 and len(_queued(app, store)) == n + 1


def test_the_message_handed_over_is_the_one_apply_async_sends(hot):
    app, _connector_id, _secret, store = hot
    settings = app.extensions["climate_plugin.settings"]
    queue = app.extensions["climate_plugin.queue"]
    from climate_plugin.worker import tasks

    def masked(message: dict) -> dict:
        for key in ("id", "root_id"):
            message["headers"].pop(key)
        for key in ("correlation_id", "delivery_tag"):
            message["properties"].pop(key)
        return message

    for task, list_name in (
        ("process_delivery", settings.queue_name),
        ("poll_connector", settings.queue_name),
        ("send_write_back", f"{settings.queue_name}.write-backs"),
    ):
        store.delete(list_name)
        with app.app_context():
            getattr(tasks, task).apply_async((42,))
            queue.enqueue(task, 42)
        fast, celery = (json.loads(m) for m in store.lrange(list_name, 0, -1))  # LPUSH: newest first
        assert fast["headers"]["id"] == fast["properties"]["correlation_id"] == fast["headers"]["root_id"]
        assert fast["headers"]["id"] != celery["headers"]["id"]
        assert masked(fast) == masked(celery), task
        args, kwargs, _embed = json.loads(base64.b64decode(fast["body"]))
        assert (args, kwargs) == ([42], {})


def test_a_group_is_handed_over_by_one_lpush_in_order(hot):
    """Webhooks stored by one statement go to the queue with one LPUSH of all their messages, each the
    message ``enqueue`` sends, taken by the worker (BRPOP, from the right) in the order they were stored."""
    from tests.support.round_trips import counting

    app, _connector_id, _secret, store = hot
    settings = app.extensions["climate_plugin.settings"]
    queue = app.extensions["climate_plugin.queue"]
    with app.app_context():
        queue.enqueue("process_delivery", 6)  # the first publish of a process sets things up
        store.delete(settings.queue_name)
        with counting(db.engine) as trips:
            queue.enqueue_all("process_delivery", [7, 8, 9])
        queue.enqueue("process_delivery", 10)
    assert trips.redis == 1
    taken = [store.rpop(settings.queue_name) for _ in range(4)]
    messages = [json.loads(m) for m in taken]
    assert [json.loads(base64.b64decode(m["body"]))[0] for m in messages] == [[7], [8], [9], [10]]
    for key in ("id", "root_id", "argsrepr"):
        for m in messages:
            m["headers"].pop(key)
    for m in messages:
        for key in ("correlation_id", "delivery_tag"):
            m["properties"].pop(key)
        m.pop("body")
    assert messages[0] == messages[1] == messages[2] == messages[3]


def test_a_twin_delivery_is_stored_and_handed_over_once(hot):
    app, connector_id, secret, store = hot
    first = _post(app, connector_id, secret, "twin", msg_id="msg_twin")
    again = _post(app, connector_id, secret, "twin", msg_id="msg_twin")
    assert first.status_code == 202
    assert again.status_code == 200 and again.json["duplicate"] is True
    assert again.json["delivery"] == first.json["delivery"]
    assert _stored(app) == 1 and len(_queued(app, store)) == 1


def test_a_connector_changed_after_the_process_read_it_is_read_again(hot):
    from climate_plugin.hosts.connector import rotate_webhook_secret

    app, connector_id, secret, store = hot
    assert _post(app, connector_id, secret, "before").status_code == 202  # this process keeps the row
    with app.app_context():
        row = db.session.get(Connector, connector_id)
        new_secret = rotate_webhook_secret(row)
    # signed with the new secret: the kept row (old secret only) would refuse it; the guard sees the change
    assert _post(app, connector_id, new_secret, "rotated").status_code == 202
    assert _post(app, connector_id, secret, "previous still valid").status_code == 202
    with app.app_context():
        db.session.execute(update(Connector).where(Connector.id == connector_id).values(enabled=False))
        db.session.commit()
    disabled = _post(app, connector_id, new_secret, "after disabling")
    assert disabled.status_code == 410
    assert _stored(app) == 3 and len(_queued(app, store)) == 3


def test_the_senders_rate_is_shared_between_processes(tmp_path, hot):
    app, connector_id, secret, _store = hot
    settings = app.extensions["climate_plugin.settings"]
    with app.app_context():
        db.session.execute(
            update(Connector).where(Connector.id == connector_id).values(webhook_rate_limit="3/minute")
        )
        db.session.commit()
    # a second process: another app on the same database and Redis (its own memory, its own pools)
    other = build_app(
        tmp_path / "other", database_url=settings.database_url, broker_url=settings.broker_url,
        queue_name=settings.queue_name,
    )
    answers = [
        _post(app, connector_id, secret, "a1").status_code,
        _post(other, connector_id, secret, "b1").status_code,
        _post(app, connector_id, secret, "a2").status_code,
    ]
    refused = _post(other, connector_id, secret, "b2")
    assert answers == [202, 202, 202]
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert _stored(app) == 3
    with other.app_context():
        db.engine.dispose()


def test_a_webhook_reads_no_session_and_resolves_no_flask_limiter_limits(hot, monkeypatch):
    """A webhook is signed by its sender: no person's session to read, and its one limit is counted in the
    view, so Flask-Limiter's per-request resolution of limits (twice per webhook before) is not run."""
    from flask.sessions import SecureCookieSessionInterface
    from flask_limiter._manager import LimitManager

    app, connector_id, secret, _store = hot
    calls: list[str] = []
    resolve = LimitManager.resolve_limits
    serializer = SecureCookieSessionInterface.get_signing_serializer
    monkeypatch.setattr(
        LimitManager, "resolve_limits", lambda *a, **k: calls.append("limits") or resolve(*a, **k)
    )
    monkeypatch.setattr(
        SecureCookieSessionInterface, "get_signing_serializer",
        lambda *a, **k: calls.append("session") or serializer(*a, **k),
    )
    assert _post(app, connector_id, secret, "plain").status_code == 202
    assert calls == []
    # the sign-in page still has both
    app.test_client().get("/admin/login")
    assert "session" in calls and "limits" in calls


def _terminate_other_backends(database_url: str) -> int:
    """Kill every server process on the app's database (a restart, as far as its pool can tell)."""
    import psycopg

    from tests.support.services import PG_ADMIN_URL, server_pids

    pids = server_pids(database_url)
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        for pid in pids:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    return len(pids)


def test_a_pooled_connection_killed_while_idle_is_replaced_before_use(hot, monkeypatch):
    """No pre-ping on every check-out: a connection idle over PING_AFTER_IDLE is pinged, and one the server
    killed meanwhile is replaced, so the webhook is stored as usual."""
    import climate_plugin.app

    app, connector_id, secret, store = hot
    assert _post(app, connector_id, secret, "before").status_code == 202
    assert _terminate_other_backends(app.config["SQLALCHEMY_DATABASE_URI"]) >= 1
    monkeypatch.setattr(climate_plugin.app, "PING_AFTER_IDLE", -1.0)  # every pooled connection counts as idle
    assert _post(app, connector_id, secret, "after").status_code == 202
    assert _stored(app) == 2 and len(_queued(app, store)) == 2


def test_a_connection_lost_under_the_kept_connector_is_a_503_then_the_next_reconnects(hot, monkeypatch):
    """The kept connector's insert runs on the pooled connection's driver (webhooks.endpoint._insert_guarded):
    a connection the server dropped is answered 503 as SQLAlchemy's own error (the sender retries), the pool
    replaces it, and a pooled connection never goes back in autocommit."""
    import climate_plugin.app

    app, connector_id, secret, store = hot
    assert _post(app, connector_id, secret, "before").status_code == 202  # reads and keeps the connector
    assert _post(app, connector_id, secret, "kept").status_code == 202  # the driver-level insert
    with app.app_context():
        pooled = db.engine.raw_connection()
        try:
            assert pooled.driver_connection.autocommit is False
        finally:
            pooled.close()
    monkeypatch.setattr(climate_plugin.app, "PING_AFTER_IDLE", 1e9)  # no ping: the insert meets the loss
    assert _terminate_other_backends(app.config["SQLALCHEMY_DATABASE_URI"]) >= 1
    lost = _post(app, connector_id, secret, "lost")
    assert lost.status_code == 503 and lost.is_json
    assert _post(app, connector_id, secret, "after").status_code == 202
    assert _stored(app) == 3 and len(_queued(app, store)) == 3


def test_webhooks_arriving_together_are_stored_by_one_statement_each_answered_after_it(monkeypatch):
    """Group commit (webhooks.endpoint._GroupInsert): those that arrive while another is being stored wait
    and are stored together by the next statement; each gets its own outcome; a statement that fails on its
    content has each stored by itself, so only the bad one fails."""
    import threading

    from webhooks import endpoint

    statements: list[list[tuple]] = []
    first_started, release = threading.Event(), threading.Event()

    def run_insert(_engine, rows):
        statements.append(rows)
        if len(statements) == 1:
            first_started.set()
            assert release.wait(10)
        if len(rows) > 1 and any(row[0] == "bad" for row in rows):
            raise endpoint._StoreAlone()
        if rows[0][0] == "bad":
            raise ValueError("refused")
        return [hash(row) % 1000 for row in rows]

    monkeypatch.setattr(endpoint, "_run_insert", run_insert)
    handed: list[list[int]] = []
    monkeypatch.setattr(endpoint, "_hand_over", lambda ids: handed.append(ids) if ids else None)
    group = endpoint._GroupInsert()
    outcomes: dict[tuple, object] = {}

    def insert(row: tuple) -> None:
        try:
            outcomes[row] = group.insert(None, row)
        except ValueError as exc:
            outcomes[row] = exc

    first = threading.Thread(target=insert, args=(("a", 0),))
    first.start()
    assert first_started.wait(10)  # the first is being stored: the next ones wait for it
    others = [threading.Thread(target=insert, args=(row,)) for row in (("b", 1), ("c", 2), ("bad", 3))]
    for thread in others:
        thread.start()
    while len(group._waiting) < 3:
        threading.Event().wait(0.01)
    release.set()
    for thread in [first, *others]:
        thread.join(10)
    assert [len(rows) for rows in statements[:2]] == [1, 3]  # the three that waited: one statement
    assert sorted(len(rows) for rows in statements[2:]) == [1, 1, 1]  # ... refused: each alone
    assert isinstance(outcomes[("bad", 3)], ValueError)
    for row in (("a", 0), ("b", 1), ("c", 2)):
        assert outcomes[row] == hash(row) % 1000
    # each statement's stored rows are handed over together, once: the refused group's good rows alone
    assert handed[0] == [hash(("a", 0)) % 1000]
    assert sorted(map(sorted, handed[1:])) == sorted([[hash(("b", 1)) % 1000], [hash(("c", 2)) % 1000]])
    assert not group._busy and not group._waiting


def test_twins_in_one_statement_are_stored_once(hot):
    """Two deliveries with the same id stored by one statement: one row, its id to the first, nothing to the
    second (which then takes the full path and is answered as a duplicate)."""
    from datetime import UTC, datetime

    from webhooks.endpoint import _run_insert

    app, connector_id, _secret, _store = hot
    with app.app_context():
        version = db.session.execute(
            text("SELECT xmin::text FROM connector WHERE id = :id"), {"id": connector_id}
        ).scalar()
        db.session.remove()
        now = datetime.now(UTC)

        def row(delivery_id: str, guard: str) -> tuple:
            return (connector_id, delivery_id, "agenda_item.drafted", "upsert", "item", now, b"{}", "{}", now,
                    now, connector_id, guard)  # fmt: skip

        ids = _run_insert(db.engine, [row("twin", version), row("twin", version), row("other", version)])
        assert ids[0] is not None and ids[1] is None and ids[2] is not None and ids[0] != ids[2]
        # a changed connector (another row version) stores nothing
        assert _run_insert(db.engine, [row("third", "0"), row("fourth", version)])[0] is None
    assert _stored(app) == 3


def _flask_dispatches(monkeypatch) -> list[str]:
    from flask import Flask, request

    seen: list[str] = []
    dispatch = Flask.full_dispatch_request

    def counted(self):
        seen.append(request.path)
        return dispatch(self)

    monkeypatch.setattr(Flask, "full_dispatch_request", counted)
    return seen


def test_a_kept_connectors_webhook_is_answered_without_flask_as_the_view_answers_it(hot, monkeypatch):
    """The fast path (webhooks.fast_path) answers the common webhook: same status, body shape and headers as
    the view, stored and handed over once; the first webhook of a connector, and any with a query string,
    go to the view."""
    app, connector_id, secret, store = hot
    seen = _flask_dispatches(monkeypatch)
    by_view = _post(app, connector_id, secret, "first")  # reads and keeps the connector
    assert by_view.status_code == 202 and len(seen) == 1
    fast = _post(app, connector_id, secret, "second")
    assert fast.status_code == 202 and len(seen) == 1  # no Flask dispatch
    assert set(fast.json) == set(by_view.json) and fast.json["delivery"] != by_view.json["delivery"]
    assert fast.data == b'{"delivery":%d,"duplicate":false,"status":"received"}\n' % fast.json["delivery"]

    def shown(response) -> dict:
        return {k: v for k, v in response.headers.items() if k != "Content-Length"}

    assert shown(fast) == shown(by_view)
    body = event_body("third")
    query = app.test_client().post(
        f"/webhooks/{connector_id}?x=1", data=body, headers=signed_headers(secret, body)
    )
    assert query.status_code == 202 and len(seen) == 2
    assert _stored(app) == 3 and len(_queued(app, store)) == 3


def test_a_refusal_after_the_fast_path_is_the_views_and_counted_once(hot, monkeypatch):
    """A webhook the fast path does not store (a bad signature, a twin) is answered by the view as before;
    the sender's count made by the fast path is passed on, not counted again."""
    app, connector_id, secret, store = hot
    with app.app_context():
        db.session.execute(
            update(Connector).where(Connector.id == connector_id).values(webhook_rate_limit="5/minute")
        )
        db.session.commit()
    seen = _flask_dispatches(monkeypatch)
    assert _post(app, connector_id, secret, "first", msg_id="msg_one").status_code == 202  # count 1
    body = event_body("forged")
    forged = app.test_client().post(
        f"/webhooks/{connector_id}", data=body, headers=signed_headers("whsec_" + "A" * 32, body)
    )  # count 2
    assert forged.status_code == 401 and forged.is_json and "signature" in forged.json["error"]
    twin = _post(app, connector_id, secret, "first", msg_id="msg_one")  # count 3
    assert twin.status_code == 200 and twin.json["duplicate"] is True
    assert len(seen) == 3  # both refusals were answered by the view
    assert [_post(app, connector_id, secret, f"n{i}").status_code for i in range(3)] == [202, 202, 429]
    limited = _post(app, connector_id, secret, "late")
    assert limited.status_code == 429 and limited.headers["Retry-After"].isdigit()
    assert _stored(app) == 3 and len(_queued(app, store)) == 3


def test_a_body_shorter_than_declared_is_the_views_400_and_stores_nothing(hot):
    """The fast path reads the declared length from the input; a client that sent less (it went away) is
    answered by the view as Werkzeug answers it, and nothing is stored."""
    import io

    from werkzeug.test import EnvironBuilder

    app, connector_id, secret, store = hot
    assert _post(app, connector_id, secret, "first").status_code == 202  # keeps the connector
    body = event_body("short")
    environ = EnvironBuilder(
        path=f"/webhooks/{connector_id}", method="POST", data=body, headers=signed_headers(secret, body)
    ).get_environ()
    environ["CONTENT_LENGTH"] = str(len(body) + 50)
    environ["wsgi.input"] = io.BytesIO(body)
    statuses: list[str] = []
    answer = b"".join(app.wsgi_app(environ, lambda status, headers, *_: statuses.append(status)))
    assert statuses[0].startswith("400") and answer
    assert _stored(app) == 1 and len(_queued(app, store)) == 1
