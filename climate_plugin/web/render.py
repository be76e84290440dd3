"""Rendering a page in the reader's language: the one place templates get their translator.

Templates translate with Jinja's i18n extension (``{{ _("msgid", name=value) }}``, ``ngettext``); the
language is the one the view chose for the page (``?lang``, the browser, the item's or municipality's),
not necessarily the request's, so it is set here for the rendering.
"""

from __future__ import annotations

from typing import Any

from flask import Response, render_template, render_template_string

from climate_plugin.i18n import translator


def render(template: str, lang: str, **context: Any) -> str:
    """``template`` rendered in ``lang``; ``lang`` is also in the context (``<html lang>``)."""
    return render_template(template, lang=lang, _=translator(lang), **context)


def render_string(source: str, lang: str, **context: Any) -> str:
    return render_template_string(source, lang=lang, _=translator(lang), **context)


def render_page(template: str, lang: str, status: int = 200, **context: Any) -> Response:
    response = Response(render(template, lang, **context), status=status, mimetype="text/html")
    response.headers["Content-Language"] = lang
    return response
