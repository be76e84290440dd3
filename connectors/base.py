"""The interface every connector implements, and the values it exchanges with the pipeline."""

from __future__ import annotations

import abc
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, ClassVar, Literal

from marshmallow import Schema

from climate_plugin.connectors.common.signature import WebhookAuthError, verify_standard_webhook
from climate_plugin.outbound import OutboundClient

__all__ = [
    "Attachment",
    "Capabilities",
    "Change",
    "Connector",
    "DECISION_STATES",
    "Decision",
    "FetchedItem",
    "PayloadError",
    "PollPage",
    "WebhookAuthError",
    "WebhookEvent",
]


class PayloadError(Exception):
    """The webhook body is not what this connector expects (answered 400 with this message)."""


@dataclass(frozen=True)
class Capabilities:
    push: bool = False  #: the host sends webhooks
    poll: bool = False  #: the host can be asked what changed
    write_back: bool = False  #: the host accepts the climate block
    files: bool = False  #: the host gives attachment URLs


@dataclass(frozen=True)
class WebhookEvent:
    """What one inbound webhook asks the pipeline to do."""

    delivery_id: str  #: the sender's id for this delivery (idempotency key)
    action: Literal["upsert", "delete"]
    external_id: str  #: the item's id in the host system
    event_type: str  #: the sender's own name for the event, kept for the administrator
    occurred_at: datetime | None = None


@dataclass(frozen=True)
class Attachment:
    """A file the host lists for an item: an absolute http(s) URL and what the host says about it."""

    url: str
    name: str | None = None  #: the host's file name or title, for people
    mime_type: str | None = None  #: the host's declared type, lower case, without parameters


#: how an item was decided, as the pipeline stores it: as proposed, changed in the meeting, rejected, sent
#: back to preparation (or tabled), or withdrawn from the agenda (connectors.common.decisions maps hosts'
#: words onto these)
DECISION_STATES: tuple[str, ...] = ("decided", "amended", "rejected", "returned", "withdrawn")


@dataclass(frozen=True)
class Decision:
    """What the host says was decided on an item (reported by connectors that can read it)."""

    state: str  #: one of DECISION_STATES
    text: str | None = None  #: the decision's wording (plain text or HTML)
    decided_on: date | None = None  #: the day of the decision


@dataclass(frozen=True)
class FetchedItem:
    """An agenda item as the host system has it now."""

    external_id: str
    title: str
    body: str = ""  #: plain text or HTML, as the host gives it
    language: str | None = None  #: fi, sv, en or None (detected later)
    meeting: str | None = None
    updated_at: datetime | None = None  #: the host's own modification time, timezone-aware
    url: str | None = None  #: where a person reads the item in the host system
    extra: Mapping[str, Any] = field(default_factory=dict)
    #: files attached to the item (only from connectors with ``capabilities.files``); last, so positional
    #: construction by existing connectors keeps working
    attachments: tuple[Attachment, ...] = ()
    #: the board or committee that decides the item (team badges are counted per committee)
    committee: str | None = None
    #: the day of the meeting that handles the item, where the host says
    meeting_date: date | None = None
    #: the decision, once the host reports one; None while the item is undecided (or the host cannot say)
    decision: Decision | None = None


@dataclass(frozen=True)
class Change:
    """One item that changed at the host, as a poll reports it."""

    external_id: str
    action: Literal["upsert", "delete"]
    changed_at: datetime | None = None  #: the host's change time, timezone-aware, if it gives one
    #: the item's content when the listing already carries it (saves a fetch); None: fetch it
    item: FetchedItem | None = None


@dataclass(frozen=True)
class PollPage:
    """One page of a poll over a time window."""

    changes: tuple[Change, ...]
    #: opaque position of the next page in the same window; None when the window is done
    next_page: str | None = None


class Connector(abc.ABC):
    """A host agenda system, as the pipeline sees it.

    Subclasses set the class attributes and implement the operations their capabilities name.
    Instances are cheap and short-lived: one per task, built from the stored (decrypted) config.
    """

    #: the registry key, e.g. "rest"; also the entry-point name
    kind: ClassVar[str]
    capabilities: ClassVar[Capabilities]
    #: validates and normalises the connector's config
    config_schema: ClassVar[type[Schema]]
    #: dotted paths into the config whose values are secrets (encrypted at rest, never shown)
    secret_fields: ClassVar[tuple[str, ...]] = ()
    #: how often a polling connector is polled, and how long a time window one poll asks for at most
    poll_interval: ClassVar[timedelta] = timedelta(minutes=15)
    poll_window: ClassVar[timedelta] = timedelta(days=1)
    #: the setting that says where one item is read (e.g. "item_path"), named when a test finds no item at
    #: an id; None: the host's address setting (base_url, system_url) is named instead
    item_setting: ClassVar[str | None] = None
    #: False when the host's change listing never reports deletions; they then arrive by push or show as
    #: gone on the next fetch
    poll_reports_deletions: ClassVar[bool] = True

    def __init__(self, config: Mapping[str, Any], http: OutboundClient) -> None:
        self.config = config
        self.http = http

    # --- inbound -------------------------------------------------------------------------------
    def verify_webhook(self, body: bytes, headers: Mapping[str, str], secrets: Sequence[str]) -> None:
        """Raise :class:`WebhookAuthError` unless one of ``secrets`` signed ``body``.

        The default speaks Standard Webhooks over the raw bytes.
        """
        verify_standard_webhook(body, headers, secrets)

    @abc.abstractmethod
    def parse_webhook(
        self, body: bytes, headers: Mapping[str, str], resource: str | None = None
    ) -> WebhookEvent:
        """Turn a verified webhook into an event; raise :class:`PayloadError` if it is malformed.

        ``resource`` is the last path segment when the host posts to ``<webhook_url>/<resource>``
        (Ahjo subscribes one URL per resource type); None for a plain ``<webhook_url>``.
        """

    # --- outbound ------------------------------------------------------------------------------
    @abc.abstractmethod
    def fetch_item(self, external_id: str) -> FetchedItem | None:
        """Fetch the item's current state; None when the host says it is gone (404/410)."""

    def poll(self, since: datetime | None, until: datetime, page: str | None = None) -> PollPage:
        """Items changed in ``(since, until]`` (``since`` None: from the beginning), one page at a time.

        Only called when ``capabilities.poll``. Deleted items come as ``Change(action="delete")`` (unless
        the class declares ``poll_reports_deletions = False``: the host's listing cannot say).
        Raise ``TransientError`` for network errors and 5xx: the poll is retried from the same place.
        """
        raise NotImplementedError(f"{self.kind} connector does not poll")

    def write_back(self, external_id: str, block: Mapping[str, Any], idempotency_key: str) -> None:
        """Send the climate block to the host. Only called when ``capabilities.write_back``."""
        raise NotImplementedError(f"{self.kind} connector does not write back")

    def test_connection(self) -> None:  # noqa: B027 - optional hook, deliberately not abstract
        """Raise an exception with a plain-words message if the host cannot be reached."""
