"""agenda items keep what was read from their attachments

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 03:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("agenda_item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attachments", sa.JSON(), nullable=False, server_default="[]"))


def downgrade():
    with op.batch_alter_table("agenda_item", schema=None) as batch_op:
        batch_op.drop_column("attachments")
