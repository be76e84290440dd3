"""badge awards, municipality settings (game elements, frame ancestors) and agenda item committees

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 03:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("municipality", schema=None) as batch_op:
        # "{}" means every default: game elements on, no extra framing origins
        batch_op.add_column(sa.Column("settings", sa.JSON(), nullable=False, server_default="{}"))

    with op.batch_alter_table("agenda_item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("committee", sa.String(length=500), nullable=True))

    op.create_table(
        "badge_award",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("committee", sa.String(length=500), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("awarded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("level >= 1", name=op.f("ck_badge_award_level_positive")),
        sa.ForeignKeyConstraint(
            ["municipality_id"], ["municipality.id"], name=op.f("fk_badge_award_municipality_id_municipality")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_badge_award")),
        sa.UniqueConstraint(
            "municipality_id", "committee", "code", "level", name="uq_badge_award_scope_level"
        ),
    )
    with op.batch_alter_table("badge_award", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_badge_award_municipality_id"), ["municipality_id"], unique=False)


def downgrade():
    with op.batch_alter_table("badge_award", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_badge_award_municipality_id"))

    op.drop_table("badge_award")
    with op.batch_alter_table("agenda_item", schema=None) as batch_op:
        batch_op.drop_column("committee")

    with op.batch_alter_table("municipality", schema=None) as batch_op:
        batch_op.drop_column("settings")
