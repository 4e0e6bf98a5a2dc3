"""the free space beside each unit's outbox, the reads its disk refused and its GPS fix's age, as its last contact said

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("unit_contacts") as batch:
        batch.add_column(sa.Column("disk_free_mib", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("reads_lost", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("gps_fix_age_s", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("unit_contacts") as batch:
        batch.drop_column("gps_fix_age_s")
        batch.drop_column("reads_lost")
        batch.drop_column("disk_free_mib")
