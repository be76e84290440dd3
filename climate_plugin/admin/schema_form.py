"""A form generated from a marshmallow schema: what each field is (text, URL, whole number, number, yes/no,
a choice, a list one per line, a group of fields), its value to show, and reading the submitted form back
into the mapping the schema loads.

Used for connectors' settings (each kind's ``config_schema``): an administrator fills in fields, never JSON.
Secrets are write-only: their inputs are never filled in, an empty one keeps the stored value, and a box
clears one that is set (needed when switching, say, from a bearer token to no authentication).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from marshmallow import Schema, fields
from marshmallow.validate import OneOf

#: input names: "cfg.auth.type", "secret:auth.token", "clear:auth.token", "on:write_back"
VALUE = "cfg."
SECRET = "secret:"
CLEAR = "clear:"
ON = "on:"


@dataclass
class FormField:
    path: str  #: dotted path of data keys, "auth.type"
    key: str  #: the last part, "type"
    widget: str  #: text, url, integer, number, checkbox, select, lines, checkboxes, secret, group
    required: bool = False
    choices: tuple[str, ...] = ()
    value: Any = None  #: str, bool or list[str] to show; never a secret
    secret_set: bool | None = None  #: for secrets: whether one is stored (None: a new connector)
    optional_group: bool = False  #: a group that can be left out (e.g. write_back), with an on/off box
    enabled: bool = True  #: for an optional group: whether it is in use
    children: list[FormField] = field(default_factory=list)
    help: str | None = None  #: a catalogue message explaining the setting (set by the page)

    @property
    def input_id(self) -> str:
        return "cfg-" + self.path.replace(".", "-").replace("_", "-")

    @property
    def name(self) -> str:
        prefix = {"secret": SECRET}.get(self.widget, VALUE)
        return prefix + self.path


def _choices(f: fields.Field) -> tuple[str, ...]:
    for validator in f.validators:
        if isinstance(validator, OneOf):
            return tuple(str(c) for c in validator.choices)
    return ()


def _is_missing(value: Any) -> bool:
    return value.__class__.__name__ == "_Missing"


def _load_default(f: fields.Field) -> Any:
    value = f.load_default
    if _is_missing(value):
        return None
    return value() if callable(value) else value


def _widget(key: str, f: fields.Field, secret: bool) -> str:
    if secret:
        return "secret"
    if isinstance(f, fields.Boolean):
        return "checkbox"
    if isinstance(f, fields.Integer):
        return "integer"
    if isinstance(f, fields.Float | fields.Decimal):
        return "number"
    if isinstance(f, fields.List):
        return "checkboxes" if _choices(f.inner) else "lines"
    if _choices(f):
        return "select"
    if key.endswith("url") or isinstance(f, fields.Url):
        return "url"
    return "text"


def _shown(widget: str, value: Any) -> Any:
    if widget == "checkbox":
        return bool(value)
    if widget in ("lines", "checkboxes"):
        return [str(v) for v in value] if isinstance(value, list | tuple) else []
    return "" if value is None else str(value)


def describe(
    schema: Schema,
    values: Mapping[str, Any] | None,
    secret_fields: Iterable[str] = (),
    secrets_set: Mapping[str, bool] | None = None,
) -> list[FormField]:
    """The schema's fields, filled in from ``values`` (a stored config; None: a new one, with defaults)."""
    secret_paths = set(secret_fields)

    def walk(inner: Schema, current: Mapping[str, Any] | None, prefix: str) -> list[FormField]:
        out = []
        for name, f in inner.fields.items():
            key = f.data_key or name
            path = prefix + key
            given = current.get(key, current.get(name)) if current is not None else None
            if isinstance(f, fields.Nested) and isinstance(f.schema, Schema):
                default = _load_default(f)
                optional = bool(f.allow_none) and not f.required
                enabled = (given is not None) if current is not None else (default is not None)
                sub = given if isinstance(given, Mapping) else default
                sub = sub if isinstance(sub, Mapping) else {}
                out.append(
                    FormField(
                        path, key, "group", f.required, optional_group=optional, enabled=enabled,
                        children=walk(f.schema, sub, path + "."),
                    )
                )
                continue
            secret = path in secret_paths
            widget = _widget(key, f, secret)
            stored = current is not None and key in current
            value = None if secret else (given if stored else _load_default(f))
            choices = _choices(f.inner) if isinstance(f, fields.List) else _choices(f)
            out.append(
                FormField(
                    path, key, widget, f.required, choices, _shown(widget, value),
                    secret_set=None if secrets_set is None else secrets_set.get(path, False),
                )
            )
        return out

    return walk(schema, values, "")


def read(
    schema: Schema, form: Any, secret_fields: Iterable[str] = ()
) -> tuple[dict[str, Any], dict[str, str], list[str]]:
    """``(config, secrets, cleared)`` from a submitted form (a werkzeug MultiDict).

    An empty input leaves the setting out (its default applies), or sets None where the schema allows
    None (the host has no such field); a secret left empty is not in ``secrets`` (keep the stored one).
    """
    secret_paths = set(secret_fields)
    secrets: dict[str, str] = {}
    cleared: list[str] = []

    def walk(inner: Schema, prefix: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, f in inner.fields.items():
            key = f.data_key or name
            path = prefix + key
            if isinstance(f, fields.Nested) and isinstance(f.schema, Schema):
                if f.allow_none and not f.required and not form.get(ON + path):
                    out[key] = None
                    continue
                out[key] = walk(f.schema, path + ".")
                continue
            if path in secret_paths:
                typed = form.get(SECRET + path, "")
                if typed != "":
                    secrets[path] = typed
                elif form.get(CLEAR + path):
                    cleared.append(path)
                continue
            widget = _widget(key, f, False)
            if widget == "checkbox":
                out[key] = form.get(VALUE + path) in ("1", "on", "true")
            elif widget == "checkboxes":
                out[key] = form.getlist(VALUE + path)
            elif widget == "lines":
                lines = [line.strip() for line in form.get(VALUE + path, "").splitlines()]
                out[key] = [line for line in lines if line]
            else:
                typed = form.get(VALUE + path, "").strip()
                if typed != "":
                    out[key] = typed
                elif f.allow_none and not f.required:
                    out[key] = None
        return out

    return walk(schema, ""), secrets, cleared


def walk_fields(found: list[FormField], visit: Callable[[FormField], None]) -> None:
    for f in found:
        visit(f)
        walk_fields(f.children, visit)
