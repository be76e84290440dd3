"""A fix for a CPython bug that can lose a logged traceback when two threads log at once.

CPython 3.11 (and 3.12 before its fix) keeps the recursion depth of turning a syntax tree into Python objects
in one global, not per thread (python/cpython#106905). Two threads in ``ast.parse`` at once, when a garbage
collection lets the other thread run in between, raise "SystemError: AST constructor recursion depth
mismatch". Since 3.11 every formatted traceback calls ``ast.parse`` (for its ``^^^`` marks), so two gunicorn
threads or a worker's threads logging exceptions together can each lose the other's log record; in the
test suite it failed a CI run. One parse at a time is cheap: only tracebacks parse, and they are short.
Reproduced by tests/test_python_fixes.py.
"""

from __future__ import annotations

import ast
import sys
import threading
from typing import Any

_FIXED = "_climate_plugin_one_at_a_time"


def apply() -> None:
    """Serialise ``ast.parse`` in this process, once (idempotent)."""
    if sys.version_info >= (3, 13) or getattr(ast.parse, _FIXED, False):
        return
    parse, lock = ast.parse, threading.RLock()  # re-entrant: a parse may log, and logging may parse

    def one_at_a_time(*args: Any, **kwargs: Any) -> Any:
        with lock:
            return parse(*args, **kwargs)

    setattr(one_at_a_time, _FIXED, True)
    one_at_a_time.__wrapped__ = parse  # type: ignore[attr-defined]
    one_at_a_time.__doc__ = parse.__doc__
    ast.parse = one_at_a_time  # type: ignore[assignment]
