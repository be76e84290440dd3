"""A polling connector for tests: it serves Changes from a list, in pages, and fails on demand.

Connector instances are built afresh for every task from the stored config, so the host they talk to
lives in :data:`HOSTS`, keyed by the config's ``host`` name.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from marshmallow import Schema, fields

from climate_plugin.connectors import registry
from climate_plugin.connectors.base import (
    Capabilities,
    Change,
    Connector,
    FetchedItem,
    PayloadError,
    PollPage,
    WebhookEvent,
)
from climate_plugin.db import db
from climate_plugin.models import Municipality
from climate_plugin.outbound import PermanentError, TransientError

END = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
SCHOOL_TITLE = "Kirkonkylän koulun peruskorjaus ja lämmitysjärjestelmän muutos maalämpöön"
SCHOOL_BODY = "Koulun öljylämmitys korvataan maalämpöjärjestelmällä ja katolle lisätään aurinkopaneelit."


@dataclass
class FakeHost:
    items: dict[str, FetchedItem] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)
    page_size: int = 100
    #: (since, until, page) of every poll() call
    polls: list[tuple[datetime | None, datetime, str | None]] = field(default_factory=list)
    fetches: list[str] = field(default_factory=list)
    #: called with the poll's arguments before it answers; raise from it to fail a poll
    on_poll: Callable[[datetime | None, datetime, str | None], None] | None = None
    #: external id → exception raised when it is fetched
    fetch_errors: dict[str, Exception] = field(default_factory=dict)
    down: str | None = None  #: test_connection fails with this message
    secret: str = ""  #: the connector's webhook secret

    def put(self, external_id: str, at: datetime, title: str = SCHOOL_TITLE, body: str = SCHOOL_BODY) -> None:
        """The item changed at ``at``: its content now, and a change in the listing."""
        self.items[external_id] = FetchedItem(
            external_id=external_id, title=title, body=body, language="fi", updated_at=at
        )
        self.changes.append(Change(external_id, "upsert", at))

    def remove(self, external_id: str, at: datetime) -> None:
        self.items.pop(external_id, None)
        self.changes.append(Change(external_id, "delete", at))


HOSTS: dict[str, FakeHost] = {}


class ConfigSchema(Schema):
    host = fields.String(required=True)
    token = fields.String(load_default=None)


class FakePoller(Connector):
    kind = "fakepoll"
    capabilities = Capabilities(push=True, poll=True)
    config_schema = ConfigSchema
    secret_fields = ("token",)
    poll_interval = timedelta(minutes=15)
    poll_window = timedelta(days=1)

    @property
    def host(self) -> FakeHost:
        return HOSTS[self.config["host"]]

    def parse_webhook(
        self, body: bytes, headers: Mapping[str, str], resource: str | None = None
    ) -> WebhookEvent:
        try:
            payload = json.loads(body)
        except ValueError:
            raise PayloadError("not JSON") from None
        return WebhookEvent(
            delivery_id=headers["webhook-id"],
            action="upsert",
            external_id=str(payload["id"]),
            event_type=resource or "plain",
        )

    def fetch_item(self, external_id: str) -> FetchedItem | None:
        self.host.fetches.append(external_id)
        error = self.host.fetch_errors.get(external_id)
        if error is not None:
            raise error
        return self.host.items.get(external_id)

    def poll(self, since: datetime | None, until: datetime, page: str | None = None) -> PollPage:
        host = self.host
        host.polls.append((since, until, page))
        if host.on_poll is not None:
            host.on_poll(since, until, page)
        window = [
            c for c in host.changes if (since is None or c.changed_at > since) and c.changed_at <= until
        ]
        offset = int(page or 0)
        rest = window[offset + host.page_size :]
        return PollPage(
            tuple(window[offset : offset + host.page_size]),
            str(offset + host.page_size) if rest else None,
        )

    def test_connection(self) -> None:
        if self.host.down:
            raise PermanentError(self.host.down, 401)


class PushOnly(FakePoller):
    kind = "fakepush"
    capabilities = Capabilities(push=True)


def install(monkeypatch: pytest.MonkeyPatch) -> None:
    """Register the fake kinds next to the installed ones, for this test only."""
    installed = registry.load_connectors()
    monkeypatch.setattr(
        registry, "load_connectors", lambda: {**installed, "fakepoll": FakePoller, "fakepush": PushOnly}
    )


def make_connector(
    name: str = "council", kind: str = "fakepoll", slug: str = "hollola"
) -> tuple[Any, FakeHost]:
    """A connector of the fake kind on a fresh host, in the current app context."""
    from climate_plugin.hosts.connector import create_connector

    town = db.session.query(Municipality).filter_by(slug=slug).one_or_none()
    if town is None:
        town = Municipality(slug=slug, name=slug.title(), language="fi")
        db.session.add(town)
        db.session.commit()
    host = HOSTS[name] = FakeHost()
    row, host.secret = create_connector(town, kind, name, {"host": name, "token": "t"})
    return row, host


def transient(*_args: Any) -> None:
    raise TransientError("the host answered 503")


__all__ = ["END", "FakeHost", "FakePoller", "PermanentError", "TransientError", "install", "make_connector"]
