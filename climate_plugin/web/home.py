"""The front page at ``/``: what the service is, and where each kind of user goes from here.

People mostly arrive through links in their agenda system (the checklist, the meeting view); the front
page is for whoever opens the service's own address: administrators (``/admin``) and developers (the API
documentation). Something running the service for a purpose of its own (the demo) adds a section with
:func:`add_section`.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Flask, current_app
from markupsafe import Markup

from climate_plugin.i18n import language_links, request_language
from climate_plugin.web.render import render_page

bp = Blueprint("home", __name__)

#: a section of the front page: given the page's language, its HTML (already escaped)
Section = Callable[[str], Markup]
_SECTIONS = "climate_plugin.home_sections"


def add_section(app: Flask, section: Section) -> None:
    """Show ``section`` on the front page, after the introduction."""
    app.extensions.setdefault(_SECTIONS, []).append(section)


@bp.get("/")
def index():
    lang = request_language()
    sections = [section(lang) for section in current_app.extensions.get(_SECTIONS, [])]
    return render_page(
        "home.html", lang, languages=language_links("home.index", lang), sections=sections
    )
