"""`platewatch area add|list|retire` and `platewatch user restrict|unrestrict`, run as an administrator types them."""

from __future__ import annotations

from sqlalchemy import text

from platewatch.server.db.engine import make_engine
from tests.support.cli import run

DISTRICT_3 = "41.10,-73.55;41.10,-73.45;41.20,-73.45;41.20,-73.55"


def test_areas_and_a_restriction_from_the_shell(env: str) -> None:
    assert run("user", "add", "pat", "--role", "officer")[0] == 0
    code, out = run("area", "add", "District 3", "--polygon", DISTRICT_3)
    assert code == 0 and "area 'District 3' saved (4 corners)" in out, out
    code, out = run("area", "add", "District 3", "--polygon", DISTRICT_3)
    assert code == 1 and "already exists" in out
    code, out = run("area", "add", "Nowhere", "--polygon", "41,-73;42,-73")
    assert code == 1 and "at least three corners" in out
    code, out = run("user", "restrict", "pat", "--area", "District 3", "--newer-than-days", "30")
    assert code == 0 and "pat restricted: areas District 3" in out and "newer than 30 days" in out, out
    code, out = run("user", "restrict", "pat", "--area", "District 9")
    assert code == 1 and "no area named 'District 9'" in out
    code, out = run("user", "restrict", "pat", "--newer-than-days", "0")
    assert code == 1 and "newer_than_days: 1 to" in out
    code, out = run("area", "list")
    assert code == 0 and "District 3 | 4 corners | saved by cli" in out and "| in use |" in out
    assert run("area", "retire", "District 3") == (0, "area 'District 3' retired\n")
    assert "no saved areas" in run("area", "list")[1]
    assert "retired" in run("area", "list", "--retired")[1]
    code, out = run("user", "unrestrict", "pat")
    assert code == 0 and "no longer restricted" in out
    code, out = run("user", "unrestrict", "pat")
    assert code == 1 and "not restricted" in out
    engine = make_engine(env)
    with engine.connect() as conn:
        events = conn.execute(text("SELECT event, actor FROM security_events ORDER BY id")).all()
        left = conn.execute(text("SELECT count(*) FROM person_restrictions")).scalar()
    engine.dispose()
    assert [tuple(e) for e in events] == [
        ("user_created", "cli"), ("area_added", "cli"), ("restriction_set", "cli"), ("area_retired", "cli"),
        ("restriction_cleared", "cli"),
    ]  # fmt: skip
    assert left == 0
