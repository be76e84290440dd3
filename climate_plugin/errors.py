"""Error answers: JSON for machines, never a traceback."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, request
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


def wants_json() -> bool:
    """Whether the caller asked for JSON (a host's API call) rather than a page (a person's browser)."""
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return request.is_json or best == "application/json"


def json_error(status: int, message: str, **extra):
    response = jsonify({"error": message, **extra})
    response.status_code = status
    return response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if (
            request.path.startswith(("/webhooks/", "/api/"))
            or request.accept_mimetypes.best == "application/json"
        ):
            return json_error(exc.code or 500, exc.description or exc.name)
        return exc

    @app.errorhandler(OperationalError)
    def database_unavailable(exc: OperationalError):
        # The database is down or locked: nothing was stored, and the sender should try again.
        log.error("database unavailable on %s %s: %s", request.method, request.path, exc.orig)
        response = json_error(503, "the service cannot store this right now; please retry")
        response.headers["Retry-After"] = "30"
        return response

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        return json_error(500, "internal error; the request was logged")
