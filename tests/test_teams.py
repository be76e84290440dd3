"""Climate teams: the API contract (a team, an invitation whose link opens the team's page without an
account, its solutions, all in the OpenAPI document), roles and scoping, the member's forms and their rules,
what becomes of a solution (a commitment by the commitments service's rules, an alternative, a measure), the
climate block through the one write-back plan, notices, game elements and participation figures."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from climate_plugin.db import db
from climate_plugin.i18n import t
from climate_plugin.models import Commitment, Measure, Municipality, Solution, Team, TeamMember, WriteBack
from climate_plugin.models._types import utcnow
from climate_plugin.reach import service as reach_service
from climate_plugin.teams import game, notices, service, solutions
from climate_plugin.teams.participation import game_engagement, participation
from climate_plugin.writeback.block import build_climate_block
from tests.factories import MunicipalityFactory, ScreenedItemFactory, SubmittedItemFactory
from tests.support.auth import csrf_of

BODY = "Tekninen lautakunta"


@pytest.fixture
def team_api(app, client, auth):
    """A coordinator's token of Hollola, a screened item of its technical board, a team following the board,
    and an invited youth representative: (headers, team id, item id, the member's link path)."""
    with app.app_context():
        item = ScreenedItemFactory(committee=BODY)
        item_id = item.id
    headers = {"Authorization": f"Bearer {auth.token('coordinator')}"}
    team = client.post(
        "/api/v1/teams", headers=headers, json={"name": "Koulumatkat", "theme": "Pyöräily", "body": BODY}
    )
    assert team.status_code == 201, team.get_json()
    invited = client.post(
        f"/api/v1/teams/{team.get_json()['id']}/invitations",
        headers=headers,
        json={"role": "stakeholder", "name": "Aino", "group": "youth"},
    )
    assert invited.status_code == 201, invited.get_json()
    return (
        headers,
        team.get_json()["id"],
        item_id,
        invited.get_json()["url"].replace("http://plugin.test", ""),
    )


def _propose(client, path: str, **fields):
    page = client.get(path).get_data(as_text=True)
    data = {
        "csrf_token": csrf_of(page),
        "what": "Pyöräparkki",
        "effect": "Vähemmän saattoliikennettä",
        "effect_category": "transport",
        "cost": "low",
        **fields,
    }
    return client.post(path + "/solutions", data=data)


def test_the_api_contract_and_the_link_opens_the_page_without_an_account(app, client, team_api):
    headers, team_id, _item_id, path = team_api
    page = client.get(path)
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert page.headers["Content-Language"] == "fi"  # the municipality's language
    assert "Koulumatkat" in page.get_data(as_text=True) and "Ehdota ratkaisua" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    assert client.get(f"/api/v1/teams/{team_id}/solutions", headers=headers).get_json() == []
    document = client.get("/api/v1/openapi.json").get_json()["paths"]
    for route in (
        "/api/v1/teams",
        "/api/v1/teams/{team_id}/invitations",
        "/api/v1/teams/{team_id}/solutions",
        "/api/v1/measures",
    ):
        assert route in document
    assert "201" in document["/api/v1/teams"]["post"]["responses"]


def test_a_swedish_municipalitys_link_opens_in_swedish(app, client, auth):
    with app.app_context():
        MunicipalityFactory(slug="pargas", language="sv")
    headers = {"Authorization": f"Bearer {auth.token('municipality_admin', 'pargas')}"}
    team_id = client.post(
        "/api/v1/teams", headers=headers, json={"name": "Skärgård", "theme": "Båtar"}
    ).get_json()["id"]
    url = client.post(
        f"/api/v1/teams/{team_id}/invitations", headers=headers, json={"role": "stakeholder", "name": "Elin"}
    ).get_json()["url"]
    page = client.get(url.replace("http://plugin.test", ""))
    assert page.headers["Content-Language"] == "sv" and "Föreslå en lösning" in page.get_data(as_text=True)


def test_roles_scope_and_bad_input(app, client, auth, team_api):
    headers, team_id, _item_id, _path = team_api
    viewer = {"Authorization": f"Bearer {auth.token('viewer')}"}
    assert client.post("/api/v1/teams", headers=viewer, json={"name": "x", "theme": "y"}).status_code == 403
    assert client.get(f"/api/v1/teams/{team_id}", headers=viewer).status_code == 200
    lahti = {"Authorization": f"Bearer {auth.token('coordinator', 'lahti')}"}
    assert client.get(f"/api/v1/teams/{team_id}", headers=lahti).status_code == 404
    assert (
        client.post(
            f"/api/v1/teams/{team_id}/invitations", headers=lahti, json={"role": "stakeholder", "name": "x"}
        ).status_code
        == 404
    )
    assert client.get("/api/v1/teams", headers=lahti).get_json() == []
    assert client.post("/api/v1/teams", headers=headers, json={"name": "x"}).status_code == 422
    refused = client.post(
        f"/api/v1/teams/{team_id}/invitations", headers=headers, json={"role": "mayor", "name": "x"}
    )
    assert refused.status_code == 422 and "role" in refused.get_json()["errors"]["json"]
    # another municipality's item cannot be a team's item
    with app.app_context():
        other = ScreenedItemFactory(connector__municipality__slug="lahti", external_id="l-1")
        other_id = other.id
    wrong = client.post(
        "/api/v1/teams", headers=headers, json={"name": "x", "theme": "y", "item_id": other_id}
    )
    assert wrong.status_code == 422
    assert (
        client.post(
            "/api/v1/teams", headers={"Authorization": "Bearer cpt_nope"}, json={"name": "x", "theme": "y"}
        ).status_code
        == 401
    )


def test_links_forged_revoked_and_expired(app, client, team_api):
    _headers, team_id, _item_id, path = team_api
    assert client.get(path[:-3] + "abc").status_code == 404
    with app.app_context():
        member = db.session.scalar(select(TeamMember).where(TeamMember.team_id == team_id))
        member.invited_at = utcnow() - timedelta(days=400)
        db.session.commit()
        from climate_plugin.teams.links import member_path

        old = member_path(member)
    expired = client.get(old)
    assert expired.status_code == 410 and "vanhentunut" in expired.get_data(as_text=True)
    with app.app_context():
        service.revoke(db.session.scalar(select(TeamMember).where(TeamMember.team_id == team_id)))
    assert client.get(path).status_code == 404


def test_proposing_supporting_and_prioritising(app, client, team_api):
    headers, team_id, item_id, path = team_api
    refused = client.post(
        path + "/solutions",
        data={"csrf_token": "forged", "what": "x", "effect": "y", "effect_category": "transport"},
    )
    assert refused.status_code == 400
    missing = _propose(client, path, effect="", effect_category="weather")
    assert missing.status_code == 422
    text = missing.get_data(as_text=True)
    assert "Kerro odotettu vaikutus" in text and "Valitse, mihin vaikutus kohdistuu" in text
    assert 'value="Pyöräparkki"' not in text  # a textarea keeps the value as its content
    assert ">Pyöräparkki</textarea>" in text
    made = _propose(client, path, item_id=str(item_id))
    assert made.status_code == 303
    listed = client.get(f"/api/v1/teams/{team_id}/solutions", headers=headers).get_json()
    assert [(s["what"], s["item_id"], s["outcomes"]) for s in listed] == [
        ("Pyöräparkki", item_id, ["proposed"])
    ]
    sid = listed[0]["id"]
    token = csrf_of(client.get(path).get_data(as_text=True))
    client.post(f"{path}/solutions/{sid}/support", data={"csrf_token": token})
    client.post(f"{path}/solutions/{sid}/support", data={"csrf_token": token})  # taken back
    client.post(f"{path}/solutions/{sid}/priority", data={"csrf_token": token})
    shown = client.get(f"/api/v1/teams/{team_id}/solutions", headers=headers).get_json()[0]
    assert (shown["supporters"], shown["priorities"]) == (1, 1)
    for n in range(3):
        _propose(client, path, what=f"Idea {n}")
    ids = [s["id"] for s in client.get(f"/api/v1/teams/{team_id}/solutions", headers=headers).get_json()]
    for other in ids[1:3]:
        assert (
            client.post(f"{path}/solutions/{other}/priority", data={"csrf_token": token}).status_code == 303
        )
    full = client.post(f"{path}/solutions/{ids[3]}/priority", data={"csrf_token": token})
    assert full.status_code == 409 and "3 tärkeintä" in full.get_data(as_text=True)
    # another team's solution is not reachable through this link
    assert client.post(f"{path}/solutions/99999/support", data={"csrf_token": token}).status_code == 404


def test_a_solution_becomes_a_commitment_only_by_the_commitment_rules(app, client, team_api):
    headers, team_id, item_id, path = team_api
    _propose(client, path, item_id=str(item_id))
    sid = client.get(f"/api/v1/teams/{team_id}/solutions", headers=headers).get_json()[0]["id"]
    token = csrf_of(client.get(path).get_data(as_text=True))
    form = {
        "csrf_token": token,
        "what": "Pyöräparkki",
        "target": "edistetään pyöräilyä",
        "indicator": "Pyöräpaikat",
        "due_date": (date.today() + timedelta(days=200)).isoformat(),
        "owner": "Aino",
    }
    stakeholder = client.post(f"{path}/solutions/{sid}/commitment", data=form)
    assert stakeholder.status_code == 422 and "päättäjä" in stakeholder.get_data(as_text=True)
    board_url = client.post(
        f"/api/v1/teams/{team_id}/invitations",
        headers=headers,
        json={"role": "decision_maker", "name": "Liisa"},
    ).get_json()["url"]
    board = board_url.replace("http://plugin.test", "")
    form["csrf_token"] = csrf_of(client.get(board).get_data(as_text=True))
    vague = client.post(f"{board}/solutions/{sid}/commitment", data=form)
    assert vague.status_code == 422 and "edistetään" in vague.get_data(as_text=True)  # Sitoumus2050: vague
    form["target"] = "40 pyöräpaikkaa vuoteen 2027"
    assert client.post(f"{board}/solutions/{sid}/commitment", data=form).status_code == 303
    with app.app_context():
        commitment = db.session.scalar(select(Commitment))
        assert commitment.item_id == item_id and db.session.get(Solution, sid).commitment_id == commitment.id
        block = db.session.scalars(select(WriteBack).order_by(WriteBack.id.desc())).first().body
        assert block["commitments"][0]["target"] == "40 pyöräpaikkaa vuoteen 2027"
        assert block["team_solutions"][0]["outcomes"] == ["commitment"]


def test_alternatives_measures_and_the_block(app, client, team_api):
    headers, team_id, item_id, path = team_api
    _propose(client, path, item_id=str(item_id))
    _propose(client, path, what="Ilman asiaa")
    first, second = (
        s["id"] for s in client.get(f"/api/v1/teams/{team_id}/solutions", headers=headers).get_json()
    )
    with app.app_context():
        item = db.session.get(Solution, first).item
        planned = build_climate_block(item, item.current_assessment, "http://plugin.test")
        assert [s["what"] for s in planned["team_solutions"]] == ["Pyöräparkki"]
        assert planned["team_solutions"][0]["outcomes"] == ["proposed"]
        # the block is deterministic: building it again gives the same dict
        assert build_climate_block(item, item.current_assessment, "http://plugin.test") == planned
    assert client.post(f"/api/v1/teams/{team_id}/solutions/{first}/alternative", headers=headers).get_json()[
        "outcomes"
    ] == ["alternative"]
    assert (
        client.post(f"/api/v1/teams/{team_id}/solutions/{second}/alternative", headers=headers).status_code
        == 409
    )  # on no item
    with app.app_context():
        measure = solutions.propose_as_measure(db.session.get(Solution, second), "", "test")
        assert (measure.identifier, measure.status, measure.source) == (
            f"T{team_id}-{second}",
            "proposed",
            "team",
        )
        assert db.session.get(Solution, second).proposed_measure_id == measure.id
        awarded = game.team_badges(db.session.get(Team, team_id), "en")
        assert awarded[0]["count"] == 2 and awarded[0]["level"] == 1


def test_notices_go_to_the_outbox_and_a_failure_is_kept(app, client, team_api, monkeypatch):
    from climate_plugin.mail import read_outbox

    headers, team_id, _item_id, _path = team_api
    with app.app_context():
        before = {m.path for m in read_outbox()}  # the instance folder's outbox is shared by the tests
    client.post(
        f"/api/v1/teams/{team_id}/invitations",
        headers=headers,
        json={"role": "stakeholder", "name": "Pekka", "email": "pekka@yritys.fi", "language": "sv"},
    )
    with app.app_context():
        sent = [m for m in read_outbox() if m.path not in before]
        assert [m.to for m in sent] == ["pekka@yritys.fi"]
        assert "Inbjudan till klimatteamet" in sent[0].subject and "/t/" in sent[0].text
        from climate_plugin.outbound import TransientError

        def down(*_args, **_kwargs):
            raise TransientError("mail server smtp.example: timed out")

        monkeypatch.setattr("climate_plugin.teams.notices.send_mail", down)
        team = db.session.get(Team, team_id)
        service.invite(team, {"role": "stakeholder", "name": "x", "email": "x@y.fi"})
        assert notices.send_pending(team_id) == {"sent": 0, "failed": 1}
        kept = notices.unsent(team)
        assert [n.to for n in kept] == ["x@y.fi"] and "timed out" in kept[0].last_error


def test_game_elements_switch_and_the_leaderboard_is_opt_in(app):
    with app.app_context():
        hollola = MunicipalityFactory(slug="hollola")
        lahti = MunicipalityFactory(slug="lahti")
        assert hollola.game_enabled("team_challenges") and not hollola.game_enabled("team_leaderboard")
        SubmittedItemFactory(
            committee=BODY,
            assessment__answers={
                "ratings": {"transport": {"rating": "-", "justification": "Autoja."}},
                "questions": {"X1": "Pyöräkatua verrattiin."},
            },
            assessment__submitted_at=utcnow(),
        )
        challenge = game.create_challenge(
            hollola,
            "alternatives_on_high_items",
            date.today() - timedelta(days=1),
            date.today() + timedelta(days=30),
        )
        shown = game.standings(challenge, "fi")
        assert shown["bodies"] == [{"body": BODY, "count": 1}] and not shown["ranked"]
        assert shown["municipalities"] == []
        hollola.update_settings(game={"team_leaderboard": True})
        db.session.commit()
        ranked = game.standings(challenge, "fi")
        assert ranked["ranked"] and [m["municipality"] for m in ranked["municipalities"]] == ["Hollola"]
        assert lahti.name not in str(ranked)  # not opted in: never listed
        with pytest.raises(Exception, match="ends_on"):
            game.create_challenge(hollola, "commitments_kept", "2027-01-02", "2027-01-01")


def test_participation_for_the_reach_picture(app, client, team_api):
    _headers, team_id, item_id, path = team_api
    _propose(client, path, item_id=str(item_id))
    with app.app_context():
        town = db.session.scalar(select(Municipality).where(Municipality.slug == "hollola"))
        rows = participation(town.id, date.today() - timedelta(days=1), date.today())
        assert rows == [
            {
                "body": BODY,
                "role": "stakeholder",
                "group": "youth",
                "members": 1,
                "joined": 1,
                "active": 1,
                "solutions": 1,
                "comments": 0,
                "supports": 0,
            }
        ]
        before = participation(town.id, date(2020, 1, 1), date(2020, 12, 31))
        assert before == []
        engagement = game_engagement(town.id, date.today(), date.today())
        assert engagement["enabled"] == {
            "team_challenges": True,
            "climate_team_badges": True,
            "team_leaderboard": False,
        }


def test_a_member_who_worked_on_an_item_counts_among_the_items_participants(app, client, team_api):
    """The reach picture's "participants" (by role) counts the youth representative who proposed a solution
    on the item, as a stakeholder in a team; a solution on no item counts for no item."""
    _headers, _team_id, item_id, path = team_api
    _propose(client, path, item_id=str(item_id))
    _propose(client, path, what="Ilman asiaa")
    with app.app_context():
        town = db.session.scalar(select(Municipality).where(Municipality.slug == "hollola"))
        filters = reach_service.parse_filters({"by": "body"}, date.today())
        result = reach_service.reach(town, filters, date.today())
        assert sorted((item, role) for item, _, role in result.people if role.startswith("team_")) == [
            (item_id, "team_stakeholder")
        ]
        rows = reach_service.participants_by_role(result)
        assert [row["team_stakeholder"] for row in rows if row["body"] == BODY] == [1]
        assert t("reach.col.team_stakeholder", "fi") == "Sidosryhmät tiimeissä"

def test_the_meeting_view_and_checklist_show_the_team(app, client, team_api):
    headers, team_id, item_id, path = team_api
    _propose(client, path, item_id=str(item_id))
    sid = client.get(f"/api/v1/teams/{team_id}/solutions", headers=headers).get_json()[0]["id"]
    with app.app_context():
        from climate_plugin.assessments.links import checklist_token
        from climate_plugin.meetings.links import meeting_url
        from climate_plugin.models import AgendaItem

        item = db.session.get(AgendaItem, item_id)
        checklist, meeting = (
            f"/checklist/{checklist_token(item)}",
            meeting_url(item.connector_id, item.meeting, ""),
        )
    assert "team-alternatives" not in client.get(checklist).get_data(as_text=True)  # not attached yet
    client.post(f"/api/v1/teams/{team_id}/solutions/{sid}/alternative", headers=headers)
    x1 = client.get(checklist + "?lang=en").get_data(as_text=True)
    assert "Alternatives from the climate team" in x1 and "Pyöräparkki" in x1
    view = client.get(meeting + "?lang=sv").get_data(as_text=True)
    assert "Klimatteam: Koulumatkat" in view and "Pyöräparkki" in view
    assert re.search(r"alternativ i beredningen", view)


def test_the_session_rounds(app, client, team_api):
    headers, team_id, _item_id, path = team_api
    started = client.post(
        f"/api/v1/teams/{team_id}/session", headers=headers, json={"phase": "propose", "minutes": 15}
    )
    assert started.status_code == 200 and started.get_json()["session_round"] == 1
    page = client.get(path).get_data(as_text=True)
    assert "Kierros 1: ideointi" in page
    screen = client.get(path + "/screen?lang=en")
    # it refreshes itself only when asked to, with a link to stop (WCAG 2.2.1)
    assert screen.status_code == 200 and 'http-equiv="refresh"' not in screen.get_data(as_text=True)
    auto = client.get(path + "/screen?lang=en&auto=1").get_data(as_text=True)
    assert 'http-equiv="refresh"' in auto and "auto=1" not in auto.split("Refreshes every")[1][:400]
    assert "Round 1: proposing" in screen.get_data(as_text=True)
    assert (
        client.post(
            f"/api/v1/teams/{team_id}/session", headers=headers, json={"phase": "propose", "minutes": 9999}
        ).status_code
        == 422
    )
    ended = client.post(f"/api/v1/teams/{team_id}/session", headers=headers, json={"phase": "end"})
    assert ended.get_json()["session_phase"] is None
    with app.app_context():
        assert db.session.scalar(select(Measure.id)) is None


def test_the_cli_creates_invites_and_lists(app, runner):
    import json

    from tests.support.cli import assert_clean_failure, invoke

    with app.app_context():
        MunicipalityFactory(slug="hollola")
    made = invoke(
        runner, "teams", "create", "--municipality", "hollola", "--name", "Energia", "--theme", "Lämpö"
    )
    assert made.exit_code == 0, made.output
    team_id = json.loads(made.stdout)["id"]
    invited = json.loads(invoke(runner, "teams", "invite", "--team", str(team_id), "--name", "Eero").stdout)
    assert invited["url"].startswith("http://plugin.test/t/") and invited["role"] == "stakeholder"
    assert json.loads(invoke(runner, "teams", "solutions", "--team", str(team_id)).stdout) == []
    assert_clean_failure(
        invoke(runner, "teams", "invite", "--team", "999", "--name", "x"), "no team with id 999"
    )
    assert_clean_failure(
        invoke(runner, "teams", "create", "--municipality", "hollola", "--name", " ", "--theme", "x"), "name"
    )
    figures = json.loads(
        invoke(
            runner,
            "teams",
            "participation",
            "--municipality",
            "hollola",
            "--from",
            "2026-01-01",
            "--to",
            "2026-12-31",
        ).stdout
    )
    assert set(figures) == {"participation", "game"}


def _form_token(html: str) -> str:
    """The admin forms' token (the first form on an admin page is signing out, with its own)."""
    return re.findall(r'name="csrf_token" value="([^"]+)"', html)[-1]


def test_the_admin_pages_let_the_coordinator_run_a_team(app, client, auth):
    from tests.factories import UserFactory

    with app.app_context():
        viewer_id = UserFactory(role="viewer").id
        coordinator_id = UserFactory(role="coordinator").id
    auth.login_as(viewer_id)
    listing = client.get("/admin/m/hollola/teams")
    assert listing.status_code == 200 and "Uusi ilmastotiimi" not in listing.get_data(as_text=True)
    assert client.post("/admin/m/hollola/teams", data={"name": "x", "theme": "y"}).status_code == 403
    auth.login_as(coordinator_id)
    page = client.get("/admin/m/hollola/teams").get_data(as_text=True)
    assert "lukuoikeus" not in page  # the coordinator runs teams
    made = client.post(
        "/admin/m/hollola/teams", data={"csrf_token": _form_token(page), "name": "Energia", "theme": "Lämpö"}
    )
    assert made.status_code == 303
    team_page = client.get(made.headers["Location"]).get_data(as_text=True)
    invited = client.post(
        made.headers["Location"].split("?")[0] + "/members",
        data={"csrf_token": _form_token(team_page), "name": "Eero", "role": "official"},
    )
    assert invited.status_code == 303
    shown = client.get(invited.headers["Location"]).get_data(as_text=True)
    assert "Eero" in shown and 'class="member-link" value="http://plugin.test/t/' in shown
    empty = client.post(
        "/admin/m/hollola/teams", data={"csrf_token": _form_token(page), "name": "", "theme": ""}
    )
    assert empty.status_code == 422
