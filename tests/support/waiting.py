"""Waiting for something another thread or process does: poll a condition, never sleep a fixed time."""

from __future__ import annotations

import time
from collections.abc import Callable

#: long enough for a loaded 2-core machine running the suite in parallel; a condition that holds returns
#: at once, so only a failing test waits this long
DEFAULT_TIMEOUT = 60.0


def wait_for(condition: Callable[[], bool], timeout: float = DEFAULT_TIMEOUT) -> None:
    """Poll until ``condition()`` holds; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.05)
