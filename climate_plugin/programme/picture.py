"""A measure as people see it: its fields, and the decisions, commitments and solutions that advance it or
conflict with it (read only; pages, the API and the CLI show the same)."""

from __future__ import annotations

from typing import Any

from climate_plugin.commitments.service import status_label
from climate_plugin.dates import format_date
from climate_plugin.i18n import MESSAGES, pick_language, t
from climate_plugin.models import Measure
from climate_plugin.programme.service import links_of


def status_text(status: str, lang: str) -> str:
    """A known status code in words (Kausal Watch's status summaries, "proposed"); else as the source
    wrote it."""
    key = f"programme.status.{status}"
    return t(key, lang) if key in MESSAGES else status


def measure_json(measure: Measure) -> dict[str, Any]:
    return {
        "id": measure.id,
        "identifier": measure.identifier,
        "title": measure.title,
        "sector": measure.sector,
        "responsible_body": measure.responsible_body,
        "indicator": measure.indicator,
        "target": measure.target,
        "status": measure.status,
        "source": measure.source,
        "url": measure.url,
        "missing_since": measure.missing_since.isoformat() if measure.missing_since else None,
    }


def measure_picture(measure: Measure, lang: str) -> dict[str, Any]:
    """``{"decisions", "commitments", "solutions"}``, each link with its effect (advances or conflicts)."""
    lang = pick_language(lang)
    found: dict[str, list[dict[str, Any]]] = {"decisions": [], "commitments": [], "solutions": []}
    for link in links_of(measure):
        base = {
            "link_id": link.id,
            "effect": link.effect,
            "effect_label": t(f"programme.effect.{link.effect}", lang),
            "note": link.note,
        }
        if link.item is not None:
            assessment = link.item.current_assessment
            found["decisions"].append(
                {
                    **base,
                    "item_id": link.item.id,
                    "title": link.item.title,
                    "meeting": link.item.meeting,
                    "body": link.item.committee,
                    "relevance": assessment.relevance if assessment is not None else None,
                    "relevance_label": t(f"relevance.{assessment.relevance}", lang)
                    if assessment is not None
                    else "",
                    "state": getattr(assessment, "state", None),
                }
            )
        elif link.commitment is not None:
            c = link.commitment
            found["commitments"].append(
                {
                    **base,
                    "commitment_id": c.id,
                    "what": c.what,
                    "target": c.target,
                    "due": format_date(c.due_date, lang),
                    "status": c.status,
                    "status_label": status_label(c.status, lang),
                    "item_title": c.item.title if c.item is not None else None,
                }
            )
        elif link.solution is not None:
            s = link.solution
            found["solutions"].append(
                {
                    **base,
                    "solution_id": s.id,
                    "what": s.what,
                    "effect_text": s.effect,
                    "team": s.team.name,
                    "withdrawn": s.withdrawn_at is not None,
                }
            )
    return found
