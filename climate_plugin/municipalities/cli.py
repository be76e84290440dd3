"""`climate-plugin municipality …`: registering municipalities and changing their settings."""

from __future__ import annotations

import re

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from climate_plugin.cli.common import (
    check_name_option,
    database_ready,
    echo_json,
    municipality_by_slug,
)
from climate_plugin.dates import DEFAULT_TIME_ZONE, is_time_zone
from climate_plugin.db import db
from climate_plugin.i18n import LANGUAGES
from climate_plugin.models import Municipality
from climate_plugin.municipalities import service
from climate_plugin.municipalities.service import SLUG
from climate_plugin.services import NotPossible


# --- municipality ---------------------------------------------------------------------------------
@click.group()
def municipality() -> None:
    """Municipalities (tenants)."""


@municipality.command("create")
@click.option("--slug", required=True, help="Short lowercase name used in URLs, e.g. hollola.")
@click.option("--name", required=True, help="Display name, e.g. 'Hollolan kunta'.")
@click.option("--language", type=click.Choice(LANGUAGES), default="fi", show_default=True)
@with_appcontext
def municipality_create(slug: str, name: str, language: str) -> None:
    """Register a municipality."""
    if not re.match(SLUG, slug):
        raise click.BadParameter(
            "use lowercase letters, digits and hyphens (at most 63)", param_hint="--slug"
        )
    check_name_option(name)
    database_ready()
    try:
        row = service.create_municipality(slug, name, language)  # audited, as through the API
    except NotPossible as exc:
        raise click.ClickException(str(exc)) from None
    echo_json({"id": row.id, "slug": row.slug, "name": row.name, "language": row.language})


@municipality.command("list")
@with_appcontext
def municipality_list() -> None:
    """List municipalities as JSON."""
    database_ready()
    rows = db.session.scalars(select(Municipality).order_by(Municipality.slug))
    echo_json(
        [
            {"id": m.id, "slug": m.slug, "name": m.name, "language": m.language, "time_zone": m.time_zone}
            for m in rows
        ]
    )


# --- municipality settings (game elements, framing) -----------------------------------------------
def _game_elements(value: str | None, option: str) -> set[str]:
    from climate_plugin.models.municipality import GAME_ELEMENTS

    names = {part.strip() for part in (value or "").split(",") if part.strip()}
    unknown = sorted(names - set(GAME_ELEMENTS))
    if unknown:
        raise click.BadParameter(
            f"unknown game element(s) {', '.join(unknown)}; use {', '.join(GAME_ELEMENTS)}", param_hint=option
        )
    return names


@municipality.command("set")
@click.option("--slug", required=True, help="The municipality's slug.")
@click.option(
    "--game-off",
    help="Game elements to switch off, comma-separated: item_badges, team_badges, progress, team_challenges, "
    "climate_team_badges, team_leaderboard (the leaderboard is off until switched on).",
)
@click.option("--game-on", help="Game elements to switch on, comma-separated.")
@click.option(
    "--frame-ancestors",
    help="Origins that may embed the meeting view, space-separated, e.g. 'https://agenda.example.fi'; "
    "'' clears the list.",
)
@click.option(
    "--screening-sensitivity",
    help="The screening's operating point: recall (the default: fewest missed items), balanced or strict "
    "(fewer flags); each with its measured recall and flag rate in `climate-plugin screening sensitivities`.",
)
@click.option(
    "--time-zone",
    help="The IANA time zone the municipality's pages and written-back blocks show dates and times in, "
    "e.g. Europe/Helsinki (the default) or Europe/Stockholm.",
)
@with_appcontext
def municipality_set(
    slug: str,
    game_off: str | None,
    game_on: str | None,
    frame_ancestors: str | None,
    screening_sensitivity: str | None,
    time_zone: str | None,
) -> None:
    """Change a municipality's settings; prints them all."""
    from climate_plugin.models.municipality import GAME_ELEMENTS, valid_frame_ancestor
    from climate_plugin.screening import DEFAULT_SENSITIVITY, sensitivities

    off, on = _game_elements(game_off, "--game-off"), _game_elements(game_on, "--game-on")
    if off & on:
        raise click.BadParameter(f"{', '.join(sorted(off & on))} both on and off", param_hint="--game-on")
    origins = None
    if frame_ancestors is not None:
        origins = frame_ancestors.split()
        bad = [o for o in origins if not valid_frame_ancestor(o)]
        if bad:
            raise click.BadParameter(
                f"not an origin: {', '.join(bad)} (use scheme://host[:port], e.g. https://agenda.example.fi)",
                param_hint="--frame-ancestors",
            )
    points = {point["name"]: point for point in sensitivities()}
    if screening_sensitivity is not None and screening_sensitivity not in points:
        raise click.BadParameter(
            f"{screening_sensitivity!r} is not one of: {', '.join(points)}",
            param_hint="--screening-sensitivity",
        )
    if time_zone is not None and not is_time_zone(time_zone):
        raise click.BadParameter(
            f"{time_zone!r} is not a time zone; use an IANA name such as {DEFAULT_TIME_ZONE}",
            param_hint="--time-zone",
        )
    database_ready()
    row = municipality_by_slug(slug)
    service.change_settings(
        row, game_off=off, game_on=on, frame_ancestors=origins, screening_sensitivity=screening_sensitivity
    )
    if time_zone is not None:
        service.update_municipality(row, {"time_zone": time_zone})
    chosen = points.get(row.screening_sensitivity or DEFAULT_SENSITIVITY, {})
    echo_json(
        {
            "slug": row.slug,
            "game": {name: row.game_enabled(name) for name in GAME_ELEMENTS},
            "frame_ancestors": row.frame_ancestors(),
            "screening_sensitivity": {"name": chosen.get("name"), "figures": chosen.get("figures", {})},
            "time_zone": row.time_zone,
        }
    )
