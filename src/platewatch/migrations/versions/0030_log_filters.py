"""indexes for the query log's and the purge log's pages and filters, and dry runs in the purge log (issue 24)

The logs' pages are newest first by time, then row number, a keyset page at a time. The query log gets an index in
that order and one for each filter followed by it (user, case, action, outcome), so that a page of a filter, a date
window included, is one index range at 1 M rows; the purpose's text search gets a trigram index on PostgreSQL. They
replace the single-column indexes on the time, the user and the case. The purge log records dry runs too, marked, and
is filtered by who ran it.

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0030"
down_revision: str | None = "0029"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FILTERS = ("username", "case_number", "action", "outcome")
REPLACED = ("at", "username", "case_number")


def upgrade() -> None:
    op.create_index("ix_query_log_at_seq", "query_log", ["at", "seq"])
    for column in FILTERS:
        op.create_index(f"ix_query_log_{column}_at_seq", "query_log", [column, "at", "seq"])
    for column in REPLACED:
        op.drop_index(f"ix_query_log_{column}", table_name="query_log")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE INDEX IF NOT EXISTS ix_query_log_purpose_trgm ON query_log USING gin (purpose gin_trgm_ops)")
    with op.batch_alter_table("purge_runs") as batch:
        batch.add_column(sa.Column("dry_run", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_index("ix_purge_runs_ran_at_id", "purge_runs", ["ran_at", "id"])
    op.create_index("ix_purge_runs_ran_by_ran_at_id", "purge_runs", ["ran_by", "ran_at", "id"])
    op.drop_index("ix_purge_runs_ran_at", table_name="purge_runs")


def downgrade() -> None:
    op.create_index("ix_purge_runs_ran_at", "purge_runs", ["ran_at"])
    op.drop_index("ix_purge_runs_ran_by_ran_at_id", table_name="purge_runs")
    op.drop_index("ix_purge_runs_ran_at_id", table_name="purge_runs")
    with op.batch_alter_table("purge_runs") as batch:
        batch.drop_column("dry_run")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_query_log_purpose_trgm")
    for column in REPLACED:
        op.create_index(f"ix_query_log_{column}", "query_log", [column])
    for column in FILTERS:
        op.drop_index(f"ix_query_log_{column}_at_seq", table_name="query_log")
    op.drop_index("ix_query_log_at_seq", table_name="query_log")
