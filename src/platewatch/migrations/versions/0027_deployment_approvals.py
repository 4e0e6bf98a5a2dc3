"""deployment approvals (issue 25 item 3, order V.A.2, V.E.1, III.8): who approved which unit where, from when to when
and why; each read's approval, whether its position is the site's, and its flag when outside any approval. A unit's old
free-text `approved_for` becomes its first approval (ADR 0016); the column stays, no longer written.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-06
"""

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from platewatch.server.db.base import UTCDateTime

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MIGRATED_BY = "(approved_for)"
"""Who 'approved' a migrated approval: the free text of `unit add --approved-for`, which named no approver."""


def upgrade() -> None:
    approvals = op.create_table(
        "deployment_approvals",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("site", sa.String(200), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("radius_m", sa.Float(), nullable=True),
        sa.Column("valid_from", UTCDateTime(), nullable=False),
        sa.Column("valid_until", UTCDateTime(), nullable=True),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("approved_by", sa.String(64), nullable=False),
        sa.Column("approved_at", UTCDateTime(), nullable=False),
        sa.Column("replaces_id", sa.Integer(), nullable=True),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
        sa.Column("ended_by", sa.String(64), nullable=True),
        sa.Column("end_reason", sa.String(500), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name="fk_deployment_approvals_unit_id_units"),
        sa.ForeignKeyConstraint(
            ["replaces_id"],
            ["deployment_approvals.id"],
            name="fk_deployment_approvals_replaces_id_deployment_approvals",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_deployment_approvals"),
    )
    op.create_index("ix_deployment_approvals_unit_id", "deployment_approvals", ["unit_id"])
    # Added in place on both backends (no copy of `reads`): nullable, or with a constant default.
    op.add_column("reads", sa.Column("approval_id", sa.Integer(), nullable=True))
    op.add_column("reads", sa.Column("position_from_site", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column("reads", sa.Column("outside_deployment", sa.String(16), nullable=True))
    op.create_index(
        "ix_reads_outside_deployment", "reads", ["captured_at"],
        postgresql_where=sa.text("outside_deployment IS NOT NULL"),
        sqlite_where=sa.text("outside_deployment IS NOT NULL"),
    )  # fmt: skip
    _migrate_approved_for(approvals)


def _migrate_approved_for(approvals: sa.Table) -> None:
    """Each unit's `approved_for` text, when it has one, as its first approval: from the unit's creation, open-ended,
    no position (the text named none), approved by nobody known. The administrator revises it with the real terms."""
    conn = op.get_bind()
    units = sa.table(
        "units", sa.column("id", sa.Uuid()), sa.column("approved_for", sa.String()),
        sa.column("created_at", UTCDateTime()),
    )  # fmt: skip
    rows = conn.execute(sa.select(units.c.id, units.c.approved_for, units.c.created_at).order_by(units.c.created_at))
    now = dt.datetime.now(dt.UTC)
    values = [
        {"unit_id": unit_id, "site": text.strip()[:200], "valid_from": created, "reason":
         "recorded as the unit's approved_for before approvals were recorded (migration 0027)",
         "approved_by": MIGRATED_BY, "approved_at": now, "end_reason": ""}
        for unit_id, text, created in rows
        if text and text.strip()
    ]  # fmt: skip
    if values:
        op.bulk_insert(approvals, values)


def downgrade() -> None:
    op.drop_index("ix_reads_outside_deployment", table_name="reads")
    with op.batch_alter_table("reads") as batch:
        batch.drop_column("outside_deployment")
        batch.drop_column("position_from_site")
        batch.drop_column("approval_id")
    op.drop_index("ix_deployment_approvals_unit_id", table_name="deployment_approvals")
    op.drop_table("deployment_approvals")
