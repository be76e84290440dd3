"""The REST API under /api/v1 (flask-smorest): resources, the OpenAPI document at /api/v1/openapi.json
and a browsable page of it at /api/v1/docs. See docs/api.md."""

from __future__ import annotations

import threading
from typing import Any

from apispec import APISpec
from flask import Flask
from flask_smorest import Api

from climate_plugin.api.common import PREFIX

API_VERSION = "1"


class _Api(Api):
    """flask-smorest's Api with two changes.

    Without its app-wide error handler: that one would answer every error of every page (webhooks, public
    pages) in its own JSON shape. The API's blueprints register it for themselves.

    The OpenAPI document is built when it is first read, not with the app: building it is two thirds of
    what creating the app costs (about 30 ms of 50), and every CLI command, worker and test creates one
    while only /api/v1/openapi.json and /api/v1/docs read it. The routes themselves are registered at once.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._spec: APISpec | None = None
        self._spec_options: dict[str, Any] | None = None
        self._documented: list[tuple[Any, str, Any]] = []
        # re-entrant: building reads self.spec on the building thread, which must get the spec being built
        self._spec_lock = threading.RLock()
        self._spec_ready = self._spec_building = False
        super().__init__(*args, **kwargs)

    def _register_error_handlers(self) -> None:
        pass

    def _init_spec(self, **options: Any) -> None:
        self._spec, self._spec_options, self._documented, self._spec_ready = None, options, [], False

    @property  # type: ignore[override]
    def spec(self) -> APISpec | None:
        if self._spec_ready or self._spec_options is None:
            return self._spec
        with self._spec_lock:  # other threads wait here until the document is whole
            if not self._spec_ready and not self._spec_building:
                self._spec_building = True
                try:
                    self._build_spec()
                finally:
                    self._spec_building = False
                self._spec_ready = True
            return self._spec

    @spec.setter
    def spec(self, value: APISpec | None) -> None:
        self._spec = value

    def _build_spec(self) -> None:
        super()._init_spec(**(self._spec_options or {}))  # sets self._spec through the setter
        spec = self._spec
        if spec is None:  # flask-smorest changed how it builds its spec: fail here, not in a view
            raise RuntimeError("flask-smorest's _init_spec set no spec")
        for blp, name, parameters in self._documented:  # what Api.register_blueprint documents, in order
            blp.register_views_in_doc(self, self._app, spec, name=name, parameters=parameters)
            spec.tag({"name": name, "description": blp.description})

    def register_blueprint(self, blp: Any, *, parameters: Any = None, **options: Any) -> None:
        # Api.register_blueprint without documenting the views yet (_build_spec does, when it is read)
        name = options.get("name", blp.name)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][name] = self
        self._app.register_blueprint(blp, **options)
        self._documented.append((blp, name, parameters))
        self._spec, self._spec_ready = None, False


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
