"""Entry-point lookup of connector classes and the handling of secrets in their configs."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from marshmallow import Schema, ValidationError

from climate_plugin.connectors import registry
from climate_plugin.connectors.base import Capabilities, Connector
from climate_plugin.connectors.registry import (
    UnknownConnectorKind,
    get_connector_class,
    load_connectors,
    merge_secrets,
    redact,
    split_secrets,
    validate_config,
)
from climate_plugin.connectors.rest.connector import RestConnector


class _Fake(Connector):
    kind = "fake"
    capabilities = Capabilities()
    config_schema = Schema
    secret_fields = ("token", "deep.inner.password")

    def parse_webhook(self, body: bytes, headers: Any, resource: Any = None) -> Any:
        raise NotImplementedError

    def fetch_item(self, external_id: str) -> None:
        return None


class _Other(_Fake):
    kind = "other"


@dataclass
class _EP:
    name: str
    value: str
    obj: Any

    def load(self) -> Any:
        return self.obj


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    load_connectors.cache_clear()
    yield
    load_connectors.cache_clear()


def _install(monkeypatch: pytest.MonkeyPatch, *eps: _EP) -> None:
    def entry_points(group: str) -> tuple[_EP, ...]:
        assert group == "climate_plugin.connectors"
        return eps

    monkeypatch.setattr(registry.metadata, "entry_points", entry_points)


def test_installed_rest_connector_is_found() -> None:
    # Needs `pip install -e .`: the entry point lives in the installed metadata.
    assert load_connectors()["rest"] is RestConnector
    assert get_connector_class("rest") is RestConnector


def test_load_is_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []

    def entry_points(group: str) -> list[_EP]:
        calls.append(group)
        return [_EP("fake", "x:_Fake", _Fake)]

    monkeypatch.setattr(registry.metadata, "entry_points", entry_points)
    assert load_connectors() == {"fake": _Fake}
    assert load_connectors() == {"fake": _Fake}
    assert len(calls) == 1


def test_duplicate_kind_names_both(monkeypatch: pytest.MonkeyPatch) -> None:
    _install(monkeypatch, _EP("fake", "pkg_a.mod:Fake", _Fake), _EP("fake", "pkg_b.mod:Fake", _Fake))
    with pytest.raises(RuntimeError) as excinfo:
        load_connectors()
    assert "pkg_a.mod:Fake" in str(excinfo.value)
    assert "pkg_b.mod:Fake" in str(excinfo.value)


def test_same_entry_point_twice_is_harmless(monkeypatch: pytest.MonkeyPatch) -> None:
    _install(monkeypatch, _EP("fake", "pkg.mod:Fake", _Fake), _EP("fake", "pkg.mod:Fake", _Fake))
    assert load_connectors() == {"fake": _Fake}


def test_kind_must_match_entry_point_name(monkeypatch: pytest.MonkeyPatch) -> None:
    _install(monkeypatch, _EP("fake", "pkg.mod:Other", _Other))
    with pytest.raises(RuntimeError, match="'other'"):
        load_connectors()


def test_entry_point_must_be_a_connector(monkeypatch: pytest.MonkeyPatch) -> None:
    _install(monkeypatch, _EP("fake", "pkg.mod:thing", object()))
    with pytest.raises(RuntimeError, match="not a Connector"):
        load_connectors()


def test_unknown_kind_lists_known(monkeypatch: pytest.MonkeyPatch) -> None:
    _install(monkeypatch, _EP("other", "p:O", _Other), _EP("fake", "p:F", _Fake))
    with pytest.raises(UnknownConnectorKind) as excinfo:
        get_connector_class("ahjo")
    assert isinstance(excinfo.value, KeyError)
    assert excinfo.value.known == ["fake", "other"]
    assert "ahjo" in str(excinfo.value)
    assert "fake, other" in str(excinfo.value)


def test_validate_config_uses_kind_schema() -> None:
    config = validate_config("rest", {"base_url": "https://host.example/", "fields": {"title": "/name"}})
    assert config["base_url"] == "https://host.example"
    assert config["fields"]["title"] == "/name"
    with pytest.raises(ValidationError) as excinfo:
        validate_config("rest", {"base_url": "host.example", "fields": {"title": "/name"}})
    assert "base_url" in excinfo.value.messages


REST_CONFIG = {
    "base_url": "https://host.example",
    "auth": {"type": "basic", "username": "svc", "password": "pw"},
    "fields": {"title": "/title"},
}


def test_split_and_merge_round_trip() -> None:
    public, secrets = split_secrets(RestConnector, REST_CONFIG)
    assert secrets == {"auth.password": "pw"}
    assert public["auth"] == {"type": "basic", "username": "svc"}
    assert REST_CONFIG["auth"]["password"] == "pw"  # the input is not modified
    assert merge_secrets(public, secrets) == REST_CONFIG


def test_split_nested_and_missing_paths() -> None:
    config = {"token": "t", "deep": {"inner": {"password": "p", "user": "u"}}, "plain": 1}
    public, secrets = split_secrets(_Fake, config)
    assert secrets == {"token": "t", "deep.inner.password": "p"}
    assert public == {"deep": {"inner": {"user": "u"}}, "plain": 1}
    # paths that are absent are simply not secrets
    assert split_secrets(_Fake, {"plain": 1}) == ({"plain": 1}, {})


def test_merge_creates_missing_parents() -> None:
    assert merge_secrets({}, {"deep.inner.password": "p"}) == {"deep": {"inner": {"password": "p"}}}
    with pytest.raises(ValueError, match="deep.inner.password"):
        merge_secrets({"deep": "not an object"}, {"deep.inner.password": "p"})


def test_redact() -> None:
    shown = redact(RestConnector, REST_CONFIG)
    assert shown["auth"] == {"type": "basic", "username": "svc", "password": "***"}
    assert REST_CONFIG["auth"]["password"] == "pw"
    # an unset secret is not shown as set
    assert redact(_Fake, {"token": None}) == {"token": None}
    assert redact(_Fake, {"plain": 1}) == {"plain": 1}
