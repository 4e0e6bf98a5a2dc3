"""a hold placed by plate keeps its scope, to hold the reads of that plate captured before it and stored after it

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from platewatch.server.db.base import UTCDateTime

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Holds placed before this revision kept no scope: they hold the reads they named then, as before.
    with op.batch_alter_table("legal_holds") as batch:
        batch.add_column(sa.Column("plate", sa.String(10), nullable=True))
        batch.add_column(sa.Column("captured_from", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("captured_to", UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("legal_holds") as batch:
        batch.drop_column("captured_to")
        batch.drop_column("captured_from")
        batch.drop_column("plate")
