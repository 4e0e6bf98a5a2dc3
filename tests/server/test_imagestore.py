"""The content-addressed image store: idempotent, durable in batches, never a name without its bytes."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from platewatch.server.reads import imagestore
from platewatch.server.reads.imagestore import ImageStore
from tests.support.live_server import jpeg


def test_put_many_stores_each_blob_once_under_its_hash(tmp_path: Path) -> None:
    store = ImageStore(tmp_path / "images")
    a, b = jpeg(seed=1), jpeg(seed=2)
    digests = store.put_many([a, b, a])
    assert digests == [hashlib.sha256(x).hexdigest() for x in (a, b, a)]
    files = sorted(p.name for p in (tmp_path / "images").rglob("*") if p.is_file())
    assert files == sorted({f"{d}.jpg" for d in digests})  # no temporary files left behind
    assert store.get(digests[0]) == a and store.verify(digests[1])
    assert store.put(a) == digests[0]  # idempotent


def test_fsync_fallback_without_syncfs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(imagestore, "_SYNCFS", None)
    store = ImageStore(tmp_path / "images")
    digest = store.put_many([jpeg(seed=3)])[0]
    assert store.verify(digest)


def test_a_failed_write_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = ImageStore(tmp_path / "images")

    def broken_sync(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(imagestore, "_sync", broken_sync)
    with pytest.raises(OSError, match="disk full"):
        store.put_many([jpeg(seed=4), jpeg(seed=5)])
    assert [p for p in (tmp_path / "images").rglob("*") if p.is_file()] == []
