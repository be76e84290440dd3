"""Abuse limits: sign-in attempts per address and per e-mail, webhooks per connector and sender."""

from __future__ import annotations

import json

import pytest

from climate_plugin.config import ConfigError, load_settings
from climate_plugin.db import db
from climate_plugin.models import AuditEntry, Connector
from tests.factories import PASSWORD, UserFactory
from tests.support.admin import page, text
from tests.support.app import build_app
from tests.support.auth import AuthActions, csrf_of
from tests.support.cli import assert_clean_failure, invoke
from tests.support.webhooks import event_body, register, signed_headers


def _login(client, email: str, ip: str, password: str = "wrong password!!", json: bool = False):
    token = csrf_of(client.get("/admin/login").get_data(as_text=True))
    headers = {"Accept": "application/json"} if json else {}
    return client.post(
        "/admin/login",
        data={"csrf_token": token, "email": email, "password": password},
        environ_base={"REMOTE_ADDR": ip},
        headers=headers,
    )


def test_login_is_limited_per_address(tmp_path):
    app = build_app(tmp_path, login_rate_limit="3/minute")
    client = app.test_client()
    statuses = [_login(client, f"user{n}@x.fi", "127.0.0.5").status_code for n in range(4)]
    assert statuses == [401, 401, 401, 429]
    response = _login(client, "user9@x.fi", "127.0.0.5")
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert "Liian monta kirjautumisyritystä" in response.get_data(as_text=True)
    as_json = _login(client, "user9@x.fi", "127.0.0.5", json=True)
    assert as_json.status_code == 429 and "error" in as_json.json
    # another address is not affected
    assert _login(client, "user1@x.fi", "127.0.0.6").status_code == 401


def test_login_is_limited_per_email_from_many_addresses(tmp_path):
    app = build_app(tmp_path, login_rate_limit="3/minute")
    with app.app_context():
        UserFactory(email="anna@hollola.fi")
    client = app.test_client()
    statuses = [_login(client, "anna@hollola.fi", f"127.0.1.{n}").status_code for n in range(3)]
    assert statuses == [401, 401, 401]
    # even the right password waits now: the guessing is what is being slowed down
    assert _login(client, "Anna@Hollola.fi", "127.0.1.99", PASSWORD).status_code == 429
    assert _login(client, "someone@hollola.fi", "127.0.1.99").status_code == 401


def test_login_page_itself_is_not_limited(tmp_path):
    app = build_app(tmp_path, login_rate_limit="1/minute")
    client = app.test_client()
    assert all(client.get("/admin/login").status_code == 200 for _ in range(5))


def test_webhooks_are_limited_per_connector_and_sender(tmp_path):
    app = build_app(tmp_path, webhook_rate_limit="2/minute")
    with app.app_context():
        first, secret = register(slug="hollola")
        second, second_secret = register(slug="lahti")
        first_id, second_id = first.id, second.id
    client = app.test_client()

    def post(connector_id: int, key: str, ip: str = "127.0.0.7"):
        body = event_body("1")
        return client.post(f"/webhooks/{connector_id}", data=body, headers=signed_headers(key, body),
                           environ_base={"REMOTE_ADDR": ip})

    assert [post(first_id, secret).status_code for _ in range(2)] == [202, 202]
    limited = post(first_id, secret)
    assert limited.status_code == 429
    assert limited.is_json and "error" in limited.json
    assert int(limited.headers["Retry-After"]) > 0
    assert post(second_id, second_secret).status_code == 202  # another connector has its own allowance
    assert post(first_id, secret, ip="127.0.0.8").status_code == 202  # and so has another sender


def test_a_connector_may_have_its_own_webhook_rate_for_a_backlog(tmp_path):
    # The deployment's default stays for everyone else; one host replaying a backlog gets more, set through
    # the API or the command line (the hosts service, audited), and can go back to the default.
    app = build_app(tmp_path, webhook_rate_limit="2/minute")
    with app.app_context():
        first, secret = register(slug="hollola")
        second, second_secret = register(slug="lahti")
        first_id, second_id = first.id, second.id
    client = app.test_client()

    def post(connector_id: int, key: str) -> int:
        body = event_body("1")
        answer = client.post(f"/webhooks/{connector_id}", data=body, headers=signed_headers(key, body))
        return answer.status_code

    def patch(rate: str):
        token = AuthActions(app, client).token("municipality_admin", "hollola")
        url = f"/api/v1/connectors/{first_id}"
        headers = {"Authorization": f"Bearer {token}"}
        return client.patch(url, json={"webhook_rate_limit": rate}, headers=headers)

    refused = patch("lots")
    assert refused.status_code == 422 and "webhook_rate_limit" in refused.json["errors"]["json"]
    changed = patch("5/minute")
    assert changed.status_code == 200 and changed.json["webhook_rate_limit"] == "5/minute"
    assert [post(first_id, secret) for _ in range(6)] == [202] * 5 + [429]
    assert [post(second_id, second_secret) for _ in range(3)] == [202, 202, 429]  # the default still holds
    runner = app.test_cli_runner()
    shown = invoke(runner, "connector", "rate-limit", str(second_id), "10/minute")
    assert shown.exit_code == 0 and json.loads(shown.stdout)["webhook_rate_limit"] == "10/minute"
    assert post(second_id, second_secret) == 202
    assert invoke(runner, "connector", "rate-limit", str(second_id), "--default").exit_code == 0
    assert post(second_id, second_secret) == 429
    wrong = invoke(runner, "connector", "rate-limit", str(second_id), "fast")
    assert_clean_failure(wrong, "webhook_rate_limit")
    with app.app_context():
        actions = db.session.scalars(db.select(AuditEntry.action)).all()
    assert actions.count("connector.webhook_rate_limit") == 3


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_an_administrator_sets_the_connectors_own_rate_in_the_admin_pages(app, client, auth, towns, lang):
    hollola, _ = towns
    auth.login_as(hollola.users["municipality_admin"])
    url = f"/admin/m/hollola/connectors/{hollola.connector_id}"
    html, token = page(client, f"{url}?lang={lang}")
    assert text("admin.connector.rate_default", lang, default="600/minute") in html
    def post(rate: str):
        form = {"csrf_token": token, "webhook_rate_limit": rate}
        return client.post(f"{url}/rate-limit?lang={lang}", data=form)

    refused = post("fast")
    assert refused.status_code == 422
    assert text("admin.connector.rate_error", lang) in refused.get_data(as_text=True)
    saved = post("6000/minute")
    assert saved.status_code == 303
    shown = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert text("admin.connector.rate_saved", lang) in shown and '<code>6000/minute</code>' in shown
    with app.app_context():
        assert db.session.get(Connector, hollola.connector_id).webhook_rate_limit == "6000/minute"
    post("")
    with app.app_context():
        assert db.session.get(Connector, hollola.connector_id).webhook_rate_limit is None


def test_ordinary_answers_carry_no_retry_after(tmp_path):
    app = build_app(tmp_path)
    with app.app_context():
        row, secret = register()
        row_id = row.id
    body = event_body("1")
    response = app.test_client().post(f"/webhooks/{row_id}", data=body, headers=signed_headers(secret, body))
    assert response.status_code == 202 and "Retry-After" not in response.headers


@pytest.mark.parametrize("name", ["WEBHOOK_RATE_LIMIT", "LOGIN_RATE_LIMIT"])
def test_a_wrong_rate_is_a_configuration_error(tmp_path, name):
    with pytest.raises(ConfigError) as caught:
        load_settings(tmp_path, {f"CLIMATE_PLUGIN_{name}": "lots"})
    assert name in str(caught.value)


def test_storage_follows_the_settings(tmp_path):
    from climate_plugin.accounts.limits import storage_url

    def url(**env: str) -> str:
        return storage_url(load_settings(tmp_path, {f"CLIMATE_PLUGIN_{k}": v for k, v in env.items()}))

    assert url() == "memory://"
    assert url(BROKER_URL="redis://127.0.0.1:6379/1") == "redis://127.0.0.1:6379/1"
    assert url(BROKER_URL="amqp://127.0.0.1") == "memory://"
    assert url(BROKER_URL="redis://127.0.0.1:6379/1", RATELIMIT_STORAGE_URL="redis://127.0.0.1:6379/5") == (
        "redis://127.0.0.1:6379/5"
    )


@pytest.mark.services
def test_limits_count_in_redis(tmp_path, redis_url, queue_name):
    import redis

    app = build_app(
        tmp_path, ratelimit_storage_url=redis_url, queue_name=queue_name, login_rate_limit="2/minute"
    )
    client = app.test_client()
    statuses = [_login(client, "x@x.fi", "127.0.2.1").status_code for _ in range(3)]
    assert statuses == [401, 401, 429]
    store = redis.Redis.from_url(redis_url)
    keys = store.keys(f"*{queue_name}*")
    try:
        assert keys, "the counts are kept in Redis under this deployment's prefix"
    finally:
        if keys:
            store.delete(*keys)


def _shared_counters(processes: int):
    """``processes`` webhook counters sharing one store, as gunicorn's workers share Redis."""
    from limits.storage import MemoryStorage
    from limits.strategies import FixedWindowRateLimiter

    from climate_plugin.accounts.limits import WebhookCounter

    store = FixedWindowRateLimiter(MemoryStorage())
    return store, [WebhookCounter(store) for _ in range(processes)]


def test_a_large_limit_is_counted_in_leases_and_never_exceeded():
    """A limit of 2000 or more per window is reserved in leases of 1/1000 of it (at most 100) per process:
    the store is asked once per lease, the limit is never exceeded, and the webhooks refused early are at
    most (lease - 1) per process (reserved by one process, unused, while another was refused)."""
    from limits import parse

    from climate_plugin.accounts.limits import LEASE_MAX, lease_size

    assert lease_size(parse("600/minute")) == 1  # the default: every webhook counted in the store
    assert lease_size(parse("1999/minute")) == 1
    assert lease_size(parse("5000/minute")) == 5
    assert lease_size(parse("1000000/minute")) == LEASE_MAX
    assert lease_size(parse("100000/second")) == 1  # a window too short for a lease to be worth keeping

    limit, size, processes = "5000/hour", 5, 3
    store, counters = _shared_counters(processes)
    asked: list[int] = []
    incr = store.storage.incr
    store.storage.incr = lambda *args, **kwargs: asked.append(kwargs["amount"]) or incr(*args, **kwargs)
    admitted = 0
    for sent in range(6000):  # round robin over the processes, well past the limit
        if counters[sent % processes].hit(limit, "sender") is None:
            admitted += 1
        if sent == 3999:  # all within the limit so far: the store was asked once per lease
            assert admitted == 4000
            assert len(asked) <= 4000 // size + processes and set(asked) == {size}
    assert 5000 - processes * (size - 1) <= admitted <= 5000
    refused = counters[0].hit(limit, "sender")
    assert refused is not None and refused > 0  # a Retry-After of the window's remaining seconds


def test_a_lease_is_not_used_past_its_window():
    """A process's reserved webhooks belong to the window they were counted in: once that window ends (the
    lease is given up LEASE_MARGIN seconds before), the next webhook is counted in the store again."""
    from limits import parse

    store, (counter,) = _shared_counters(1)
    key = parse("5000/hour").key_for("sender", "webhook")
    assert counter.hit("5000/hour", "sender") is None
    assert store.storage.get(key) == 5  # one lease of 5 reserved
    assert [counter.hit("5000/hour", "sender") for _ in range(4)] == [None] * 4
    assert store.storage.get(key) == 5  # used from the lease, the store not asked
    assert counter.hit("5000/hour", "sender") is None
    assert store.storage.get(key) == 10  # the lease used up: another one
    for lease in counter._leases.values():
        lease.until = 0.0  # as if the window had ended
    assert counter.hit("5000/hour", "sender") is None
    assert store.storage.get(key) == 15  # counted anew, the 4 left of the old lease not used
