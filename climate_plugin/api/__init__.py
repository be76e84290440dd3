"""The REST API under /api/v1 (flask-smorest): resources, the OpenAPI document at /api/v1/openapi.json
and a browsable page of it at /api/v1/docs. See docs/api.md."""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from climate_plugin.api.common import PREFIX

API_VERSION = "1"


class _Api(Api):
    """flask-smorest's Api without its app-wide error handler: that one would answer every error of every
    page (webhooks, public pages) in its own JSON shape. The API's blueprints register it for themselves."""

    def _register_error_handlers(self) -> None:
        pass


def init_api(app: Flask) -> Api:
    from climate_plugin.accounts import api as users
    from climate_plugin.accounts import audit_api as audit_log
    from climate_plugin.api import docs
    from climate_plugin.checklist import api as templates
    from climate_plugin.deliveries import api as deliveries
    from climate_plugin.hosts import api as connectors
    from climate_plugin.items import api as items
    from climate_plugin.municipalities import api as municipalities
    from climate_plugin.programme import api as measures
    from climate_plugin.reach import api as reach
    from climate_plugin.teams import api as teams
    from climate_plugin.writeback import api as write_backs

    app.config.update(
        API_TITLE="climate-plugin admin API",
        API_VERSION=API_VERSION,
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX=PREFIX,
        OPENAPI_JSON_PATH="openapi.json",
        # No Swagger UI or ReDoc: both load from a CDN, which an air-gapped deployment cannot reach;
        # /api/v1/docs is a page rendered here from the same document instead.
        OPENAPI_SWAGGER_UI_PATH=None,
        OPENAPI_REDOC_PATH=None,
        OPENAPI_RAPIDOC_PATH=None,
        API_SPEC_OPTIONS={
            "info": {"description": "Administration of climate-plugin: see docs/api.md."},
            "servers": [{"url": app.config["PUBLIC_URL"]}],
            "security": [{"bearerAuth": []}],
            "components": {
                "securitySchemes": {
                    "bearerAuth": {
                        "type": "http",
                        "scheme": "bearer",
                        "description": "An API token (cpt_…) from `climate-plugin token create`.",
                    }
                }
            },
        },
    )
    api = _Api(app)
    for bp in (
        municipalities.bp,
        connectors.bp,
        deliveries.bp,
        items.bp,
        write_backs.bp,
        templates.bp,
        users.users_bp,
        users.tokens_bp,
        audit_log.bp,
        teams.bp,
        measures.bp,
        reach.bp,
        reach.open_bp,
    ):
        api.register_blueprint(bp)
    app.register_blueprint(docs.bp)
    app.extensions["climate_plugin.api"] = api
    return api
