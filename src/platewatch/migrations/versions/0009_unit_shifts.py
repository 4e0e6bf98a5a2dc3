"""officers' shifts on units (order V.E.8a)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from platewatch.server.db.base import UTCDateTime

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "unit_shifts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
        sa.Column("end_reason", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_unit_shifts_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_shifts")),
    )
    with op.batch_alter_table("unit_shifts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_unit_shifts_unit_id"), ["unit_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("unit_shifts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unit_shifts_unit_id"))

    op.drop_table("unit_shifts")
