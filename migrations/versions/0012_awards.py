"""awards, commendations and drive slugs

Award rules as drive data, the commendation (proposal, decision) with its
list, and each drive's public address for the archive (/dot/<slug>/...).

Revision ID: 0012
Revises: 0017
"""
import re
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0017"
branch_labels = None
depends_on = None


def _slugify(text: str) -> str:
    """The same rule as competition.imports.slugify, frozen here as migrations must be."""
    text = text.replace("đ", "d").replace("Đ", "D")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "don-vi"


def upgrade():
    with op.batch_alter_table("drive") as batch:
        batch.add_column(sa.Column("slug", sa.String(length=120), nullable=True))
    connection = op.get_bind()
    drive = sa.table("drive", sa.column("id", sa.Integer), sa.column("code", sa.String),
                     sa.column("slug", sa.String))
    taken: set[str] = set()
    for row in connection.execute(sa.select(drive.c.id, drive.c.code).order_by(drive.c.id)):
        slug = base = _slugify(row.code)
        counter = 2
        while slug in taken:
            slug, counter = f"{base}-{counter}", counter + 1
        taken.add(slug)
        connection.execute(drive.update().where(drive.c.id == row.id).values(slug=slug))
    with op.batch_alter_table("drive") as batch:
        batch.alter_column("slug", existing_type=sa.String(length=120), nullable=False)
        batch.create_unique_constraint("uq_drive_slug", ["slug"])

    op.create_table(
        "award_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("drive_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("level", sa.String(length=200), nullable=False),
        sa.Column("block_id", sa.Integer(), nullable=True),
        sa.Column("max_units", sa.Integer(), nullable=False),
        sa.Column("min_classification", sa.String(length=32), nullable=False),
        sa.Column("min_percent", sa.Numeric(precision=8, scale=2), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["block_id"], ["block.id"]),
        sa.ForeignKeyConstraint(["drive_id"], ["drive.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("drive_id", "code"),
    )
    op.create_table(
        "commendation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("drive_id", sa.Integer(), nullable=False),
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("proposed_at", sa.DateTime(), nullable=False),
        sa.Column("proposed_by_id", sa.Integer(), nullable=True),
        sa.Column("proposal_number", sa.String(length=64), nullable=False),
        sa.Column("decision_number", sa.String(length=64), nullable=True),
        sa.Column("decision_date", sa.Date(), nullable=True),
        sa.Column("signer_title", sa.String(length=200), nullable=False),
        sa.Column("signer_name", sa.String(length=200), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["decided_by_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["drive_id"], ["drive.id"]),
        sa.ForeignKeyConstraint(["proposed_by_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["snapshot_id"], ["result_snapshot.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("decision_number"),
    )
    op.create_index("ix_commendation_drive_id", "commendation", ["drive_id"])
    op.create_table(
        "commendation_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commendation_id", sa.Integer(), nullable=False),
        sa.Column("award_rule_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("block_code", sa.String(length=32), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.Column("total", sa.Numeric(precision=8, scale=2), nullable=True),
        sa.Column("percent", sa.Numeric(precision=8, scale=2), nullable=True),
        sa.Column("classification", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["award_rule_id"], ["award_rule.id"]),
        sa.ForeignKeyConstraint(["commendation_id"], ["commendation.id"]),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("commendation_id", "unit_id"),
    )


def downgrade():
    op.drop_table("commendation_item")
    op.drop_index("ix_commendation_drive_id", table_name="commendation")
    op.drop_table("commendation")
    op.drop_table("award_rule")
    with op.batch_alter_table("drive") as batch:
        batch.drop_constraint("uq_drive_slug", type_="unique")
        batch.drop_column("slug")
