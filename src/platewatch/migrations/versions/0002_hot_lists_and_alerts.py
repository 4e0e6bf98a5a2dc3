"""hot lists and alerts

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 12:27:32.983102
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from platewatch.server.db.base import UTCDateTime

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "hotlists",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("default_category", sa.String(length=32), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("covert", sa.Boolean(), nullable=False),
        sa.Column("alert_colour", sa.String(length=16), nullable=False),
        sa.Column("alert_sound", sa.String(length=32), nullable=False),
        sa.Column("import_format", sa.String(length=32), nullable=True),
        sa.Column("state_filter", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hotlists")),
        sa.UniqueConstraint("name", name=op.f("uq_hotlists_name")),
    )
    op.create_table(
        "hotlist_versions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("hotlist_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("change", sa.String(length=16), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("entry_count", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["hotlist_id"], ["hotlists.id"], name=op.f("fk_hotlist_versions_hotlist_id_hotlists")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hotlist_versions")),
    )
    with op.batch_alter_table("hotlist_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hotlist_versions_hotlist_id"), ["hotlist_id"], unique=False)

    op.create_table(
        "hotlist_entries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("plate", sa.String(length=10), nullable=False),
        sa.Column("state", sa.String(length=2), nullable=True),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("nic", sa.String(length=20), nullable=False),
        sa.Column("ori", sa.String(length=20), nullable=False),
        sa.Column("case_number", sa.String(length=40), nullable=False),
        sa.Column("vehicle_year", sa.String(length=8), nullable=False),
        sa.Column("vehicle_make", sa.String(length=24), nullable=False),
        sa.Column("vehicle_model", sa.String(length=24), nullable=False),
        sa.Column("vehicle_style", sa.String(length=16), nullable=False),
        sa.Column("vehicle_colour", sa.String(length=16), nullable=False),
        sa.Column("plate_year", sa.String(length=8), nullable=False),
        sa.Column("plate_type", sa.String(length=8), nullable=False),
        sa.Column("effective", sa.Date(), nullable=True),
        sa.Column("expires", sa.Date(), nullable=True),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("purpose", sa.String(length=500), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("added_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["hotlist_versions.id"],
            name=op.f("fk_hotlist_entries_version_id_hotlist_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hotlist_entries")),
    )
    with op.batch_alter_table("hotlist_entries", schema=None) as batch_op:
        batch_op.create_index("ix_hotlist_entries_version_plate", ["version_id", "plate"], unique=False)

    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("read_id", sa.Uuid(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("hotlist_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("match_kind", sa.String(length=16), nullable=False),
        sa.Column("matched_text", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("state_match", sa.Boolean(), nullable=True),
        sa.Column("covert", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.Column("reject_reason", sa.String(length=24), nullable=True),
        sa.Column("reject_note", sa.String(length=500), nullable=False),
        sa.Column("verified_by", sa.String(length=64), nullable=True),
        sa.Column("verified_at", UTCDateTime(), nullable=True),
        sa.Column("verification_note", sa.String(length=500), nullable=False),
        sa.Column("disposition", sa.String(length=24), nullable=True),
        sa.Column("incident_number", sa.String(length=40), nullable=False),
        sa.Column("disposed_by", sa.String(length=64), nullable=True),
        sa.Column("disposed_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["entry_id"], ["hotlist_entries.id"], name=op.f("fk_alerts_entry_id_hotlist_entries")),
        sa.ForeignKeyConstraint(["hotlist_id"], ["hotlists.id"], name=op.f("fk_alerts_hotlist_id_hotlists")),
        sa.ForeignKeyConstraint(["read_id"], ["reads.id"], name=op.f("fk_alerts_read_id_reads")),
        sa.ForeignKeyConstraint(
            ["version_id"], ["hotlist_versions.id"], name=op.f("fk_alerts_version_id_hotlist_versions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
    )
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alerts_entry_id"), ["entry_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_alerts_read_id"), ["read_id"], unique=False)
        batch_op.create_index("ix_alerts_status_created", ["status", "created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_alerts_version_id"), ["version_id"], unique=False)
        batch_op.create_index("uq_alerts_read_entry", ["read_id", "entry_id"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_index("uq_alerts_read_entry")
        batch_op.drop_index(batch_op.f("ix_alerts_version_id"))
        batch_op.drop_index("ix_alerts_status_created")
        batch_op.drop_index(batch_op.f("ix_alerts_read_id"))
        batch_op.drop_index(batch_op.f("ix_alerts_entry_id"))

    op.drop_table("alerts")
    with op.batch_alter_table("hotlist_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_hotlist_entries_version_plate")

    op.drop_table("hotlist_entries")
    with op.batch_alter_table("hotlist_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hotlist_versions_hotlist_id"))

    op.drop_table("hotlist_versions")
    op.drop_table("hotlists")
