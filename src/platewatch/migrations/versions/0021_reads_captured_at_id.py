"""an index on reads (captured_at, id): the purge walks expired reads in that order, batch after batch

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_reads_captured_at_id", "reads", ["captured_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_reads_captured_at_id", table_name="reads")
