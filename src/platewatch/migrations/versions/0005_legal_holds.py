"""legal holds, the reads they preserve, and the purge log (order V.D.3-4)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from platewatch.server.db.base import UTCDateTime

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "legal_holds",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_number", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("released_by", sa.String(length=64), nullable=True),
        sa.Column("released_at", UTCDateTime(), nullable=True),
        sa.Column("release_note", sa.String(length=500), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_holds")),
    )
    with op.batch_alter_table("legal_holds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_legal_holds_case_number"), ["case_number"], unique=False)

    op.create_table(
        "purge_runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("ran_at", UTCDateTime(), nullable=False),
        sa.Column("cutoff", UTCDateTime(), nullable=False),
        sa.Column("ran_by", sa.String(length=64), nullable=False),
        sa.Column("reads_deleted", sa.Integer(), nullable=False),
        sa.Column("alerts_deleted", sa.Integer(), nullable=False),
        sa.Column("images_deleted", sa.Integer(), nullable=False),
        sa.Column("hotlist_versions_deleted", sa.Integer(), nullable=False),
        sa.Column("reads_held", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_purge_runs")),
    )
    with op.batch_alter_table("purge_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_purge_runs_ran_at"), ["ran_at"], unique=False)

    op.create_table(
        "held_reads",
        sa.Column("hold_id", sa.Integer(), nullable=False),
        sa.Column("read_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["hold_id"], ["legal_holds.id"], name=op.f("fk_held_reads_hold_id_legal_holds")),
        sa.ForeignKeyConstraint(["read_id"], ["reads.id"], name=op.f("fk_held_reads_read_id_reads")),
        sa.PrimaryKeyConstraint("hold_id", "read_id", name=op.f("pk_held_reads")),
    )
    with op.batch_alter_table("held_reads", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_held_reads_read_id"), ["read_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("held_reads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_held_reads_read_id"))

    op.drop_table("held_reads")
    with op.batch_alter_table("purge_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_purge_runs_ran_at"))

    op.drop_table("purge_runs")
    with op.batch_alter_table("legal_holds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_legal_holds_case_number"))

    op.drop_table("legal_holds")
