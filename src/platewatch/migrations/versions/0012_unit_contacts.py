"""what the server last heard from each unit (order V.E.2h, V.F.2)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from platewatch.server.db.base import UTCDateTime

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "unit_contacts",
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("last_contact_at", UTCDateTime(), nullable=False),
        sa.Column("last_read_received_at", UTCDateTime(), nullable=True),
        sa.Column("last_read_captured_at", UTCDateTime(), nullable=True),
        sa.Column("hotlist_version", sa.Integer(), nullable=True),
        sa.Column("hotlist_fetched_at", UTCDateTime(), nullable=True),
        sa.Column("reads_waiting", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_unit_contacts_unit_id_units")),
        sa.PrimaryKeyConstraint("unit_id", name=op.f("pk_unit_contacts")),
    )


def downgrade() -> None:
    op.drop_table("unit_contacts")
