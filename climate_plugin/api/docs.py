"""/api/v1/docs: the OpenAPI document rendered by Swagger UI (operations, parameters, schemas, examples,
"try it out"), inside the service's own page frame (language switch, headers).

Swagger UI comes from the flask-swagger-ui package's copy of its distribution and is served from here: no
CDN, so an air-gapped deployment has the same page. Its scripts run under a content security policy that
allows scripts from this service only (the page starts it from a file, not an inline script). Without
JavaScript, the page lists the operations itself, in a table rendered here from the same document.
"""

from __future__ import annotations

from importlib.resources import files

from flask import Blueprint, abort, current_app, send_from_directory, url_for

from climate_plugin.api.common import PREFIX
from climate_plugin.i18n import language_links, request_language
from climate_plugin.web.render import render_page

bp = Blueprint("api_docs_page", __name__)

_METHODS = ("get", "post", "put", "patch", "delete")
#: Swagger UI's files that the page uses (the rest of its distribution is not served)
ASSETS = frozenset({"swagger-ui-bundle.js", "swagger-ui.css", "LICENSE", "VERSION"})
#: its distribution: the folder the flask-swagger-ui package ships
DIST = files("flask_swagger_ui") / "dist"


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
    return render_page(
        "api_docs.html",
        lang,
        languages=language_links("api_docs_page.docs_page", lang),
        spec_url=url_for("api-docs.openapi_json"),
        tags=operations(spec),
    )


@bp.get(PREFIX + "/docs/swagger-ui/<name>")
def asset(name: str):
    if name not in ASSETS:
        abort(404)
    response = send_from_directory(str(DIST), name, max_age=24 * 3600)
    return response
