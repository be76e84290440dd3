"""The climate coordinator's team pages under /admin: the municipality's teams and a new team; a team's
members and invitations (their links), the facilitated session's rounds and its shared screen, the
solutions and what becomes of them (an alternative on the item, a programme measure, a link to a measure),
notices the mail server did not take; and the team game (challenges, the leaderboard, the switches).

Anyone signed in may look; the coordinator (and the municipality's administrator) may change. Every change
goes through ``teams.service``, ``teams.solutions`` or ``teams.game``."""

from __future__ import annotations

from typing import Any

from flask import abort, redirect, request, url_for
from marshmallow import ValidationError
from sqlalchemy import select

from climate_plugin.accounts import require
from climate_plugin.admin.pages import (
    VIEW,
    bp,
    csrf_ok,
    field_errors,
    lang,
    municipality_or_404,
    principal,
    refuse_csrf,
    render,
    scoped_one,
)
from climate_plugin.db import db
from climate_plugin.i18n import LANGUAGE_NAMES, LANGUAGES, language_links, t
from climate_plugin.models import (
    AgendaItem,
    Connector,
    Measure,
    Municipality,
    Region,
    Solution,
    Team,
    TeamMember,
)
from climate_plugin.models.measure_link import EFFECTS
from climate_plugin.models.team import SESSION_PHASES
from climate_plugin.models.team_challenge import KINDS
from climate_plugin.models.team_member import GROUPS, ROLES
from climate_plugin.municipalities.service import change_settings
from climate_plugin.programme.service import measures_linked, measures_of
from climate_plugin.services import NotPossible
from climate_plugin.teams import game, notices, service, solutions
from climate_plugin.teams.links import member_url
from climate_plugin.teams.participation import TEAM_GAME_ELEMENTS
from climate_plugin.teams.shown import solution_rows
from climate_plugin.teams.web import screen_response, session_for_screen

#: who runs teams: the climate coordinator, and the municipality's administrator
MANAGE = ("coordinator", "municipality_admin")


def can_manage() -> bool:
    return principal().role in ("platform_admin", *MANAGE)


def _actor() -> str:
    return principal().actor


def _team(town: Municipality, team_id: int) -> Team:
    return scoped_one(Team, team_id, Team.municipality_id == town.id)


def _errors(exc: ValidationError) -> dict[str, str]:
    return {
        field: t("teams.admin.invalid", lang(), detail="; ".join(msgs))
        for field, msgs in field_errors(exc).items()
    }


def _recent_items(town: Municipality, limit: int = 100) -> list[AgendaItem]:
    stmt = (
        select(AgendaItem)
        .join(Connector, AgendaItem.connector_id == Connector.id)
        .where(Connector.municipality_id == town.id, AgendaItem.deleted_at.is_(None))
        .order_by(AgendaItem.fetched_at.desc(), AgendaItem.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


# --- the list of teams ----------------------------------------------------------------------------------
def _list_page(town: Municipality, errors: dict | None = None, values: dict | None = None, status: int = 200):
    items = _recent_items(town)
    return render(
        "teams/admin_list.html",
        town,
        status=status,
        teams=service.teams_of(town),
        bodies=sorted({i.committee for i in items if i.committee}),
        items=items,
        measures=measures_of(town),
        region=db.session.get(Region, town.region_id) if town.region_id else None,
        errors=errors or {},
        values=values or {},
        can_manage=can_manage(),
        can_change=can_manage(),
        switch_endpoint="admin.teams",
    )


@bp.get("/m/<slug>/teams")
@require(*VIEW)
def teams(slug: str) -> Any:
    return _list_page(municipality_or_404(slug))


@bp.post("/m/<slug>/teams")
@require(*MANAGE)
def team_create(slug: str) -> Any:
    town = municipality_or_404(slug)
    if not csrf_ok():
        return refuse_csrf(town)
    values = {
        k: request.form.get(k, "").strip()
        for k in ("name", "theme", "body", "item_id", "measure_id", "facilitator_email")
    }
    data: dict[str, Any] = {k: v for k, v in values.items() if v}
    if request.form.get("for_region") == "1":
        data["for_region"] = values["for_region"] = True
    for key in ("item_id", "measure_id"):
        if key in data:
            data[key] = int(data[key]) if data[key].isdigit() else -1
    try:
        team = service.create_team(town, data, _actor())
    except ValidationError as exc:
        db.session.rollback()
        return _list_page(town, _errors(exc), values, 422)
    return redirect(url_for("admin.team", slug=town.slug, team_id=team.id, lang=lang(), done="created"), 303)


# --- one team ---------------------------------------------------------------------------------------------
def _team_page(
    town: Municipality,
    team: Team,
    *,
    errors: dict | None = None,
    values: dict | None = None,
    links: dict[int, str] | None = None,
    status: int = 200,
) -> Any:
    from flask import current_app

    current = lang()
    base = current_app.config["PUBLIC_URL"]
    live = solutions.live_solutions(team)
    rows = solution_rows(live, current)
    for row in rows:
        row["links"] = [
            {"measure": link.measure, "effect": t(f"programme.effect.{link.effect}", current)}
            for link in measures_linked(solution_id=row["id"])
        ]
    done = request.args.get("done")
    return render(
        "teams/admin_team.html",
        town,
        status=status,
        team=team,
        members=[
            {
                "row": m,
                "role": t(f"teams.role.{m.role}", current),
                "group": t(f"teams.group.{m.group}", current) if m.group else "",
                "url": member_url(m, base) if m.revoked_at is None else None,
            }
            for m in team.members
        ],
        roles=[{"code": r, "label": t(f"teams.role.{r}", current)} for r in ROLES],
        groups=[{"code": g, "label": t(f"teams.group.{g}", current)} for g in GROUPS],
        languages_all=[{"code": c, "name": LANGUAGE_NAMES[c]} for c in LANGUAGES],
        phases=[{"code": p, "label": t(f"teams.phase.{p}", current)} for p in SESSION_PHASES],
        session=session_for_screen(team, current),
        solutions=rows,
        measures=measures_of(town),
        effects=[{"code": e, "label": t(f"programme.effect.{e}", current)} for e in EFFECTS],
        unsent=notices.unsent(team),
        game=game.team_game(team, current),
        errors=errors or {},
        values=values or {},
        new_links=links or {},
        can_manage=can_manage(),
        can_change=can_manage(),
        notice=t(f"teams.admin.done.{done}", current) if done in _DONE else None,
        switch_endpoint="admin.team",
    )


_DONE = (
    "created",
    "invited",
    "revoked",
    "renewed",
    "round",
    "ended",
    "alternative",
    "measure",
    "linked",
    "sent",
    "archived",
    "challenge",
    "settings",
)


def _done(town: Municipality, team: Team, done: str, anchor: str = "") -> Any:
    return redirect(
        url_for("admin.team", slug=town.slug, team_id=team.id, lang=lang(), done=done) + anchor, 303
    )


@bp.get("/m/<slug>/teams/<int:team_id>")
@require(*VIEW)
def team(slug: str, team_id: int) -> Any:
    town = municipality_or_404(slug)
    return _team_page(town, _team(town, team_id))


@bp.get("/m/<slug>/teams/<int:team_id>/screen")
@require(*VIEW)
def team_screen(slug: str, team_id: int) -> Any:
    town = municipality_or_404(slug)
    found = _team(town, team_id)
    current = lang()
    return screen_response(
        found,
        current,
        language_links("admin.team_screen", current, slug=slug, team_id=team_id),
        session_for_screen(found, current),
    )


def _managed(slug: str, team_id: int) -> tuple[Municipality, Team] | Any:
    town = municipality_or_404(slug)
    found = _team(town, team_id)
    if not csrf_ok():
        return refuse_csrf(town)
    return town, found


@bp.post("/m/<slug>/teams/<int:team_id>/members")
@require(*MANAGE)
def team_invite(slug: str, team_id: int) -> Any:
    got = _managed(slug, team_id)
    if not isinstance(got, tuple):
        return got
    town, found = got
    values = {k: request.form.get(k, "").strip() for k in ("name", "role", "group", "email", "language")}
    try:
        member, _url = service.invite(found, {k: v for k, v in values.items() if v}, _actor())
    except ValidationError as exc:
        db.session.rollback()
        return _team_page(town, found, errors=_errors(exc), values=values, status=422)
    except NotPossible:
        return _team_page(town, found, errors={"_form": t("teams.admin.archived", lang())}, status=409)
    notices.send_pending(found.id)
    return _done(town, found, "invited", f"#member-{member.id}")


def _member(found: Team, member_id: int) -> TeamMember:
    member = db.session.get(TeamMember, member_id)
    if member is None or member.team_id != found.id:
        abort(404)
    return member


@bp.post("/m/<slug>/teams/<int:team_id>/members/<int:member_id>/revoke")
@require(*MANAGE)
def team_revoke(slug: str, team_id: int, member_id: int) -> Any:
    got = _managed(slug, team_id)
    if not isinstance(got, tuple):
        return got
    town, found = got
    service.revoke(_member(found, member_id))
    return _done(town, found, "revoked")


@bp.post("/m/<slug>/teams/<int:team_id>/members/<int:member_id>/renew")
@require(*MANAGE)
def team_renew(slug: str, team_id: int, member_id: int) -> Any:
    got = _managed(slug, team_id)
    if not isinstance(got, tuple):
        return got
    town, found = got
    member = _member(found, member_id)
    if member.revoked_at is not None:
        abort(404)
    service.renew_link(member)
    return _done(town, found, "renewed", f"#member-{member.id}")


@bp.post("/m/<slug>/teams/<int:team_id>/session")
@require(*MANAGE)
def team_session(slug: str, team_id: int) -> Any:
    got = _managed(slug, team_id)
    if not isinstance(got, tuple):
        return got
    town, found = got
    if request.form.get("action") == "end":
        service.end_session(found)
        return _done(town, found, "ended")
    values = {k: request.form.get(k, "") for k in ("phase", "minutes")}
    try:
        service.start_round(found, values["phase"], values["minutes"])
    except ValidationError as exc:
        db.session.rollback()
        return _team_page(town, found, errors=_errors(exc), values=values, status=422)
    return _done(town, found, "round", "#session")


def _solution(found: Team, solution_id: int) -> Solution:
    solution = db.session.get(Solution, solution_id)
    if solution is None or solution.team_id != found.id:
        abort(404)
    return solution


@bp.post("/m/<slug>/teams/<int:team_id>/solutions/<int:solution_id>/alternative")
@require(*MANAGE)
def team_alternative(slug: str, team_id: int, solution_id: int) -> Any:
    got = _managed(slug, team_id)
    if not isinstance(got, tuple):
        return got
    town, found = got
    solution = _solution(found, solution_id)
    try:
        if request.form.get("action") == "detach":
            solutions.detach_alternative(solution, _actor())
        else:
            solutions.attach_alternative(solution, _actor())
    except NotPossible:
        db.session.rollback()
        return _team_page(
            town, found, errors={f"solution-{solution.id}": t("teams.admin.no_item", lang())}, status=409
        )
    notices.send_pending(found.id)
    return _done(town, found, "alternative", f"#solution-{solution.id}")


@bp.post("/m/<slug>/teams/<int:team_id>/solutions/<int:solution_id>/measure")
@require(*MANAGE)
def team_propose_measure(slug: str, team_id: int, solution_id: int) -> Any:
    got = _managed(slug, team_id)
    if not isinstance(got, tuple):
        return got
    town, found = got
    solution = _solution(found, solution_id)
    try:
        solutions.propose_as_measure(solution, request.form.get("identifier", ""), _actor())
    except (NotPossible, ValueError) as exc:
        db.session.rollback()
        return _team_page(
            town,
            found,
            errors={f"solution-{solution.id}": t("teams.admin.invalid", lang(), detail=str(exc))},
            status=409,
        )
    notices.send_pending(found.id)
    return _done(town, found, "measure", f"#solution-{solution.id}")


@bp.post("/m/<slug>/teams/<int:team_id>/solutions/<int:solution_id>/link")
@require(*MANAGE)
def team_link_measure(slug: str, team_id: int, solution_id: int) -> Any:
    got = _managed(slug, team_id)
    if not isinstance(got, tuple):
        return got
    town, found = got
    solution = _solution(found, solution_id)
    raw = request.form.get("measure_id", "")
    measure = db.session.get(Measure, int(raw)) if raw.isdigit() else None
    if measure is None or measure.municipality_id != town.id:
        return _team_page(
            town,
            found,
            errors={f"solution-{solution.id}": t("teams.admin.choose_measure", lang())},
            status=422,
        )
    try:
        solutions.link_solution(
            solution, measure, request.form.get("effect", ""), request.form.get("note", ""), _actor()
        )
    except NotPossible as exc:
        db.session.rollback()
        return _team_page(
            town,
            found,
            errors={f"solution-{solution.id}": t("teams.admin.invalid", lang(), detail=str(exc))},
            status=422,
        )
    notices.send_pending(found.id)
    return _done(town, found, "linked", f"#solution-{solution.id}")


@bp.post("/m/<slug>/teams/<int:team_id>/notices")
@require(*MANAGE)
def team_send_notices(slug: str, team_id: int) -> Any:
    got = _managed(slug, team_id)
    if not isinstance(got, tuple):
        return got
    town, found = got
    notices.send_pending(found.id)
    return _done(town, found, "sent", "#notices")


@bp.post("/m/<slug>/teams/<int:team_id>/archive")
@require(*MANAGE)
def team_archive(slug: str, team_id: int) -> Any:
    got = _managed(slug, team_id)
    if not isinstance(got, tuple):
        return got
    town, found = got
    service.archive_team(found)
    return redirect(url_for("admin.teams", slug=town.slug, lang=lang()), 303)


# --- the team game ----------------------------------------------------------------------------------------
def _game_page(town: Municipality, errors: dict | None = None, values: dict | None = None, status: int = 200):
    current = lang()
    return render(
        "teams/admin_game.html",
        town,
        status=status,
        elements=[
            {"code": e, "label": t(f"teams.game.element.{e}", current), "on": town.game_enabled(e)}
            for e in TEAM_GAME_ELEMENTS
        ],
        challenges=[game.standings(c, current) for c in game.challenges_of(town)],
        kinds=[{"code": k, "label": t(f"teams.challenge.{k}.name", current)} for k in KINDS],
        errors=errors or {},
        values=values or {},
        can_manage=can_manage(),
        can_change=can_manage(),
        notice=t(f"teams.admin.done.{request.args.get('done')}", current)
        if request.args.get("done") in ("challenge", "settings")
        else None,
        switch_endpoint="admin.team_game",
    )


@bp.get("/m/<slug>/team-game")
@require(*VIEW)
def team_game(slug: str) -> Any:
    return _game_page(municipality_or_404(slug))


@bp.post("/m/<slug>/team-game/challenges")
@require(*MANAGE)
def team_challenge_create(slug: str) -> Any:
    town = municipality_or_404(slug)
    if not csrf_ok():
        return refuse_csrf(town)
    values = {k: request.form.get(k, "") for k in ("kind", "starts_on", "ends_on")}
    try:
        game.create_challenge(town, values["kind"], values["starts_on"], values["ends_on"], _actor())
    except ValidationError as exc:
        db.session.rollback()
        return _game_page(town, _errors(exc), values, 422)
    return redirect(url_for("admin.team_game", slug=town.slug, lang=lang(), done="challenge"), 303)


@bp.post("/m/<slug>/team-game/settings")
@require(*MANAGE)
def team_game_settings(slug: str) -> Any:
    town = municipality_or_404(slug)
    if not csrf_ok():
        return refuse_csrf(town)
    on = {e for e in TEAM_GAME_ELEMENTS if request.form.get(e) == "on"}
    change_settings(town, game_on=on, game_off=set(TEAM_GAME_ELEMENTS) - on)
    return redirect(url_for("admin.team_game", slug=town.slug, lang=lang(), done="settings"), 303)
