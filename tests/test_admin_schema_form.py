"""The form generated from a connector kind's schema, and validation messages in the reader's language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict

from climate_plugin.admin import schema_form
from climate_plugin.connectors.registry import get_connector_class, load_connectors
from climate_plugin.web.validation import known, translate

CONNECTORS = Path(__file__).resolve().parent.parent / "connectors"


def _by_path(found: list[schema_form.FormField]) -> dict[str, schema_form.FormField]:
    out: dict[str, schema_form.FormField] = {}
    schema_form.walk_fields(found, lambda f: out.setdefault(f.path, f))
    return out


def test_field_types_become_inputs():
    decidim = _by_path(schema_form.describe(get_connector_class("decidim").config_schema(), None,
                                            get_connector_class("decidim").secret_fields))
    assert decidim["base_url"].widget == "url" and decidim["base_url"].required
    assert decidim["page_size"].widget == "integer" and decidim["page_size"].value == "50"
    assert decidim["requests_per_second"].widget == "number"
    assert decidim["obey_robots"].widget == "checkbox" and decidim["obey_robots"].value is True
    assert decidim["locale"].widget == "select" and decidim["locale"].choices == ("fi", "sv", "en")
    assert decidim["processes"].widget == "lines"
    assert decidim["components"].widget == "checkboxes"
    assert decidim["components"].value == ["meetings", "proposals"]
    group = decidim["write_back"]
    assert group.widget == "group" and group.optional_group and not group.enabled
    secret = decidim["write_back.api_secret"]
    assert secret.widget == "secret" and secret.value == ""  # never a stored value


def test_a_submitted_form_loads_as_the_config_a_json_one_would():
    cls = get_connector_class("decidim")
    form = MultiDict(
        [
            ("cfg.base_url", "https://omastadi.example"),
            ("cfg.processes", "budget-2026\n\n  osbu \n"),
            ("cfg.components", "proposals"),
            ("cfg.locale", "sv"),
            ("cfg.page_size", "20"),
            ("cfg.requests_per_second", "0.5"),
            ("on:write_back", "1"),
            ("cfg.write_back.api_key", "key"),
            ("secret:write_back.api_secret", "s3cret"),
        ]
    )
    public, secrets, cleared = schema_form.read(cls.config_schema(), form, cls.secret_fields)
    assert secrets == {"write_back.api_secret": "s3cret"} and cleared == []
    assert public["obey_robots"] is False  # an unticked box is "no"
    public["write_back"]["api_secret"] = secrets["write_back.api_secret"]
    loaded = cls.config_schema().load(public)
    assert loaded["processes"] == ["budget-2026", "osbu"] and loaded["components"] == ["proposals"]
    assert loaded["page_size"] == 20 and loaded["requests_per_second"] == 0.5 and loaded["locale"] == "sv"
    # the optional group switched off is left out, its secret with it
    off = MultiDict([("cfg.base_url", "https://x.example"), ("cfg.write_back.api_key", "k")])
    public, secrets, _ = schema_form.read(cls.config_schema(), off, cls.secret_fields)
    assert public["write_back"] is None and secrets == {}


def test_every_kind_renders_a_form_and_reads_back_its_defaults():
    for kind, cls in load_connectors().items():
        shown = schema_form.describe(cls.config_schema(), None, cls.secret_fields)
        assert shown, kind
        values: MultiDict = MultiDict()

        def put(f: schema_form.FormField, values: MultiDict = values) -> None:
            if f.widget == "group" and f.enabled:
                values.add(schema_form.ON + f.path, "1")
            elif f.widget == "checkbox" and f.value:
                values.add(f.name, "1")
            elif f.widget == "checkboxes":
                for v in f.value:
                    values.add(f.name, v)
            elif f.widget == "lines":
                values.add(f.name, "\n".join(f.value))
            elif f.widget not in ("group", "secret"):
                values.add(f.name, f.value)

        schema_form.walk_fields(shown, put)
        public, _, _ = schema_form.read(cls.config_schema(), values, cls.secret_fields)
        with pytest.raises(ValidationError) as missing:  # the required settings are empty, nothing else
            cls.config_schema().load(public)
        flat = str(missing.value.messages)
        assert "Missing data for required field" in flat, (kind, flat)


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_marshmallow_messages_are_translated(lang):
    assert translate("Missing data for required field.", lang) != "Missing data for required field."
    ranged = translate("Must be greater than or equal to 1 and less than or equal to 1000.", lang)
    assert "1" in ranged and "1000" in ranged and "greater" not in ranged or lang == "en"
    assert "fi, sv" in translate("Must be one of: fi, sv.", lang)
    # an unknown message is kept, inside a translated sentence
    assert "Something new." in translate("Something new.", lang)


def test_every_message_the_connector_schemas_raise_has_a_translation():
    literal = re.compile(r'ValidationError\(\s*f?"([^"]+)"|errors\[name\] = \[f"([^"]+)"\]')
    found = []
    for source in CONNECTORS.rglob("*.py"):
        if "contract" in source.parts or source.name == "fake_host.py":
            continue
        for match in literal.finditer(source.read_text(encoding="utf-8")):
            message = (match.group(1) or match.group(2)).replace("{kind}", "bearer")
            found.append((source.name, message))
    assert found
    unknown = [(where, m) for where, m in found if not known(m) and "{" not in m]
    assert unknown == []
