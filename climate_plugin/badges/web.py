"""Badge images and JSON: the catalogue, and each municipality's progress and its committees' team badges.

Everything here is public and aggregate (no person is named or ranked), so it can be shown in the host's
screens and fetched by its pages. Catalogue entries change only with a release and are cached for a day;
levels change with records and are cached briefly. Both carry an ETag and answer If-None-Match with 304.
A game element a municipality switched off (Municipality.game_enabled) answers 404 as if it did not exist.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request, url_for
from sqlalchemy import select

from climate_plugin.badges import CATALOGUE, MUNICIPALITY_BADGES, TEAM_BADGES, render_badge_svg
from climate_plugin.db import db
from climate_plugin.i18n import pick_language
from climate_plugin.models import Municipality
from climate_plugin.models.badge_award import WHOLE_MUNICIPALITY

bp = Blueprint("badges", __name__)

CATALOGUE_MAX_AGE = 86400
#: a level reached shows up in the host within five minutes without every page view recounting records
PROGRESS_MAX_AGE = 300
COMMITTEE_MAX = 500  # AgendaItem.committee


def _error(status: int, error: str, **extra: Any) -> tuple[Response, int]:
    return jsonify({"error": error, **extra}), status


def _cached(response: Response, max_age: int, lang: str | None = None) -> Response:
    if lang is not None:
        response.headers["Content-Language"] = lang
    response.cache_control.public = True
    response.cache_control.max_age = max_age
    response.add_etag()
    return response.make_conditional(request)


def _image_url(**values: Any) -> str:
    """An absolute URL: the JSON is read by host systems, which put the image in their own pages."""
    base = current_app.config.get("PUBLIC_URL") or request.host_url
    return base.rstrip("/") + url_for("badges.level_svg", **values)


def _svg(body: str) -> Response:
    return Response(body, mimetype="image/svg+xml")


# --- the catalogue ----------------------------------------------------------------------------------
@bp.get("/badges.json")
def catalogue_json() -> Response:
    return _cached(jsonify([b.as_json() for b in CATALOGUE.values()]), CATALOGUE_MAX_AGE)


@bp.get("/badges/<code>.svg")
def badge_svg(code: str) -> Response:
    if code not in CATALOGUE:
        return Response("Not found\n", status=404, mimetype="text/plain")
    lang = pick_language(request.args.get("lang"))
    return _cached(_svg(render_badge_svg(code, lang)), CATALOGUE_MAX_AGE, lang)


@bp.get("/badges/<code>.json")
def badge_json(code: str) -> Any:
    badge = CATALOGUE.get(code)
    if badge is None:
        return _error(404, "not_found", code=code)
    return _cached(jsonify(badge.as_json()), CATALOGUE_MAX_AGE)


# --- a municipality's progress and team badges ------------------------------------------------------
def _municipality(slug: str) -> Municipality | None:
    return db.session.scalar(select(Municipality).where(Municipality.slug == slug))


@bp.get("/progress/<slug>.json")
def progress_json(slug: str) -> Any:
    from climate_plugin.badges.team import progress

    municipality = _municipality(slug)
    if municipality is None:
        return _error(404, "not_found", municipality=slug)
    if not (municipality.game_enabled("progress") or municipality.game_enabled("team_badges")):
        return _error(404, "switched_off", municipality=slug)
    lang = pick_language(request.args.get("lang"), municipality.language)
    data = progress(municipality, lang)
    db.session.commit()  # levels reached are stored so they never fall later
    for entry in data["progress"] or ():
        entry["image_url"] = _image_url(slug=slug, code=entry["code"], lang=lang)
    for team in data["teams"] or ():
        for entry in team["badges"]:
            entry["image_url"] = _image_url(
                slug=slug, code=entry["code"], committee=team["committee"], lang=lang
            )
    return _cached(jsonify(data), PROGRESS_MAX_AGE, lang)


def _level(slug: str, code: str) -> tuple[Municipality, str, int, int, str] | tuple[Response, int]:
    """What the level image and JSON share: (municipality, committee, level, count, lang) or an error."""
    from climate_plugin.badges.team import badge_level

    municipality = _municipality(slug)
    if municipality is None:
        return _error(404, "not_found", municipality=slug)
    committee = (request.args.get("committee") or "").strip()
    if code in TEAM_BADGES:
        element = "team_badges"
        if not committee:
            return _error(400, "committee_required", message="a team badge needs ?committee=<name>")
        if len(committee) > COMMITTEE_MAX:
            return _error(400, "committee_too_long", message=f"at most {COMMITTEE_MAX} characters")
    elif code in MUNICIPALITY_BADGES:
        element = "progress"
        if committee:
            return _error(400, "committee_not_allowed", message="a municipality badge has no committee")
        committee = WHOLE_MUNICIPALITY
    else:
        return _error(404, "not_found", code=code)
    if not municipality.game_enabled(element):
        return _error(404, "switched_off", municipality=slug)
    found = badge_level(municipality, code, committee)
    db.session.commit()  # levels reached are stored so they never fall later
    if found is None:
        return _error(404, "no_such_committee", committee=committee)
    level, count = found
    lang = pick_language(request.args.get("lang"), municipality.language)
    return municipality, committee, level, count, lang


@bp.get("/progress/<slug>/badges/<code>.svg")
def level_svg(slug: str, code: str) -> Any:
    found = _level(slug, code)
    if isinstance(found[0], Response):
        return found
    _, _, level, _, lang = found
    return _cached(_svg(render_badge_svg(code, lang, level=level)), PROGRESS_MAX_AGE, lang)


@bp.get("/progress/<slug>/badges/<code>.json")
def level_json(slug: str, code: str) -> Any:
    from climate_plugin.badges import next_threshold

    found = _level(slug, code)
    if isinstance(found[0], Response):
        return found
    municipality, committee, level, count, lang = found
    badge = CATALOGUE[code]
    data = {
        **badge.as_json(),
        "municipality": municipality.slug,
        "committee": committee or None,
        "level": level,
        "count": count,
        "next_threshold": next_threshold(level),
        "image_url": _image_url(slug=slug, code=code, committee=committee or None, lang=lang),
    }
    return _cached(jsonify(data), PROGRESS_MAX_AGE, lang)
