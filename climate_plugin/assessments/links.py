"""The checklist link: the signed, expiring address of an item's preparer's form (and its JSON API).

It is deterministic while the item's text stays the same, so the climate block that carries it stays
byte-identical (and is then not written back again).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote

from climate_plugin.models._types import utcnow
from climate_plugin.web.signed_links import link_expiry, make_token

#: the signed-link purpose of the preparer's checklist form (and its JSON API)
CHECKLIST_LINK = "checklist"


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
