"""audits of data use (order V.D.10)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from platewatch.server.db.base import UTCDateTime

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audits",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("period_start", UTCDateTime(), nullable=False),
        sa.Column("period_end", UTCDateTime(), nullable=False),
        sa.Column("accesses_in_period", sa.Integer(), nullable=False),
        sa.Column("log_intact", sa.Boolean(), nullable=False),
        sa.Column("log_rows_checked", sa.Integer(), nullable=False),
        sa.Column("opened_by", sa.String(length=64), nullable=False),
        sa.Column("opened_at", UTCDateTime(), nullable=False),
        sa.Column("closed_by", sa.String(length=64), nullable=True),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("summary", sa.String(length=4000), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audits")),
    )
    op.create_table(
        "audit_items",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("audit_id", sa.Integer(), nullable=False),
        sa.Column("query_log_seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("finding", sa.String(length=16), nullable=True),
        sa.Column("note", sa.String(length=1000), nullable=False),
        sa.Column("reviewed_by", sa.String(length=64), nullable=True),
        sa.Column("reviewed_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["audit_id"], ["audits.id"], name=op.f("fk_audit_items_audit_id_audits")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_items")),
    )
    with op.batch_alter_table("audit_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_items_audit_id"), ["audit_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("audit_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_items_audit_id"))

    op.drop_table("audit_items")
    op.drop_table("audits")
