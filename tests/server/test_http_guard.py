"""Every response carries the security headers; bodies over the limit are refused, announced or streamed; a request
that changes something from a page of another site or host is refused."""

from __future__ import annotations

import http.client
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from sqlalchemy import select
from starlette.datastructures import Headers

from platewatch.domain.roles import Role
from platewatch.server.accounts import service as accounts
from platewatch.server.accounts.models import User
from platewatch.server.app import create_app
from platewatch.server.db.engine import make_engine, make_sessionmaker, transaction
from platewatch.server.deps import SESSION_COOKIE
from platewatch.server.http_guard import ANONYMOUS_BODY_BYTES, cross_site
from platewatch.server.reads.models import Read
from platewatch.server.settings import Settings
from tests.conftest import Clock
from tests.support.live_server import LiveServer, serving


def test_security_headers_on_pages_api_and_errors(server: LiveServer) -> None:
    with server.client() as c:
        for path in ("/login", "/api/v1/health", "/api/v1/no-such-route", "/api/v1/reads/search"):
            r = c.get(path)
            assert r.headers["x-content-type-options"] == "nosniff", path
            assert r.headers["x-frame-options"] == "DENY" and r.headers["cache-control"] == "no-store", path
            allowed = r.headers["permissions-policy"]
            assert "camera=()" in allowed and "geolocation=()" in allowed, path
            assert r.headers["cross-origin-opener-policy"] == "same-origin", path


@contextmanager
def small_body_server(database_url: str, tmp_path: Path, clock: Clock) -> Iterator[LiveServer]:
    """A live server that takes request bodies of at most 4 KiB."""
    settings = Settings(database_url=database_url, data_dir=tmp_path / "data", request_max_bytes=4096)
    app = create_app(settings, clock=clock)
    sessions = make_sessionmaker(make_engine(database_url))
    with serving(app) as base:
        yield LiveServer(base, settings, clock, sessions)
    sessions.kw["bind"].dispose()
    app.state.engine.dispose()


def test_bodies_over_the_limit_are_refused(database_url: str, tmp_path: Path, clock: Clock) -> None:
    with small_body_server(database_url, tmp_path, clock) as server:
        token = server.add_unit()
        with server.client(token) as c:
            announced = b'{"reads": [' + b" " * 5000 + b"]}"
            r = c.post("/api/v1/reads", content=announced, headers={"content-type": "application/json"})
            assert r.status_code == 413 and r.json()["error"] == "body_too_large"
            assert r.headers["x-content-type-options"] == "nosniff"

            def chunks() -> Iterator[bytes]:  # no Content-Length: sent chunked, counted as it arrives
                yield b'{"reads": ['
                for _ in range(10):
                    yield b" " * 1000
                yield b"]}"

            r = c.post("/api/v1/reads", content=chunks(), headers={"content-type": "application/json"})
            assert r.status_code == 413 and r.json()["error"] == "body_too_large", r.text
            small = c.post("/api/v1/reads", content=b'{"reads": []}', headers={"content-type": "application/json"})
            assert small.status_code == 422  # under the limit: the body is read and validated
        assert server.count(Read) == 0


def test_cross_site_names_requests_from_pages_of_other_sites_or_hosts() -> None:
    def ask(method: str, **headers: str) -> str | None:
        return cross_site(method, Headers(headers={"host": "lpr.town.gov", **headers}))

    assert ask("POST", **{"sec-fetch-site": "same-origin", "origin": "https://lpr.town.gov"}) is None
    assert ask("POST", origin="https://lpr.town.gov:443") is None  # the port is nginx's, the host is the same
    assert ask("POST") is None  # no browser sent it (a script: no cookie of a browser either)
    assert ask("GET", **{"sec-fetch-site": "cross-site"}) is None  # reading is not changing
    assert ask("POST", authorization="Bearer x", origin="https://evil.example") is None  # a unit or script
    assert ask("POST", **{"sec-fetch-site": "cross-site"}) == "it came from a page of another site (cross-site)"
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        said = ask(method, **{"sec-fetch-site": "same-site", "origin": "https://wiki.town.gov"})
        assert said == "it came from a page of another host or port (same-site)"
    wiki = "it came from a page of https://wiki.town.gov, not of https://lpr.town.gov"
    assert ask("POST", origin="https://wiki.town.gov") == wiki
    assert ask("POST", **{"sec-fetch-site": "same-origin", "origin": "null"}) is None  # our forms: no referrer
    assert ask("POST", **{"sec-fetch-site": "cross-site", "origin": "null"}) is not None
    assert ask("POST", origin="null") is None  # an old browser that hides the page it came from: not provable


def test_an_old_browsers_origin_must_be_this_servers_scheme_host_and_port() -> None:
    def ask(origin: str, host: str = "127.0.0.1:8000", scheme: str = "http") -> str | None:
        return cross_site("POST", Headers(headers={"host": host, "origin": origin}), scheme)

    assert ask("http://127.0.0.1:8000") is None
    assert ask("http://127.0.0.1:9999") == "it came from a page of http://127.0.0.1:9999, not of http://127.0.0.1:8000"
    assert ask("https://127.0.0.1:8000") is not None  # another scheme is another origin
    assert ask("http://127.0.0.1") is not None and ask("http://127.0.0.1:80x") is not None
    assert ask("https://lpr.town.gov", host="lpr.town.gov", scheme="https") is None  # behind nginx: 443 both
    assert ask("https://lpr.town.gov:8443", host="lpr.town.gov", scheme="https") is not None


def test_a_form_posted_from_another_origin_changes_nothing(server: LiveServer) -> None:
    admin = server.add_person(Role.ADMINISTRATOR)
    token = server.login(admin)
    form = {"username": "intruder", "full_name": "Not Hired", "role": "administrator"}
    with httpx.Client(base_url=server.url, cookies={SESSION_COOKIE: token}, timeout=30) as c:
        r = c.post("/people", data=form, headers={"origin": "http://127.0.0.2:8080", "sec-fetch-site": "same-site"})
        assert r.status_code == 403
        assert r.json()["error"] == "cross_site_request"
        said = "refused: it came from a page of another host or port (same-site); use PlateWatch's own pages"
        assert r.json()["message"] == said
        assert r.headers["x-frame-options"] == "DENY"
        with server.db() as db:
            assert db.scalar(select(User).where(User.username == "intruder")) is None
        old_browser = c.post("/people", data=form, headers={"origin": "http://127.0.0.1:9999"})  # no Sec-Fetch-Site
        assert old_browser.status_code == 403 and old_browser.json()["error"] == "cross_site_request"
        same = c.post("/people", data=form, headers={"origin": server.url, "sec-fetch-site": "same-origin"})
        assert same.status_code == 200 and "Account created" in same.text


def test_every_page_gets_a_fresh_nonce_that_its_own_scripts_carry(server: LiveServer) -> None:
    with server.client() as c:
        first, second = c.get("/login"), c.get("/login")
    nonces = [re.search(r"'nonce-([^']+)'", r.headers["content-security-policy"]) for r in (first, second)]
    assert all(nonces) and nonces[0].group(1) != nonces[1].group(1)  # type: ignore[union-attr]


def test_a_body_is_not_read_before_its_sender_is_known(server: LiveServer) -> None:
    """Issue 22: an unauthenticated 60 MB body was read before its 401, and a chunked body over the limit was a 400."""
    big = b"x" * (ANONYMOUS_BODY_BYTES + 1)

    def chunked(data: bytes) -> Iterator[bytes]:
        yield from (data[i : i + 8192] for i in range(0, len(data), 8192))

    with server.client() as anonymous:
        announced = anonymous.post("/api/v1/units", content=big, headers={"content-type": "application/json"})
        streamed = anonymous.post("/api/v1/units", content=chunked(big), headers={"content-type": "application/json"})
        login = anonymous.post("/api/v1/auth/login", json={"username": "nobody", "password": "x", "totp": "123456"})
    with server.client("pwu_not-a-token") as stranger:  # the agent's message is read only once its unit is known
        agent = stranger.post("/api/v1/openalpr", content=b"not json", headers={"content-type": "application/json"})
    for r in (announced, streamed):
        assert r.status_code == 401 and r.json()["error"] == "not_authenticated", r.text
    assert login.status_code == 401 and login.json()["error"] == "bad_credentials"  # a small body is read
    assert agent.status_code == 401 and agent.json()["error"] == "bad_unit_token"


def test_a_chunked_body_over_the_limit_is_413_on_every_route(database_url: str, tmp_path: Path, clock: Clock) -> None:
    with (
        small_body_server(database_url, tmp_path, clock) as server,
        server.client(server.login(server.add_person(Role.ADMINISTRATOR))) as c,
    ):
        body = b'{"name": "' + b"x" * 10_000 + b'", "kind": "mobile"}'
        r = c.post(
            "/api/v1/units", content=iter([body[:5000], body[5000:]]), headers={"content-type": "application/json"}
        )
        not_allowed = c.delete("/api/v1/health")
    assert r.status_code == 413 and r.json()["error"] == "body_too_large", r.text
    assert not_allowed.status_code == 405 and not_allowed.headers["allow"] == "GET"


TWENTY_MB = 20_000_000
JSON = {"content-type": "application/json"}


def answer_to_a_head(server: LiveServer, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str]]:
    """Send only the head of a POST that announces a 20 MB body, over a real socket, and read the answer. A server that
    waits for the body before it answers never answers: the socket's generous timeout then fails the test."""
    host, port = server.url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=60)
    try:
        conn.putrequest("POST", path)
        conn.putheader("Content-Type", "application/json")
        if headers.get("Transfer-Encoding") != "chunked":
            conn.putheader("Content-Length", str(TWENTY_MB))
        for name, value in headers.items():
            conn.putheader(name, value)
        conn.endheaders()  # the head only: not one byte of the body
        response = conn.getresponse()
        return response.status, json.loads(response.read())
    finally:
        conn.close()


def test_a_wrong_credential_is_refused_before_one_byte_of_its_body(server: LiveServer) -> None:
    """Issue 22: with a wrong token (or session) a JSON body FastAPI parses was read, up to the 64 MB limit, before
    its 401. The guard asks about the credential before the body is read: the 401 comes while 20 MB remain unsent."""
    revoked = server.add_unit("revoked-car")
    with server.client(revoked) as c:  # valid: a body over 64 KiB is read (and refused as not a log-on)
        big = c.post("/api/v1/unit/logon", content=b" " * (2 * ANONYMOUS_BODY_BYTES) + b"{}", headers=JSON)
    assert big.status_code == 422, big.text
    with transaction(server.sessions) as db:
        accounts.revoke_unit(db, "revoked-car", "test", server.clock.now)
    ended = server.login(server.add_person(Role.ADMINISTRATOR))
    with server.client(ended) as c:
        assert c.post("/api/v1/auth/logout").status_code == 200
    unit = {"Authorization": "Bearer pwu_not-a-token"}
    refused = {
        "unknown unit token": ("/api/v1/unit/logon", unit, "bad_unit_token"),
        "chunked": ("/api/v1/unit/logon", {**unit, "Transfer-Encoding": "chunked"}, "bad_unit_token"),
        "revoked at once": ("/api/v1/unit/logon", {"Authorization": f"Bearer {revoked}"}, "revoked_unit_token"),
        "agent's api_key": ("/api/v1/openalpr?api_key=pwu_not-a-token", {}, "bad_unit_token"),
        "unknown session token": ("/api/v1/units", {"Authorization": "Bearer pws_not-a-session"}, "not_authenticated"),
        "unknown cookie": ("/api/v1/units", {"Cookie": f"{SESSION_COOKIE}=pws_not-a-session"}, "not_authenticated"),
        "logged out": ("/api/v1/units", {"Authorization": f"Bearer {ended}"}, "not_authenticated"),
        "not a token": ("/api/v1/units", {"Authorization": "Bearer 12345"}, "not_authenticated"),
    }
    for case, (path, headers, code) in refused.items():
        status, body = answer_to_a_head(server, path, headers)
        assert (status, body["error"]) == (401, code), case
        assert set(body) == {"error", "message", "details"}, case


def test_a_valid_credential_may_send_a_body_over_64_kib(server: LiveServer) -> None:
    admin = server.add_person(Role.ADMINISTRATOR)
    big = b'{"name": "car-99", "kind": "mobile", "approved_for": "' + b"x" * (ANONYMOUS_BODY_BYTES * 2) + b'"}'
    with server.client(server.add_unit()) as unit, server.client(server.login(admin)) as person:
        logon = unit.post("/api/v1/unit/logon", content=big, headers=JSON)
        created = person.post("/api/v1/units", content=big, headers=JSON)
    assert logon.status_code == 422 and created.status_code == 422  # read whole, validated: not a 401
