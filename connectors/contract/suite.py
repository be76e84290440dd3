"""The contract suite: every installed connector kind, run against its own fake host.

A pytest module, installed with the package so that a connector package can be tested without this
repository's tests/: ``python -m pytest --pyargs climate_plugin.connectors.contract.suite`` runs it for every
kind installed (tests/contract/ runs it here). What a kind must provide is in
``climate_plugin.connectors.contract`` and docs/connectors.md ("Testing a connector: the contract suite").
A test for a capability the kind does not have is skipped with that reason; a kind without a contract
fixture fails.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
from marshmallow import Schema, ValidationError, fields
from sqlalchemy import select

from climate_plugin.connectors.base import (
    Attachment,
    Capabilities,
    Change,
    Connector,
    FetchedItem,
    PayloadError,
    PollPage,
    WebhookAuthError,
    WebhookEvent,
)
from climate_plugin.connectors.common.signature import new_webhook_secret
from climate_plugin.connectors.contract import GROUP, ContractFixture, FakeHost, load_contract_fixtures
from climate_plugin.connectors.registry import REDACTED, load_connectors, merge_secrets, redact, split_secrets
from climate_plugin.outbound import AllowList, OutboundClient, PermanentError, TransientError

#: every installed connector kind; a new connector is in the suite as soon as its entry point is installed
KINDS = sorted(load_connectors())


def missing_fixture_message(kind: str) -> str:
    cls = load_connectors()[kind]
    return (
        f"connector kind {kind!r} ({cls.__module__}.{cls.__qualname__}) has no contract fixture, so nothing "
        f"proves it works. Add a climate_plugin.connectors.contract.ContractFixture subclass for it and "
        f"register it in the "
        f"package's pyproject.toml:\n\n"
        f'    [project.entry-points."{GROUP}"]\n'
        f'    {kind} = "your_package.{kind}_contract:YourContract"\n\n'
        f"then reinstall the package (pip install -e .). See docs/connectors.md, "
        f'"Testing a connector: the contract suite".'
    )


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def connector_class(kind: str) -> type[Connector]:
    return load_connectors()[kind]


@pytest.fixture
def contract(kind: str) -> ContractFixture:
    fixture_class = load_contract_fixtures().get(kind)
    if fixture_class is None:
        # Fail, not skip: a skipped kind would look tested in a green run.
        pytest.fail(missing_fixture_message(kind), pytrace=False)
    return fixture_class()


@pytest.fixture
def host(contract: ContractFixture) -> Iterator[FakeHost]:
    running = contract.start_host()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def http() -> OutboundClient:
    # The fake hosts live on 127.0.0.1 only; everything else stays refused as in production.
    return OutboundClient(AllowList(["127.0.0.1"]), timeout=10.0)


def stored_config(cls: type[Connector], config: Mapping[str, Any]) -> dict[str, Any]:
    """The config as the service hands it to a connector: validated, secrets split off, put back."""
    clean = cls.config_schema().load(dict(config))
    public, secrets = split_secrets(cls, clean)
    return merge_secrets(public, secrets)


@pytest.fixture
def live_config(
    connector_class: type[Connector], contract: ContractFixture, host: FakeHost
) -> dict[str, Any]:
    return stored_config(connector_class, contract.config_for(host))


@pytest.fixture
def make_connector(connector_class: type[Connector], live_config: dict[str, Any], http: OutboundClient):
    """Builds a fresh instance, as every task does: connectors must keep no state between calls."""

    def make() -> Connector:
        return connector_class(live_config, http)

    return make


def contract_entry_points() -> list[metadata.EntryPoint]:
    return list(metadata.entry_points(group=GROUP))


def _app(instance: Path):
    """An app on a fresh SQLite database in ``instance``, migrated to head (for the poller test)."""
    from cryptography.fernet import Fernet
    from flask_migrate import upgrade

    from climate_plugin.app import MIGRATIONS_DIR, create_app
    from climate_plugin.config import load_settings

    environ = {
        "CLIMATE_PLUGIN_DATABASE_URL": f"sqlite:///{instance / 'contract.sqlite3'}",
        "CLIMATE_PLUGIN_OUTBOUND_ALLOW": "127.0.0.1",
        "CLIMATE_PLUGIN_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "CLIMATE_PLUGIN_PUBLIC_URL": "http://plugin.test",
        "CLIMATE_PLUGIN_SECRET_KEY": "contract-secret",
        "CLIMATE_PLUGIN_LOG_LEVEL": "WARNING",
    }
    app = create_app(load_settings(instance, environ))
    app.config["TESTING"] = True
    with app.app_context():
        upgrade(directory=MIGRATIONS_DIR)
    return app

MakeConnector = Callable[[], Connector]
BLOCK = {
    "item": "contract",
    "revision": 1,
    "relevance": "high",
    "categories": ["energy"],
    "evidence": [{"category": "energy", "term": "maalämpö", "snippet": "…maalämmöllä.", "location": "body"}],
    "summary": "Ilmastoseulonta: arvioitava.",
    "checklist_url": "http://plugin.test/checklist/contract",
    "badges": [],
}


# --- helpers -----------------------------------------------------------------------------------------
def schema_paths(schema: Schema, prefix: str = "") -> set[str]:
    """Every dotted path an administrator can write into a config, by data key."""
    paths: set[str] = set()
    for name, field in schema.fields.items():
        path = prefix + (field.data_key or name)
        paths.add(path)
        inner = field.inner if isinstance(field, fields.List) else field
        if isinstance(inner, fields.Nested) and isinstance(inner.schema, Schema):
            paths |= schema_paths(inner.schema, path + ".")
    return paths


def error_paths(messages: Any, prefix: str = "") -> dict[str, list[Any]]:
    """A ValidationError's nested messages as ``{"auth.token": [...], ...}``."""
    if isinstance(messages, dict):
        found: dict[str, list[Any]] = {}
        for key, value in messages.items():
            found.update(error_paths(value, f"{prefix}{key}."))
        return found
    return {prefix.rstrip(".") or "_schema": messages if isinstance(messages, list) else [messages]}


def secret_values(cls: type[Connector], config: Mapping[str, Any]) -> list[str]:
    _, secrets = split_secrets(cls, config)
    return [str(value) for value in secrets.values() if value not in (None, "")]


def assert_plain_error(exc: BaseException, secrets: list[str]) -> None:
    """Error messages end up in last_error, logs and CLI output: they must say something and leak nothing."""
    message = str(exc)
    assert message.strip(), f"{type(exc).__name__} without a message"
    for secret in secrets:
        assert secret not in message, f"a secret value appears in the error message {message!r}"


def assert_valid_item(item: Any, external_id: str) -> None:
    assert isinstance(item, FetchedItem), f"expected a FetchedItem, got {item!r}"
    assert item.external_id == external_id
    assert isinstance(item.title, str) and item.title.strip(), "a fetched item needs a title"
    assert isinstance(item.body, str)
    assert item.language in ("fi", "sv", "en", None)
    assert item.updated_at is None or item.updated_at.tzinfo is not None, "updated_at must be timezone-aware"
    for attachment in item.attachments:
        assert isinstance(attachment, Attachment)
        assert attachment.url.startswith(("http://", "https://")), (
            f"attachment URL not absolute: {attachment}"
        )


def windows(since: datetime, until: datetime, size: timedelta) -> Iterator[tuple[datetime, datetime]]:
    """``(since, until]`` cut into windows no longer than the connector asks for, as the poller does."""
    start = since
    while start < until:
        end = min(start + size, until)
        yield start, end
        start = end


def poll_through(
    make: MakeConnector,
    since: datetime,
    until: datetime,
    fail_at_call: int | None = None,
    host: FakeHost | None = None,
) -> tuple[list[Change], list[tuple[datetime, datetime, str | None]]]:
    """Poll every window page by page, each call on a fresh instance (as separate tasks would).

    With ``fail_at_call``, that call first meets a 503: it must raise TransientError, and asking again
    for the same window and page must carry on as if nothing had happened.
    """
    window = load_connectors()[make().kind].poll_window
    changes: list[Change] = []
    calls: list[tuple[datetime, datetime, str | None]] = []
    for start, end in windows(since, until, window):
        page: str | None = None
        while True:
            if len(calls) == fail_at_call:
                assert host is not None
                host.fail_next(503)
                with pytest.raises(TransientError):
                    make().poll(start, end, page)
            calls.append((start, end, page))
            result = make().poll(start, end, page)
            assert isinstance(result, PollPage), f"poll() must return a PollPage, got {result!r}"
            for change in result.changes:
                assert isinstance(change, Change)
                assert isinstance(change.external_id, str) and change.external_id
                assert change.action in ("upsert", "delete")
                assert change.changed_at is None or change.changed_at.tzinfo is not None
                if change.item is not None:
                    assert_valid_item(change.item, change.external_id)
            changes.extend(result.changes)
            if result.next_page is None:
                break
            assert result.next_page != page, "next_page repeats the current page: the poll would never end"
            page = result.next_page
    return changes, calls


def requires(connector: Connector, capability: str) -> None:
    if not getattr(connector.capabilities, capability):
        pytest.skip(
            f"{connector.kind} (as configured by its contract fixture) has no {capability} capability"
        )


# --- the registry and the fixtures themselves ----------------------------------------------------------
def test_some_connector_is_installed() -> None:
    assert "rest" in KINDS, "the generic REST connector's entry point is missing: pip install -e ."


def test_every_contract_fixture_belongs_to_an_installed_connector() -> None:
    stray = sorted(set(load_contract_fixtures()) - set(load_connectors()))
    assert not stray, f"contract fixtures for kinds no installed connector has: {', '.join(stray)}"


def test_kind_has_a_contract_fixture(contract: ContractFixture, kind: str) -> None:
    assert contract.kind == kind


# --- declarations ------------------------------------------------------------------------------------
def test_declarations_are_consistent(connector_class: type[Connector]) -> None:
    cls = connector_class
    assert isinstance(cls.capabilities, Capabilities)
    assert isinstance(cls.config_schema(), Schema)
    assert cls.poll_interval > timedelta(0) and cls.poll_window > timedelta(0)
    assert isinstance(cls.poll_reports_deletions, bool)
    if cls.capabilities.poll:
        assert cls.poll is not Connector.poll, "capabilities.poll is set but poll() is not implemented"
    if cls.capabilities.write_back:
        assert cls.write_back is not Connector.write_back, "write_back is declared but not implemented"


def test_secret_fields_are_paths_in_the_schema(connector_class: type[Connector]) -> None:
    paths = schema_paths(connector_class.config_schema())
    unknown = [path for path in connector_class.secret_fields if path not in paths]
    assert not unknown, f"secret_fields not in the config schema: {unknown}; schema paths: {sorted(paths)}"


# --- config ------------------------------------------------------------------------------------------
def test_valid_configs_load_and_build(
    connector_class: type[Connector], contract: ContractFixture, http: OutboundClient
) -> None:
    configs = contract.valid_configs()
    assert configs, "the contract fixture gives no valid config"
    schema = connector_class.config_schema()
    for config in configs:
        clean = schema.load(dict(config))
        # Stored configs are loaded again by later versions (and by connectors themselves): loading the
        # normalised form must give the same thing.
        assert schema.load(stored_config(connector_class, clean)) == clean, f"reloading changes {config}"
        connector_class(stored_config(connector_class, config), http)  # no network at construction


def test_invalid_configs_are_refused_with_messages(
    connector_class: type[Connector], contract: ContractFixture
) -> None:
    cases = contract.invalid_configs()
    assert cases, "the contract fixture gives no invalid config"
    for case in cases:
        with pytest.raises(ValidationError) as refused:
            connector_class.config_schema().load(dict(case.config))
        paths = error_paths(refused.value.messages)
        assert case.field in paths, (
            f"{case.description or case.config}: errors name {sorted(paths)}, not {case.field}"
        )
        for messages in paths.values():
            assert all(isinstance(m, str) and m.strip() for m in messages), f"unclear messages: {messages}"


def test_secrets_are_split_off_and_redacted(
    connector_class: type[Connector], contract: ContractFixture
) -> None:
    cls = connector_class
    seen: set[str] = set()
    for config in contract.valid_configs():
        clean = cls.config_schema().load(dict(config))
        public, secrets = split_secrets(cls, clean)
        seen |= set(secrets)
        shown = repr(redact(cls, clean))
        for value in secrets.values():
            if isinstance(value, str) and value:
                assert value not in repr(public), "a secret value stays in the public config"
                assert value not in shown, "a secret value is shown after redaction"
        if secrets and any(v is not None for v in secrets.values()):
            assert REDACTED in shown
    missing = sorted(set(cls.secret_fields) - seen)
    assert not missing, f"no valid config of the contract fixture sets the secret field(s) {missing}"


# --- push --------------------------------------------------------------------------------------------
@pytest.fixture
def webhook_secret() -> str:
    return new_webhook_secret()


def test_good_webhooks_verify_and_parse(
    make_connector: MakeConnector, contract: ContractFixture, host: FakeHost, webhook_secret: str
) -> None:
    connector = make_connector()
    requires(connector, "push")
    samples = contract.webhooks(host, webhook_secret)
    assert samples, "the contract fixture gives no webhook sample"
    for sample in samples:
        what = sample.description or sample.body[:80]
        connector.verify_webhook(sample.body, sample.headers, [webhook_secret])
        # during a rotation the new and the old secret are both tried
        connector.verify_webhook(sample.body, sample.headers, [new_webhook_secret(), webhook_secret])
        event = connector.parse_webhook(sample.body, sample.headers, sample.resource)
        assert isinstance(event, WebhookEvent), what
        assert (event.action, event.external_id) == (sample.action, sample.external_id), what
        assert isinstance(event.delivery_id, str) and event.delivery_id.strip(), f"{what}: no delivery id"
        assert isinstance(event.event_type, str) and event.event_type, what
        assert event.occurred_at is None or event.occurred_at.tzinfo is not None, what


def test_wrong_secret_or_no_credentials_are_refused(
    make_connector: MakeConnector, contract: ContractFixture, host: FakeHost, webhook_secret: str
) -> None:
    connector = make_connector()
    requires(connector, "push")
    for sample in contract.webhooks(host, webhook_secret):
        with pytest.raises(WebhookAuthError) as wrong:
            connector.verify_webhook(sample.body, sample.headers, [new_webhook_secret()])
        assert_plain_error(wrong.value, [webhook_secret])
        with pytest.raises(WebhookAuthError):
            connector.verify_webhook(sample.body, {}, [webhook_secret])


def test_forged_webhooks_are_refused(
    make_connector: MakeConnector, contract: ContractFixture, host: FakeHost, webhook_secret: str
) -> None:
    connector = make_connector()
    requires(connector, "push")
    for sample in contract.forged_webhooks(host, webhook_secret):
        with pytest.raises(WebhookAuthError, match=r"\S"):
            connector.verify_webhook(sample.body, sample.headers, [webhook_secret])


def test_malformed_webhooks_are_refused_with_a_reason(
    make_connector: MakeConnector, contract: ContractFixture, host: FakeHost, webhook_secret: str
) -> None:
    connector = make_connector()
    requires(connector, "push")
    samples = contract.malformed_webhooks(host, webhook_secret)
    assert samples, "the contract fixture gives no malformed webhook"
    for sample in samples:
        connector.verify_webhook(sample.body, sample.headers, [webhook_secret])
        with pytest.raises(PayloadError) as refused:
            connector.parse_webhook(sample.body, sample.headers, sample.resource)
        assert_plain_error(refused.value, [webhook_secret])


# --- fetch -------------------------------------------------------------------------------------------
def test_fetch_returns_the_items(
    make_connector: MakeConnector, contract: ContractFixture, host: FakeHost
) -> None:
    items = contract.items(host)
    assert items, "the contract fixture gives no item"
    for external_id, title in items.items():
        item = make_connector().fetch_item(external_id)
        assert_valid_item(item, external_id)
        assert item.title == title


def test_deleted_item_is_none(
    make_connector: MakeConnector, contract: ContractFixture, host: FakeHost
) -> None:
    external_id = next(iter(contract.items(host)))
    host.delete(external_id)
    assert make_connector().fetch_item(external_id) is None


def test_fetch_5xx_is_transient_and_4xx_permanent(
    make_connector: MakeConnector,
    contract: ContractFixture,
    host: FakeHost,
    live_config: dict,
    connector_class: type[Connector],
) -> None:
    external_id = next(iter(contract.items(host)))
    secrets = secret_values(connector_class, live_config)
    before = host.request_count()
    host.fail_next(503)
    with pytest.raises(TransientError) as transient:
        make_connector().fetch_item(external_id)
    assert_plain_error(transient.value, secrets)
    # Retrying is the worker's job (with backoff): the connector gives up at the first failure.
    assert host.request_count() - before == 1, "the connector retried a 503 itself"
    before = host.request_count()
    host.fail_next(400)
    with pytest.raises(PermanentError) as permanent:
        make_connector().fetch_item(external_id)
    assert permanent.value.status == 400, "PermanentError.status must keep the host's status code"
    assert_plain_error(permanent.value, secrets)
    assert host.request_count() - before == 1, "the connector repeated a request the host refused (400)"
    assert_valid_item(make_connector().fetch_item(external_id), external_id)


# --- poll --------------------------------------------------------------------------------------------
def _poll_range(contract: ContractFixture) -> tuple[datetime, datetime]:
    since, until = contract.poll_since, contract.poll_until
    assert since is not None and until is not None, "a polling kind's contract fixture sets poll_since/until"
    return since, until


def test_poll_reports_the_items_page_by_page(
    make_connector: MakeConnector, contract: ContractFixture, host: FakeHost
) -> None:
    requires(make_connector(), "poll")
    changes, calls = poll_through(make_connector, *_poll_range(contract))
    upserted = {c.external_id for c in changes if c.action == "upsert"}
    missing = sorted(set(contract.polled_ids(host)) - upserted)
    assert not missing, f"the poll did not report {missing}"
    assert any(page is not None for _, _, page in calls), (
        "the fake host served everything on one page: serve the window in several, so paging is tested"
    )


def test_poll_resumes_after_a_transient_error(
    make_connector: MakeConnector, contract: ContractFixture, host: FakeHost
) -> None:
    requires(make_connector(), "poll")
    since, until = _poll_range(contract)
    expected, calls = poll_through(make_connector, since, until)
    # Fail on a later page, not the first: resuming there needs the page position kept across tasks.
    later = next((i for i, (_, _, page) in enumerate(calls) if page is not None), len(calls) - 1)
    resumed, _ = poll_through(make_connector, since, until, fail_at_call=later, host=host)
    assert [(c.external_id, c.action) for c in resumed] == [(c.external_id, c.action) for c in expected]


def test_poll_reports_deletions(
    make_connector: MakeConnector,
    contract: ContractFixture,
    host: FakeHost,
    connector_class: type[Connector],
    webhook_secret: str,
) -> None:
    connector = make_connector()
    requires(connector, "poll")
    external_id = next(iter(contract.items(host)))
    host.delete(external_id)
    if not connector_class.poll_reports_deletions:
        # The host's listing never reports deletions (declared): they must still reach the service, as a
        # 404/410 on the next fetch and, for a push kind, as a delete webhook.
        assert make_connector().fetch_item(external_id) is None, (
            f"{external_id} was deleted at the host, its listing does not say so, and it still fetches"
        )
        if connector.capabilities.push:
            deletes = [s for s in contract.webhooks(host, webhook_secret) if s.action == "delete"]
            assert external_id in {s.external_id for s in deletes}, (
                f"the poll cannot report deletions, so webhooks() must include the host's delete webhook "
                f"for {external_id}"
            )
            for sample in deletes:
                connector.verify_webhook(sample.body, sample.headers, [webhook_secret])
                event = connector.parse_webhook(sample.body, sample.headers, sample.resource)
                assert (event.action, event.external_id) == ("delete", sample.external_id), (
                    sample.description or sample.body[:80]
                )
        return
    now = datetime.now(UTC)
    # A margin on both sides: hosts store times to the second, and the deletion happened "now".
    changes, _ = poll_through(make_connector, now - timedelta(minutes=2), now + timedelta(minutes=1))
    assert (external_id, "delete") in {(c.external_id, c.action) for c in changes}, (
        f"no Change(action='delete') for {external_id} after the host deleted it"
    )


def test_poll_5xx_is_transient_and_4xx_permanent(
    make_connector: MakeConnector, contract: ContractFixture, host: FakeHost
) -> None:
    requires(make_connector(), "poll")
    since, until = _poll_range(contract)
    start, end = next(windows(since, until, type(make_connector()).poll_window))
    host.fail_next(503)
    with pytest.raises(TransientError):
        make_connector().poll(start, end)
    host.fail_next(400)
    with pytest.raises(PermanentError) as permanent:
        make_connector().poll(start, end)
    assert permanent.value.status == 400


def test_poller_advances_the_cursor_only_after_storing_and_resumes(
    make_connector: MakeConnector,
    contract: ContractFixture,
    host: FakeHost,
    kind: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Through the real poller (climate_plugin.hosts.polling.run_poll), on a database: a 503 on the second
    page stops the poll where it stood; the next poll resumes there and stores everything."""
    requires(make_connector(), "poll")
    polling = pytest.importorskip("climate_plugin.hosts.polling", reason="the poller is not installed")
    from climate_plugin.db import db
    from climate_plugin.hosts.connector import create_connector
    from climate_plugin.models import AgendaItem, Municipality

    since, until = _poll_range(contract)
    cls = load_connectors()[kind]
    real_poll = cls.poll
    calls: list[str | None] = []

    def poll_failing_on_second_call(self: Connector, *args: Any, **kwargs: Any) -> PollPage:
        calls.append(kwargs.get("page", args[2] if len(args) > 2 else None))
        if len(calls) == 2:
            host.fail_next(503)  # the host fails, not the connector: its real error path runs
        return real_poll(self, *args, **kwargs)

    monkeypatch.setattr(cls, "poll", poll_failing_on_second_call)
    app = _app(tmp_path)
    try:
        with app.app_context():
            town = Municipality(slug="contract", name="Contract", language="fi")
            db.session.add(town)
            db.session.commit()
            row, _ = create_connector(town, kind, "contract", dict(contract.config_for(host)))
            row.poll_cursor = since  # as a previous poll would have left it
            db.session.commit()

            first = polling.run_poll(row, until=until)
            assert first.stopped and "TransientError" in first.stopped, (
                f"the 503 did not stop the poll: {first}"
            )
            db.session.refresh(row)
            stored_at_failure = (row.poll_cursor, row.poll_page)
            assert row.poll_cursor < until, "the cursor moved past changes that were not stored"
            assert row.last_error, "the failure is not kept as the connector's last error"

            second = polling.run_poll(row, until=until)
            assert second.stopped is None, second.stopped
            db.session.refresh(row)
            assert (row.poll_cursor, row.poll_page) == (until, None)
            stored = set(
                db.session.scalars(select(AgendaItem.external_id).where(AgendaItem.connector_id == row.id))
            )
            missing = sorted(set(contract.polled_ids(host)) - stored)
            assert not missing, f"after resuming from {stored_at_failure}, items never stored: {missing}"
    finally:
        worker = app.extensions["climate_plugin.queue"]
        if hasattr(worker, "stop"):
            worker.stop()


# --- write back --------------------------------------------------------------------------------------
def test_write_back_is_idempotent(
    make_connector: MakeConnector, contract: ContractFixture, host: FakeHost, connector_class: type[Connector]
) -> None:
    connector = make_connector()
    if connector_class.capabilities.write_back:
        assert connector.capabilities.write_back, "config_for() must configure write-back for the suite"
    requires(connector, "write_back")
    external_id = next(iter(contract.items(host)))
    block = {**BLOCK, "item": external_id}
    make_connector().write_back(external_id, block, "contract-key-1")
    make_connector().write_back(external_id, block, "contract-key-1")
    assert host.write_backs(external_id) == 1, "the same Idempotency-Key stored the block twice"
    make_connector().write_back(external_id, {**block, "revision": 2}, "contract-key-2")
    assert host.write_backs(external_id) == 2, "a new block under a new key was not stored"


def test_write_back_5xx_is_transient_and_the_retry_stores_once(
    make_connector: MakeConnector, contract: ContractFixture, host: FakeHost
) -> None:
    requires(make_connector(), "write_back")
    external_id = next(iter(contract.items(host)))
    block = {**BLOCK, "item": external_id}
    host.fail_next(503)
    with pytest.raises(TransientError):
        make_connector().write_back(external_id, block, "contract-key-retry")
    make_connector().write_back(external_id, block, "contract-key-retry")
    make_connector().write_back(external_id, block, "contract-key-retry")
    assert host.write_backs(external_id) == 1
    host.fail_next(400)
    with pytest.raises(PermanentError) as permanent:
        make_connector().write_back(external_id, {**block, "revision": 2}, "contract-key-other")
    assert permanent.value.status == 400


# --- test_connection ---------------------------------------------------------------------------------
def test_connection_succeeds_against_the_host(make_connector: MakeConnector) -> None:
    make_connector().test_connection()


@pytest.mark.parametrize("status", [403, 503])
def test_connection_failure_is_in_plain_words(
    make_connector: MakeConnector,
    host: FakeHost,
    live_config: dict,
    connector_class: type[Connector],
    status: int,
) -> None:
    # Several failures queued: a connector may try more than one address before it gives up.
    host.fail_next(status, times=5)
    with pytest.raises(Exception) as failed:  # noqa: B017,PT011 - any exception with a clear message will do
        make_connector().test_connection()
    assert_plain_error(failed.value, secret_values(connector_class, live_config))
