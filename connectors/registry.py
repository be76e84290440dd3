"""Finding connector classes through the ``climate_plugin.connectors`` entry-point group, and handling
the secret parts of their configs.

Secrets are addressed by dotted paths (``"auth.token"``) that each connector class lists in
``secret_fields``; the service stores them encrypted apart from the public config and never shows them.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Mapping
from importlib import metadata
from typing import Any

from climate_plugin.connectors.base import Connector

GROUP = "climate_plugin.connectors"
REDACTED = "***"


class UnknownConnectorKind(KeyError):
    """No installed connector has this kind."""

    def __init__(self, kind: str, known: list[str]) -> None:
        super().__init__(kind)
        self.kind = kind
        self.known = known

    def __str__(self) -> str:
        # KeyError's own __str__ would show only repr(kind)
        return f"unknown connector kind {self.kind!r}; installed kinds: {', '.join(self.known) or 'none'}"


def _describe(ep: metadata.EntryPoint) -> str:
    dist = getattr(ep, "dist", None)
    source = f" from {dist.name}" if dist is not None else ""
    return f"{ep.name} = {ep.value}{source}"


@functools.cache
def load_connectors() -> dict[str, type[Connector]]:
    """Every installed connector class by kind; loaded once per process (``load_connectors.cache_clear()``
    after installing a plug-in, or in tests)."""
    found: dict[str, metadata.EntryPoint] = {}
    classes: dict[str, type[Connector]] = {}
    for ep in metadata.entry_points(group=GROUP):
        previous = found.get(ep.name)
        if previous is not None:
            if previous.value == ep.value:
                continue  # the same distribution seen twice on sys.path: harmless
            raise RuntimeError(
                f"two connectors claim the kind {ep.name!r}: {_describe(previous)} and {_describe(ep)}"
            )
        cls = ep.load()
        if not (isinstance(cls, type) and issubclass(cls, Connector)):
            raise RuntimeError(f"entry point {_describe(ep)} is not a Connector subclass")
        if getattr(cls, "kind", None) != ep.name:
            raise RuntimeError(
                f"entry point {_describe(ep)} names a class whose kind is {getattr(cls, 'kind', None)!r}; "
                "the entry-point name and the class's kind must be the same"
            )
        found[ep.name] = ep
        classes[ep.name] = cls
    return dict(sorted(classes.items()))


def get_connector_class(kind: str) -> type[Connector]:
    connectors = load_connectors()
    try:
        return connectors[kind]
    except KeyError:
        raise UnknownConnectorKind(kind, list(connectors)) from None


def validate_config(kind: str, config: Mapping[str, Any]) -> dict[str, Any]:
    """The normalised config; raises ``marshmallow.ValidationError`` with per-field messages."""
    return get_connector_class(kind).config_schema().load(dict(config))


def _split_path(path: str) -> tuple[list[str], str]:
    *parents, leaf = path.split(".")
    return parents, leaf


def _parent(config: Any, parents: list[str], create: bool = False) -> dict[str, Any] | None:
    """The dict holding the leaf of a dotted path, or None when the path does not exist."""
    node = config
    for key in parents:
        if not isinstance(node, dict):
            return None
        if key not in node or node[key] is None:
            if not create:
                return None
            node[key] = {}
        node = node[key]
    return node if isinstance(node, dict) else None


def split_secrets(
    cls: type[Connector], config: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(public_config, secrets)``: secrets keyed by dotted path, absent from the deep-copied public part."""
    public = copy.deepcopy(dict(config))
    secrets: dict[str, Any] = {}
    for path in cls.secret_fields:
        parents, leaf = _split_path(path)
        holder = _parent(public, parents)
        if holder is not None and leaf in holder:
            secrets[path] = holder.pop(leaf)
    return public, secrets


def merge_secrets(public_config: Mapping[str, Any], secrets: Mapping[str, Any]) -> dict[str, Any]:
    """The inverse of :func:`split_secrets`."""
    config = copy.deepcopy(dict(public_config))
    for path, value in secrets.items():
        parents, leaf = _split_path(path)
        holder = _parent(config, parents, create=True)
        if holder is None:
            raise ValueError(f"cannot put the secret {path!r} back: its parent in the config is no object")
        holder[leaf] = value
    return config


def redact(cls: type[Connector], config: Mapping[str, Any]) -> dict[str, Any]:
    """A copy fit to show an administrator: every set secret replaced by ``"***"``."""
    shown = copy.deepcopy(dict(config))
    for path in cls.secret_fields:
        parents, leaf = _split_path(path)
        holder = _parent(shown, parents)
        # None stays None: "***" would claim a secret is set when it is not.
        if holder is not None and holder.get(leaf) is not None:
            holder[leaf] = REDACTED
    return shown
