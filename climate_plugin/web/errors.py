"""Error answers, once for the whole service: JSON for machines (hosts, API clients), a page in the
reader's language for people; never a traceback.

A database whose schema is missing or behind (the service started before `climate-plugin db upgrade`) is
its own case: people get a "not ready yet" page, machines a 503 naming the command, so a host retries its
webhook instead of losing it.
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from flask import Flask, Response, jsonify, request
from sqlalchemy.exc import OperationalError, ProgrammingError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

#: statuses with their own sentence on the error page
_EXPLAINED = (400, 403, 404, 405, 410, 413, 429, 500, 503)
#: what an operator must run when the schema is missing or behind
UPGRADE_COMMAND = "climate-plugin db upgrade"
#: PostgreSQL's SQLSTATEs for a table or a column that does not exist (the schema is missing or behind)
_UNDEFINED_TABLE_OR_COLUMN = ("42P01", "42703")


def wants_json() -> bool:
    """Whether the caller asked for JSON (a host's API call) rather than a page (a person's browser)."""
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return request.is_json or best == "application/json"


def json_error(status: int, message: str, **extra):
    """``{"error": message}``; under /api/ the API's documented error shape (code, status, message)."""
    payload = {"error": message, **extra}
    if request.path.startswith("/api/"):
        payload = {"code": status, "status": _status_name(status), "message": message, **extra}
    response = jsonify(payload)
    response.status_code = status
    return response


def _status_name(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return str(status)


def _for_machines() -> bool:
    if request.path.startswith(("/webhooks/", "/api/")) and not request.path.startswith("/api/v1/docs"):
        return True
    return request.accept_mimetypes.best == "application/json"


def _language_links(lang: str) -> list[dict[str, object]]:
    """The same address in each language (only for GET: a link cannot repeat a form post)."""
    from climate_plugin.i18n import LANGUAGE_NAMES, LANGUAGES

    if request.method != "GET":
        return []
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    return [
        {
            "code": code,
            "name": LANGUAGE_NAMES[code],
            "url": request.path + "?" + urlencode([*args, ("lang", code)]),
            "current": code == lang,
        }
        for code in LANGUAGES
    ]


def error_page(status: int, message: str | None = None, lang: str | None = None, *, key: str | None = None):
    """The error page in the reader's language (``lang``, else ?lang, the browser's languages, Finnish).

    ``message`` is the page's own sentence (already in ``lang``); without it, ``key`` or the status's
    general sentence. Every error page links to the front page and offers the other languages.
    """
    from climate_plugin.i18n import request_language, t
    from climate_plugin.web.render import render_page

    lang = lang or request_language()
    if message is None:
        key = key or (f"error.page.{status}" if status in _EXPLAINED else "error.page.other")
        message = t(key, lang)
    return render_page(
        "error.html", lang, status=status, code=status, message=message, languages=_language_links(lang)
    )


def schema_missing(exc: Exception) -> bool:
    """Whether a database error says a table or column is missing: the schema is not at the head."""
    orig = getattr(exc, "orig", None)
    if getattr(orig, "sqlstate", None) in _UNDEFINED_TABLE_OR_COLUMN:
        return True
    text = str(orig or exc)
    return text.startswith(("no such table", "no such column")) or "has no column named" in text


def _not_ready() -> Response:
    log.error("database schema missing or behind (%s %s): run `%s`", request.method, request.path,
              UPGRADE_COMMAND)
    if _for_machines() or request.method != "GET":
        message = f"the database is not set up yet (the operator must run `{UPGRADE_COMMAND}`); retry later"
        response = json_error(503, message)
    else:
        response = error_page(503, key="error.page.not_ready")
    response.headers["Retry-After"] = "60"
    return response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if _for_machines():
            response = json_error(exc.code or 500, exc.description or exc.name)
        elif exc.code is None or exc.code < 400:
            return exc  # a redirect raised as an exception: Werkzeug's own answer is right
        else:
            response = error_page(exc.code)
        # A 405 must name what is allowed (RFC 9110), for a client of the API as for a browser.
        for name, value in exc.get_response().headers.items():
            if name in ("Allow", "Retry-After", "WWW-Authenticate"):  # e.g. a 405 names what is allowed
                response.headers[name] = value
        return response

    @app.errorhandler(OperationalError)
    def database_unavailable(exc: OperationalError):
        if schema_missing(exc):
            return _not_ready()
        # The database is down or locked: nothing was stored, and the sender should try again.
        log.error("database unavailable on %s %s: %s", request.method, request.path, exc.orig)
        if _for_machines() or request.method != "GET":
            response = json_error(503, "the service cannot store this right now; please retry")
        else:
            response = error_page(503)
        response.headers["Retry-After"] = "30"
        return response

    @app.errorhandler(ProgrammingError)
    def database_schema(exc: ProgrammingError):
        if schema_missing(exc):
            return _not_ready()
        return unexpected(exc)

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
