"""each piece of equipment's cleaning and service interval and when it was last done (order V.A.6)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from platewatch.server.db.base import UTCDateTime

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("equipment") as batch:
        batch.add_column(sa.Column("maintain_every_days", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("last_maintained_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("equipment") as batch:
        batch.drop_column("last_maintained_at")
        batch.drop_column("maintain_every_days")
