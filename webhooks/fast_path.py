"""The common webhook without Flask's request handling: a WSGI layer in front of the app.

Why: a webhook is the one request hosts send in bursts, and most of them are alike (a known connector, a
good signature, a new delivery). For those, Flask's request context, URL matching, before- and after-request
hooks and response object cost about as much CPU as storing the webhook (measured: docs/performance.md,
"Webhook acceptance").

What it takes: ``POST /webhooks/<id>`` with no resource segment and no query string, a declared body length
within the app's limit, for a connector this process has kept (``endpoint.kept_connector``: it was read by
the view before, on PostgreSQL). Within an app context only, it counts the sender's rate, then verifies,
parses, stores and hands over through the same function as the view (``endpoint.accept``), and answers 202
with the view's body and the security headers every answer has.

Everything else goes to the Flask view, which decides as before: a refusal, a twin, a changed connector, a
429 (the view answers it; the count made here is passed on, never counted twice), an error (passed on and
raised in the view, so the app's error handlers answer it and log it). The body read here is given back to
the view, which reads it as if nothing had.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask
from werkzeug.datastructures import EnvironHeaders

from climate_plugin.accounts.limits import webhook_over_limit
from climate_plugin.web import security
from climate_plugin.web.edge import MAX_ID
from climate_plugin.webhooks import endpoint

#: the path it takes: a connector id within the integer column (longer: the view's 404)
_PATH = re.compile(r"/webhooks/([1-9][0-9]{0,9})")

StartResponse = Callable[..., Any]


class WebhookFastPath:
    """WSGI middleware: ``app.wsgi_app = WebhookFastPath(app, app.wsgi_app)``."""

    def __init__(self, app: Flask, wsgi_app: Callable[[dict, StartResponse], Iterable[bytes]]) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self._headers = [("Content-Type", "application/json"), *security.headers_of(endpoint.bp.name)]

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        connector_id = self._connector_id(environ)
        length = _declared_length(environ)
        limit = self.app.config.get("MAX_CONTENT_LENGTH")
        if connector_id is None or length is None or (limit is not None and length > limit):
            return self.wsgi_app(environ, start_response)
        with self.app.app_context():
            outcome = self._store(environ, connector_id, length)
        if outcome is None:
            return self.wsgi_app(environ, start_response)
        answer = endpoint.RECEIVED % outcome
        start_response("202 ACCEPTED", [*self._headers, ("Content-Length", str(len(answer)))])
        return [answer]

    def _store(self, environ: dict[str, Any], connector_id: int, length: int) -> int | None:
        """The stored and handed-over delivery's id, or None: the view answers (told what was done here)."""
        known = endpoint.kept_connector(connector_id)
        if known is None:
            return None
        body = environ["wsgi.input"].read(length)
        # The view reads the body again from here if it is the one to answer.
        environ["wsgi.input"] = io.BytesIO(body)
        if len(body) != length:  # the client sent less than it declared: the view's 400
            return None
        try:
            wait = webhook_over_limit(connector_id, environ.get("REMOTE_ADDR"))
            environ[endpoint.FAST_COUNTED] = wait
            if wait is not None:
                return None
            row, version = known
            headers = EnvironHeaders(environ)
            outcome = endpoint.accept(None, row, body, None, version, headers, environ, quiet=True)
            if not isinstance(outcome, int):
                return None
        except Exception as exc:  # the view raises it again, for the app's error handlers
            environ[endpoint.FAST_RAISED] = exc
            return None
        return outcome

    @staticmethod
    def _connector_id(environ: dict[str, Any]) -> int | None:
        if environ.get("REQUEST_METHOD") != "POST" or environ.get("QUERY_STRING"):
            return None
        match = _PATH.fullmatch(environ.get("PATH_INFO", ""))
        if match is None:
            return None
        connector_id = int(match[1])
        return connector_id if connector_id <= MAX_ID else None


def _declared_length(environ: dict[str, Any]) -> int | None:
    """The body's declared length; None without one (chunked: the view reads it) or if it is no number."""
    value = environ.get("CONTENT_LENGTH")
    if not value or not value.isdigit():
        return None
    return int(value)
