"""Turning a screening into a stored assessment revision."""

from __future__ import annotations

from dataclasses import asdict

from climate_plugin.checklist import build_stage0_answers, checklist_for
from climate_plugin.db import db
from climate_plugin.items import attachment_texts
from climate_plugin.models import AgendaItem, Assessment
from climate_plugin.screening import SCREENING_VERSION, screen


def assess(item: AgendaItem) -> Assessment:
    """The item's current assessment, screening it again only when its text, the screening or the
    municipality's checklist template changed.

    Keeping the revision when nothing changed is what makes a repeated event write nothing back.
    """
    current = item.current_assessment
    checklist = checklist_for(item.connector.municipality)
    if (
        current is not None
        and current.content_hash == item.content_hash
        and current.screening_version == SCREENING_VERSION
        and current.answers.get("checklist_version") == checklist.version
    ):
        return current
    result = screen(item.title, item.body, item.language, attachments=attachment_texts(item))
    evidence = [asdict(e) for e in result.evidence]
    assessment = Assessment(
        item=item,
        revision=(current.revision + 1) if current else 1,
        source="screening",
        relevance=result.relevance,
        categories=list(result.categories),
        evidence=evidence,
        answers=build_stage0_answers(
            result.relevance, list(result.categories), evidence, checklist=checklist
        ),
        screening_version=SCREENING_VERSION,
        content_hash=item.content_hash,
    )
    if item.language is None:
        item.language = result.language  # detected: the summary and the page use it
    db.session.add(assessment)
    db.session.flush()
    return assessment
