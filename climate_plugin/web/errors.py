"""Error answers, once for the whole service: JSON for machines (hosts, API clients), a page in the
reader's language for people; never a traceback."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, request
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

#: statuses with their own sentence on the error page
_EXPLAINED = (400, 403, 404, 405, 413, 500, 503)


def wants_json() -> bool:
    """Whether the caller asked for JSON (a host's API call) rather than a page (a person's browser)."""
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return request.is_json or best == "application/json"


def json_error(status: int, message: str, **extra):
    response = jsonify({"error": message, **extra})
    response.status_code = status
    return response


def _for_machines() -> bool:
    if request.path.startswith(("/webhooks/", "/api/")):
        return True
    return request.accept_mimetypes.best == "application/json"


def error_page(status: int):
    """The error page in the reader's language (?lang, then the browser's languages, else Finnish)."""
    from climate_plugin.i18n import request_language, t
    from climate_plugin.web.render import render_page

    lang = request_language()
    key = f"error.page.{status}" if status in _EXPLAINED else "error.page.other"
    return render_page("error.html", lang, status=status, message=t(key, lang))


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if _for_machines():
            return json_error(exc.code or 500, exc.description or exc.name)
        if exc.code is None or exc.code < 400:
            return exc  # a redirect raised as an exception: Werkzeug's own answer is right
        response = error_page(exc.code)
        for name, value in exc.get_response().headers.items():
            if name in ("Allow", "Retry-After", "WWW-Authenticate"):  # e.g. a 405 names what is allowed
                response.headers[name] = value
        return response

    @app.errorhandler(OperationalError)
    def database_unavailable(exc: OperationalError):
        # The database is down or locked: nothing was stored, and the sender should try again.
        log.error("database unavailable on %s %s: %s", request.method, request.path, exc.orig)
        if _for_machines() or request.method != "GET":
            response = json_error(503, "the service cannot store this right now; please retry")
        else:
            response = error_page(503)
        response.headers["Retry-After"] = "30"
        return response

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        if _for_machines():
            return json_error(500, "internal error; the request was logged")
        try:
            return error_page(500)
        except Exception:  # the page itself failed: the plain answer still says what happened
            log.exception("the error page failed too")
            return json_error(500, "internal error; the request was logged")
