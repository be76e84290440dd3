"""/api/v1/docs: the OpenAPI document as a plain page (operations, parameters), rendered here because
Swagger UI and ReDoc load from a CDN that an air-gapped deployment cannot reach."""

from __future__ import annotations

from flask import Blueprint, current_app

from climate_plugin.api.common import PREFIX
from climate_plugin.i18n import language_links, request_language
from climate_plugin.web.render import render_string

bp = Blueprint("api_docs_page", __name__)

_METHODS = ("get", "post", "put", "patch", "delete")

# Autoescaped (render_template_string escapes everything): summaries come from docstrings, but a
# description could one day quote a host's text.
PAGE = """{% extends "base.html" %}
{% block title %}{{ _('api.docs.title') }}{% endblock %}
{% block content %}
{% include "_language_switch.html" %}
<h1>{{ _('api.docs.title') }}</h1>
<p>{{ _('api.docs.intro') }}</p>
<p><a href="{{ spec_url }}">{{ _('api.docs.spec_link') }}</a> · {{ _('api.docs.auth') }}
<code>Authorization: Bearer cpt_…</code></p>
{% for tag in tags %}
<h2 id="{{ tag.name }}">{{ tag.name }}</h2>
{% if tag.description %}<p class="small">{{ tag.description }}</p>{% endif %}
<table class="ops">
<thead><tr><th scope="col">{{ _('api.docs.method') }}</th><th scope="col">{{ _('api.docs.path') }}</th>
<th scope="col">{{ _('api.docs.summary') }}</th>
<th scope="col">{{ _('api.docs.parameters') }}</th></tr></thead>
<tbody>
{% for op in tag.operations %}
<tr><td><code>{{ op.method }}</code></td><td><code>{{ op.path }}</code></td><td>{{ op.summary }}</td>
<td>{% for p in op.parameters %}<code>{{ p }}</code>{% if not loop.last %}, {% endif %}{% endfor %}</td></tr>
{% endfor %}
</tbody>
</table>
{% endfor %}
{% endblock %}
"""


def _parameters(operation: dict, spec: dict) -> list[str]:
    names = [f"{p['name']} ({p.get('in')})" for p in operation.get("parameters", []) if "name" in p]
    body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
    ref = body.get("$ref", "")
    schema = spec.get("components", {}).get("schemas", {}).get(ref.rsplit("/", 1)[-1], {}) if ref else body
    required = set(schema.get("required", []))
    names += [f"{name}{'*' if name in required else ''} (body)" for name in schema.get("properties", {})]
    return names


def operations(spec: dict) -> list[dict]:
    """The document's operations grouped by tag, in the document's order."""
    tags = [{"name": tag["name"], "description": tag.get("description"), "operations": []}
            for tag in spec.get("tags", [])]
    by_name = {tag["name"]: tag for tag in tags}
    for path, item in spec.get("paths", {}).items():
        for method in _METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            name = (operation.get("tags") or ["other"])[0]
            tag = by_name.setdefault(name, {"name": name, "description": None, "operations": []})
            if tag not in tags:
                tags.append(tag)
            parameters = [*item.get("parameters", []), *operation.get("parameters", [])]
            tag["operations"].append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "parameters": _parameters({**operation, "parameters": parameters}, spec),
                }
            )
    return tags


@bp.get(PREFIX + "/docs")
def docs_page():
    lang = request_language()
    spec = current_app.extensions["climate_plugin.api"].spec.to_dict()
    return render_string(
        PAGE,
        lang,
        languages=language_links("api_docs_page.docs_page", lang),
        spec_url=PREFIX + "/openapi.json",
        tags=operations(spec),
    )
