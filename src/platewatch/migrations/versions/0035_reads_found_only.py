"""reads.found_only: the unit found the plate plainly but could not read it surely (rule PASS-2; ADR 0025): the read
is kept, shown as found but not read, and matched against no hot list

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0035"
down_revision: str | None = "0034"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # On PostgreSQL the column is added to the partitioned table and so to every day's partition (ADR 0019).
    op.add_column("reads", sa.Column("found_only", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("reads") as batch_op:
        batch_op.drop_column("found_only")
