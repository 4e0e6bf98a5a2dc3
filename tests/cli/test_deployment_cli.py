"""`platewatch deployment …` as the administrator types it at the server's shell (order V.A.2, V.E.1): approve a
trailer's site and a patrol car's vehicle, revise, end, list the history; bad input is a message and exit 1."""

from __future__ import annotations

import re

from sqlalchemy import text

from platewatch.server.db.engine import make_engine
from tests.support.cli import run


def test_approve_revise_end_and_list(env: str) -> None:
    assert run("db", "upgrade")[0] == 0
    assert run("unit", "add", "trailer-1", "--kind", "portable")[0] == 0
    code, out = run("unit", "add", "car-12", "--kind", "mobile", "--approved-for", "cruiser 12")
    assert code == 0, out
    code, out = run("deployment", "approve", "trailer-1", "--site", "Post Road at Main St", "--lat", "41.14",
                    "--lon", "-73.36", "--radius", "150", "--from", "2026-12-01T08:00:00-05:00",
                    "--reason", "speeding complaints")  # fmt: skip
    assert code == 0, out
    first = re.search(r"approval (\d+): trailer-1 at Post Road at Main St", out)
    assert first, out
    code, out = run("deployment", "revise", first.group(1), "--site", "Post Road at Elm St", "--lat", "41.145",
                    "--lon", "-73.361", "--reason", "moved one block")  # fmt: skip
    assert code == 0 and f"replaces approval {first.group(1)}" in out, out
    second = re.search(r"approval (\d+) replaces", out)
    assert second
    code, out = run("deployment", "end", second.group(1), "--reason", "complaints resolved")
    assert code == 0 and f"approval {second.group(1)} ended" in out

    code, out = run("deployment", "list", "--unit", "trailer-1")
    assert code == 0 and "Post Road at Main St" in out and "Post Road at Elm St" in out and "complaints" in out
    assert "approved by cli: moved one block; ended" in out
    code, out = run("deployment", "list")
    assert code == 0 and re.search(r"#\d+ car-12 \(mobile\): cruiser 12, from .* until ended; .*; current", out), out

    engine = make_engine(env)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT site, approved_by, replaces_id, end_reason FROM deployment_approvals "
                                 "ORDER BY id")).all()  # fmt: skip
        events = conn.execute(text("SELECT event FROM security_events WHERE event LIKE 'deployment_%' ORDER BY id"))
        audit = events.scalars().all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [
        ("cruiser 12", "cli", None, ""),
        ("Post Road at Main St", "cli", None, f"revised: replaced by approval {second.group(1)}"),
        ("Post Road at Elm St", "cli", int(first.group(1)), "complaints resolved"),
    ]
    assert audit == ["deployment_approved", "deployment_approved", "deployment_revised", "deployment_ended"]


def test_bad_input_is_named_and_nothing_is_written(env: str) -> None:
    assert run("db", "upgrade")[0] == 0
    assert run("unit", "add", "trailer-2", "--kind", "portable")[0] == 0
    code, out = run("deployment", "approve", "trailer-2", "--site", "Main St", "--lat", "95", "--lon", "-73",
                    "--reason", "speeding")  # fmt: skip
    assert code == 1 and "latitude" in out
    code, out = run("deployment", "approve", "ghost", "--site", "Main St", "--lat", "41", "--lon", "-73",
                    "--reason", "speeding")  # fmt: skip
    assert code == 1 and "no unit named 'ghost'" in out
    backwards = ["--from", "2026-12-02T00:00:00Z", "--until", "2026-12-01T00:00:00Z"]
    code, out = run("deployment", "approve", "trailer-2", "--site", "Main St", "--lat", "41", "--lon", "-73",
                    *backwards, "--reason", "speeding")  # fmt: skip
    assert code == 1 and "valid_until must be after valid_from" in out
    code, out = run("deployment", "end", "42", "--reason", "gone")
    assert code == 1 and "no deployment approval 42" in out
    code, out = run("unit", "add", "trailer-3", "--kind", "portable", "--approved-for", "Main St")
    assert code == 1 and "portable" in out
    engine = make_engine(env)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM deployment_approvals")).scalar() == 0
    engine.dispose()
