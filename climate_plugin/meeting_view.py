"""The meeting view for board members: a meeting's agenda items with relevance, summary and badges.

Reached through a signed link (purpose "meeting", subject "<connector id>:<meeting name>"), so board
members need no account, and meant to be embedded in the host agenda system: the page may be framed by
the origins the municipality allows (``frame-ancestors``), and needs no JavaScript.

Everything from the host (meeting names, titles, item links) is rendered through Jinja autoescaping and
never marked safe.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlencode

from flask import Blueprint, Response, current_app, render_template, request

from climate_plugin.badges import BADGES, item_badges
from climate_plugin.climate_block import badge_image_url, checklist_url, summary_text
from climate_plugin.commitments import FIELDS, MAX_LENGTH, format_date, item_commitments, status_label
from climate_plugin.db import db
from climate_plugin.form_token import FIELD as CSRF_FIELD
from climate_plugin.form_token import form_token
from climate_plugin.i18n import LANGUAGES, language_links, pick_language, request_language, t
from climate_plugin.models import AgendaItem, Connector
from climate_plugin.signed_links import LinkExpired, link_expiry, make_token, read_token

bp = Blueprint("meeting_view", __name__, template_folder="templates")

PURPOSE = "meeting"

# Like the checklist page: inline styles, images and form posts to this service only, no scripts.
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; form-action 'self'"

#: a frame-ancestors source we pass on: 'self', 'none', or a scheme://host[:port] origin (host may start
#: with "*."); anything else (a semicolon, a quote, a path) could rewrite the policy, so it is dropped
_SOURCE = re.compile(r"'self'|'none'|https?://(?:\*\.)?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*(?::(?:\d{1,5}|\*))?")


# --- links --------------------------------------------------------------------------------------------
def meeting_items(connector_id: int, meeting: str) -> list[AgendaItem]:
    """The meeting's live items in agenda order (external ids compared as numbers where they are)."""
    rows = db.session.scalars(
        db.select(AgendaItem).where(
            AgendaItem.connector_id == connector_id,
            AgendaItem.meeting == meeting,
            AgendaItem.deleted_at.is_(None),
        )
    ).all()
    return sorted(rows, key=lambda item: (_natural_key(item.external_id), item.id))


def _natural_key(value: str) -> tuple:
    # "2026-9" before "2026-10": compare digit runs as numbers, the rest as text.
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", value))


def meeting_expiry(items: Iterable[AgendaItem]) -> datetime:
    """When a link to the meeting expires: LINK_LIFETIME after its latest change, rounded to midnight.

    Deterministic: the same agenda gives the same link, so a host can store it, and it changes only when an
    item of the meeting changes. Raises ValueError for a meeting without items.
    """
    latest = max((item.updated_at or item.fetched_at for item in items), default=None)
    if latest is None:
        raise ValueError("the meeting has no items")
    return link_expiry(latest)


def meeting_token(connector_id: int, meeting: str, expires_at: datetime) -> str:
    return make_token(PURPOSE, f"{connector_id}:{meeting}", expires_at)


def meeting_url(connector_id: int, meeting: str, base_url: str) -> str:
    """The meeting view's address; raises ValueError when the meeting has no items."""
    token = meeting_token(connector_id, meeting, meeting_expiry(meeting_items(connector_id, meeting)))
    return base_url.rstrip("/") + f"/meetings/{quote(token, safe='')}"


def _subject(subject: str) -> tuple[int, str] | None:
    connector_id, sep, meeting = subject.partition(":")
    if not sep or not connector_id.isdigit():
        return None
    return int(connector_id), meeting


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


def _headers(response: Response, ancestors: str = "'self'") -> Response:
    response.headers["Content-Security-Policy"] = f"{_CSP}; frame-ancestors {ancestors}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    # The token is the only key to the page: keep it out of Referer headers and search engines.
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Robots-Tag"] = "noindex"
    # No X-Frame-Options: it cannot name several origins, and frame-ancestors supersedes it.
    response.headers.pop("X-Frame-Options", None)
    return response


# --- the page -----------------------------------------------------------------------------------------
def _game_on(municipality: Any, element: str) -> bool:
    enabled = getattr(municipality, "game_enabled", None)
    return bool(enabled(element)) if callable(enabled) else True


def _host_link(url: str | None) -> str | None:
    # Only web links: a "javascript:" URL from the host must never become a clickable link.
    return url if isinstance(url, str) and re.match(r"^https?://", url, re.IGNORECASE) else None


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
        "checklist_url": checklist,
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
    body = render_template(
        "meeting/refused.html", lang=lang, _=lambda k, **p: t(k, lang, **p), message_key=key
    )
    return _headers(Response(body, status=status, mimetype="text/html"))


@bp.get("/meetings/<token>")
def meeting_page(token: str) -> Response:
    try:
        subject = read_token(PURPOSE, token)
    except LinkExpired:
        return _refusal(410, "meeting.expired")
    parsed = _subject(subject) if subject is not None else None
    connector = db.session.get(Connector, parsed[0]) if parsed is not None else None
    if parsed is None or connector is None:
        return _refusal(404, "meeting.not_found")
    meeting = parsed[1]
    municipality = connector.municipality
    lang = _page_language(municipality)
    show_badges = _game_on(municipality, "item_badges")
    items: Sequence[AgendaItem] = meeting_items(connector.id, meeting)
    body = render_template(
        "meeting/meeting.html",
        lang=lang,
        _=lambda key, **p: t(key, lang, **p),
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
    return _headers(response, frame_ancestors(municipality))
