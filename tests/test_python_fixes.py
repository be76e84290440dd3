"""python/cpython#106905: two threads in ``ast.parse`` at once raise SystemError on CPython 3.11, and every
formatted traceback parses. Garbage collections that let another thread run provoke the race within a second;
climate_plugin.python_fixes must make it impossible."""

from __future__ import annotations

import ast
import gc
import subprocess
import sys
import textwrap

import pytest

RACE = textwrap.dedent(
    """
    import ast, gc, sys, threading, time
    if sys.argv[1] == "fixed":
        from climate_plugin import python_fixes
        python_fixes.apply()
    gc.set_threshold(50, 1, 1)
    gc.callbacks.append(lambda phase, info: time.sleep(0.0001) if phase == "start" else None)
    source = "\\n".join(f"def f{i}(a, b):\\n    return [a + b for a in range(b)]" for i in range(120))
    errors = []

    def parse_often():
        for _ in range(12):
            try:
                ast.parse(source)
            except SystemError as error:
                errors.append(str(error))
                return

    threads = [threading.Thread(target=parse_often) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(len(errors))
    """
)


def _errors(mode: str) -> int:
    done = subprocess.run([sys.executable, "-c", RACE, mode], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return int(done.stdout.split()[-1])


@pytest.mark.skipif(sys.version_info >= (3, 13), reason="CPython 3.13 keeps the depth per thread")
def test_threads_parse_one_at_a_time():
    # without the fix the same script fails on this CPython (if it did not, this test would prove nothing)
    assert _errors("plain") > 0 or sys.version_info >= (3, 12)
    assert _errors("fixed") == 0


def test_the_fix_parses_as_before():
    from climate_plugin import python_fixes

    python_fixes.apply()
    python_fixes.apply()  # once: a second call does not wrap the wrapper
    if sys.version_info < (3, 13):
        assert not hasattr(ast.parse.__wrapped__, "__wrapped__")
    tree = ast.parse("x = (1 + 2)")
    assert isinstance(tree.body[0], ast.Assign)
    assert gc.isenabled()
