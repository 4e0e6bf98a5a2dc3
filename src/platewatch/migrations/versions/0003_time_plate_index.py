"""reads: index (captured_at, plate) instead of (captured_at); drop the unused B-tree on the canonical form

Partial-plate searches in a short window (the last 24 hours) can then be answered from the index alone:
walk the window newest first and test the plate on the index entry, without visiting the table. Similar
searches use `LIKE` patterns on the canonical form, served by its trigram index on PostgreSQL; the B-tree
on it served no query and cost every insert.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("reads") as batch_op:
        batch_op.drop_index("ix_reads_captured_at")
        batch_op.drop_index("ix_reads_canonical")
        batch_op.create_index("ix_reads_captured_at_plate", ["captured_at", "plate"])


def downgrade() -> None:
    with op.batch_alter_table("reads") as batch_op:
        batch_op.drop_index("ix_reads_captured_at_plate")
        batch_op.create_index("ix_reads_canonical", ["plate_canonical"])
        batch_op.create_index("ix_reads_captured_at", ["captured_at"])
