"""The meeting view for board members: a meeting's agenda items with relevance, summary and badges.

Reached through a signed link (purpose "meeting", subject "<connector id>:<meeting name>"), so board
members need no account, and meant to be embedded in the host agenda system: the page may be framed by
the origins the municipality allows (``frame-ancestors``), and needs no JavaScript.

Everything from the host (meeting names, titles, item links) is rendered through Jinja autoescaping and
never marked safe.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote, urlencode

from flask import Blueprint, Response, current_app, request

from climate_plugin.assessments.impact_section import Section, build_section
from climate_plugin.assessments.links import checklist_url
from climate_plugin.assessments.summary import summary_text
from climate_plugin.badges import BADGES, item_badges
from climate_plugin.badges.catalogue import badge_image_url
from climate_plugin.checklist import checklist_for
from climate_plugin.commitments.service import FIELDS, MAX_LENGTH, item_commitments, status_label
from climate_plugin.dates import format_date
from climate_plugin.db import db
from climate_plugin.i18n import LANGUAGES, language_links, pick_language, request_language, t
from climate_plugin.meetings.links import PURPOSE, meeting_items, meeting_subject
from climate_plugin.models import AgendaItem, Connector
from climate_plugin.teams.shown import meeting_teams
from climate_plugin.web.form_token import FIELD as CSRF_FIELD
from climate_plugin.web.form_token import form_token
from climate_plugin.web.render import render
from climate_plugin.web.security import frame_ancestors_for
from climate_plugin.web.signed_links import LinkExpired, read_token

bp = Blueprint("meeting_view", __name__, template_folder="templates")


#: a frame-ancestors source we pass on: 'self', 'none', or a scheme://host[:port] origin (host may start
#: with "*."); anything else (a semicolon, a quote, a path) could rewrite the policy, so it is dropped
_SOURCE = re.compile(r"'self'|'none'|https?://(?:\*\.)?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*(?::(?:\d{1,5}|\*))?")


# --- headers ------------------------------------------------------------------------------------------
def frame_ancestors(municipality: Any) -> str:
    """The CSP frame-ancestors sources: 'self' plus the origins the municipality allows.

    Municipality.settings arrives with the badges work; read it defensively until then.
    """
    accessor = getattr(municipality, "frame_ancestors", None)
    try:
        configured = accessor() if callable(accessor) else accessor
    except Exception:  # a broken setting must not take the page down; fall back to the safe default
        current_app.logger.warning("unreadable frame_ancestors setting for %r", municipality)
        configured = None
    if isinstance(configured, str):
        configured = configured.split()
    sources = ["'self'"]
    for source in configured or ():
        if isinstance(source, str) and _SOURCE.fullmatch(source.strip()) and source.strip() not in sources:
            sources.append(source.strip())
    return "'none'" if "'none'" in sources else " ".join(sources)


# --- the page -----------------------------------------------------------------------------------------
def _game_on(municipality: Any, element: str) -> bool:
    enabled = getattr(municipality, "game_enabled", None)
    return bool(enabled(element)) if callable(enabled) else True


def _host_link(url: str | None) -> str | None:
    # Only web links: a "javascript:" URL from the host must never become a clickable link.
    return url if isinstance(url, str) and re.match(r"^https?://", url, re.IGNORECASE) else None


def _verdict(item: AgendaItem, assessment: Any, lang: str) -> Section | None:
    """The preparer's assessment as the host receives it (the impact section), once it is submitted."""
    if getattr(assessment, "state", None) != "submitted":
        return None
    municipality = getattr(item.connector, "municipality", None)
    checklist = checklist_for(municipality, (assessment.answers or {}).get("checklist_version"))
    return build_section(assessment, checklist, lang)


def _item_row(item: AgendaItem, lang: str, show_badges: bool) -> dict[str, Any]:
    assessment = item.current_assessment
    checklist = checklist_url(item, "")  # relative: the page may be served under several host names
    return {
        "anchor": f"item-{item.id}",
        "external_id": item.external_id,
        "title": item.title,
        "host_url": _host_link(item.url),
        "relevance": assessment.relevance if assessment is not None else "pending",
        "relevance_label": t(f"relevance.{assessment.relevance}", lang) if assessment is not None else "",
        "summary": summary_text(item, assessment, lang),
        "badges": [
            {
                "code": b.code,
                "name": b.name[lang],
                "url": badge_image_url(b.code, lang, ""),
            }
            for b in (item_badges(item, assessment) if show_badges else ())
        ],
        "verdict": _verdict(item, assessment, lang),
        "checklist_url": f"{checklist}?lang={lang}",
        "commitments_url": f"{checklist}/commitments?lang={lang}",
        # The commitments view checks this signed form token (no cookie, so it works inside a frame too);
        # the scope is the one commitment_views uses for the item.
        "csrf_token": form_token(f"commitments:{item.public_id}"),
        "commitments": [
            {
                "what": c.what,
                "target": c.target,
                "due": format_date(c.due_date, lang),
                "status": status_label(c.status, lang),
            }
            for c in item_commitments(item.id)
        ],
        "teams": meeting_teams(item, lang),  # the item's climate teams and their solutions on it
    }


#: the commitment form's fields: (name, input type, required); names and limits are the commitments view's
_FIELD_TYPES = {"what": "textarea", "due_date": "date", "owner_email": "email"}
_OPTIONAL = {"owner_email", "challenged_committee"}
COMMITMENT_FIELDS = [
    {
        "name": name,
        "type": _FIELD_TYPES.get(name, "text"),
        "required": name not in _OPTIONAL,
        "maxlength": MAX_LENGTH.get(name),
    }
    for name in FIELDS
]


def _team_badges(municipality: Any, committees: set[str], lang: str) -> list[dict[str, Any]]:
    """The reached levels (never level 0: no one is shown what they lack) of the meeting's committees."""
    if not committees or not _game_on(municipality, "team_badges"):
        return []
    from climate_plugin.badges.team import progress

    # No recompute here: the level shown is already max(stored, computed), and a GET should not write.
    teams = progress(municipality, lang, recompute=False).get("teams") or []
    shown = []
    for team in teams:
        if team["committee"] not in committees:
            continue
        for badge in team["badges"]:
            if badge["level"] < 1:
                continue
            query = urlencode({"committee": team["committee"], "lang": lang})
            shown.append(
                {
                    "committee": team["committee"],
                    "name": badge["name"],
                    "rule": badge["rule"],
                    "level": badge["level"],
                    "max_level": badge["max_level"],
                    "url": f"/progress/{quote(municipality.slug, safe='')}/badges/"
                    f"{quote(badge['code'], safe='')}.svg?{query}",
                }
            )
    return shown


def _page_language(municipality: Any) -> str:
    return pick_language(
        request.args.get("lang"),
        getattr(municipality, "language", None),
        request.accept_languages.best_match(LANGUAGES),
    )


def _refusal(status: int, key: str) -> Response:
    lang = request_language()
    body = render("meeting/refused.html", lang, message_key=key)
    return Response(body, status=status, mimetype="text/html")


@bp.get("/meetings/<token>")
def meeting_page(token: str) -> Response:
    try:
        subject = read_token(PURPOSE, token)
    except LinkExpired:
        return _refusal(410, "meeting.expired")
    parsed = meeting_subject(subject) if subject is not None else None
    connector = db.session.get(Connector, parsed[0]) if parsed is not None else None
    if parsed is None or connector is None:
        return _refusal(404, "meeting.not_found")
    meeting = parsed[1]
    municipality = connector.municipality
    lang = _page_language(municipality)
    show_badges = _game_on(municipality, "item_badges")
    items: Sequence[AgendaItem] = meeting_items(connector.id, meeting)
    body = render(
        "meeting/meeting.html",
        lang,
        meeting=meeting,
        municipality=getattr(municipality, "name", None),
        items=[_item_row(item, lang, show_badges) for item in items],
        show_badges=show_badges,
        team_badges=_team_badges(
            municipality, {i.committee for i in items if getattr(i, "committee", None)}, lang
        ),
        fields=COMMITMENT_FIELDS,
        csrf_field=CSRF_FIELD,
        rules=[
            {"name": b.name[lang], "rule": b.rule[lang]}
            for b in BADGES.values()
            if b.scope == "item" and b.kind == "achievement"
        ]
        if show_badges
        else [],
        languages=language_links("meeting_view.meeting_page", lang, token=token),
    )
    response = Response(body, mimetype="text/html")
    response.headers["Content-Language"] = lang
    # Badges change when a preparer submits: never serve a stale agenda from a cache.
    response.cache_control.no_store = True
    frame_ancestors_for(frame_ancestors(municipality))
    return response
