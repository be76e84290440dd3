"""A team member's signed link (purpose "team-member", subject the member's public id): it opens the team's
page without an account. It expires LINK_LIFETIME after the invitation (a new invitation renews it), and
revoking the member ends it at once."""

from __future__ import annotations

from urllib.parse import quote

from sqlalchemy import select

from climate_plugin.db import db
from climate_plugin.models import TeamMember
from climate_plugin.web.signed_links import LinkExpired, link_expiry, make_token, read_token

PURPOSE = "team-member"


def member_token(member: TeamMember) -> str:
    return make_token(PURPOSE, member.public_id, link_expiry(member.invited_at))


def member_path(member: TeamMember) -> str:
    return f"/t/{quote(member_token(member), safe='')}"


def member_url(member: TeamMember, base_url: str) -> str:
    return base_url.rstrip("/") + member_path(member)


def member_for(token: str) -> tuple[TeamMember | None, int]:
    """The member a link opens (active, in a live team), or None with the status to answer: 404 for a
    forged link or a revoked member, 410 for an expired link."""
    try:
        public_id = read_token(PURPOSE, token)
    except LinkExpired:
        return None, 410
    if public_id is None:
        return None, 404
    member = db.session.scalar(select(TeamMember).where(TeamMember.public_id == public_id))
    if member is None or member.revoked_at is not None or member.team.archived_at is not None:
        return None, 404
    return member, 200
