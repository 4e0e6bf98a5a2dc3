"""indexes for the query log's and the purge log's filters, and dry runs in the purge log (issue 24)

Each filter of the query log's pages (user, case, action, outcome) gets a B-tree with the row number, so that a page
newest first reads only its own rows at 1 M rows; the purpose's text search gets a trigram index on PostgreSQL. The
purge log records dry runs too, marked, and is filtered by who ran it.

Revision ID: 0030
Revises: 0026
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0030"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FILTERS = ("username", "case_number", "action", "outcome")


def upgrade() -> None:
    op.drop_index("ix_query_log_username", table_name="query_log")
    op.drop_index("ix_query_log_case_number", table_name="query_log")
    for column in FILTERS:
        op.create_index(f"ix_query_log_{column}_seq", "query_log", [column, "seq"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE INDEX IF NOT EXISTS ix_query_log_purpose_trgm ON query_log USING gin (purpose gin_trgm_ops)")
    with op.batch_alter_table("purge_runs") as batch:
        batch.add_column(sa.Column("dry_run", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_index("ix_purge_runs_ran_by_id", "purge_runs", ["ran_by", "id"])


def downgrade() -> None:
    op.drop_index("ix_purge_runs_ran_by_id", table_name="purge_runs")
    with op.batch_alter_table("purge_runs") as batch:
        batch.drop_column("dry_run")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_query_log_purpose_trgm")
    for column in FILTERS:
        op.drop_index(f"ix_query_log_{column}_seq", table_name="query_log")
    op.create_index("ix_query_log_case_number", "query_log", ["case_number"])
    op.create_index("ix_query_log_username", "query_log", ["username"])
