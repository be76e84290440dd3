"""who holds a connector's poll lease (host and process), so a lease whose process died is taken over

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 06:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("connector", schema=None) as batch_op:
        batch_op.add_column(sa.Column("poll_lease_holder", sa.String(length=300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("connector", schema=None) as batch_op:
        batch_op.drop_column("poll_lease_holder")
