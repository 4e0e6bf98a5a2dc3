"""indexes on the reads' image hashes: the purge asks, per expired image, whether another read still names it

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("reads", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reads_plate_image"), ["plate_image"], unique=False)
        batch_op.create_index(batch_op.f("ix_reads_vehicle_image"), ["vehicle_image"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("reads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reads_vehicle_image"))
        batch_op.drop_index(batch_op.f("ix_reads_plate_image"))
