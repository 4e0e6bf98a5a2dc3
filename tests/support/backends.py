"""Restrict a test that uses the `server` (or `database_url`) fixture to one backend."""

from __future__ import annotations

import pytest

SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
"""For a test of what the store does not touch (markup, CSS, a page's accessibility): it runs once, on SQLite,
whatever PLATEWATCH_TEST_BACKENDS says, instead of once per backend. Say in the test's docstring why the store
does not matter to it."""
