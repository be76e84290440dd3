"""a municipality's time zone (dates and times on pages and in the block written back)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 04:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("municipality", schema=None) as batch_op:
        # Every existing municipality is Finnish: the zone the pages assumed until now.
        batch_op.add_column(
            sa.Column("time_zone", sa.String(length=64), nullable=False, server_default="Europe/Helsinki")
        )


def downgrade():
    with op.batch_alter_table("municipality", schema=None) as batch_op:
        batch_op.drop_column("time_zone")
