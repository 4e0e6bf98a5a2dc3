"""hotlists.approximate: whether look-alike and one-edit hits are raised for a list

Against a list of a million plates, nearly every read is one edit away from some entry: approximate
matching is for the lists where a miss costs most (AMBER, BOLO), not for whole state extracts.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("hotlists") as batch_op:
        batch_op.add_column(sa.Column("approximate", sa.Boolean(), nullable=False, server_default=sa.true()))


def downgrade() -> None:
    with op.batch_alter_table("hotlists") as batch_op:
        batch_op.drop_column("approximate")
