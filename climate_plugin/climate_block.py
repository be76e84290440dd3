"""The climate block written back into the host agenda system.

The block must be deterministic (same records → identical dict): the pipeline hashes it and skips the
write-back when the hash is unchanged, so nothing time-dependent goes in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlencode

from climate_plugin.badges import item_badges
from climate_plugin.checklist import CATEGORIES, CATEGORIES_BY_CODE, checklist_for
from climate_plugin.commitments import block_commitments
from climate_plugin.i18n import pick_language, t
from climate_plugin.impact_section import impact_section
from climate_plugin.models._types import utcnow
from climate_plugin.signed_links import link_expiry, make_token

#: the signed-link purpose of the preparer's checklist form (and its JSON API)
CHECKLIST_LINK = "checklist"

_EVIDENCE_KEYS = ("category", "term", "snippet", "location")


def item_language(item: Any) -> str:
    """The item's own language, else its municipality's, else Finnish."""
    connector = getattr(item, "connector", None)
    municipality = getattr(connector, "municipality", None)
    return pick_language(item.language, getattr(municipality, "language", None))


def content_changed_at(item: Any) -> datetime:
    """When the item's current text was first assessed: the oldest revision of the latest run of
    revisions with the item's content hash (a preparer's submit or a new screening version keeps it).

    Stored records only, so the checklist link, and with it the block, stays the same while the text does.
    """
    changed = None
    for assessment in reversed(list(getattr(item, "assessments", None) or ())):
        if assessment.content_hash != item.content_hash:
            break
        changed = assessment.created_at or changed
    return changed or getattr(item, "fetched_at", None) or utcnow()


def checklist_token(item: Any) -> str:
    """The signed, expiring token of the item's checklist link (needs an app context for the key)."""
    return make_token(CHECKLIST_LINK, item.public_id, link_expiry(content_changed_at(item)))


def checklist_url(item: Any, base_url: str) -> str:
    return base_url.rstrip("/") + f"/checklist/{quote(checklist_token(item), safe='')}"


def badge_image_url(code: str, lang: str, base_url: str) -> str:
    return base_url.rstrip("/") + f"/badges/{quote(code, safe='')}.svg?" + urlencode({"lang": lang})


def block_categories(assessment: Any) -> list[str]:
    """Known category codes in checklist order, each once; none-items have none by definition."""
    if assessment.relevance == "none":
        return []
    found = set(assessment.categories or ())
    return [c.code for c in CATEGORIES if c.code in found]


def block_evidence(evidence: Iterable[Mapping[str, Any]] | None) -> list[dict[str, str]]:
    # Exactly the four documented keys, as strings, in the stored order.
    return [{key: str(e.get(key) or "") for key in _EVIDENCE_KEYS} for e in evidence or ()]


def _category_list(codes: Iterable[str], lang: str) -> str:
    # Names run inside a sentence, so lower-case their first letter; semicolons, because several names
    # already contain "ja"/"och"/"and" ("liikenne ja liikkuminen").
    names = [CATEGORIES_BY_CODE[c].name[lang] for c in codes]
    return "; ".join(n[:1].lower() + n[1:] for n in names)


def summary_text(item: Any, assessment: Any | None, lang: str) -> str:
    """One or two plain sentences: the relevance in words, the categories, and what the preparer does."""
    lang = pick_language(lang)
    if assessment is None:
        return t("summary.pending", lang)
    if assessment.relevance == "none":
        return t("summary.none", lang)
    level = "high" if assessment.relevance == "high" else "minor"
    codes = block_categories(assessment)
    if codes:
        first = t(f"summary.{level}_categories", lang, categories=_category_list(codes, lang))
    else:
        first = t(f"summary.{level}", lang)
    return f"{first} {t(f'summary.invite_{level}', lang)}"


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
    return block
