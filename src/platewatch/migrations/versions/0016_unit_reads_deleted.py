"""reads each unit deleted unsent in the last week (past the retention period), as it says

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("unit_contacts") as batch:
        batch.add_column(sa.Column("reads_deleted", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("unit_contacts") as batch:
        batch.drop_column("reads_deleted")
