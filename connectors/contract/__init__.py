"""The contract-fixture protocol: what a connector package provides so that the contract suite
(``tests/contract/``) can test its connector.

Every installed connector kind is run through the same suite; the suite knows nothing about a kind except
what its *contract fixture* tells it. A package registers one fixture class per connector kind in the
entry-point group ``climate_plugin.connector_contracts``, under the same name as the connector::

    [project.entry-points."climate_plugin.connector_contracts"]
    mysystem = "my_package.contract:MySystemContract"

The class subclasses :class:`ContractFixture` and is built without arguments. Its fake host
(:class:`FakeHost`) is a real HTTP server on 127.0.0.1 that the connector talks to through the ordinary
``OutboundClient``. A connector kind without a fixture fails the suite: it has not been tested.

This module is part of the installed package (not of the tests) so that third-party packages can import it.
"""

from __future__ import annotations

import abc
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from importlib import metadata
from typing import Any, ClassVar, Literal

GROUP = "climate_plugin.connector_contracts"


@dataclass(frozen=True)
class SampleWebhook:
    """One inbound webhook exactly as the host would send it: raw body, headers and resource segment."""

    body: bytes
    headers: Mapping[str, str]
    #: the last path segment when the host posts to ``<webhook_url>/<resource>`` (Ahjo), else None
    resource: str | None = None
    #: for good samples: what ``parse_webhook`` must make of it (ignored for malformed and forged ones)
    action: Literal["upsert", "delete"] | None = None
    external_id: str | None = None
    #: shown in the failure message when the suite's expectation does not hold
    description: str = ""


@dataclass(frozen=True)
class InvalidConfig:
    """A config the schema must refuse, and the field its error message must be about."""

    config: Mapping[str, Any]
    #: dotted path (data keys, as the administrator writes them) that must appear among the errors,
    #: e.g. ``"auth.token"``; ``"_schema"`` for an error about the config as a whole
    field: str
    description: str = ""


class FakeHost(abc.ABC):
    """A running local stand-in for the host system, with knobs the suite turns.

    Knobs act on the HTTP layer, so they hold for every request the connector makes, whatever its path.
    """

    @property
    @abc.abstractmethod
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``, plus a path prefix if the host lives below one."""

    @abc.abstractmethod
    def fail_next(self, status: int, times: int = 1) -> None:
        """Answer the next ``times`` requests, whatever they are, with ``status`` and a short JSON body."""

    @abc.abstractmethod
    def delete(self, external_id: str) -> None:
        """Delete the item the way the host does: fetching it answers 404 or 410 from now on, and (for a
        polling host whose connector keeps ``poll_reports_deletions``) it is reported deleted in any window
        containing the current time."""

    @abc.abstractmethod
    def request_count(self) -> int:
        """How many HTTP requests have reached the host so far, failed ones included."""

    def write_backs(self, external_id: str) -> int:
        """How many climate blocks the host has *stored* for the item (idempotent replays not counted).

        Only needed for connectors that write back.
        """
        raise NotImplementedError("this fake host does not take write-backs")

    @abc.abstractmethod
    def stop(self) -> None:
        """Stop serving and free the port."""


class ContractFixture(abc.ABC):
    """Everything the contract suite needs to know about one connector kind.

    Methods that take the running ``host`` may compute values from its ``base_url`` (OParl ids are URLs,
    for instance). Methods for a capability the kind lacks are never called.
    """

    #: the connector kind this fixture is for (the entry-point name, too)
    kind: ClassVar[str]

    # --- config --------------------------------------------------------------------------------
    @abc.abstractmethod
    def valid_configs(self) -> Sequence[Mapping[str, Any]]:
        """Configs the schema must accept (no host needed). Together they must set every one of the
        connector's ``secret_fields``, so that the suite can check the secrets are split off correctly."""

    @abc.abstractmethod
    def invalid_configs(self) -> Sequence[InvalidConfig]:
        """Configs the schema must refuse, each with the field its error names. At least one."""

    # --- the fake host -------------------------------------------------------------------------
    @abc.abstractmethod
    def start_host(self) -> FakeHost:
        """Start a fresh fake host, seeded with :meth:`items`; the suite stops it after each test."""

    @abc.abstractmethod
    def config_for(self, host: FakeHost) -> Mapping[str, Any]:
        """A valid config that reaches ``host`` with its credentials, with write-back configured when the
        kind can write back."""

    @abc.abstractmethod
    def items(self, host: FakeHost) -> Mapping[str, str]:
        """``{external_id: title}`` of items on the freshly started host; at least one. The first one
        is the one the suite deletes and writes back to."""

    # --- push (capabilities.push) --------------------------------------------------------------
    def webhooks(self, host: FakeHost, secret: str) -> Sequence[SampleWebhook]:
        """Webhooks signed or authorised with ``secret`` (the connector's webhook secret), each with the
        ``action`` and ``external_id`` it must parse into. At least one."""
        raise NotImplementedError

    def malformed_webhooks(self, host: FakeHost, secret: str) -> Sequence[SampleWebhook]:
        """Correctly authorised webhooks whose content ``parse_webhook`` must refuse with PayloadError.
        At least one."""
        raise NotImplementedError

    def forged_webhooks(self, host: FakeHost, secret: str) -> Sequence[SampleWebhook]:
        """Scheme-specific webhooks ``verify_webhook`` must refuse even with ``secret`` configured
        (a tampered body, a stale timestamp, …). The suite itself already tries a wrong secret and
        missing headers for every good sample."""
        return ()

    # --- poll (capabilities.poll) --------------------------------------------------------------
    #: a time window whose changes include every item of :meth:`polled_ids`; the suite cuts it into
    #: chunks of at most the connector's ``poll_window`` and polls each chunk, page by page. The fake host
    #: must serve it in more than one page, so that paging is tested.
    poll_since: ClassVar[datetime | None] = None
    poll_until: ClassVar[datetime | None] = None

    def polled_ids(self, host: FakeHost) -> Sequence[str]:
        """Ids a poll over ``(poll_since, poll_until]`` must report as upserts; default: :meth:`items`."""
        return list(self.items(host))


def load_contract_fixtures() -> dict[str, type[ContractFixture]]:
    """Every installed contract fixture class by connector kind; duplicates and mismatches are errors."""
    found: dict[str, metadata.EntryPoint] = {}
    classes: dict[str, type[ContractFixture]] = {}
    for ep in metadata.entry_points(group=GROUP):
        previous = found.get(ep.name)
        if previous is not None:
            if previous.value == ep.value:
                continue  # the same distribution seen twice on sys.path
            raise RuntimeError(
                f"two contract fixtures for the kind {ep.name!r}: {previous.value} and {ep.value}"
            )
        cls = ep.load()
        if not (isinstance(cls, type) and issubclass(cls, ContractFixture)):
            raise RuntimeError(
                f"contract entry point {ep.name} = {ep.value} is not a ContractFixture subclass"
            )
        if getattr(cls, "kind", None) != ep.name:
            raise RuntimeError(
                f"contract entry point {ep.name} = {ep.value} names a fixture for kind "
                f"{getattr(cls, 'kind', None)!r}; entry-point name and fixture kind must be the same"
            )
        found[ep.name] = ep
        classes[ep.name] = cls
    return dict(sorted(classes.items()))
