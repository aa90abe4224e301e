"""documents and ranking: drive rank_by, signer and archive note; unit place

Revision ID: 0014
Revises: 0013
"""
from alembic import op
import sqlalchemy as sa


revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("drive") as batch:
        batch.add_column(sa.Column("rank_by", sa.String(length=16), nullable=False,
                                   server_default="total"))
        batch.add_column(sa.Column("signer_title", sa.String(length=200), nullable=False,
                                   server_default="TM. BAN THƯỜNG VỤ\nCHỦ TỊCH"))
        batch.add_column(sa.Column("signer_name", sa.String(length=200), nullable=False,
                                   server_default=""))
        batch.add_column(sa.Column("archive_note", sa.String(length=200), nullable=False,
                                   server_default="VT, Ban TGNC"))
    with op.batch_alter_table("unit") as batch:
        batch.add_column(sa.Column("place", sa.String(length=100), nullable=False,
                                   server_default=""))


def downgrade():
    with op.batch_alter_table("unit") as batch:
        batch.drop_column("place")
    with op.batch_alter_table("drive") as batch:
        batch.drop_column("archive_note")
        batch.drop_column("signer_name")
        batch.drop_column("signer_title")
        batch.drop_column("rank_by")
