"""/api/v1/teams: climate teams, their members and invitations, their solutions, the session's rounds.
Reading needs any role; creating a team, inviting and running a session need the coordinator's or an
administrator's token. Everything is scoped to the token's municipality (another one's team answers 404)."""

from __future__ import annotations

from typing import Any

from flask_smorest import abort
from marshmallow import fields, validate
from sqlalchemy import select

from climate_plugin.accounts import require, scoped
from climate_plugin.api.common import (
    READ,
    SelectPage,
    get_or_404,
    make_blueprint,
    principal,
    target_municipality,
)
from climate_plugin.api.schemas import _In, _Out
from climate_plugin.db import db
from climate_plugin.i18n import LANGUAGES
from climate_plugin.models import Solution, Team
from climate_plugin.models.team import SESSION_PHASES
from climate_plugin.models.team_member import GROUPS, ROLES
from climate_plugin.services import NotPossible
from climate_plugin.teams import notices, service, solutions
from climate_plugin.teams.service import MAX_ROUND_MINUTES
from climate_plugin.teams.shown import outcomes, support_counts

bp = make_blueprint("teams_api", "/teams", "Climate teams, members, invitations and solutions.")

#: who runs teams
MANAGE = ("coordinator", "municipality_admin")


class TeamSchema(_Out):
    id = fields.Integer()
    municipality_id = fields.Integer()
    region_id = fields.Integer(allow_none=True, metadata={"description": "the region the team works for"})
    name = fields.String()
    theme = fields.String()
    body = fields.String(allow_none=True)
    item_id = fields.Integer(allow_none=True)
    measure_id = fields.Integer(allow_none=True)
    session_phase = fields.String(allow_none=True)
    session_round = fields.Integer()
    session_ends_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    archived_at = fields.DateTime(allow_none=True)


class TeamCreateSchema(_In):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    theme = fields.String(required=True, validate=validate.Length(min=1, max=500))
    body = fields.String(validate=validate.Length(max=500))
    item_id = fields.Integer()
    measure_id = fields.Integer()
    facilitator_email = fields.Email(validate=validate.Length(max=320))
    for_region = fields.Boolean(
        metadata={"description": "the team works for the municipality's whole region (422 if it has none)"}
    )
    municipality_id = fields.Integer(metadata={"description": "platform administrators only"})


class MemberSchema(_Out):
    id = fields.Integer()
    name = fields.String()
    role = fields.String()
    group = fields.String(allow_none=True)
    language = fields.String()
    invited_at = fields.DateTime()
    joined_at = fields.DateTime(allow_none=True)
    revoked_at = fields.DateTime(allow_none=True)


class InvitationCreateSchema(_In):
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    group = fields.String(validate=validate.OneOf(GROUPS))
    email = fields.Email(
        validate=validate.Length(max=320), metadata={"description": "the link is also e-mailed"}
    )
    language = fields.String(validate=validate.OneOf(LANGUAGES))


class InvitationSchema(MemberSchema):
    url = fields.String(metadata={"description": "opens the team's page for this member, without an account"})


class SolutionSchema(_Out):
    id = fields.Integer()
    team_id = fields.Integer()
    item_id = fields.Integer(allow_none=True)
    what = fields.String()
    effect = fields.String()
    effect_category = fields.String()
    cost = fields.String()
    who = fields.String()
    author = fields.String()
    author_role = fields.String()
    supporters = fields.Integer()
    priorities = fields.Integer()
    outcomes = fields.List(fields.String())
    commitment_id = fields.Integer(allow_none=True)
    proposed_measure_id = fields.Integer(allow_none=True)
    alternative_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()


class SessionSchema(_In):
    phase = fields.String(required=True, validate=validate.OneOf((*SESSION_PHASES, "end")))
    minutes = fields.Integer(validate=validate.Range(min=1, max=MAX_ROUND_MINUTES))


def _solution_json(solution: Solution, counts: dict[int, tuple[int, int]]) -> dict[str, Any]:
    supporters, priorities = counts.get(solution.id, (0, 0))
    return {
        **{
            key: getattr(solution, key)
            for key in (
                "id",
                "team_id",
                "item_id",
                "what",
                "effect",
                "effect_category",
                "cost",
                "who",
                "commitment_id",
                "proposed_measure_id",
                "alternative_at",
                "created_at",
            )
        },
        "author": solution.author.name,
        "author_role": solution.author.role,
        "supporters": supporters,
        "priorities": priorities,
        "outcomes": outcomes(solution),
    }


@bp.route("", methods=["GET"])
@require(*READ)
@bp.response(200, TeamSchema(many=True))
@bp.paginate(SelectPage)
def list_teams():
    """The teams of your municipality (archived ones too), by name."""
    return scoped(select(Team).order_by(Team.name, Team.id), Team)


@bp.route("", methods=["POST"])
@require(*MANAGE)
@bp.arguments(TeamCreateSchema)
@bp.response(201, TeamSchema)
def create_team(data: dict):
    """Create a team on a theme (optionally a body's agenda, one agenda item, a programme measure)."""
    town = target_municipality(data.pop("municipality_id", None))
    return service.create_team(town, data, principal().actor)


@bp.route("/<int:team_id>", methods=["GET"])
@require(*READ)
@bp.response(200, TeamSchema)
def get_team(team_id: int):
    """One team."""
    return get_or_404(Team, team_id)


@bp.route("/<int:team_id>/members", methods=["GET"])
@require(*READ)
@bp.response(200, MemberSchema(many=True))
def list_members(team_id: int):
    """The team's members (their links are not listed: each is shown once, when the member is invited)."""
    return get_or_404(Team, team_id).members


@bp.route("/<int:team_id>/invitations", methods=["POST"])
@require(*MANAGE)
@bp.arguments(InvitationCreateSchema)
@bp.response(201, InvitationSchema)
def invite(data: dict, team_id: int):
    """Invite a member: the answer's ``url`` opens the team's page for that person, without an account; with
    ``email`` the invitation is also sent there."""
    team = get_or_404(Team, team_id)
    try:
        member, url = service.invite(team, data, principal().actor)
    except NotPossible as exc:
        abort(409, message=str(exc))
    notices.send_pending(team.id)
    return {**{k: getattr(member, k) for k in MemberSchema().fields}, "url": url}


@bp.route("/<int:team_id>/solutions", methods=["GET"])
@require(*READ)
@bp.response(200, SolutionSchema(many=True))
def list_solutions(team_id: int):
    """The team's solutions (not withdrawn), oldest first, with their support and what became of them."""
    team = get_or_404(Team, team_id)
    rows = solutions.live_solutions(team)
    counts = support_counts(s.id for s in rows)
    return [_solution_json(s, counts) for s in rows]


@bp.route("/<int:team_id>/solutions/<int:solution_id>/alternative", methods=["POST"])
@require(*MANAGE)
@bp.response(200, SolutionSchema)
def attach_alternative(team_id: int, solution_id: int):
    """Attach the solution to its agenda item as an alternative (the preparer's checklist shows it at X1)."""
    team = get_or_404(Team, team_id)
    solution = db.session.get(Solution, solution_id)
    if solution is None or solution.team_id != team.id:
        abort(404, message=f"no solution with id {solution_id} in this team")
    solutions.attach_alternative(solution, principal().actor)
    notices.send_pending(team.id)
    return _solution_json(solution, support_counts([solution.id]))


@bp.route("/<int:team_id>/session", methods=["POST"])
@require(*MANAGE)
@bp.arguments(SessionSchema)
@bp.response(200, TeamSchema)
def session(data: dict, team_id: int):
    """Start the facilitated session's next round (``phase``, ``minutes``), or end it (``phase: "end"``)."""
    team = get_or_404(Team, team_id)
    if data["phase"] == "end":
        return service.end_session(team)
    if "minutes" not in data:
        abort(422, message="the request has invalid fields", errors={"json": {"minutes": ["required"]}})
    return service.start_round(team, data["phase"], data["minutes"])
