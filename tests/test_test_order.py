"""The suite's ordering for parallel workers (tests/conftest.py) keeps every collected test once."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from tests import conftest


@dataclass
class FakeItem:
    nodeid: str
    markers: tuple[str, ...] = field(default=())

    def get_closest_marker(self, name: str) -> object | None:
        return name if name in self.markers else None


@pytest.mark.parametrize(
    ("browser", "long", "short"),
    [(0, 2, 0), (1, 3, 0), (0, 5, 1), (2, 1, 10), (3, 4, 40), (0, 0, 7)],
)
@pytest.mark.parametrize("workers", [2, 4, 6])
def test_every_test_is_kept_once_however_many_are_long(
    monkeypatch: pytest.MonkeyPatch, browser: int, long: int, short: int, workers: int
) -> None:
    # A run of one file of long tests (tests/test_demo.py with -n 2) once found no part with room for its
    # second long test, and xdist's workers failed in collection.
    monkeypatch.setenv("PYTEST_XDIST_WORKER_COUNT", str(workers))
    items = (
        [FakeItem(f"tests/browser/test_b.py::t{i}", ("browser",)) for i in range(browser)]
        + [FakeItem(f"tests/test_l.py::t{i}", ("slow",)) for i in range(long)]
        + [FakeItem(f"tests/test_s.py::t{i}") for i in range(short)]
    )
    ordered = list(items)
    conftest.pytest_collection_modifyitems(ordered)  # type: ignore[arg-type]
    assert sorted(i.nodeid for i in ordered) == sorted(i.nodeid for i in items)
    # The browser tests lead the first part, one after another.
    assert [i.nodeid for i in ordered[:browser]] == [i.nodeid for i in items[:browser]]
