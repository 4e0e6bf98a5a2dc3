"""Every route × every role, from the app's own route table: a new route without a rule fails here."""

from __future__ import annotations

import pytest

from platewatch.domain.roles import Permission, Role, allows
from tests.support.live_server import PURPOSE, LiveServer
from tests.support.routes_table import fill_path, returns_read_data, routes, rule_of


def test_every_route_declares_an_access_rule() -> None:
    missing = [f"{m} {p}" for m, p, r in routes() if rule_of(r) is None]
    assert missing == [], f"routes without Public/require/unit_auth/query_logged: {missing}"


def test_routes_that_return_read_data_are_query_logged() -> None:
    for method, path, route in routes():
        rule = rule_of(route)
        assert rule is not None
        if returns_read_data(method, path, rule):
            assert rule.kind == "logged", f"{method} {path} returns read data but is not query-logged"


def test_public_routes_are_only_the_expected_ones() -> None:
    public = sorted(f"{m} {p}" for m, p, r in routes() if rule_of(r) and rule_of(r).kind == "public")  # type: ignore[union-attr]
    assert public == [
        "GET /", "GET /api/v1/health", "GET /favicon.ico", "GET /login", "POST /api/v1/auth/login", "POST /login",
    ]  # fmt: skip


def test_matrix(server: LiveServer) -> None:
    people = {role: server.add_person(role) for role in Role}
    unit_token = server.add_unit()
    table = [(m, p, r, rule_of(r)) for m, p, r in routes()]
    # Routes that end the session go last, so one login per role serves the whole row.
    table.sort(key=lambda t: "logout" in t[1])
    failures: list[str] = []
    for role, person in people.items():
        token = server.login(person)
        with server.client(token) as c:
            for method, path, _route, rule in table:
                assert rule is not None
                if rule.kind == "public":
                    continue
                params = {**PURPOSE, "seconds": 1} if rule.kind == "logged" else None  # seconds: the SSE feed ends
                r = c.request(method, fill_path(path), params=params)
                if rule.kind == "unit":
                    ok = r.status_code == 401
                else:
                    assert rule.permission is not None
                    expected_forbidden = not allows(role, rule.permission)
                    ok = (r.status_code == 403) == expected_forbidden and r.status_code != 401
                if not ok:
                    failures.append(f"{role.value} {method} {path} -> {r.status_code}")
    # Without any credentials: API says 401, pages send the browser to the login page.
    with server.client() as anon, server.client(unit_token) as unit:
        for method, path, _route, rule in table:
            assert rule is not None
            if rule.kind == "public":
                continue
            r = anon.request(method, fill_path(path), follow_redirects=False)
            want = 401 if path.startswith("/api/") else 303
            if r.status_code != want:
                failures.append(f"anonymous {method} {path} -> {r.status_code}")
            if rule.kind != "unit":
                r = unit.request(method, fill_path(path), follow_redirects=False)
                if r.status_code not in (401, 303):
                    failures.append(f"unit token {method} {path} -> {r.status_code}")
    assert failures == [], "\n".join(failures)


@pytest.mark.parametrize("path", ["/api/v1/reads/search", "/search/results"])
def test_forbidden_answers_name_the_role(server: LiveServer, path: str) -> None:
    auditor = server.add_person(Role.AUDITOR)
    with server.client(server.login(auditor)) as c:
        r = c.get(path, params={"plate": "ABC1234", **PURPOSE})
    assert r.status_code == 403
    assert "auditor" in r.text


def test_supervisors_duties_are_theirs_and_the_administrators() -> None:
    # V.E.2a: supervisors assign officers to units and override a refused log-on; V.E.2g: the administrator keeps the
    # commands; V.E.2b, V.E.2e: supervisors read the inventory and the logs (of their command: ADR 0017).
    def holders(permission: Permission) -> set[Role]:
        return {r for r in Role if allows(r, permission)}

    assert holders(Permission.ASSIGN_UNITS) == {Role.ADMINISTRATOR, Role.SUPERVISOR}
    assert holders(Permission.MANAGE_COMMANDS) == {Role.ADMINISTRATOR}
    assert holders(Permission.VIEW_EQUIPMENT) == {Role.ADMINISTRATOR, Role.SUPERVISOR, Role.EQUIPMENT}
    assert holders(Permission.MANAGE_UNITS) == {Role.ADMINISTRATOR, Role.EQUIPMENT}  # supervisors only read it
    assert holders(Permission.VIEW_QUERY_LOG) == {Role.ADMINISTRATOR, Role.SUPERVISOR, Role.AUDITOR}
    assert holders(Permission.VIEW_PURGE_LOG) == {Role.ADMINISTRATOR, Role.SUPERVISOR, Role.AUDITOR}
