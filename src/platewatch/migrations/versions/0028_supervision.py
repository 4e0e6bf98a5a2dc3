"""supervisors' duties (issue 25, order V.E.2a, V.E.2g): officers assigned to units and overrides; commands

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from platewatch.server.db.base import UTCDateTime

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "unit_assignments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("starts_at", UTCDateTime(), nullable=False),
        sa.Column("ends_at", UTCDateTime(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("assigned_by", sa.String(64), nullable=False),
        sa.Column("assigned_at", UTCDateTime(), nullable=False),
        sa.Column("cancelled_by", sa.String(64), nullable=True),
        sa.Column("cancelled_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_unit_assignments_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_assignments")),
    )
    op.create_index("ix_unit_assignments_unit_id", "unit_assignments", ["unit_id"])
    op.create_index("ix_unit_assignments_username", "unit_assignments", ["username"])
    op.create_index("ix_unit_assignments_ends_at", "unit_assignments", ["ends_at"])
    op.create_table(
        "commands",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commands")),
        sa.UniqueConstraint("name", name=op.f("uq_commands_name")),
    )
    op.create_table(
        "command_members",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("command_id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("added_by", sa.String(64), nullable=False),
        sa.Column("added_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["command_id"], ["commands.id"], name=op.f("fk_command_members_command_id_commands")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_command_members")),
        sa.UniqueConstraint("username", name=op.f("uq_command_members_username")),
    )
    op.create_index("ix_command_members_command_id", "command_members", ["command_id"])
    op.create_table(
        "command_units",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("command_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("added_by", sa.String(64), nullable=False),
        sa.Column("added_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["command_id"], ["commands.id"], name=op.f("fk_command_units_command_id_commands")),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_command_units_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_command_units")),
        sa.UniqueConstraint("unit_id", name=op.f("uq_command_units_unit_id")),
    )
    op.create_index("ix_command_units_command_id", "command_units", ["command_id"])


def downgrade() -> None:
    op.drop_index("ix_command_units_command_id", table_name="command_units")
    op.drop_table("command_units")
    op.drop_index("ix_command_members_command_id", table_name="command_members")
    op.drop_table("command_members")
    op.drop_table("commands")
    op.drop_index("ix_unit_assignments_ends_at", table_name="unit_assignments")
    op.drop_index("ix_unit_assignments_username", table_name="unit_assignments")
    op.drop_index("ix_unit_assignments_unit_id", table_name="unit_assignments")
    op.drop_table("unit_assignments")
