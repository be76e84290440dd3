"""climate teams (members, solutions, comments, support), the climate programme's measures and their links,
team challenges, team badge awards and e-mail notices (issue 14)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-21 09:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "measure",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("municipality_id", sa.Integer(), sa.ForeignKey("municipality.id"), nullable=False),
        sa.Column("identifier", sa.String(100), nullable=False),
        sa.Column("title", sa.String(1000), nullable=False),
        sa.Column("sector", sa.String(200), nullable=False),
        sa.Column("responsible_body", sa.String(500), nullable=False),
        sa.Column("indicator", sa.String(1000), nullable=False),
        sa.Column("target", sa.String(1000), nullable=False),
        sa.Column("status", sa.String(100), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("source_ref", sa.String(1000), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("synced_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("missing_since", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("municipality_id", "identifier", name="uq_measure_identifier"),
    )
    op.create_index("ix_measure_municipality_id", "measure", ["municipality_id"])

    op.create_table(
        "team",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("municipality_id", sa.Integer(), sa.ForeignKey("municipality.id"), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("theme", sa.String(500), nullable=False),
        sa.Column("body", sa.String(500), nullable=True),
        sa.Column("item_id", sa.Integer(), sa.ForeignKey("agenda_item.id"), nullable=True),
        sa.Column("measure_id", sa.Integer(), sa.ForeignKey("measure.id"), nullable=True),
        sa.Column("facilitator_email", sa.String(320), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(400), nullable=False),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("session_phase", sa.String(16), nullable=True),
        sa.Column("session_round", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("session_ends_at", sa.DateTime(timezone=True), nullable=True),
    )
    for column in ("municipality_id", "body", "item_id", "measure_id"):
        op.create_index(f"ix_team_{column}", "team", [column])

    op.create_table(
        "team_member",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sa.Integer(), sa.ForeignKey("team.id"), nullable=False),
        sa.Column("public_id", sa.String(32), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("stakeholder_group", sa.String(16), nullable=True),
        sa.Column("email", sa.String(320), nullable=True),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("invited_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "role IN ('facilitator', 'decision_maker', 'official', 'stakeholder')", name="member_role_known"
        ),
    )
    op.create_index("ix_team_member_team_id", "team_member", ["team_id"])

    op.create_table(
        "solution",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sa.Integer(), sa.ForeignKey("team.id"), nullable=False),
        sa.Column("municipality_id", sa.Integer(), sa.ForeignKey("municipality.id"), nullable=False),
        sa.Column("item_id", sa.Integer(), sa.ForeignKey("agenda_item.id"), nullable=True),
        sa.Column("author_id", sa.Integer(), sa.ForeignKey("team_member.id"), nullable=False),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("effect", sa.Text(), nullable=False),
        sa.Column("effect_category", sa.String(32), nullable=False),
        sa.Column("cost", sa.String(16), nullable=False),
        sa.Column("who", sa.String(500), nullable=False),
        sa.Column("session_round", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("commitment_id", sa.Integer(), sa.ForeignKey("commitment.id"), nullable=True),
        sa.Column("alternative_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("proposed_measure_id", sa.Integer(), sa.ForeignKey("measure.id"), nullable=True),
        sa.CheckConstraint(
            "cost IN ('none', 'low', 'medium', 'high', 'unknown')", name="solution_cost_known"
        ),
    )
    for column in ("team_id", "municipality_id", "item_id", "author_id"):
        op.create_index(f"ix_solution_{column}", "solution", [column])

    op.create_table(
        "solution_comment",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("solution_id", sa.Integer(), sa.ForeignKey("solution.id"), nullable=False),
        sa.Column("member_id", sa.Integer(), sa.ForeignKey("team_member.id"), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_solution_comment_solution_id", "solution_comment", ["solution_id"])
    op.create_index("ix_solution_comment_member_id", "solution_comment", ["member_id"])

    op.create_table(
        "solution_support",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("solution_id", sa.Integer(), sa.ForeignKey("solution.id"), nullable=False),
        sa.Column("member_id", sa.Integer(), sa.ForeignKey("team_member.id"), nullable=False),
        sa.Column("priority", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("solution_id", "member_id", name="uq_support_solution_member"),
    )
    op.create_index("ix_solution_support_solution_id", "solution_support", ["solution_id"])
    op.create_index("ix_solution_support_member_id", "solution_support", ["member_id"])

    op.create_table(
        "measure_link",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("measure_id", sa.Integer(), sa.ForeignKey("measure.id"), nullable=False),
        sa.Column("municipality_id", sa.Integer(), sa.ForeignKey("municipality.id"), nullable=False),
        sa.Column("item_id", sa.Integer(), sa.ForeignKey("agenda_item.id"), nullable=True),
        sa.Column("commitment_id", sa.Integer(), sa.ForeignKey("commitment.id"), nullable=True),
        sa.Column("solution_id", sa.Integer(), sa.ForeignKey("solution.id"), nullable=True),
        sa.Column("effect", sa.String(16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(400), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("effect IN ('advances', 'conflicts')", name="measure_link_effect_known"),
        sa.CheckConstraint(
            "(CASE WHEN item_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN commitment_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN solution_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="measure_link_one_subject",
        ),
    )
    for column in ("measure_id", "municipality_id", "item_id", "commitment_id", "solution_id"):
        op.create_index(f"ix_measure_link_{column}", "measure_link", [column])

    op.create_table(
        "team_challenge",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("municipality_id", sa.Integer(), sa.ForeignKey("municipality.id"), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(400), nullable=False),
        sa.CheckConstraint("ends_on >= starts_on", name="challenge_period_ordered"),
    )
    op.create_index("ix_team_challenge_municipality_id", "team_challenge", ["municipality_id"])

    op.create_table(
        "team_badge_award",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sa.Integer(), sa.ForeignKey("team.id"), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("awarded_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("team_id", "code", "level", name="uq_team_badge_level"),
        sa.CheckConstraint("level >= 1", name="team_badge_level_positive"),
    )
    op.create_index("ix_team_badge_award_team_id", "team_badge_award", ["team_id"])

    op.create_table(
        "team_notice",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sa.Integer(), sa.ForeignKey("team.id"), nullable=False),
        sa.Column("to", sa.String(320), nullable=False),
        sa.Column("subject", sa.String(500), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("last_error", sa.String(1000), nullable=True),
    )
    op.create_index("ix_team_notice_team_id", "team_notice", ["team_id"])
    op.create_index("ix_team_notice_sent_at", "team_notice", ["sent_at"])


def downgrade():
    for table in (
        "team_notice",
        "team_badge_award",
        "team_challenge",
        "measure_link",
        "solution_support",
        "solution_comment",
        "solution",
        "team_member",
        "team",
        "measure",
    ):
        op.drop_table(table)
