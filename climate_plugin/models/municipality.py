"""A municipality: the tenant that owns connectors, items and assessments."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import JSON, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from climate_plugin.db import db
from climate_plugin.models._types import UTCDateTime, utcnow

#: the game elements a municipality can switch off one by one (the checklist reference: research on
#: gamification in decision-making is mixed, so every element must be optional and measurable)
GAME_ELEMENTS: tuple[str, ...] = (
    "item_badges", "team_badges", "progress", "team_challenges", "climate_team_badges", "team_leaderboard"
)
#: elements that are off until a municipality switches them on: a leaderboard shows this municipality's
#: bodies (or the municipality itself) beside others, which it must choose to do
OPT_IN: frozenset[str] = frozenset({"team_leaderboard"})
#: opt-in settings (off by default): share the picture with the region, publish open data
FLAGS: tuple[str, ...] = ("share_with_region", "open_data")

#: an origin for CSP frame-ancestors: scheme, host (optionally "*." for subdomains) and port, nothing else;
#: anything more (a ";", a quote, a space) could smuggle another directive into the header
_ORIGIN = re.compile(r"^https?://(\*\.)?[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*(?::[0-9]{1,5})?$")


def valid_frame_ancestor(value: str) -> bool:
    return len(value) <= 300 and bool(_ORIGIN.match(value))


def default_settings() -> dict[str, Any]:
    return {"game": {name: name not in OPT_IN for name in GAME_ELEMENTS}, "frame_ancestors": []}


class Municipality(db.Model):
    __tablename__ = "municipality"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(db.String(64), unique=True)
    name: Mapped[str] = mapped_column(db.String(200))
    #: the language people of this municipality read by default (fi, sv or en)
    language: Mapped[str] = mapped_column(db.String(2), default="fi")
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    #: {"game": {"item_badges": bool, "team_badges": bool, "progress": bool}, "frame_ancestors": [origin, …]};
    #: missing keys mean the default (game elements on, no other framing origin): older rows need no rewrite
    settings: Mapped[dict] = mapped_column(JSON, default=default_settings, server_default="{}")
    #: the screening's operating point (climate_plugin.screening.sensitivities()); None: the default
    screening_sensitivity: Mapped[str | None] = mapped_column(db.String(16), nullable=True)
    #: the IANA time zone its people read dates and times in (climate_plugin.dates); times are stored in UTC
    time_zone: Mapped[str] = mapped_column(
        db.String(64), default="Europe/Helsinki", server_default="Europe/Helsinki", nullable=False
    )
    #: the region it coordinates its climate work with (climate_plugin.models.region), if any
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True, nullable=True)

    def _settings(self) -> Mapping[str, Any]:
        return self.settings if isinstance(self.settings, Mapping) else {}

    def game_enabled(self, element: str) -> bool:
        """Whether a game element (GAME_ELEMENTS) is switched on; on by default, except the OPT_IN ones."""
        if element not in GAME_ELEMENTS:
            raise KeyError(element)
        default = element not in OPT_IN
        game = self._settings().get("game")
        value = game.get(element, default) if isinstance(game, Mapping) else default
        return value is True if element in OPT_IN else value is not False

    def frame_ancestors(self) -> list[str]:
        """Origins allowed to frame this municipality's pages (CSP frame-ancestors), besides 'self'."""
        value = self._settings().get("frame_ancestors")
        # checked again on the way out: the value goes into a response header
        if not isinstance(value, list):
            return []
        return [v for v in value if isinstance(v, str) and valid_frame_ancestor(v)]

    def shares_with_region(self) -> bool:
        """Whether the region's coordinator may see this municipality's picture; off until it opts in."""
        return self._settings().get("share_with_region") is True

    def publishes_open_data(self) -> bool:
        """Whether its assessed decisions and commitments are published as open data; off by default."""
        return self._settings().get("open_data") is True

    def set_flag(self, name: str, on: bool) -> None:
        """Set one of the boolean settings ("share_with_region", "open_data"); a new dict for the JSON."""
        if name not in FLAGS:
            raise KeyError(name)
        self.settings = {**dict(self._settings()), name: bool(on)}

    def update_settings(
        self,
        *,
        game: Mapping[str, bool] | None = None,
        frame_ancestors: list[str] | None = None,
    ) -> None:
        """Change some settings; a new dict is assigned so that SQLAlchemy notices the JSON change."""
        current = dict(self._settings())
        merged_game = {name: self.game_enabled(name) for name in GAME_ELEMENTS}
        for name, on in (game or {}).items():
            if name not in GAME_ELEMENTS:
                raise KeyError(name)
            merged_game[name] = bool(on)
        current["game"] = merged_game
        if frame_ancestors is not None:
            current["frame_ancestors"] = list(frame_ancestors)
        else:
            current["frame_ancestors"] = self.frame_ancestors()
        self.settings = current
