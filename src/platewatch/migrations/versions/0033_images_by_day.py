"""Images stored by the UTC day of their reads (issue 23, ADR 0023): `read_images` keyed by (day, digest), partitioned
by day on PostgreSQL like `reads`; `retired_image_days`, the days whose image folder the purge removed; each image
file linked from `sha256/ab/cd/<hash>.jpg` to `days/<day>/ab/<hash>.jpg` for every day whose reads name it.

Files first, rows after: the new layout is made beside the old one (hard links: no second copy on disk), so a failed
migration loses no image. The old `sha256/` tree is left for the purge of the new code to remove (it runs only on a
migrated store). The image folder comes from the caller (`platewatch.server.db.migrate.upgrade(..., image_dir)`): a
store with images refuses to migrate without it. The downgrade links the files back into `sha256/`, then removes the
day folders as its last step.

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-06
"""

import datetime as dt
import errno
import os
import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path

import sqlalchemy as sa
from alembic import op

from platewatch.server.db.base import UTCDateTime

revision: str = "0033"
down_revision: str | None = "0032"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_DAY = {"postgresql": "date(timezone('UTC', captured_at))", "sqlite": "date(captured_at)"}
USES = """
SELECT {day} AS day, plate_image AS digest, captured_at FROM reads WHERE plate_image IS NOT NULL
UNION ALL SELECT {day}, vehicle_image, captured_at FROM reads WHERE vehicle_image IS NOT NULL
"""
MAKE_IMAGE_DAYS = """
DO $$
DECLARE d date;
BEGIN
  FOR d IN
    SELECT to_date(substr(c.relname, 7), 'YYYYMMDD') FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'reads'::regclass AND c.relname ~ '^reads_[0-9]{8}$'
  LOOP
    EXECUTE format('CREATE TABLE %I PARTITION OF read_images FOR VALUES FROM (%L) TO (%L)',
                   'read_images_' || to_char(d, 'YYYYMMDD'), d, d + 1);
  END LOOP;
END $$
"""


def upgrade() -> None:
    bind = op.get_bind()
    uses = USES.format(day=_DAY[bind.dialect.name])
    pairs = [(_date(d), str(h)) for d, h in bind.execute(sa.text(f"SELECT DISTINCT day, digest FROM ({uses}) u"))]
    root = _image_root(bool(pairs))
    if root is not None:
        _link_all(root, ((_old_name(h), _day_name(d, h)) for d, h in pairs))
    op.drop_index("ix_read_images_last_captured_at", table_name="read_images")
    op.drop_table("read_images")
    columns: list[sa.schema.SchemaItem] = [
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("last_captured_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("day", "digest", name=op.f("pk_read_images")),
    ]
    if bind.dialect.name == "postgresql":
        op.create_table("read_images", *columns, postgresql_partition_by="RANGE (day)")
        op.execute("CREATE TABLE read_images_default PARTITION OF read_images DEFAULT")
        op.execute(MAKE_IMAGE_DAYS)
    else:
        op.create_table("read_images", *columns)
    op.execute(
        "INSERT INTO read_images (day, digest, last_captured_at) "
        f"SELECT day, digest, max(captured_at) FROM ({uses}) u GROUP BY day, digest"
    )
    op.create_index("ix_read_images_last_captured_at", "read_images", ["last_captured_at", "digest"])
    op.create_table(
        "retired_image_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("retired_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_retired_image_days")),
    )


def downgrade() -> None:
    bind = op.get_bind()
    uses = USES.format(day=_DAY[bind.dialect.name])
    pairs = [(_date(d), str(h)) for d, h in bind.execute(sa.text(f"SELECT DISTINCT day, digest FROM ({uses}) u"))]
    root = _image_root(bool(pairs))
    if root is not None:  # a held read's file may be in `kept/` (its day's folder is gone)
        _link_all(root, ((_found(root, d, h), _old_name(h)) for d, h in pairs))
    op.drop_table("retired_image_days")
    op.drop_index("ix_read_images_last_captured_at", table_name="read_images")
    op.drop_table("read_images")  # with its partitions on PostgreSQL
    op.create_table(
        "read_images",
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("last_captured_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_read_images")),
    )
    op.execute(
        "INSERT INTO read_images (digest, last_captured_at) "
        f"SELECT digest, max(captured_at) FROM ({uses}) u GROUP BY digest"
    )
    op.create_index("ix_read_images_last_captured_at", "read_images", ["last_captured_at", "digest"])
    if root is not None:  # last: every image is in `sha256/` by now
        for folder in ("days", "kept", "retired"):
            shutil.rmtree(root / folder, ignore_errors=True)


def _image_root(needed: bool) -> Path | None:
    """The store's image folder, handed over by the caller; a store whose reads name images cannot move without it."""
    config = op.get_context().config
    given = config.attributes.get("image_dir") if config is not None else None
    if given is None and needed:
        raise RuntimeError(
            "migration 0033 moves the image files: run it through `platewatch server db upgrade` (or pass image_dir)"
        )
    return Path(given) if given is not None else None


def _date(value: dt.date | str) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def _old_name(digest: str) -> str:
    return f"sha256/{digest[:2]}/{digest[2:4]}/{digest}.jpg"


def _day_name(day: dt.date, digest: str) -> str:
    return f"days/{day.isoformat()}/{digest[:2]}/{digest}.jpg"


def _found(root: Path, day: dt.date, digest: str) -> str:
    """An image's file in the new layout: its day's folder, or `kept/` once that folder is gone."""
    name = _day_name(day, digest)
    return name if (root / name).exists() else "kept" + name[len("days") :]


def _link_all(root: Path, moves: Iterable[tuple[str, str]]) -> None:
    """Hard-link (or copy, where links are refused) each source to its target, both relative to `root`, then sync the
    store's filesystem: durable before any row changes. A missing source (an image already lost) is skipped."""
    for source, target in moves:
        src, dst = root / source, root / target
        if dst.exists() or not src.exists():
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(src, dst)
        except OSError as exc:
            if exc.errno not in (errno.EXDEV, errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
                raise
            shutil.copyfile(src, f"{dst}.tmp")
            os.replace(f"{dst}.tmp", dst)
    os.sync()
