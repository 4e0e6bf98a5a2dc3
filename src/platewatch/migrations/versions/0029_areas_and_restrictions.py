"""saved search areas and people restricted to areas and time windows (issue 24 item 8, order IV.B.4)

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from platewatch.server.db.base import JSONType, UTCDateTime

revision: str = "0029"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "search_areas",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("polygon", JSONType, nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("retired_by", sa.String(64), nullable=True),
        sa.Column("retired_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_areas")),
        sa.UniqueConstraint("name", name=op.f("uq_search_areas_name")),
    )
    op.create_table(
        "person_restrictions",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("captured_from", UTCDateTime(), nullable=True),
        sa.Column("captured_until", UTCDateTime(), nullable=True),
        sa.Column("newer_than_days", sa.Integer(), nullable=True),
        sa.Column("set_by", sa.String(64), nullable=False),
        sa.Column("set_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_person_restrictions_user_id_users")),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_person_restrictions")),
    )
    op.create_table(
        "person_restriction_areas",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["person_restrictions.user_id"],
            name=op.f("fk_person_restriction_areas_user_id_person_restrictions"),
        ),
        sa.ForeignKeyConstraint(
            ["area_id"], ["search_areas.id"], name=op.f("fk_person_restriction_areas_area_id_search_areas")
        ),
        sa.PrimaryKeyConstraint("user_id", "area_id", name=op.f("pk_person_restriction_areas")),
    )


def downgrade() -> None:
    op.drop_table("person_restriction_areas")
    op.drop_table("person_restrictions")
    op.drop_table("search_areas")
