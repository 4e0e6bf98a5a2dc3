"""The content-addressed image store: idempotent, durable in batches, never a name without its bytes."""

from __future__ import annotations

import hashlib
import shutil
import tempfile
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


def test_link_from_shares_the_files_another_store_has_and_this_one_lacks(tmp_path: Path) -> None:
    old, new = ImageStore(tmp_path / "old"), ImageStore(tmp_path / "new")
    a, b, c = old.put_many([jpeg(seed=1), jpeg(seed=2), jpeg(seed=3)])
    (kept,) = new.put_many([jpeg(seed=2)])  # already there: left as it is
    absent = hashlib.sha256(b"not stored anywhere").hexdigest()
    assert new.link_from(old, [a, b, absent]) == {a}
    assert new.path_for(a).stat().st_ino == old.path_for(a).stat().st_ino
    assert kept == b and new.path_for(b).stat().st_ino != old.path_for(b).stat().st_ino
    assert new.get(c) is None and new.get(absent) is None
    old.remove(a)  # one store deleting its file leaves the other's
    assert new.verify(a)


def test_link_from_another_filesystem_links_nothing(tmp_path: Path) -> None:
    shm = Path("/dev/shm")
    if not shm.is_dir() or shm.stat().st_dev == tmp_path.stat().st_dev:
        pytest.skip("needs /dev/shm on a filesystem other than the test's folder")
    old = ImageStore(Path(tempfile.mkdtemp(dir=shm)))
    try:
        (a,) = old.put_many([jpeg(seed=1)])
        new = ImageStore(tmp_path / "new")
        assert new.link_from(old, [a]) == set() and new.get(a) is None  # the caller copies it
    finally:
        shutil.rmtree(old.root)
