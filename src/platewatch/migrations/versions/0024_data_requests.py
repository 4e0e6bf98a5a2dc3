"""the data-request register (issue 25, order V.D.6-9, ADR 0013): each request for LPR data from its receipt, review
and decision to what was released and its final status

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from platewatch.server.db.base import UTCDateTime

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "data_requests",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("requester", sa.String(200), nullable=False),
        sa.Column("agency", sa.String(200), nullable=False),
        sa.Column("agency_unit", sa.String(200), nullable=False),
        sa.Column("in_town", sa.Boolean(), nullable=False),
        sa.Column("case_number", sa.String(40), nullable=False),
        sa.Column("asked_for", sa.String(1000), nullable=False),
        sa.Column("legal_basis", sa.String(500), nullable=False),
        sa.Column("recorded_by", sa.String(64), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reviewed_by", sa.String(64), nullable=True),
        sa.Column("reviewed_at", UTCDateTime(), nullable=True),
        sa.Column("decision_note", sa.String(1000), nullable=False),
        sa.Column("released", sa.String(1000), nullable=False),
        sa.Column("released_at", UTCDateTime(), nullable=True),
        sa.Column("finished_by", sa.String(64), nullable=True),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.Column("finish_note", sa.String(1000), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_requests")),
    )
    op.create_index(op.f("ix_data_requests_received_at"), "data_requests", ["received_at"])
    op.create_index(op.f("ix_data_requests_case_number"), "data_requests", ["case_number"])
    op.create_index(op.f("ix_data_requests_status"), "data_requests", ["status"])


def downgrade() -> None:
    op.drop_index(op.f("ix_data_requests_status"), table_name="data_requests")
    op.drop_index(op.f("ix_data_requests_case_number"), table_name="data_requests")
    op.drop_index(op.f("ix_data_requests_received_at"), table_name="data_requests")
    op.drop_table("data_requests")
