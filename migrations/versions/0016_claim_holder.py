"""who holds a claimed delivery or write-back (host, process and start), so that a claim whose worker died
is taken over within seconds instead of after the sweeper's 5 minutes

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 14:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("delivery", "write_back"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("claimed_by", sa.String(length=300), nullable=True))


def downgrade() -> None:
    for table in ("delivery", "write_back"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("claimed_by")
