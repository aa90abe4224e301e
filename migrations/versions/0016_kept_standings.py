"""kept standings: standing rows, scoped versions, daily ranks, propaganda sums

Revision ID: 0016
Revises: 0014
Create Date: 2026-12-02 10:05:00

Additive only (and an index for a unit's entries, newest first). The new tables start empty: the standing rows of every block
are rebuilt by the first read of the block (its scope has no `as_of` yet),
and `flask standings rebuild` fills the propaganda sums from the entries.
"""
from alembic import op
import sqlalchemy as sa


revision = "0016"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "standings_scope",
        sa.Column("drive_id", sa.Integer(), sa.ForeignKey("drive.id"), nullable=False),
        sa.Column("scope", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("drive_id", "scope"),
    )
    op.create_table(
        "unit_standing",
        sa.Column("drive_id", sa.Integer(), sa.ForeignKey("drive.id"), nullable=False),
        sa.Column("unit_id", sa.Integer(), sa.ForeignKey("unit.id"), nullable=False),
        sa.Column("block_id", sa.Integer(), sa.ForeignKey("block.id"), nullable=False),
        sa.Column("total", sa.Numeric(12, 2), nullable=False),
        sa.Column("max_total", sa.Numeric(12, 2), nullable=False),
        sa.Column("percent", sa.Numeric(8, 2), nullable=False),
        sa.Column("classification", sa.String(length=32), nullable=False),
        sa.Column("criteria_at_target", sa.Integer(), nullable=False),
        sa.Column("latest_activity", sa.Date(), nullable=True),
        sa.Column("order_first", sa.Numeric(12, 2), nullable=False),
        sa.Column("order_targets", sa.Integer(), nullable=False),
        sa.Column("order_activity", sa.Date(), nullable=False),
        sa.Column("order_name", sa.String(length=200).with_variant(
            sa.String(length=200, collation="C"), "postgresql"), nullable=False),
        sa.Column("search_key", sa.String(length=200), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("written_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("drive_id", "unit_id"),
    )
    op.create_index("ix_unit_standing_order", "unit_standing",
                    ["drive_id", "block_id", "order_first", "order_targets", "order_activity",
                     "order_name"])
    op.create_index("ix_entry_unit_status_activity", "entry",
                    ["unit_id", "status", "activity_date"])
    op.create_table(
        "unit_rank_day",
        sa.Column("drive_id", sa.Integer(), sa.ForeignKey("drive.id"), nullable=False),
        sa.Column("block_id", sa.Integer(), sa.ForeignKey("block.id"), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("unit_id", sa.Integer(), sa.ForeignKey("unit.id"), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("drive_id", "block_id", "day", "unit_id"),
    )
    op.create_table(
        "propaganda_tally",
        sa.Column("criterion_id", sa.Integer(), sa.ForeignKey("criterion.id"), nullable=False),
        sa.Column("phase_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("activities", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("criterion_id", "phase_id", "channel", "day"),
    )


def downgrade():
    op.drop_index("ix_entry_unit_status_activity", table_name="entry")
    op.drop_table("propaganda_tally")
    op.drop_table("unit_rank_day")
    op.drop_index("ix_unit_standing_order", table_name="unit_standing")
    op.drop_table("unit_standing")
    op.drop_table("standings_scope")
