"""`climate-plugin teams …`: creating teams, inviting members (their links), listing solutions, sending the
notices the mail server did not take, challenges, and the participation figures."""

from __future__ import annotations

from datetime import date

import click
from flask.cli import with_appcontext
from marshmallow import ValidationError

from climate_plugin.cli.common import database_ready, echo_json, flatten_messages, municipality_by_slug
from climate_plugin.db import db
from climate_plugin.models import Team
from climate_plugin.models.team_challenge import KINDS
from climate_plugin.models.team_member import GROUPS, ROLES
from climate_plugin.services import NotPossible
from climate_plugin.teams import game, notices, service, solutions
from climate_plugin.teams.participation import game_engagement, participation
from climate_plugin.teams.shown import outcomes, support_counts


@click.group()
def teams() -> None:
    """Climate teams: members, invitations, solutions, challenges."""


def _team(team_id: int) -> Team:
    found = db.session.get(Team, team_id)
    if found is None:
        raise click.ClickException(f"no team with id {team_id} (see `climate-plugin teams list`)")
    return found


def _invalid(exc: ValidationError) -> click.ClickException:
    return click.ClickException(flatten_messages(exc.messages))


@teams.command("create")
@click.option("--municipality", "slug", required=True, help="The municipality's slug.")
@click.option("--name", required=True)
@click.option("--theme", required=True, help="What the team works on, e.g. 'Koulumatkat'.")
@click.option("--body", help="The board or committee whose agenda the team follows.")
@click.option("--item-id", type=int, help="The one agenda item the team works on.")
@click.option("--measure-id", type=int, help="The programme measure the team works on.")
@click.option("--facilitator-email", help="Where notices of new solutions go.")
@click.option("--for-region", is_flag=True, help="The team works for the municipality's whole region.")
@with_appcontext
def teams_create(
    slug: str,
    name: str,
    theme: str,
    body: str | None,
    item_id: int | None,
    measure_id: int | None,
    facilitator_email: str | None,
    for_region: bool,
) -> None:
    """Create a team; prints it as JSON."""
    database_ready(Team)
    town = municipality_by_slug(slug)
    data = {
        "name": name,
        "theme": theme,
        "body": body,
        "item_id": item_id,
        "measure_id": measure_id,
        "facilitator_email": facilitator_email,
        "for_region": for_region or None,
    }
    try:
        team = service.create_team(town, {k: v for k, v in data.items() if v is not None}, "cli")
    except ValidationError as exc:
        raise _invalid(exc) from None
    echo_json(
        {
            "id": team.id,
            "name": team.name,
            "theme": team.theme,
            "body": team.body,
            "item_id": team.item_id,
            "region_id": team.region_id,
        }
    )


@teams.command("list")
@click.option("--municipality", "slug", required=True, help="The municipality's slug.")
@with_appcontext
def teams_list(slug: str) -> None:
    """The municipality's live teams as JSON."""
    database_ready(Team)
    echo_json(
        [
            {
                "id": t.id,
                "name": t.name,
                "theme": t.theme,
                "body": t.body,
                "item_id": t.item_id,
                "members": len(service.active_members(t)),
            }
            for t in service.teams_of(municipality_by_slug(slug))
        ]
    )


@teams.command("invite")
@click.option("--team", "team_id", type=int, required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice(ROLES), default="stakeholder", show_default=True)
@click.option("--group", type=click.Choice(GROUPS), help="Who a stakeholder speaks for.")
@click.option("--email", help="Also send the invitation there.")
@click.option("--language", type=click.Choice(("fi", "sv", "en")), help="Default: the municipality's.")
@with_appcontext
def teams_invite(
    team_id: int, name: str, role: str, group: str | None, email: str | None, language: str | None
) -> None:
    """Invite a member; prints the member's link (it opens the team's page without an account)."""
    database_ready(Team)
    team = _team(team_id)
    data = {"name": name, "role": role, "group": group, "email": email, "language": language}
    try:
        member, url = service.invite(team, {k: v for k, v in data.items() if v}, "cli")
    except ValidationError as exc:
        raise _invalid(exc) from None
    except NotPossible as exc:
        raise click.ClickException(str(exc)) from None
    sent = notices.send_pending(team.id)
    echo_json(
        {
            "id": member.id,
            "name": member.name,
            "role": member.role,
            "url": url,
            "emailed": bool(email) and sent["failed"] == 0,
        }
    )


@teams.command("solutions")
@click.option("--team", "team_id", type=int, required=True)
@with_appcontext
def teams_solutions(team_id: int) -> None:
    """The team's solutions as JSON, oldest first."""
    database_ready(Team)
    team = _team(team_id)
    rows = solutions.live_solutions(team)
    counts = support_counts(s.id for s in rows)
    echo_json(
        [
            {
                "id": s.id,
                "what": s.what,
                "effect": s.effect,
                "effect_category": s.effect_category,
                "cost": s.cost,
                "who": s.who,
                "item_id": s.item_id,
                "author": s.author.name,
                "supporters": counts.get(s.id, (0, 0))[0],
                "priorities": counts.get(s.id, (0, 0))[1],
                "outcomes": outcomes(s),
            }
            for s in rows
        ]
    )


@teams.group("notices")
def teams_notices() -> None:
    """E-mail notices of teams."""


@teams_notices.command("send")
@click.option("--team", "team_id", type=int, help="Only this team's.")
@with_appcontext
def teams_notices_send(team_id: int | None) -> None:
    """Send the notices not sent yet; prints {"sent", "failed"} (a failure keeps its error for the
    team page)."""
    database_ready(Team)
    if team_id is not None:
        _team(team_id)
    counts = notices.send_pending(team_id)
    echo_json(counts)
    if counts["failed"]:
        raise click.ClickException(
            f"{counts['failed']} notice(s) not sent; see the team's page for the errors"
        )


@teams.command("challenge")
@click.option("--municipality", "slug", required=True, help="The municipality's slug.")
@click.option("--kind", type=click.Choice(KINDS), required=True)
@click.option("--starts-on", required=True, help="YYYY-MM-DD")
@click.option("--ends-on", required=True, help="YYYY-MM-DD")
@with_appcontext
def teams_challenge(slug: str, kind: str, starts_on: str, ends_on: str) -> None:
    """Start a team challenge between the municipality's bodies; prints its standings."""
    database_ready(Team)
    town = municipality_by_slug(slug)
    try:
        challenge = game.create_challenge(town, kind, starts_on, ends_on, "cli")
    except ValidationError as exc:
        raise _invalid(exc) from None
    echo_json(game.standings(challenge, town.language))


@teams.command("participation")
@click.option("--municipality", "slug", required=True, help="The municipality's slug.")
@click.option("--from", "start", required=True, type=click.DateTime(["%Y-%m-%d"]))
@click.option("--to", "end", required=True, type=click.DateTime(["%Y-%m-%d"]))
@with_appcontext
def teams_participation(slug: str, start, end) -> None:
    """Participation by body, role and group within the period, and the use of the team game elements."""
    database_ready(Team)
    town = municipality_by_slug(slug)
    first, last = date.fromisoformat(start.date().isoformat()), end.date()
    if last < first:
        raise click.BadParameter("before --from", param_hint="--to")
    echo_json(
        {"participation": participation(town.id, first, last), "game": game_engagement(town.id, first, last)}
    )
