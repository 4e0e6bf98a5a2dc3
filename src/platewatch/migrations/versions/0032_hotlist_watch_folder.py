"""hotlists.watch_folder and hotlists.import_every_minutes: the folder a list's files are dropped in, and how often
`platewatch hotlist watch` looks there (issue 24, item 2)

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0032"
down_revision: str | None = "0031"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("hotlists") as batch_op:
        batch_op.add_column(sa.Column("watch_folder", sa.String(400), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("import_every_minutes", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("hotlists") as batch_op:
        batch_op.drop_column("import_every_minutes")
        batch_op.drop_column("watch_folder")
