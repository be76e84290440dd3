"""The climate block written back into the host agenda system.

The block must be deterministic (same records → identical dict): the pipeline hashes it and skips the
write-back when the hash is unchanged, so nothing time-dependent goes in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from climate_plugin.assessments.impact_section import impact_section
from climate_plugin.assessments.links import checklist_url
from climate_plugin.assessments.summary import block_categories, summary_text
from climate_plugin.badges import item_badges
from climate_plugin.badges.catalogue import badge_image_url
from climate_plugin.checklist import checklist_for
from climate_plugin.commitments.service import block_commitments
from climate_plugin.items.store import item_language
from climate_plugin.teams.shown import block_solutions

_EVIDENCE_KEYS = ("category", "term", "snippet", "location")


def block_evidence(evidence: Iterable[Mapping[str, Any]] | None) -> list[dict[str, str]]:
    # Exactly the four documented keys, as strings, in the stored order.
    return [{key: str(e.get(key) or "") for key in _EVIDENCE_KEYS} for e in evidence or ()]


def build_climate_block(item: Any, assessment: Any, base_url: str) -> dict[str, Any]:
    """The write-back body for ``item`` as of ``assessment``, in the item's language.

    Once the preparer has submitted, the block also carries the "Climate impacts" section as text and as
    HTML (``impact_section``); before that it has no such key, so earlier blocks keep their hash.
    """
    lang = item_language(item)
    block = {
        "item": item.external_id,
        "revision": assessment.revision,
        "relevance": assessment.relevance,
        "categories": block_categories(assessment),
        # A none item raises no flag, so there is nothing to explain (and no category to file evidence under).
        "evidence": [] if assessment.relevance == "none" else block_evidence(assessment.evidence),
        "summary": summary_text(item, assessment, lang),
        "checklist_url": checklist_url(item, base_url),
        "badges": [
            {"code": b.code, "label": b.name[lang], "image_url": badge_image_url(b.code, lang, base_url)}
            for b in item_badges(item, assessment)
        ],
    }
    if getattr(assessment, "state", None) == "submitted":
        municipality = getattr(getattr(item, "connector", None), "municipality", None)
        checklist = checklist_for(municipality, (assessment.answers or {}).get("checklist_version"))
        block["impact_section"] = impact_section(assessment, checklist, lang)
    commitments = block_commitments(item, lang)
    if commitments:  # absent until one is recorded, so earlier blocks keep their hash
        block["commitments"] = commitments
    solutions = block_solutions(item, lang)
    if solutions:  # a climate team's proposals on the item; absent until one is made, as above
        block["team_solutions"] = solutions
    return block
