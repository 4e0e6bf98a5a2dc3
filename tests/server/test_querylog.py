"""The Data Query Log: one row per access to read data, refused ones too; append-only; tamper-evident."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from platewatch.domain.roles import Role
from platewatch.server.querylog import service
from platewatch.server.querylog.models import QueryLogEntry
from tests.support.live_server import PURPOSE, LiveServer, read_payload
from tests.support.routes_table import fill_path, routes, rule_of

LOGGED = [(m, p) for m, p, r in routes() if (rule := rule_of(r)) is not None and rule.kind == "logged"]


def seed_read(server: LiveServer, plate: str = "ABC1234") -> str:
    """A read of a listed plate: so there is a read, its images, and an alert to look at."""
    from platewatch.domain.hotlists import Category, HotListEntry
    from platewatch.server.db.engine import transaction
    from platewatch.server.hotlists import service as hotlists

    with transaction(server.sessions) as db:
        if hotlists.current_version_id(db) is None:
            h = hotlists.create_list(
                db, name="BOLO", source="manual", category=Category.BOLO, actor="t", now=server.clock.now
            )
            entry = HotListEntry(plate, None, Category.BOLO, purpose="suspect vehicle in burglary series")
            hotlists.add_manual_entry(db, h, entry, actor="t", now=server.clock.now)
    token = server.add_unit()
    body = read_payload(plate, server.clock.now)
    with server.client(token) as c:
        assert c.post("/api/v1/reads", json={"reads": [body]}).status_code == 200
    return str(body["id"])


BODIES: dict[tuple[str, str], dict[str, Any]] = {  # routes that need a body: JSON, or a form (`form`)
    ("POST", "/api/v1/holds"): {"json": {"reason": "preservation letter", "plate": "ABC1234"}},
    ("POST", "/holds"): {"form": {"reason": "preservation letter", "read_id": "{read_id}"}},
}


def body_of(method: str, path: str, read_id: str) -> dict[str, Any]:
    """httpx keyword arguments for the route's body (`json=` or `data=`), read ids filled in."""
    spec = BODIES.get((method, path), {})
    if "json" in spec:
        return {"json": spec["json"]}
    if "form" in spec:
        return {"data": {k: v.replace("{read_id}", read_id) for k, v in spec["form"].items()}}
    return {}


def seed_hold(server: LiveServer, read_id: str) -> None:
    """Legal hold 1, on the seeded read."""
    from platewatch.server.db.engine import transaction
    from platewatch.server.governance import holds
    from platewatch.server.governance.schemas import HoldCreate

    with transaction(server.sessions) as db:
        scope = HoldCreate(reason="preservation letter", read_ids=[uuid.UUID(read_id)])
        assert holds.place(db, scope, "2026-001234", "admin", server.clock.now).id == 1


def rows(server: LiveServer) -> list[QueryLogEntry]:
    with server.db() as db:
        return list(db.query(QueryLogEntry).order_by(QueryLogEntry.seq))


def test_there_are_logged_routes() -> None:
    assert len(LOGGED) >= 6, LOGGED


@pytest.mark.parametrize(("method", "path"), LOGGED)
def test_each_data_route_writes_exactly_one_row(server: LiveServer, method: str, path: str) -> None:
    read_id = seed_read(server)
    admin = server.add_person(Role.ADMINISTRATOR)
    token = server.login(admin)
    params: dict[str, Any] = {**PURPOSE, "plate": "ABC1234", "seconds": 1, "after": 0}
    body = body_of(method, path, read_id)
    if method == "GET" and "/holds" in path:
        seed_hold(server, read_id)
    with server.client(token) as c:
        before = len(rows(server))
        r = c.request(method, fill_path(path, uuid.UUID(read_id)), params=params, **body)
        assert r.status_code in (200, 201, 303), r.text
        after = rows(server)
        assert len(after) == before + 1
        row = after[-1]
        assert row.username == admin.username and row.outcome == "ok"
        assert row.purpose == PURPOSE["purpose"] and row.case_number == PURPOSE["case_number"]
        assert row.result_count >= (0 if row.action == "alert_feed" or path.endswith("/custody") else 1)
        # Without a purpose: refused, and still exactly one row (routes with a standing purpose take theirs).
        route_rule = rule_of(next(r for m, p, r in routes() if (m, p) == (method, path)))
        assert route_rule is not None
        if route_rule.standing is None:
            r = c.request(method, fill_path(path, uuid.UUID(read_id)), params={"plate": "ABC1234"}, **body)
            assert r.status_code == 400 and "purpose" in r.text
            refused = rows(server)
            assert len(refused) == before + 2 and refused[-1].outcome == "refused"
        else:
            r = c.request(method, fill_path(path, uuid.UUID(read_id)), params={"seconds": 1, "after": 0})
            assert r.status_code == 200
            standing = rows(server)
            assert len(standing) == before + 2 and standing[-1].purpose == route_rule.standing[0]


@pytest.mark.parametrize(("method", "path"), [lp for lp in LOGGED if "{read_id}" in lp[1]])
def test_not_found_is_logged_once(server: LiveServer, method: str, path: str) -> None:
    token = server.login(server.add_person(Role.INVESTIGATOR))
    with server.client(token) as c:
        r = c.request(method, fill_path(path), params=PURPOSE)
    assert r.status_code == 404
    log = rows(server)
    assert len(log) == 1 and log[0].outcome == "not_found"


def test_bad_search_is_logged_as_refused(server: LiveServer) -> None:
    token = server.login(server.add_person(Role.OFFICER))
    with server.client(token) as c:
        r = c.get("/api/v1/reads/search", params={**PURPOSE, "plate": "AB%"})
    assert r.status_code == 400 and r.json()["error"] == "bad_search"
    log = rows(server)
    assert len(log) == 1 and log[0].outcome == "refused" and log[0].parameters["plate"] == "AB%"


def test_views_follow_a_search_by_context(server: LiveServer) -> None:
    read_id = seed_read(server)
    officer = server.add_person(Role.OFFICER)
    other = server.add_person(Role.OFFICER)
    with server.client(server.login(officer)) as c:
        found = c.get("/api/v1/reads/search", params={**PURPOSE, "plate": "ABC1234"}).json()
        seq = found["query_log_seq"]
        image_url = found["reads"][0]["plate_image_url"]
        assert image_url.endswith(f"?context={seq}")
        img = c.get(image_url)
        assert img.status_code == 200 and img.headers["content-type"] == "image/jpeg"
        view = c.get(f"/api/v1/reads/{read_id}", params={"context": seq})
        assert view.status_code == 200
    log = rows(server)
    assert [r.action for r in log] == ["search", "view_image", "view_read"]
    assert {r.case_number for r in log} == {PURPOSE["case_number"]}
    # Someone else cannot borrow that purpose.
    with server.client(server.login(other)) as c:
        r = c.get(f"/api/v1/reads/{read_id}", params={"context": seq})
    assert r.status_code == 400 and "not a search, map or read view of yours" in r.json()["message"]


def test_log_is_append_only_in_the_database(server: LiveServer) -> None:
    seed_read(server)
    with server.client(server.login(server.add_person(Role.OFFICER))) as c:
        c.get("/api/v1/reads/search", params={**PURPOSE, "plate": "ABC1234"})
    with server.db() as db:
        with pytest.raises(DBAPIError, match="append-only"):
            db.execute(text("UPDATE query_log SET purpose = 'nothing to see'"))
        db.rollback()
        with pytest.raises(DBAPIError, match="append-only"):
            db.execute(text("DELETE FROM query_log"))
        db.rollback()


def drop_guard(db: Any) -> None:
    """Play an attacker with database-owner rights: remove the append-only triggers."""
    if db.get_bind().dialect.name == "postgresql":
        db.execute(text("DROP TRIGGER query_log_no_change ON query_log"))
    else:
        db.execute(text("DROP TRIGGER query_log_no_update"))
        db.execute(text("DROP TRIGGER query_log_no_delete"))


@pytest.mark.parametrize(
    ("tamper", "problem"),
    [
        ("UPDATE query_log SET purpose = 'routine' WHERE seq = 2", "edited"),
        ("UPDATE query_log SET result_count = 0 WHERE seq = 3", "edited"),
        ("DELETE FROM query_log WHERE seq = 2", "missing"),
        ("DELETE FROM query_log WHERE seq >= 3", "truncated"),
    ],
)
def test_verify_detects_tampering(server: LiveServer, tamper: str, problem: str) -> None:
    seed_read(server)
    with server.client(server.login(server.add_person(Role.INVESTIGATOR))) as c:
        for plate in ("ABC1234", "XYZ999", "AB*", "QQQ111"):
            c.get("/api/v1/reads/search", params={**PURPOSE, "plate": plate})
    auditor_token = server.login(server.add_person(Role.AUDITOR))
    with server.client(auditor_token) as c:
        ok = c.get("/api/v1/querylog/verify").json()
    assert ok == {"rows_checked": 4, "intact": True, "problems": []}
    with server.db() as db:
        drop_guard(db)
        db.execute(text(tamper))
        db.commit()
        _count, problems = service.verify(db)
    assert problems and any(problem in p.problem for p in problems), problems
    with server.client(auditor_token) as c:
        result = c.get("/api/v1/querylog/verify").json()
    assert result["intact"] is False and result["problems"]


def test_auditor_reads_the_log_filtered(server: LiveServer) -> None:
    seed_read(server)
    officer = server.add_person(Role.OFFICER)
    with server.client(server.login(officer)) as c:
        c.get("/api/v1/reads/search", params={**PURPOSE, "plate": "ABC1234"})
        c.get(
            "/api/v1/reads/search",
            params={"purpose": "another investigation here", "case_number": "X-9", "plate": "Z*"},
        )
    with server.client(server.login(server.add_person(Role.AUDITOR))) as c:
        all_rows = c.get("/api/v1/querylog").json()["rows"]
        case_rows = c.get("/api/v1/querylog", params={"case_number": "X-9"}).json()["rows"]
    assert [r["case_number"] for r in all_rows] == ["X-9", PURPOSE["case_number"]]
    assert len(case_rows) == 1 and case_rows[0]["parameters"]["plate"] == "Z*"
    assert case_rows[0]["username"] == officer.username and case_rows[0]["result_count"] == 0
