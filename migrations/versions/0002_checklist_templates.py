"""checklist templates: a municipality's versioned checklist overrides

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 10:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "checklist_template",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("overrides", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=True),
        sa.CheckConstraint("version >= 1", name=op.f("ck_checklist_template_version_positive")),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipality.id"],
            name=op.f("fk_checklist_template_municipality_id_municipality"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checklist_template")),
        sa.UniqueConstraint("municipality_id", "version", name="uq_checklist_template_municipality_version"),
    )
    with op.batch_alter_table("checklist_template", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_checklist_template_municipality_id"), ["municipality_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("checklist_template", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_checklist_template_municipality_id"))

    op.drop_table("checklist_template")
