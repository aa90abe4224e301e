"""Official results: submission close, appeal window, appeals, result snapshots; UTC moments.

Moments were stored naive in the server's own local time (what `datetime.now()`
gave); from now on they are stored in UTC. The upgrade converts them: each
stamp from the server's zone (TZ, else /etc/timezone, else /etc/localtime,
else UTC) and the drive's freeze time, which admins typed in Vietnam time, from
TIMEZONE (default Asia/Ho_Chi_Minh). A server that ran in UTC changes nothing.

Revision ID: 0011
Revises: 0001
"""
import os
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo
import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0001"
branch_labels = None
depends_on = None


STAMPS = {
    "user": ["created_at"],
    "entry": ["created_at", "updated_at", "submitted_at", "decided_at", "verified_at"],
    "evidence": ["created_at"],
    "assessment": ["assessed_at"],
    "monthly_report": ["filed_at", "updated_at"],
    "audit_event": ["at"],
    "drive": ["published_at"],
}
TYPED_IN_VIETNAM = {"drive": ["freeze_at"]}


def _server_zone() -> str:
    name = os.environ.get("TZ", "").lstrip(":")
    if not name and Path("/etc/timezone").exists():
        name = Path("/etc/timezone").read_text().strip()
    if not name and Path("/etc/localtime").is_symlink():
        name = str(Path("/etc/localtime").resolve()).split("zoneinfo/")[-1]
    try:
        ZoneInfo(name or "UTC")
    except Exception:  # an unknown name: keep the values as they are
        return "UTC"
    return name or "UTC"


def _to_utc(columns: dict, zone_name: str) -> None:
    if zone_name == "UTC":
        return
    bind = op.get_bind()
    for table, names in columns.items():
        for name in names:
            if bind.dialect.name == "postgresql":
                bind.execute(sa.text(
                    f'UPDATE "{table}" SET "{name}" = ("{name}" AT TIME ZONE :zone) AT TIME ZONE \'UTC\' '
                    f'WHERE "{name}" IS NOT NULL'), {"zone": zone_name})
                continue
            zone = ZoneInfo(zone_name)
            rows = bind.execute(sa.text(
                f'SELECT id, "{name}" FROM "{table}" WHERE "{name}" IS NOT NULL')).all()
            moments = sa.table(table, sa.column("id"), sa.column(name, sa.DateTime()))
            for row_id, value in rows:
                if isinstance(value, str):
                    value = datetime.fromisoformat(value)
                utc = value.replace(tzinfo=zone).astimezone(UTC).replace(tzinfo=None)
                bind.execute(moments.update().where(moments.c.id == row_id).values({name: utc}))


def upgrade():
    _to_utc(STAMPS, _server_zone())
    _to_utc(TYPED_IN_VIETNAM, os.environ.get("TIMEZONE", "").strip() or "Asia/Ho_Chi_Minh")
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
