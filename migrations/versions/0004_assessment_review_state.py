"""assessment review state: draft or submitted, marked for review, who submitted and when, escalation

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 03:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    # server_default: existing rows are screening revisions, never reviewed, never escalated.
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("state", sa.String(16), nullable=False, server_default="screened"))
        batch_op.add_column(
            sa.Column("needs_review", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("submitted_by", sa.String(200), nullable=True))
        batch_op.add_column(sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("escalation", sa.JSON(), nullable=False, server_default="[]"))


def downgrade():
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.drop_column("escalation")
        batch_op.drop_column("submitted_at")
        batch_op.drop_column("submitted_by")
        batch_op.drop_column("needs_review")
        batch_op.drop_column("state")
