"""repeats of an alert's listed vehicle by the same unit on the same list, suppressed and counted on the alert
(issue 24, ADR 0012): each with its read, time and place; they go with the alert or the read (purge)

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from platewatch.server.db.base import UTCDateTime

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "alert_repeats",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("read_id", sa.Uuid(), nullable=False),
        sa.Column("captured_at", UTCDateTime(), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("match_kind", sa.String(16), nullable=False),
        sa.Column("matched_text", sa.String(10), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["alerts.id"], name=op.f("fk_alert_repeats_alert_id_alerts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["read_id"], ["reads.id"], name=op.f("fk_alert_repeats_read_id_reads"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_repeats")),
    )
    op.create_index("uq_alert_repeats_alert_read", "alert_repeats", ["alert_id", "read_id"], unique=True)
    op.create_index(op.f("ix_alert_repeats_read_id"), "alert_repeats", ["read_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_alert_repeats_read_id"), table_name="alert_repeats")
    op.drop_index("uq_alert_repeats_alert_read", table_name="alert_repeats")
    op.drop_table("alert_repeats")
