"""The import graph of the installed package: no import cycle anywhere, the core never imports a particular
connector, the foundations import no feature, and a delivery moves down the layers.

The graph is read from the source (every ``import`` and ``from … import``, also those inside functions:
an import moved into a function to dodge a cycle is still a cycle in the design), with the top-level
folders under the names they are installed as (``connectors/`` → ``climate_plugin.connectors``).
Run alone: ``python -m pytest tests/test_import_graph.py``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: source folder → the dotted name it is installed as (setup.py)
FOLDERS = {
    "climate_plugin": "climate_plugin",
    "connectors": "climate_plugin.connectors",
    "webhooks": "climate_plugin.webhooks",
    "worker": "climate_plugin.worker",
    "migrations": "climate_plugin.migrations",
}
FEATURES = (
    "accounts", "assessments", "badges", "checklist", "commitments", "deliveries", "hosts", "items",
    "meetings", "municipalities", "programme", "reviews", "screening", "teams", "writeback",
)
#: what everything else stands on: none of it may import a feature, a face or an entry point
FOUNDATIONS = (
    "climate_plugin.config", "climate_plugin.db", "climate_plugin.models", "climate_plugin.i18n",
    "climate_plugin.queue", "climate_plugin.web", "climate_plugin.outbound", "climate_plugin.encryption",
    "climate_plugin.mail", "climate_plugin.services", "climate_plugin.connectors.base",
    "climate_plugin.connectors.common", "climate_plugin.connectors.registry",
)
ABOVE_FOUNDATIONS = tuple(f"climate_plugin.{name}" for name in FEATURES) + (
    "climate_plugin.webhooks", "climate_plugin.worker", "climate_plugin.admin", "climate_plugin.api",
    "climate_plugin.cli", "climate_plugin.app", "climate_plugin.demo",
)


def _modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for folder, dotted in FOLDERS.items():
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "versions" in path.parts:  # Alembic revisions are run by Alembic, not imported
                continue
            parts = list(path.relative_to(ROOT / folder).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join([dotted, *parts])] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> Iterator[str]:
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base]) if base else ".".join(anchor)
            for alias in node.names:
                yield f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for name, path in MODULES.items():
        graph[name] = {target for target in _imports(name, path) if target in MODULES and target != name}
    return graph


GRAPH = _graph()


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), each as a sorted list."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _within(module: str, prefixes: tuple[str, ...] | str) -> bool:
    prefixes = (prefixes,) if isinstance(prefixes, str) else prefixes
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def _offenders(sources: tuple[str, ...], forbidden: tuple[str, ...]) -> list[str]:
    return sorted(
        f"{module} imports {target}"
        for module, targets in GRAPH.items()
        if _within(module, sources)
        for target in targets
        if _within(target, forbidden)
    )


def test_the_graph_is_read() -> None:
    # a guard for the test itself: it must see the namespaced folders and their imports
    assert "climate_plugin.connectors.base" in GRAPH
    assert "climate_plugin.webhooks.endpoint" in GRAPH
    assert "climate_plugin.connectors.base" in GRAPH["climate_plugin.webhooks.endpoint"]


def test_no_import_cycle() -> None:
    cycles = _cycles(GRAPH)
    assert not cycles, "import cycles:\n" + "\n".join(" ↔ ".join(c) for c in cycles)


def test_the_cycle_check_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_core_never_imports_a_particular_connector() -> None:
    # each installed kind's folder (climate_plugin.connectors.<kind>), from the entry points
    packages = tuple(
        sorted(
            {
                ".".join(ep.value.split(":")[0].split(".")[:3])
                for ep in metadata.entry_points(group="climate_plugin.connectors")
                if ep.value.startswith("climate_plugin.connectors.")
            }
        )
    )
    assert packages, "no connector is installed"
    offenders = sorted(
        f"{module} imports {target}"
        for module, targets in GRAPH.items()
        if not _within(module, packages)
        for target in targets
        if _within(target, packages)
    )
    assert offenders == []


@pytest.mark.parametrize("foundation", FOUNDATIONS)
def test_the_foundations_import_no_feature(foundation: str) -> None:
    assert _offenders((foundation,), ABOVE_FOUNDATIONS) == []


def test_a_delivery_moves_down_the_layers() -> None:
    # webhook endpoint and worker → deliveries (the pipeline) → writeback; never back up
    assert _offenders(("climate_plugin.deliveries", "climate_plugin.writeback"),
                      ("climate_plugin.webhooks", "climate_plugin.worker")) == []
    assert _offenders(("climate_plugin.writeback",), ("climate_plugin.deliveries",)) == []
