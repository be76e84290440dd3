"""Teams, their members and invitations, and the facilitated session's rounds: the one place that changes
them, each change in the audit log. Bad input raises ``marshmallow.ValidationError`` with a message per
field (the API's 422, the CLI's one line, the admin form's messages); another municipality's item or
measure is refused like one that does not exist. Every function commits."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from flask import current_app
from marshmallow import ValidationError
from sqlalchemy import select

from climate_plugin.accounts.audit import audit
from climate_plugin.db import db
from climate_plugin.i18n import LANGUAGES, t
from climate_plugin.models import AgendaItem, Connector, Measure, Municipality, Team, TeamMember
from climate_plugin.models._types import utcnow
from climate_plugin.models.team import SESSION_PHASES
from climate_plugin.models.team_member import GROUPS, ROLES
from climate_plugin.services import NotPossible, check_name
from climate_plugin.teams.links import member_url
from climate_plugin.teams.notices import queue_notice

_EMAIL = re.compile(r"[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+")
#: a round longer than a seminar afternoon is a typo
MAX_ROUND_MINUTES = 240
#: items of a body's agenda a team can propose solutions on (the newest first)
BODY_ITEMS = 30


def _target(team: Team) -> str:
    return f"team:{team.id}"


def _text(data: Mapping[str, Any], key: str, limit: int, *, required: bool = False) -> str | None:
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationError({key: ["must not be empty"]})
        return None
    if not isinstance(value, str):
        raise ValidationError({key: ["must be text"]})
    if len(value.strip()) > limit or "\n" in value.strip():
        raise ValidationError({key: [f"one line of at most {limit} characters"]})
    return value.strip()


def _email(data: Mapping[str, Any], key: str) -> str | None:
    value = _text(data, key, 320)
    if value is not None and not _EMAIL.fullmatch(value):
        raise ValidationError({key: ["not an e-mail address"]})
    return value


def _item_of(municipality: Municipality, item_id: Any) -> AgendaItem:
    item = None
    if isinstance(item_id, int) and not isinstance(item_id, bool):
        item = db.session.scalar(
            select(AgendaItem)
            .join(Connector, AgendaItem.connector_id == Connector.id)
            .where(AgendaItem.id == item_id, Connector.municipality_id == municipality.id)
        )
    if item is None or item.deleted_at is not None:
        raise ValidationError({"item_id": ["no such agenda item in this municipality"]})
    return item


def _measure_of(municipality: Municipality, measure_id: Any) -> Measure:
    measure = None
    if isinstance(measure_id, int) and not isinstance(measure_id, bool):
        measure = db.session.scalar(
            select(Measure).where(Measure.id == measure_id, Measure.municipality_id == municipality.id)
        )
    if measure is None:
        raise ValidationError({"measure_id": ["no such measure in this municipality's programme"]})
    return measure


def create_team(municipality: Municipality, data: Mapping[str, Any], actor: str = "") -> Team:
    """A team of ``municipality`` from ``{"name", "theme", "body"?, "item_id"?, "measure_id"?,
    "facilitator_email"?, "for_region"?}``; with ``for_region`` true the team works for the municipality's
    region (refused when the municipality belongs to none)."""
    name = check_name(data.get("name"))
    theme = _text(data, "theme", 500, required=True)
    body = _text(data, "body", 500)
    item = _item_of(municipality, data["item_id"]) if data.get("item_id") is not None else None
    measure = _measure_of(municipality, data["measure_id"]) if data.get("measure_id") is not None else None
    if item is not None and body is None:
        body = item.committee  # a team on one item follows that item's body
    region_id = None
    if data.get("for_region"):
        if municipality.region_id is None:
            raise ValidationError({"for_region": ["the municipality belongs to no region"]})
        region_id = municipality.region_id
    team = Team(
        municipality_id=municipality.id,
        region_id=region_id,
        name=name,
        theme=theme,
        body=body,
        item_id=item.id if item else None,
        measure_id=measure.id if measure else None,
        facilitator_email=_email(data, "facilitator_email"),
        created_by=actor[:400],
    )
    db.session.add(team)
    db.session.flush()
    audit(
        "team.create",
        _target(team),
        municipality.id,
        {
            "name": name,
            "theme": theme,
            "body": body,
            "item_id": team.item_id,
            "measure_id": team.measure_id,
            "region_id": region_id,
        },
    )
    db.session.commit()
    return team


def teams_of(municipality: Municipality, *, archived: bool = False) -> list[Team]:
    stmt = select(Team).where(Team.municipality_id == municipality.id)
    if not archived:
        stmt = stmt.where(Team.archived_at.is_(None))
    return list(db.session.scalars(stmt.order_by(Team.name, Team.id)))


def teams_of_region(region_id: int) -> list[Team]:
    """The teams that work for a region, whichever member municipality runs them (not archived)."""
    stmt = select(Team).where(Team.region_id == region_id, Team.archived_at.is_(None))
    return list(db.session.scalars(stmt.order_by(Team.name, Team.id)))


def archive_team(team: Team) -> Team:
    if team.archived_at is None:
        team.archived_at = utcnow()
        audit("team.archive", _target(team), team.municipality_id, {})
    db.session.commit()
    return team


def invite(team: Team, data: Mapping[str, Any], actor: str = "") -> tuple[TeamMember, str]:
    """A new member of ``team`` from ``{"role", "name", "group"?, "email"?, "language"?}``, and the member's
    link. With an e-mail address, the invitation is also sent there (a notice)."""
    if team.archived_at is not None:
        raise NotPossible("the team is archived")
    name = check_name(data.get("name"))
    role = data.get("role")
    if role not in ROLES:
        raise ValidationError({"role": [f"must be one of: {', '.join(ROLES)}"]})
    group = data.get("group") or None
    if group is not None and group not in GROUPS:
        raise ValidationError({"group": [f"must be one of: {', '.join(GROUPS)}"]})
    language = data.get("language") or team.municipality.language
    if language not in LANGUAGES:
        raise ValidationError({"language": [f"must be one of: {', '.join(LANGUAGES)}"]})
    member = TeamMember(
        team_id=team.id, name=name, role=role, group=group, email=_email(data, "email"), language=language
    )
    db.session.add(member)
    db.session.flush()
    url = member_url(member, current_app.config["PUBLIC_URL"])
    queue_notice(
        team,
        member.email,
        t("teams.mail.invite.subject", language, team=team.name),
        t("teams.mail.invite.body", language, name=name, team=team.name, theme=team.theme, url=url),
    )
    # the audit names the member, never the link: the link is the member's key
    audit(
        "team.invite",
        _target(team),
        team.municipality_id,
        {"member_id": member.id, "role": role, "group": group, "emailed": bool(member.email)},
        actor=actor or None,
    )
    db.session.commit()
    return member, url


def renew_link(member: TeamMember) -> str:
    """A new link for the member (the old one keeps working until it expires): a new invitation time."""
    member.invited_at = utcnow()
    audit("team.renew_link", _target(member.team), member.team.municipality_id, {"member_id": member.id})
    db.session.commit()
    return member_url(member, current_app.config["PUBLIC_URL"])


def revoke(member: TeamMember) -> TeamMember:
    """End a member's participation: the link stops working; what the member wrote stays."""
    if member.revoked_at is None:
        member.revoked_at = utcnow()
        audit("team.revoke", _target(member.team), member.team.municipality_id, {"member_id": member.id})
    db.session.commit()
    return member


def mark_joined(member: TeamMember) -> None:
    """The first time a member opens the link (counted as participation)."""
    if member.joined_at is None:
        member.joined_at = utcnow()
        db.session.commit()


def active_members(team: Team) -> list[TeamMember]:
    return [m for m in team.members if m.revoked_at is None]


def team_items(team: Team) -> list[AgendaItem]:
    """The agenda items the team can propose solutions on: its one item, or its body's live items."""
    if team.item_id is not None:
        return [team.item] if team.item is not None and team.item.deleted_at is None else []
    if not team.body:
        return []
    stmt = (
        select(AgendaItem)
        .join(Connector, AgendaItem.connector_id == Connector.id)
        .where(
            Connector.municipality_id == team.municipality_id,
            AgendaItem.committee == team.body,
            AgendaItem.deleted_at.is_(None),
        )
        .order_by(AgendaItem.fetched_at.desc(), AgendaItem.id.desc())
        .limit(BODY_ITEMS)
    )
    return list(db.session.scalars(stmt))


# --- the facilitated session ------------------------------------------------------------------------------
def start_round(team: Team, phase: Any, minutes: Any) -> Team:
    """Start the session's next round (propose, discuss or prioritise) lasting ``minutes``."""
    if phase not in SESSION_PHASES:
        raise ValidationError({"phase": [f"must be one of: {', '.join(SESSION_PHASES)}"]})
    try:
        length = int(minutes)
    except (TypeError, ValueError):
        raise ValidationError({"minutes": ["must be a whole number"]}) from None
    if not 1 <= length <= MAX_ROUND_MINUTES:
        raise ValidationError({"minutes": [f"from 1 to {MAX_ROUND_MINUTES}"]})
    team.session_phase = phase
    team.session_round += 1
    team.session_ends_at = utcnow() + timedelta(minutes=length)
    audit(
        "team.session_round",
        _target(team),
        team.municipality_id,
        {"phase": phase, "round": team.session_round, "minutes": length},
    )
    db.session.commit()
    return team


def end_session(team: Team) -> Team:
    if team.session_phase is not None:
        team.session_phase, team.session_ends_at = None, None
        audit("team.session_end", _target(team), team.municipality_id, {"rounds": team.session_round})
    db.session.commit()
    return team


def session_state(team: Team) -> dict[str, Any] | None:
    """The running round: phase, number, seconds left (0 when its time is up); None between sessions."""
    if team.session_phase is None:
        return None
    left = 0
    if team.session_ends_at is not None:
        left = max(0, int((team.session_ends_at - utcnow()).total_seconds()))
    return {
        "phase": team.session_phase,
        "round": team.session_round,
        "seconds_left": left,
        "ends_at": team.session_ends_at,
    }
