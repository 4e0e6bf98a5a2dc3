"""LEAS documentation of LPR outcomes (issue 25, order V.E.2f): the sub-type a hit's incident was documented under, and
stops, arrests and recoveries that came from an LPR search, recorded against the search's query-log row

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from platewatch.server.db.base import UTCDateTime

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("alerts") as batch:
        batch.add_column(sa.Column("leas_subtype", sa.String(16), nullable=False, server_default=""))
    op.create_table(
        "search_outcomes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("query_log_seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("outcome", sa.String(24), nullable=False),
        sa.Column("incident_number", sa.String(40), nullable=False),
        sa.Column("leas_subtype", sa.String(16), nullable=False),
        sa.Column("note", sa.String(500), nullable=False),
        sa.Column("recorded_by", sa.String(64), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["query_log_seq"], ["query_log.seq"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_search_outcomes_query_log_seq", "search_outcomes", ["query_log_seq"])


def downgrade() -> None:
    op.drop_index("ix_search_outcomes_query_log_seq", table_name="search_outcomes")
    op.drop_table("search_outcomes")
    with op.batch_alter_table("alerts") as batch:
        batch.drop_column("leas_subtype")
