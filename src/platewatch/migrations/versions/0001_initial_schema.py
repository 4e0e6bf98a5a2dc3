"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-28 12:00:56.501727
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from platewatch.server.db.base import JSONType, UTCDateTime

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "query_log",
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("parameters", JSONType, nullable=False),
        sa.Column("purpose", sa.String(length=500), nullable=False),
        sa.Column("case_number", sa.String(length=40), nullable=False),
        sa.Column("result_count", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("row_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_query_log")),
    )
    with op.batch_alter_table("query_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_query_log_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_query_log_case_number"), ["case_number"], unique=False)
        batch_op.create_index(batch_op.f("ix_query_log_username"), ["username"], unique=False)

    op.create_table(
        "query_log_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("row_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_query_log_head")),
    )
    op.create_table(
        "security_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("event", sa.String(length=48), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("detail", sa.String(length=500), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_events")),
    )
    with op.batch_alter_table("security_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_security_events_at"), ["at"], unique=False)

    op.create_table(
        "units",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("approved_for", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_units")),
        sa.UniqueConstraint("name", name=op.f("uq_units_name")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("totp_secret", sa.String(length=64), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("max_sessions", sa.Integer(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", UTCDateTime(), nullable=True),
        sa.Column("last_totp_step", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("disabled_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    op.create_table(
        "reads",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("camera", sa.String(length=64), nullable=False),
        sa.Column("captured_at", UTCDateTime(), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("plate", sa.String(length=10), nullable=False),
        sa.Column("plate_canonical", sa.String(length=10), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("candidates", JSONType, nullable=False),
        sa.Column("state", sa.String(length=2), nullable=True),
        sa.Column("state_confidence", sa.Float(), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("heading", sa.Float(), nullable=True),
        sa.Column("plate_image", sa.String(length=64), nullable=True),
        sa.Column("vehicle_image", sa.String(length=64), nullable=True),
        sa.Column("hotlist_version", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("attributes", JSONType, nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_reads_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reads")),
    )
    with op.batch_alter_table("reads", schema=None) as batch_op:
        batch_op.create_index("ix_reads_canonical", ["plate_canonical"], unique=False)
        batch_op.create_index("ix_reads_captured_at", ["captured_at"], unique=False)
        batch_op.create_index("ix_reads_plate_captured_at", ["plate", "captured_at"], unique=False)
        batch_op.create_index("ix_reads_unit_captured_at", ["unit_id", "captured_at"], unique=False)

    op.create_table(
        "unit_tokens",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.Column("last_used_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_unit_tokens_unit_id_units"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_unit_tokens_token_hash")),
    )
    with op.batch_alter_table("unit_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_unit_tokens_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "user_sessions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_seen_at", UTCDateTime(), nullable=False),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
        sa.Column("end_reason", sa.String(length=32), nullable=True),
        sa.Column("client", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_sessions_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_user_sessions_token_hash")),
    )
    with op.batch_alter_table("user_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_sessions_user_id"), ["user_id"], unique=False)

    _postgresql_search_indexes()
    _append_only_query_log()


def _postgresql_search_indexes() -> None:
    # Partial-plate search (`*AB1*`) and one-edit search use trigram GIN indexes on PostgreSQL.
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute("CREATE INDEX ix_reads_plate_trgm ON reads USING gin (plate gin_trgm_ops)")
    op.execute("CREATE INDEX ix_reads_canonical_trgm ON reads USING gin (plate_canonical gin_trgm_ops)")


def _append_only_query_log() -> None:
    # The Data Query Log is append-only (order V.D.9, CJIS 5.4): the database refuses edits and
    # deletions; retention of old years is done by `platewatch querylog purge` through a function
    # that is allowed to (added with the retention feature).
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION query_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF current_setting('platewatch.querylog_purge', true) = 'on' AND TG_OP = 'DELETE' THEN
                    RETURN OLD;
                END IF;
                RAISE EXCEPTION 'query_log is append-only (% refused)', TG_OP;
            END $$
            """
        )
        op.execute(
            "CREATE TRIGGER query_log_no_change BEFORE UPDATE OR DELETE ON query_log "
            "FOR EACH ROW EXECUTE FUNCTION query_log_append_only()"
        )
    else:
        op.execute(
            "CREATE TRIGGER query_log_no_update BEFORE UPDATE ON query_log "
            "BEGIN SELECT RAISE(ABORT, 'query_log is append-only (UPDATE refused)'); END"
        )
        op.execute(
            "CREATE TRIGGER query_log_no_delete BEFORE DELETE ON query_log "
            "BEGIN SELECT RAISE(ABORT, 'query_log is append-only (DELETE refused)'); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS query_log_no_change ON query_log")
        op.execute("DROP FUNCTION IF EXISTS query_log_append_only()")
        op.execute("DROP INDEX IF EXISTS ix_reads_plate_trgm")
        op.execute("DROP INDEX IF EXISTS ix_reads_canonical_trgm")
    else:
        op.execute("DROP TRIGGER IF EXISTS query_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS query_log_no_delete")
    with op.batch_alter_table("user_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_sessions_user_id"))

    op.drop_table("user_sessions")
    with op.batch_alter_table("unit_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unit_tokens_unit_id"))

    op.drop_table("unit_tokens")
    with op.batch_alter_table("reads", schema=None) as batch_op:
        batch_op.drop_index("ix_reads_unit_captured_at")
        batch_op.drop_index("ix_reads_plate_captured_at")
        batch_op.drop_index("ix_reads_captured_at")
        batch_op.drop_index("ix_reads_canonical")

    op.drop_table("reads")
    op.drop_table("users")
    op.drop_table("units")
    with op.batch_alter_table("security_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_security_events_at"))

    op.drop_table("security_events")
    op.drop_table("query_log_head")
    with op.batch_alter_table("query_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_query_log_username"))
        batch_op.drop_index(batch_op.f("ix_query_log_case_number"))
        batch_op.drop_index(batch_op.f("ix_query_log_at"))

    op.drop_table("query_log")
