"""polling state and sync health on the connector

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 09:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

COLUMNS = (
    ("poll_cursor", sa.DateTime(timezone=True)),
    ("poll_page", sa.Text()),
    ("poll_page_until", sa.DateTime(timezone=True)),
    ("poll_lease_until", sa.DateTime(timezone=True)),
    ("last_poll_at", sa.DateTime(timezone=True)),
    ("last_success_at", sa.DateTime(timezone=True)),
    ("last_error", sa.Text()),
    ("last_error_at", sa.DateTime(timezone=True)),
    ("backfill", sa.JSON()),
)


def upgrade():
    with op.batch_alter_table("connector", schema=None) as batch_op:
        for name, type_ in COLUMNS:
            batch_op.add_column(sa.Column(name, type_, nullable=True))


def downgrade():
    with op.batch_alter_table("connector", schema=None) as batch_op:
        for name, _ in reversed(COLUMNS):
            batch_op.drop_column(name)
