"""a municipality's screening sensitivity (an operating point of the screening model)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-20 09:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("municipality", schema=None) as batch_op:
        # NULL: the default operating point (recall first)
        batch_op.add_column(sa.Column("screening_sensitivity", sa.String(length=16), nullable=True))


def downgrade():
    with op.batch_alter_table("municipality", schema=None) as batch_op:
        batch_op.drop_column("screening_sensitivity")
