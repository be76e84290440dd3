"""Public pages: the checklist page linked from the climate block, and the badge images and rules.

Everything that comes from the host system (titles, meetings, snippets, terms) is rendered through Jinja
autoescaping and never marked safe. Pages need no JavaScript.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request, url_for

from climate_plugin.badges import BADGES, item_badges, render_badge_svg
from climate_plugin.checklist import (
    ANSWER_LABELS,
    RATING_SCALE,
    Checklist,
    checklist_for,
    prefill_stage0,
    tailored_prompts,
)
from climate_plugin.climate_block import block_categories, item_language, summary_text
from climate_plugin.db import db
from climate_plugin.i18n import LANGUAGE_NAMES, LANGUAGES, MESSAGES, pick_language, t
from climate_plugin.models import AgendaItem

# template_folder makes the templates found whatever template folder the app itself uses.
bp = Blueprint("public", __name__, template_folder="templates")

# Inline styles only, no scripts, images from here: the page never needs more.
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; form-action 'self'"


@bp.after_request
def _security_headers(response: Response) -> Response:
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Content-Security-Policy", _CSP)
    # The checklist URL is the only key to the page: don't leak it to other sites or search engines.
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Robots-Tag", "noindex")
    return response


def highlight(snippet: str, term: str) -> list[tuple[str, bool]]:
    """Split ``snippet`` into (text, is_term) parts, matching ``term`` case-insensitively.

    The raw text is split and each part is escaped by the template: splitting already-escaped HTML could
    cut an entity in half (a term "amp" inside "&amp;"), and nothing here ever needs ``|safe``.
    """
    if not term or not snippet:
        return [(snippet, False)] if snippet else []
    pieces = re.split(f"({re.escape(term)})", snippet, flags=re.IGNORECASE)
    return [(piece, i % 2 == 1) for i, piece in enumerate(pieces) if piece]


def _location_label(location: str, lang: str) -> str:
    key = f"page.location.{location}"
    return t(key, lang) if key in MESSAGES else location


def _answers(assessment: Any | None) -> Mapping[str, Any]:
    answers = getattr(assessment, "answers", None)
    return answers if isinstance(answers, Mapping) else {}


def _prescreen(assessment: Any, checklist: Checklist) -> Mapping[str, Any]:
    stored = _answers(assessment).get("prescreen")
    if isinstance(stored, Mapping):
        return stored
    # Older or hand-made rows without stored suggestions: derive them the same way screening would.
    return prefill_stage0(
        assessment.categories or (),
        assessment.evidence or (),
        relevance=assessment.relevance,
        checklist=checklist,
    )


def _stage0_rows(assessment: Any | None, checklist: Checklist, lang: str) -> list[dict[str, Any]]:
    prescreen = _prescreen(assessment, checklist) if assessment is not None else {}
    rows = []
    for question in checklist.stage0:
        entry = prescreen.get(question.id)
        entry = entry if isinstance(entry, Mapping) else {}
        suggestion = entry.get("suggestion")
        evidence = [e for e in entry.get("evidence") or () if isinstance(e, Mapping)]
        rows.append(
            {
                "id": question.id,
                "text": question.text[lang],
                "extra": question.id in checklist.extra_ids,
                "suggestion": suggestion if suggestion in ANSWER_LABELS else None,
                "suggestion_label": ANSWER_LABELS[suggestion][lang] if suggestion in ANSWER_LABELS else "",
                "evidence": [
                    {
                        "term": str(e.get("term") or ""),
                        "location": _location_label(str(e.get("location") or ""), lang),
                        "parts": highlight(str(e.get("snippet") or ""), str(e.get("term") or "")),
                    }
                    for e in evidence
                ],
            }
        )
    return rows


def _categories(checklist: Checklist, assessment: Any | None, lang: str) -> list[dict[str, Any]]:
    """The switched-on categories; the ones screening found carry the item's tailored prompt."""
    found = set(block_categories(assessment)) if assessment is not None else set()
    prompts = {p["category"]: p["prompt"] for p in tailored_prompts(checklist, assessment, lang)}
    return [
        {
            "code": c.code,
            "name": c.name[lang],
            "question": c.question[lang],
            "found": c.code in found,
            "prompt": prompts.get(c.code),
        }
        for c in checklist.categories
    ]


def _date(value: datetime | None, lang: str) -> str:
    # Finnish and Finland-Swedish write 29.11.2026; English readers get the unambiguous ISO form.
    if value is None:
        return ""
    return value.date().isoformat() if lang == "en" else f"{value.day}.{value.month}.{value.year}"


def _not_found(lang: str) -> tuple[str, int]:
    return render_template("public/not_found.html", lang=lang, _=lambda key, **p: t(key, lang, **p)), 404


@bp.get("/checklist/<public_id>")
def checklist_page(public_id: str) -> Any:
    item = db.session.execute(
        db.select(AgendaItem).where(AgendaItem.public_id == public_id)
    ).scalar_one_or_none()
    if item is None or item.deleted_at is not None:
        lang = pick_language(request.args.get("lang"), request.accept_languages.best_match(LANGUAGES))
        return _not_found(lang)
    lang = pick_language(request.args.get("lang"), item_language(item))
    assessment = item.current_assessment
    municipality = getattr(item.connector, "municipality", None)
    # The checklist the assessment was made with, not the latest: its answers belong to those questions.
    checklist = checklist_for(municipality, _answers(assessment).get("checklist_version"))
    return render_template(
        "public/checklist.html",
        lang=lang,
        _=lambda key, **p: t(key, lang, **p),
        item=item,
        municipality=getattr(municipality, "name", None),
        assessment=assessment,
        relevance_label=t(f"relevance.{assessment.relevance}", lang) if assessment is not None else "",
        summary=summary_text(item, assessment, lang),
        screened_on=_date(assessment.created_at, lang) if assessment is not None else "",
        languages=[
            {
                "code": code,
                "name": LANGUAGE_NAMES[code],
                "url": url_for("public.checklist_page", public_id=item.public_id, lang=code),
                "current": code == lang,
            }
            for code in LANGUAGES
        ],
        badges=[
            {
                "name": b.name[lang],
                "rule": b.rule[lang],
                "url": url_for("public.badge_svg", code=b.code, lang=lang),
            }
            for b in item_badges(item, assessment)
        ],
        stage0=_stage0_rows(assessment, checklist, lang),
        categories=_categories(checklist, assessment, lang),
        scale=[{"symbol": r.symbol, "label": r.label[lang]} for r in RATING_SCALE],
        cross=[
            {"id": q.id, "text": q.text[lang], "extra": q.id in checklist.extra_ids}
            for q in checklist.cross_cutting
        ],
        checklist_version=checklist.version,
    )


@bp.get("/badges/<code>.svg")
def badge_svg(code: str) -> Response:
    if code not in BADGES:
        return Response("Not found\n", status=404, mimetype="text/plain")
    lang = pick_language(request.args.get("lang"))
    response = Response(render_badge_svg(code, lang), mimetype="image/svg+xml")
    response.headers["Content-Language"] = lang
    response.cache_control.public = True
    response.cache_control.max_age = 86400
    response.add_etag()
    return response.make_conditional(request)


@bp.get("/badges/<code>.json")
def badge_json(code: str) -> Any:
    badge = BADGES.get(code)
    if badge is None:
        return jsonify({"error": "not_found", "code": code}), 404
    return jsonify(badge.as_json())
