"""Rendering a page in the reader's language: the one place templates get their translations.

Templates translate with Jinja's i18n extension, installed by Flask-Babel: ``{{ _("msgid", name=value) }}``
and ``{{ ngettext("msgid", "msgid.plural", n) }}`` (the message and its values are escaped). The
language is the one the view chose for the page (``?lang``, the browser, the item's or municipality's),
not necessarily the request's, so it is forced for the rendering.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, render_template, render_template_string
from flask_babel import Babel, Domain, force_locale, get_locale, get_translations
from markupsafe import escape

from climate_plugin.i18n import LANGUAGES, catalogue, request_language


class _Catalogues(Domain):
    """Flask-Babel's translations from the catalogues ``climate_plugin.i18n`` compiled at start-up."""

    def get_translations(self):
        locale = get_locale()
        return catalogue(locale.language if locale is not None else "fi")


class _Babel(Babel):
    @property
    def domain_instance(self):  # type: ignore[override]
        return _DOMAIN


_DOMAIN = _Catalogues()


def init_app(app: Flask) -> None:
    _Babel(app, locale_selector=request_language, default_locale="fi")
    app.config.setdefault("BABEL_SUPPORTED_LOCALES", LANGUAGES)
    # Flask-Babel's callables hand the message to Jinja as markup; a message is plain text (an apostrophe,
    # "R&D"), so it is escaped like everything else: escaped here, its values escaped by Jinja.
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: escape(get_translations().ugettext(s)),
        ngettext=lambda s, p, n: escape(get_translations().ungettext(s, p, n)),
        newstyle=True,
    )


def render(template: str, lang: str, **context: Any) -> str:
    """``template`` rendered in ``lang``; ``lang`` is also in the context (``<html lang>``)."""
    with force_locale(lang):
        return render_template(template, lang=lang, **context)


def render_string(source: str, lang: str, **context: Any) -> str:
    with force_locale(lang):
        return render_template_string(source, lang=lang, **context)


def render_page(template: str, lang: str, status: int = 200, **context: Any) -> Response:
    response = Response(render(template, lang, **context), status=status, mimetype="text/html")
    response.headers["Content-Language"] = lang
    return response
