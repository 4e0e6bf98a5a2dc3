"""Alembic migrations of the server schema (run with `platewatch db upgrade`)."""
