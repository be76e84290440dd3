"""Each test builds its own app, and Werkzeug compiles every URL rule of it to Python code again (through
``ast`` and ``compile``): about half of the 85 ms ``create_app`` takes, thousands of times a run. The code
of a rule's URL builder depends only on the rule's parts and defaults (the rule itself is an argument at call
time), so one test process compiles each distinct rule once. Tests only; production builds one app."""

from __future__ import annotations

from typing import Any

from werkzeug.routing import Rule


def install() -> None:
    compile_builder = getattr(Rule, "_compile_builder", None)
    if compile_builder is None or getattr(compile_builder, "cached", False):
        return  # another Werkzeug: leave it as it is

    builders: dict[tuple, Any] = {}

    def cached_builder(self: Rule, append_unknown: bool = True) -> Any:
        defaults = self.defaults or {}
        converters = self._converters
        try:
            key = (
                self.rule,
                tuple(self._trace),
                tuple(sorted((name, repr(value)) for name, value in defaults.items())),
                tuple((name, type(converters[name])) for name in sorted(defaults) if name in converters),
                append_unknown,
            )
            hash(key)
        except Exception:  # noqa: BLE001 - anything unusual is compiled as Werkzeug does
            return compile_builder(self, append_unknown)
        builder = builders.get(key)
        if builder is None:
            builder = builders[key] = compile_builder(self, append_unknown)
        return builder

    cached_builder.cached = True  # type: ignore[attr-defined]
    Rule._compile_builder = cached_builder  # type: ignore[method-assign]
