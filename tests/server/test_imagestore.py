"""The image store by day (ADR 0023): idempotent, durable in batches, never a name without its bytes; a day's folder
retired whole, its held images kept."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import tempfile
from pathlib import Path

import pytest

from platewatch.server.reads import imagestore
from platewatch.server.reads.imagestore import ImageStore
from tests.support.live_server import jpeg

DAY = dt.date(2026, 12, 6)


def test_put_many_stores_each_blob_once_under_its_day_and_hash(tmp_path: Path) -> None:
    store = ImageStore(tmp_path / "images")
    a, b = jpeg(seed=1), jpeg(seed=2)
    digests = store.put_many([(DAY, a), (DAY, b), (DAY, a)])
    assert digests == [hashlib.sha256(x).hexdigest() for x in (a, b, a)]
    files = sorted(p.relative_to(store.root).as_posix() for p in store.root.rglob("*") if p.is_file())
    assert files == sorted({f"days/2026-12-06/{d[:2]}/{d}.jpg" for d in digests})  # no temporary files left behind
    assert store.get(DAY, digests[0]) == a and store.verify(DAY, digests[1])
    assert store.put(DAY, a) == digests[0]  # idempotent
    noon = dt.datetime(2026, 12, 6, 23, 59, tzinfo=dt.timezone(dt.timedelta(hours=-5)))  # 04:59 UTC on the 7th
    assert store.of_read(noon, digests[0]) is None and store.of_read(noon, None) is None


def test_a_byte_identical_image_of_two_days_is_stored_in_each_day(tmp_path: Path) -> None:
    store = ImageStore(tmp_path / "images")
    next_day = DAY + dt.timedelta(days=1)
    first, second = store.put_many([(DAY, jpeg(seed=1)), (next_day, jpeg(seed=1))])
    assert first == second and store.verify(DAY, first) and store.verify(next_day, first)
    assert store.retire_day(DAY) and store.empty_retired() == 1
    assert store.get(DAY, first) is None and store.verify(next_day, first)  # one day's removal leaves the other's


def test_a_retired_day_goes_whole_and_its_kept_images_stay(tmp_path: Path) -> None:
    store = ImageStore(tmp_path / "images")
    held, gone = store.put_many([(DAY, jpeg(seed=1)), (DAY, jpeg(seed=2))])
    assert store.keep(DAY, [held]) == 1 and store.keep(DAY, [held]) == 0  # linked once
    assert store.day_folders() == {DAY}
    assert store.retire_day(DAY) and not store.retire_day(DAY)
    assert store.day_folders() == set() and store.get(DAY, gone) is None
    assert store.verify(DAY, held) and store.name_of(DAY, held) == f"kept/2026-12-06/{held[:2]}/{held}.jpg"
    assert store.kept_digests(DAY) == {held}
    assert [p.name.split(".")[0] for p in (store.root / "retired").iterdir()] == ["2026-12-06"]
    assert store.empty_retired() == 2 and list((store.root / "retired").iterdir()) == []  # the link counts: 2 files
    assert store.remove(DAY, held) and store.get(DAY, held) is None and not store.remove(DAY, held)


def test_the_layout_before_0033_is_retired_whole(tmp_path: Path) -> None:
    store = ImageStore(tmp_path / "images")
    legacy = store.root / "sha256" / "ab" / "cd" / ("abcd" + "0" * 60 + ".jpg")
    legacy.parent.mkdir(parents=True)
    legacy.write_bytes(jpeg(seed=1))
    assert store.retire_legacy() and not store.retire_legacy()
    assert store.empty_retired() == 1 and not (store.root / "sha256").exists()


def test_fsync_fallback_without_syncfs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(imagestore, "_SYNCFS", None)
    store = ImageStore(tmp_path / "images")
    digest = store.put_many([(DAY, jpeg(seed=3))])[0]
    assert store.verify(DAY, digest)


def test_a_failed_write_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = ImageStore(tmp_path / "images")

    def broken_sync(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(imagestore, "_sync", broken_sync)
    with pytest.raises(OSError, match="disk full"):
        store.put_many([(DAY, jpeg(seed=4)), (DAY, jpeg(seed=5))])
    assert [p for p in (tmp_path / "images").rglob("*") if p.is_file()] == []


def test_link_from_shares_the_files_another_store_has_and_this_one_lacks(tmp_path: Path) -> None:
    old, new = ImageStore(tmp_path / "old"), ImageStore(tmp_path / "new")
    a, b, c = old.put_many([(DAY, jpeg(seed=1)), (DAY, jpeg(seed=2)), (DAY, jpeg(seed=3))])
    (kept,) = new.put_many([(DAY, jpeg(seed=2))])  # already there: left as it is
    absent = old.day_name(DAY, hashlib.sha256(b"not stored anywhere").hexdigest())
    na, nb = old.day_name(DAY, a), old.day_name(DAY, b)
    assert new.link_from(old, [na, nb, absent]) == {na}
    assert new.path_for(DAY, a).stat().st_ino == old.path_for(DAY, a).stat().st_ino
    assert kept == b and new.path_for(DAY, b).stat().st_ino != old.path_for(DAY, b).stat().st_ino
    assert new.get(DAY, c) is None
    old.remove(DAY, a)  # one store deleting its file leaves the other's
    assert new.verify(DAY, a)


def test_link_from_another_filesystem_links_nothing(tmp_path: Path) -> None:
    shm = Path("/dev/shm")
    if not shm.is_dir() or shm.stat().st_dev == tmp_path.stat().st_dev:
        pytest.skip("needs /dev/shm on a filesystem other than the test's folder")
    old = ImageStore(Path(tempfile.mkdtemp(dir=shm)))
    try:
        (a,) = old.put_many([(DAY, jpeg(seed=1))])
        new = ImageStore(tmp_path / "new")
        assert new.link_from(old, [old.day_name(DAY, a)]) == set() and new.get(DAY, a) is None  # the caller copies it
    finally:
        shutil.rmtree(old.root)
