"""reach and outcomes: regions, decisions and meeting days on items, follow-ups of X5 indicators

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 03:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "region",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_region")),
        sa.UniqueConstraint("slug", name=op.f("uq_region_slug")),
    )
    op.create_table(
        "region_checklist_template",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("overrides", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=True),
        sa.CheckConstraint("version >= 1", name=op.f("ck_region_checklist_template_version_positive")),
        sa.ForeignKeyConstraint(
            ["region_id"], ["region.id"], name=op.f("fk_region_checklist_template_region_id_region")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_region_checklist_template")),
        sa.UniqueConstraint("region_id", "version", name="uq_region_checklist_template_region_version"),
    )
    with op.batch_alter_table("region_checklist_template", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_region_checklist_template_region_id"), ["region_id"], unique=False
        )
    with op.batch_alter_table("municipality", schema=None) as batch_op:
        batch_op.add_column(sa.Column("region_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_municipality_region_id"), ["region_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_municipality_region_id_region"), "region", ["region_id"], ["id"]
        )
    with op.batch_alter_table("agenda_item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("meeting_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("decision_state", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("decision_text", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("decided_on", sa.Date(), nullable=True))
    op.create_table(
        "follow_up",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("indicator", sa.Text(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("result_note", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(length=200), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'met', 'not_met', 'unclear')", name=op.f("ck_follow_up_status_known")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["agenda_item.id"], name=op.f("fk_follow_up_item_id_agenda_item")
        ),
        sa.ForeignKeyConstraint(
            ["municipality_id"], ["municipality.id"], name=op.f("fk_follow_up_municipality_id_municipality")
        ),
        sa.ForeignKeyConstraint(
            ["assessment_id"], ["assessment.id"], name=op.f("fk_follow_up_assessment_id_assessment")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_up")),
        sa.UniqueConstraint("item_id", name="uq_follow_up_item"),
    )
    with op.batch_alter_table("follow_up", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_follow_up_item_id"), ["item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_follow_up_municipality_id"), ["municipality_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_follow_up_due_date"), ["due_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_follow_up_status"), ["status"], unique=False)


def downgrade():
    with op.batch_alter_table("follow_up", schema=None) as batch_op:
        for name in ("status", "due_date", "municipality_id", "item_id"):
            batch_op.drop_index(batch_op.f(f"ix_follow_up_{name}"))
    op.drop_table("follow_up")
    with op.batch_alter_table("agenda_item", schema=None) as batch_op:
        for column in ("decided_on", "decision_text", "decision_state", "meeting_date"):
            batch_op.drop_column(column)
    with op.batch_alter_table("municipality", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_municipality_region_id_region"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_municipality_region_id"))
        batch_op.drop_column("region_id")
    with op.batch_alter_table("region_checklist_template", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_region_checklist_template_region_id"))
    op.drop_table("region_checklist_template")
    op.drop_table("region")
