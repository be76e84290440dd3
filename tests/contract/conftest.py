"""Fixtures of the contract suite: one parameter per installed connector kind, and its contract fixture."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from importlib import metadata
from typing import Any

import pytest

from climate_plugin.connectors.base import Connector
from climate_plugin.connectors.contract import GROUP, ContractFixture, FakeHost, load_contract_fixtures
from climate_plugin.connectors.registry import load_connectors, merge_secrets, split_secrets
from climate_plugin.outbound import AllowList, OutboundClient

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
