"""each unit's clock against the server's, as its last question showed

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("unit_contacts") as batch:
        batch.add_column(sa.Column("clock_skew_s", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("unit_contacts") as batch:
        batch.drop_column("clock_skew_s")
