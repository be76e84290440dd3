"""commitments tied to agenda items, and the climate coordinator's reviews

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 03:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "commitment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("indicator", sa.Text(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("owner_email", sa.String(length=320), nullable=True),
        sa.Column("challenged_committee", sa.String(length=500), nullable=True),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("result_note", sa.Text(), nullable=True),
        sa.Column("closed_by", sa.String(length=200), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('open', 'kept', 'not_kept')", name=op.f("ck_commitment_status_known")),
        sa.ForeignKeyConstraint(
            ["item_id"], ["agenda_item.id"], name=op.f("fk_commitment_item_id_agenda_item")
        ),
        sa.ForeignKeyConstraint(
            ["municipality_id"], ["municipality.id"], name=op.f("fk_commitment_municipality_id_municipality")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commitment")),
    )
    with op.batch_alter_table("commitment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_commitment_item_id"), ["item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_commitment_municipality_id"), ["municipality_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_commitment_due_date"), ["due_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_commitment_status"), ["status"], unique=False)

    op.create_table(
        "coordinator_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("reviewer", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "outcome IN ('ok', 'needs_changes', 'in_depth')", name=op.f("ck_coordinator_review_outcome_known")
        ),
        sa.CheckConstraint(
            "reason IN ('escalated', 'sample')", name=op.f("ck_coordinator_review_reason_known")
        ),
        sa.ForeignKeyConstraint(
            ["assessment_id"], ["assessment.id"], name=op.f("fk_coordinator_review_assessment_id_assessment")
        ),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipality.id"],
            name=op.f("fk_coordinator_review_municipality_id_municipality"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coordinator_review")),
    )
    with op.batch_alter_table("coordinator_review", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_coordinator_review_assessment_id"), ["assessment_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_coordinator_review_municipality_id"), ["municipality_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("coordinator_review", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coordinator_review_municipality_id"))
        batch_op.drop_index(batch_op.f("ix_coordinator_review_assessment_id"))
    op.drop_table("coordinator_review")
    with op.batch_alter_table("commitment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commitment_status"))
        batch_op.drop_index(batch_op.f("ix_commitment_due_date"))
        batch_op.drop_index(batch_op.f("ix_commitment_municipality_id"))
        batch_op.drop_index(batch_op.f("ix_commitment_item_id"))
    op.drop_table("commitment")
