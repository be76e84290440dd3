"""a climate team may work for its municipality's whole region (team.region_id)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 05:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.add_column(sa.Column("region_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_team_region_id"), ["region_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_team_region_id_region"), "region", ["region_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_team_region_id_region"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_team_region_id"))
        batch_op.drop_column("region_id")
