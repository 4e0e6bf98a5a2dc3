"""The CLI tests' environment: the database under test and a data folder, as PLATEWATCH_ variables."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def env(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("PLATEWATCH_DATABASE_URL", database_url)
    monkeypatch.setenv("PLATEWATCH_DATA_DIR", str(tmp_path / "data"))
    return database_url
