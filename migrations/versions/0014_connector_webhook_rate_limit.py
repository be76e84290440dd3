"""a connector's own webhook rate limit, overriding CLIMATE_PLUGIN_WEBHOOK_RATE_LIMIT (issue 15)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 04:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("connector") as batch:
        batch.add_column(sa.Column("webhook_rate_limit", sa.String(100), nullable=True))


def downgrade():
    with op.batch_alter_table("connector") as batch:
        batch.drop_column("webhook_rate_limit")
