"""Members' pages, reached through the member's signed link (``/t/<token>``): no account, no password, no
JavaScript needed. The team's page (propose, comment, support, prioritise), the commitment form for a
solution (decision-makers), and the shared screen of a facilitated session (``/t/<token>/screen``: large
type, refreshes itself, for a workshop's projector).

Forms carry the cookie-free signed form token of ``climate_plugin.web.form_token`` (scope: the member), so
they work inside a host system's frame too; every change goes through ``teams.solutions``. Everything a
member or a host wrote is rendered through Jinja autoescaping.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, Response, redirect, request, url_for

from climate_plugin.assessments.links import checklist_url
from climate_plugin.checklist import CATEGORIES
from climate_plugin.commitments.service import FIELDS as COMMITMENT_FIELDS
from climate_plugin.commitments.service import MAX_LENGTH as COMMITMENT_MAX
from climate_plugin.dates import format_time, zone_of
from climate_plugin.db import db
from climate_plugin.i18n import language_links, pick_language, t
from climate_plugin.models import Solution, SolutionSupport, TeamMember
from climate_plugin.models.solution import COSTS
from climate_plugin.models.team import SESSION_PHASES
from climate_plugin.programme.service import measures_linked
from climate_plugin.services import NotPossible
from climate_plugin.teams import game, service, solutions
from climate_plugin.teams.links import member_for
from climate_plugin.teams.shown import solution_rows
from climate_plugin.web.form_token import FIELD as CSRF_FIELD
from climate_plugin.web.form_token import form_token, form_token_ok
from climate_plugin.web.render import render

bp = Blueprint("teams", __name__)

#: the shared screen reloads itself this often when asked to (?auto=1, a meta refresh: no script). Off by
#: default: WCAG 2.2.1 wants a page that changes by itself to be one its reader chose and can stop
SCREEN_REFRESH_SECONDS = 15


def _lang(member: TeamMember | None) -> str:
    if member is None:
        return pick_language(
            request.args.get("lang"), request.accept_languages.best_match(("fi", "sv", "en"))
        )
    return pick_language(request.args.get("lang"), member.language, member.team.municipality.language)


def _refused(status: int) -> Response:
    lang = _lang(None)
    key = "teams.link.expired" if status == 410 else "teams.link.not_found"
    body = render("error.html", lang, status=status, message=t(key, lang))
    return Response(body, status=status, mimetype="text/html")


def _member(token: str) -> TeamMember | Response:
    member, status = member_for(token)
    return member if member is not None else _refused(status)


def _scope(member: TeamMember) -> str:
    return f"team:{member.public_id}"


def _csrf_ok(member: TeamMember) -> bool:
    return form_token_ok(_scope(member), request.form.get(CSRF_FIELD))


def _session(member: TeamMember, lang: str) -> dict[str, Any] | None:
    return session_for_screen(member.team, lang)


def _page(
    member: TeamMember,
    token: str,
    lang: str,
    *,
    errors: Mapping[str, str] | None = None,
    values: Mapping[str, Any] | None = None,
    notice: str = "",
    status: int = 200,
) -> Response:
    team = member.team
    live = solutions.live_solutions(team)
    rows = solution_rows(live, lang)
    mine = {
        s.solution_id: s.priority
        for s in db.session.scalars(db.select(SolutionSupport).where(SolutionSupport.member_id == member.id))
    }
    for row in rows:
        row["supported"] = row["id"] in mine
        row["prioritised"] = bool(mine.get(row["id"]))
        row["own"] = row["row"].author_id == member.id
        row["can_commit"] = (
            member.role in solutions.COMMITTERS
            and row["row"].item_id is not None
            and not row["row"].commitment_id
        )
        row["measures"] = [
            {
                "identifier": link.measure.identifier,
                "title": link.measure.title,
                "effect": t(f"programme.effect.{link.effect}", lang),
            }
            for link in measures_linked(solution_id=row["id"])
        ]
        row["comments"] = [
            {"name": c.member.name, "role": t(f"teams.role.{c.member.role}", lang), "text": c.text}
            for c in row["row"].comments
        ]
    items = service.team_items(team)
    values = values or {}
    html = render(
        "teams/team.html",
        lang,
        member=member,
        role_label=t(f"teams.role.{member.role}", lang),
        team=team,
        municipality=team.municipality.name,
        item=team.item,
        measure=team.measure,
        session=_session(member, lang),
        items=[
            {"id": i.id, "title": i.title, "meeting": i.meeting, "checklist_url": checklist_url(i, "")}
            for i in items
        ],
        categories=[{"code": c.code, "name": c.name[lang]} for c in CATEGORIES],
        costs=[{"code": code, "label": t(f"teams.cost.{code}", lang)} for code in COSTS],
        solutions=rows,
        members=[
            {
                "name": m.name,
                "role": t(f"teams.role.{m.role}", lang),
                "group": t(f"teams.group.{m.group}", lang) if m.group else "",
            }
            for m in service.active_members(team)
        ],
        priorities_left=solutions.MAX_PRIORITIES - solutions.priorities_of(member),
        game=game.team_game(team, lang),
        errors=dict(errors or {}),
        values={k: v for k, v in values.items() if isinstance(v, str)},
        notice=notice,
        token=token,
        csrf_field=CSRF_FIELD,
        csrf_token=form_token(_scope(member)),
        languages=language_links("teams.team_page", lang, token=token),
    )
    response = Response(html, status=status, mimetype="text/html")
    response.headers["Content-Language"] = lang
    # the page is one member's: never from a shared cache
    response.headers["Cache-Control"] = "no-store"
    return response


def _back(token: str, lang: str, anchor: str = "", **args: Any) -> Response:
    return redirect(url_for("teams.team_page", token=token, lang=lang, **args) + anchor, 303)


@bp.get("/t/<token>")
def team_page(token: str) -> Response:
    member = _member(token)
    if isinstance(member, Response):
        return member
    service.mark_joined(member)
    lang = _lang(member)
    done = request.args.get("done")
    notice = t(f"teams.done.{done}", _lang(member)) if done in ("proposed", "commented", "committed") else ""
    return _page(member, token, lang, notice=notice)


def _refuse_csrf(member: TeamMember, token: str, lang: str) -> Response:
    return _page(
        member,
        token,
        lang,
        errors={"_form": t("teams.error.csrf", lang)},
        values=request.form.to_dict(),
        status=400,
    )


@bp.post("/t/<token>/solutions")
def propose(token: str) -> Response:
    member = _member(token)
    if isinstance(member, Response):
        return member
    lang = _lang(member)
    if not _csrf_ok(member):
        return _refuse_csrf(member, token, lang)
    solution, errors = solutions.propose(member, request.form.to_dict(), lang)
    if errors:
        return _page(member, token, lang, errors=errors, values=request.form.to_dict(), status=422)
    return _back(token, lang, f"#solution-{solution.id}", done="proposed")


def _solution_action(token: str, solution_id: int) -> tuple[TeamMember, Solution, str] | Response:
    member = _member(token)
    if isinstance(member, Response):
        return member
    lang = _lang(member)
    if not _csrf_ok(member):
        return _refuse_csrf(member, token, lang)
    solution = solutions.solution_of(member, solution_id)
    if solution is None:
        return _refused(404)
    return member, solution, lang


@bp.post("/t/<token>/solutions/<int:solution_id>/support")
def support(token: str, solution_id: int) -> Response:
    found = _solution_action(token, solution_id)
    if isinstance(found, Response):
        return found
    member, solution, lang = found
    solutions.toggle_support(member, solution)
    return _back(token, lang, f"#solution-{solution.id}")


@bp.post("/t/<token>/solutions/<int:solution_id>/priority")
def priority(token: str, solution_id: int) -> Response:
    found = _solution_action(token, solution_id)
    if isinstance(found, Response):
        return found
    member, solution, lang = found
    errors = solutions.toggle_priority(member, solution, lang)
    if errors:
        return _page(member, token, lang, errors={"_form": errors["priority"]}, status=409)
    return _back(token, lang, f"#solution-{solution.id}")


@bp.post("/t/<token>/solutions/<int:solution_id>/comments")
def add_comment(token: str, solution_id: int) -> Response:
    found = _solution_action(token, solution_id)
    if isinstance(found, Response):
        return found
    member, solution, lang = found
    errors = solutions.comment(member, solution, request.form.get("text"), lang)
    if errors:
        return _page(member, token, lang, errors={f"comment-{solution.id}": errors["text"]}, status=422)
    return _back(token, lang, f"#solution-{solution.id}", done="commented")


@bp.post("/t/<token>/solutions/<int:solution_id>/withdraw")
def withdraw(token: str, solution_id: int) -> Response:
    found = _solution_action(token, solution_id)
    if isinstance(found, Response):
        return found
    member, solution, lang = found
    try:
        solutions.withdraw(member, solution)
    except NotPossible:
        return _page(
            member, token, lang, errors={"_form": t("teams.error.cannot_withdraw", lang)}, status=409
        )
    return _back(token, lang)


# --- a solution becomes a decision-maker's commitment ------------------------------------------------
def _commitment_page(
    member: TeamMember,
    solution: Solution,
    token: str,
    lang: str,
    errors: Mapping[str, str] | None = None,
    values: Mapping[str, Any] | None = None,
    status: int = 200,
) -> Response:
    values = values if values is not None else {"what": solution.what, "owner": member.name}
    html = render(
        "teams/commitment.html",
        lang,
        member=member,
        team=member.team,
        solution=solution,
        item=solution.item,
        fields=[
            {
                "name": name,
                "value": values.get(name) if isinstance(values.get(name), str) else "",
                "error": (errors or {}).get(name),
                "required": name not in ("owner_email", "challenged_committee"),
                "maxlength": COMMITMENT_MAX.get(name),
                "type": {"what": "textarea", "due_date": "date", "owner_email": "email"}.get(name, "text"),
            }
            for name in COMMITMENT_FIELDS
        ],
        form_error=(errors or {}).get("_form"),
        token=token,
        csrf_field=CSRF_FIELD,
        csrf_token=form_token(_scope(member)),
        languages=language_links("teams.commitment_form", lang, token=token, solution_id=solution.id),
    )
    response = Response(html, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/t/<token>/solutions/<int:solution_id>/commitment")
def commitment_form(token: str, solution_id: int) -> Response:
    member = _member(token)
    if isinstance(member, Response):
        return member
    solution = solutions.solution_of(member, solution_id)
    if solution is None:
        return _refused(404)
    return _commitment_page(member, solution, token, _lang(member))


@bp.post("/t/<token>/solutions/<int:solution_id>/commitment")
def commit(token: str, solution_id: int) -> Response:
    member = _member(token)
    if isinstance(member, Response):
        return member
    lang = _lang(member)
    solution = solutions.solution_of(member, solution_id)
    if solution is None:
        return _refused(404)
    data = request.form.to_dict()
    if not _csrf_ok(member):
        return _commitment_page(
            member, solution, token, lang, {"_form": t("teams.error.csrf", lang)}, data, 400
        )
    _commitment, errors = solutions.make_commitment(member, solution, data, lang)
    if errors:
        return _commitment_page(member, solution, token, lang, errors, data, 422)
    return _back(token, lang, f"#solution-{solution.id}", done="committed")


# --- the shared screen of a facilitated session ------------------------------------------------------
@bp.get("/t/<token>/screen")
def screen(token: str) -> Response:
    member = _member(token)
    if isinstance(member, Response):
        return member
    lang = _lang(member)
    return screen_response(
        member.team, lang, language_links("teams.screen", lang, token=token), session=_session(member, lang)
    )


def screen_response(team: Any, lang: str, languages: list, session: dict | None) -> Response:
    """The shared screen (also the coordinator's, from the admin pages)."""
    live = solutions.live_solutions(team)
    auto = request.args.get("auto") == "1"
    args = {k: v for k, v in request.args.items() if k != "auto"}
    html = render(
        "teams/screen.html",
        lang,
        auto=auto,
        auto_url=url_for(request.endpoint, **(request.view_args or {}), **args, auto="1"),
        manual_url=url_for(request.endpoint, **(request.view_args or {}), **args),
        team=team,
        session=session,
        phases=[{"code": p, "label": t(f"teams.phase.{p}", lang)} for p in SESSION_PHASES],
        solutions=solution_rows(live, lang),
        members=len(service.active_members(team)),
        refresh=SCREEN_REFRESH_SECONDS,
        languages=languages,
    )
    response = Response(html, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


def session_for_screen(team: Any, lang: str) -> dict[str, Any] | None:
    """The running round as the screen shows it (for the admin's copy of the screen)."""
    state = service.session_state(team)
    if state is None:
        return None
    return {
        **state,
        "label": t(f"teams.phase.{state['phase']}", lang),
        "hint": t(f"teams.phase.{state['phase']}.hint", lang),
        "minutes_left": (state["seconds_left"] + 59) // 60,
        "until": format_time(state["ends_at"], lang, zone_of(getattr(team, "municipality", None))),
    }
