"""security review: sign-in failures counted in the database, single-use entry forms

Revision ID: 0015
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa


revision = "0015"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sign_in_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=400), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("sign_in_failure", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sign_in_failure_key"), ["key"], unique=False)
        batch_op.create_index(batch_op.f("ix_sign_in_failure_expires_at"), ["expires_at"],
                              unique=False)
    op.create_table(
        "entry_form_use",
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.Column("used_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["entry_id"], ["entry.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("token"),
    )


def downgrade():
    op.drop_table("entry_form_use")
    with op.batch_alter_table("sign_in_failure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sign_in_failure_expires_at"))
        batch_op.drop_index(batch_op.f("ix_sign_in_failure_key"))
    op.drop_table("sign_in_failure")
