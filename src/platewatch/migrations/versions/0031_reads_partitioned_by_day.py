"""reads partitioned by UTC day on PostgreSQL (issue 23, ADR 0019): the purge drops whole days; the primary key is
(id, captured_at), so alerts, repeats and holdings no longer have a foreign key to reads there (their guarantees are
kept by the purge, ADR 0019). SQLite's reads stay one table. On both stores, `read_images` (each image's newest
capture time) replaces the indexes on reads' image hashes that the purge looked each image up in.

Every read is copied into the new table: one partition per UTC day that has reads, and the week ahead; a default
partition takes any read whose day has none.

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from platewatch.server.db.base import UTCDateTime

revision: str = "0031"
down_revision: str | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REFERENCES = [
    ("alerts", "fk_alerts_read_id_reads", ""),
    ("held_reads", "fk_held_reads_read_id_reads", ""),
    ("alert_repeats", "fk_alert_repeats_read_id_reads", " ON DELETE CASCADE"),
]
INDEXES = [
    "CREATE INDEX ix_reads_captured_at_plate ON reads (captured_at, plate)",
    "CREATE INDEX ix_reads_captured_at_id ON reads (captured_at, id)",
    "CREATE INDEX ix_reads_plate_captured_at ON reads (plate, captured_at)",
    "CREATE INDEX ix_reads_unit_captured_at ON reads (unit_id, captured_at)",
    "CREATE INDEX ix_reads_canonical_captured_at ON reads (plate_canonical, captured_at)",
    "CREATE INDEX ix_reads_plate_trgm ON reads USING gin (plate gin_trgm_ops)",
    # 0027's: the few reads taken outside an approved deployment
    "CREATE INDEX ix_reads_outside_deployment ON reads (captured_at) WHERE outside_deployment IS NOT NULL",
]
IMAGE_INDEXES = [("ix_reads_plate_image", "plate_image"), ("ix_reads_vehicle_image", "vehicle_image")]
LAST_USES = """
INSERT INTO read_images (digest, last_captured_at)
SELECT digest, max(captured_at) FROM (
  SELECT plate_image AS digest, captured_at FROM reads WHERE plate_image IS NOT NULL
  UNION ALL SELECT vehicle_image, captured_at FROM reads WHERE vehicle_image IS NOT NULL
) AS uses GROUP BY digest
"""
MAKE_DAYS = """
DO $$
DECLARE d date;
BEGIN
  FOR d IN
    SELECT DISTINCT (captured_at AT TIME ZONE 'UTC')::date FROM reads_unpartitioned
    UNION SELECT (now() AT TIME ZONE 'UTC')::date + k FROM generate_series(-1, 7) AS k
  LOOP
    EXECUTE format('CREATE TABLE %I PARTITION OF reads FOR VALUES FROM (%L) TO (%L)',
                   'reads_' || to_char(d, 'YYYYMMDD'), d::timestamp AT TIME ZONE 'UTC',
                   (d + 1)::timestamp AT TIME ZONE 'UTC');
  END LOOP;
END $$
"""


def upgrade() -> None:
    op.create_table(
        "read_images",
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("last_captured_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_read_images")),
    )
    op.execute(LAST_USES)
    op.create_index("ix_read_images_last_captured_at", "read_images", ["last_captured_at", "digest"])
    if op.get_bind().dialect.name != "postgresql":
        for name, _ in IMAGE_INDEXES:
            op.drop_index(name, table_name="reads")
        return
    for table, name, _ in REFERENCES:
        op.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
    op.execute("ALTER TABLE reads RENAME TO reads_unpartitioned")
    op.execute("CREATE TABLE reads (LIKE reads_unpartitioned INCLUDING DEFAULTS) PARTITION BY RANGE (captured_at)")
    op.execute("CREATE TABLE reads_default PARTITION OF reads DEFAULT")
    op.execute(MAKE_DAYS)
    op.execute("INSERT INTO reads SELECT * FROM reads_unpartitioned")
    op.execute("DROP TABLE reads_unpartitioned")  # its indexes and constraints too: their names are free again
    op.execute("ALTER TABLE reads ADD CONSTRAINT pk_reads PRIMARY KEY (id, captured_at)")
    op.execute("ALTER TABLE reads ADD CONSTRAINT fk_reads_unit_id_units FOREIGN KEY (unit_id) REFERENCES units (id)")
    for statement in INDEXES:
        op.execute(statement)
    op.execute("ANALYZE reads")


def downgrade() -> None:
    op.drop_index("ix_read_images_last_captured_at", table_name="read_images")
    op.drop_table("read_images")
    if op.get_bind().dialect.name != "postgresql":
        for name, column in IMAGE_INDEXES:
            op.create_index(name, "reads", [column])
        return
    op.execute("CREATE TABLE reads_unpartitioned (LIKE reads INCLUDING DEFAULTS)")
    op.execute("INSERT INTO reads_unpartitioned SELECT * FROM reads")
    op.execute("DROP TABLE reads")  # with every partition
    op.execute("ALTER TABLE reads_unpartitioned RENAME TO reads")
    op.execute("ALTER TABLE reads ADD CONSTRAINT pk_reads PRIMARY KEY (id)")
    op.execute("ALTER TABLE reads ADD CONSTRAINT fk_reads_unit_id_units FOREIGN KEY (unit_id) REFERENCES units (id)")
    for statement in INDEXES:
        op.execute(statement)
    for name, column in IMAGE_INDEXES:
        op.create_index(name, "reads", [column])
    for table, name, action in REFERENCES:
        op.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} FOREIGN KEY (read_id) REFERENCES reads (id){action}")
