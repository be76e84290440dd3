"""Badges: the catalogue, item badges, team and municipality badges with levels, and their SVG images.

- ``catalogue``: every badge with its names and plain-words rule in fi, sv and en (``CATALOGUE``; ``BADGES``
  are the item badges, in write-back order);
- ``item``: the item badge rules (``item_badges``), read from the current assessment and commitments;
- ``team``: committee and municipality counts, levels by rising thresholds, ``recompute_awards``;
- ``svg``: the images.
"""

from climate_plugin.badges.catalogue import (
    BADGES,
    CATALOGUE,
    MAX_LEVEL,
    MUNICIPALITY_BADGES,
    TEAM_BADGES,
    THRESHOLDS,
    BadgeDefinition,
    level_for,
    next_threshold,
)
from climate_plugin.badges.item import (
    commitment_kept,
    commitment_made,
    commitments_for,
    earned_codes,
    item_badges,
    ratings_complete,
)
from climate_plugin.badges.svg import render_badge_svg

__all__ = [
    "BADGES",
    "CATALOGUE",
    "MAX_LEVEL",
    "MUNICIPALITY_BADGES",
    "TEAM_BADGES",
    "THRESHOLDS",
    "BadgeDefinition",
    "commitment_kept",
    "commitment_made",
    "commitments_for",
    "earned_codes",
    "item_badges",
    "level_for",
    "next_threshold",
    "ratings_complete",
    "render_badge_svg",
]
