"""a B-tree on reads (plate_canonical, captured_at) for look-alike search by expansion; the canonical trigram goes

Look-alike ("similar") search now looks up every canonical plate within one edit by equality, and holds by plate
look up one canonical plate: both are served by this B-tree with the time range in it. Nothing else used the GIN
trigram index on plate_canonical (partial search runs on `plate`, whose trigram index stays).

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_reads_canonical_captured_at", "reads", ["plate_canonical", "captured_at"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_reads_canonical_trgm")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE INDEX IF NOT EXISTS ix_reads_canonical_trgm ON reads USING gin (plate_canonical gin_trgm_ops)"
        )
    op.drop_index("ix_reads_canonical_captured_at", table_name="reads")
