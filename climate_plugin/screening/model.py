"""Result types of climate screening."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from climate_plugin.checklist import CATEGORY_CODES

#: Checklist categories in the checklist's order (stage 1); the checklist is their one home.
CATEGORIES: tuple[str, ...] = CATEGORY_CODES

RELEVANCE_LEVELS: tuple[str, ...] = ("high", "minor", "none")


@dataclass(frozen=True)
class Evidence:
    """One word that triggered a category.

    ``term`` is the surface form as written in the item (not the lemma), so the preparer can find it.
    """

    category: str
    term: str
    snippet: str
    location: str  # "title" | "body" | "attachment"

    def to_dict(self) -> dict[str, str]:
        return {
            "category": self.category,
            "term": self.term,
            "snippet": self.snippet,
            "location": self.location,
        }


@dataclass(frozen=True)
class ScreeningResult:
    relevance: str  # "high" | "minor" | "none"
    categories: tuple[str, ...]  # in CATEGORIES order
    evidence: tuple[Evidence, ...]
    language: str  # the language whose lexicon was used

    def to_dict(self) -> dict[str, Any]:
        return {
            "relevance": self.relevance,
            "categories": list(self.categories),
            "evidence": [e.to_dict() for e in self.evidence],
            "language": self.language,
        }
