"""Official results: submission close, appeal window, appeals, result snapshots.

Revision ID: 0011
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("drive") as batch:
        batch.add_column(sa.Column("submissions_close_at", sa.DateTime(), nullable=True))
        batch.add_column(
            sa.Column("appeal_days", sa.Integer(), nullable=False, server_default="5")
        )
    op.create_table(
        "result_snapshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("drive_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=True),
        sa.Column("withdrawn_by_id", sa.Integer(), nullable=True),
        sa.Column("withdraw_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["drive_id"], ["drive.id"]),
        sa.ForeignKeyConstraint(["published_by_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["withdrawn_by_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("drive_id", "number"),
    )
    op.create_table(
        "appeal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("drive_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.Column("assessment_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("evidence_url", sa.String(length=1000), nullable=True),
        sa.Column("evidence_stored_name", sa.String(length=80), nullable=True),
        sa.Column("evidence_original_name", sa.String(length=255), nullable=True),
        sa.Column("evidence_content_type", sa.String(length=100), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("original_value", sa.String(length=32), nullable=False),
        sa.Column("original_decider_id", sa.Integer(), nullable=True),
        sa.Column("amended_value", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["drive_id"], ["drive.id"]),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"]),
        sa.ForeignKeyConstraint(["entry_id"], ["entry.id"]),
        sa.ForeignKeyConstraint(["assessment_id"], ["assessment.id"]),
        sa.ForeignKeyConstraint(["original_decider_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["decided_by_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["created_by_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_appeal_drive_id", "appeal", ["drive_id"])
    op.create_index("ix_appeal_unit_id", "appeal", ["unit_id"])
    op.create_index("ix_appeal_status", "appeal", ["status"])


def downgrade():
    op.drop_index("ix_appeal_status", table_name="appeal")
    op.drop_index("ix_appeal_unit_id", table_name="appeal")
    op.drop_index("ix_appeal_drive_id", table_name="appeal")
    op.drop_table("appeal")
    op.drop_table("result_snapshot")
    with op.batch_alter_table("drive") as batch:
        batch.drop_column("appeal_days")
        batch.drop_column("submissions_close_at")
