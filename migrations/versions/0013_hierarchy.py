"""The union's hierarchy: block organisers, councils, rolled-up criteria and subtree tallies.

Revision ID: 0013
Revises: 0012
"""
import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("block") as batch:
        batch.add_column(sa.Column("organiser_id", sa.Integer(), nullable=True))
        batch.create_index("ix_block_organiser_id", ["organiser_id"])
        batch.create_foreign_key("fk_block_organiser_id_unit", "unit", ["organiser_id"], ["id"])
    with op.batch_alter_table("user") as batch:
        batch.add_column(sa.Column("council_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_user_council_id_unit", "unit", ["council_id"], ["id"])
    with op.batch_alter_table("criterion") as batch:
        batch.add_column(sa.Column("rollup", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
    with op.batch_alter_table("criterion_tally") as batch:
        batch.add_column(sa.Column("below_quantity", sa.Integer(), nullable=False,
                                   server_default="0"))
        batch.add_column(sa.Column("below_items", sa.Integer(), nullable=False,
                                   server_default="0"))


def downgrade():
    with op.batch_alter_table("criterion_tally") as batch:
        batch.drop_column("below_items")
        batch.drop_column("below_quantity")
    with op.batch_alter_table("criterion") as batch:
        batch.drop_column("rollup")
    with op.batch_alter_table("user") as batch:
        batch.drop_constraint("fk_user_council_id_unit", type_="foreignkey")
        batch.drop_column("council_id")
    with op.batch_alter_table("block") as batch:
        batch.drop_constraint("fk_block_organiser_id_unit", type_="foreignkey")
        batch.drop_index("ix_block_organiser_id")
        batch.drop_column("organiser_id")
