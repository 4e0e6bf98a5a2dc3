"""each unit's ingest requests the server refused: how many, the last one's time and reason (a misconfigured agent)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from platewatch.server.db.base import UTCDateTime

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("unit_contacts") as batch:
        batch.add_column(sa.Column("ingest_refused", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("ingest_refused_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("ingest_refused_reason", sa.String(200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("unit_contacts") as batch:
        batch.drop_column("ingest_refused_reason")
        batch.drop_column("ingest_refused_at")
        batch.drop_column("ingest_refused")
