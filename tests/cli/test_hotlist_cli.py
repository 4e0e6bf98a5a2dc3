"""`platewatch hotlist …` as an administrator runs it: create, import (good and refused), watch a folder, delete."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select, text

from platewatch.server.db.base import utcnow
from platewatch.server.db.engine import make_engine, make_sessionmaker, transaction
from platewatch.server.hotlists import changes
from platewatch.server.hotlists.models import HotList
from tests.server.hotlists.fixtures import ncic
from tests.support.cli import run

GOOD = "\n".join([ncic("V123456789", "AB123456", "CA"), ncic("P987654321", "7XYZ890", "CT"), ncic("V1", "000", "CT")])


def versions(url: str) -> list[tuple[str, int]]:
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT change, entry_count FROM hotlist_versions ORDER BY id")).all()
    engine.dispose()
    return [(r[0], r[1]) for r in rows]


def test_create_import_and_refuse(env: str, tmp_path: Path) -> None:
    code, out = run(
        "hotlist", "create", "NCIC", "--source", "ncic", "--category", "stolen_vehicle", "--format", "ncic_fixed"
    )
    assert code == 0, out
    good = tmp_path / "ncic.txt"
    good.write_text(GOOD)
    code, out = run("hotlist", "import", str(good), "--list", "NCIC")
    assert code == 0, out
    assert "2 entries (2 new)" in out and "1 false plate(s)" in out
    bad = tmp_path / "bad.txt"
    bad.write_text(GOOD + "\nnot a record at all\n\x01\x02garbage\n")
    code, out = run("hotlist", "import", str(bad), "--list", "NCIC")
    assert code == 1
    assert "bad.txt:4:" in out and "bad.txt:5:" in out and "import refused" in out and "unchanged" in out
    code, out = run("hotlist", "import", str(good), "--list", "nope")
    assert code == 1 and "no hot list named 'nope'" in out  # (also recorded for administrators)
    code, out = run("hotlist", "import", str(tmp_path / "missing.txt"), "--list", "NCIC")
    assert code == 1 and "cannot read" in out
    assert versions(env) == [("create", 0), ("import", 2)]
    code, out = run("hotlist", "formats")
    assert code == 0 and "ncic_fixed" in out and "ca_clew" in out


def test_watch_folder_once(env: str, tmp_path: Path) -> None:
    assert (
        run("hotlist", "create", "NCIC", "--source", "ncic", "--category", "stolen_vehicle", "--format", "ncic_fixed")[
            0
        ]
        == 0
    )
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "NCIC.txt").write_text(GOOD)
    code, out = run("hotlist", "watch", str(inbox), "--once")
    assert code == 0, out
    assert [p.name.split("-", 1)[1] for p in (inbox / "processed").iterdir()] == ["NCIC.txt"]
    (inbox / "NCIC.txt").write_text("garbage\n")
    (inbox / "Unknown.txt").write_text(GOOD)
    code, out = run("hotlist", "watch", str(inbox), "--once")
    assert code == 1
    assert sorted(p.name.split("-", 1)[1] for p in (inbox / "failed").iterdir()) == ["NCIC.txt", "Unknown.txt"]
    engine = make_engine(env)
    with engine.connect() as conn:
        failures = conn.execute(
            text("SELECT count(*) FROM security_events WHERE event = 'hotlist_import' AND outcome = 'failure'")
        ).scalar()
    engine.dispose()
    assert failures == 2  # the refused NCIC file and the file for a list that does not exist
    assert versions(env) == [("create", 0), ("import", 2)]


def test_delete_refuses_an_active_list_and_deletes_a_retired_one(env: str) -> None:
    assert run("hotlist", "create", "Old BOLO", "--source", "manual", "--category", "bolo")[0] == 0
    code, out = run("hotlist", "delete", "Old BOLO")
    assert code == 1 and "retire it first" in out
    engine = make_engine(env)
    with transaction(make_sessionmaker(engine)) as db:  # retired on the page (tests/web/test_hotlist_pages.py)
        hotlist = db.scalars(select(HotList).where(HotList.name == "Old BOLO")).one()
        changes.retire(db, hotlist, actor="t", now=utcnow(), reason="merged into BOLO")
    code, out = run("hotlist", "delete", "Old BOLO")
    assert code == 0, out
    assert "hot list 'Old BOLO' deleted with its 2 version(s)" in out
    assert versions(env) == []
    with engine.connect() as conn:
        events = conn.execute(
            text("SELECT username, outcome FROM security_events WHERE event = 'hotlist_deleted' ORDER BY id")
        ).all()
    engine.dispose()
    assert [(u, o) for u, o in events] == [("cli", "failure"), ("cli", "success")]
    code, out = run("hotlist", "delete", "Old BOLO")
    assert code == 1 and "no hot list named 'Old BOLO'" in out


def test_watch_imports_each_lists_own_folder_as_its_settings_say(env: str, tmp_path: Path) -> None:
    inbox = tmp_path / "ncic-in"
    code, out = run(
        "hotlist", "create", "NCIC", "--source", "ncic", "--category", "stolen_vehicle", "--format", "ncic_fixed",
        "--watch-folder", str(inbox), "--import-every", "60",
    )  # fmt: skip
    assert code == 0, out
    code, out = run("hotlist", "create", "X", "--source", "ncic", "--category", "bolo", "--watch-folder", "rel/dir")
    assert code == 1 and "absolute path" in out
    code, out = run("hotlist", "watch", "--once")
    assert code == 1 and "does not exist" in out  # its folder is not there yet: a failure, recorded
    inbox.mkdir()
    (inbox / "daily-2026-12-06.txt").write_text(GOOD)  # any name: the folder is the list's own
    code, out = run("hotlist", "watch", "--once")
    assert code == 0, out
    assert "NCIC: version" in out and "2 entries (2 new)" in out
    assert [p.name.split("-", 1)[1] for p in (inbox / "processed").iterdir()] == ["daily-2026-12-06.txt"]
    assert versions(env) == [("create", 0), ("import", 2)]


def test_settings_and_retire(env: str, tmp_path: Path) -> None:
    code, out = run("hotlist", "create", "BOLO", "--source", "manual", "--category", "bolo", "--format", "excel")
    assert code == 1 and "'excel' is not an import format" in out, out
    code, out = run("hotlist", "create", "BOLO", "--source", "manual", "--category", "bolo")
    assert code == 0, out
    folder = str(tmp_path / "bolo")
    code, out = run("hotlist", "settings", "BOLO", "--watch-folder", folder, "--import-every", "60")
    assert code == 1 and "import format" in out, out  # a watched folder's files need a format: nothing written
    code, out = run(
        "hotlist", "settings", "BOLO", "--watch-folder", folder, "--import-every", "60", "--format", "ncic_fixed"
    )
    assert code == 0 and "watched folder" in out and "import every" in out, out
    code, out = run("hotlist", "settings", "BOLO", "--alert-colour", "green")
    assert code == 1 and "alert_colour" in out, out
    code, out = run("hotlist", "settings", "BOLO", "--priority", "2")
    assert code == 0 and "priority" in out, out
    code, out = run("hotlist", "settings", "BOLO", "--priority", "2")
    assert code == 0 and "nothing changed" in out, out
    code, out = run("hotlist", "settings", "nope", "--priority", "2")
    assert code == 1 and "no hot list named 'nope'" in out
    engine = make_engine(env)
    with make_sessionmaker(engine)() as db:
        bolo = db.scalar(select(HotList).where(HotList.name == "BOLO"))
        assert bolo is not None
        settings = (bolo.watch_folder, bolo.import_every_minutes, bolo.import_format, bolo.priority)
    assert settings == (folder, 60, "ncic_fixed", 2)
    code, out = run("hotlist", "retire", "BOLO", "--reason", "case closed")
    assert code == 0 and "retired" in out, out
    code, out = run("hotlist", "retire", "BOLO", "--reason", "again")
    assert code == 1 and "already retired" in out
    code, out = run("hotlist", "settings", "BOLO", "--priority", "3")
    assert code == 1 and "retired" in out
    engine.dispose()
    assert versions(env) == [("create", 0), ("settings", 0), ("settings", 0), ("retire", 0)]
