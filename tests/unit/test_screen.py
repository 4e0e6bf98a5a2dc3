"""The officer's alert screen over real HTTP on 127.0.0.1: state, images, the keys (only from the screen's own
page), log-on and log-off through the server link."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from platewatch.unit.alert_book import AlertBook, Officer
from platewatch.unit.screen import FAVICON, ScreenError, ScreenServer, ScreenServices, UnitStatus, parse_address
from platewatch.unit.uploader import LogonRefused, ServerError
from tests.support.live_server import free_port
from tests.unit.test_alert_book import T0, raised


@dataclass
class Link:
    """The server link as the screen sees it: records what it was asked."""

    refuse: Exception | None = None
    calls: list[str] = field(default_factory=list)

    def log_on(self, username: str, password: str, otp: str | None) -> Officer:
        self.calls.append(f"logon {username} {otp}")
        if self.refuse:
            raise self.refuse
        return Officer(12, username, "officer", T0)

    def log_off(self, shift: int, at: dt.datetime) -> str | None:
        self.calls.append(f"logoff {shift} {at:%H:%M}")
        return None

    def decided(self) -> None:
        self.calls.append("decided")


@pytest.fixture
def screen(tmp_path: Path) -> Iterator[tuple[str, AlertBook, Link]]:
    link = Link()
    with AlertBook(tmp_path / "unit.db") as book:
        services = ScreenServices(
            book=book,
            status=lambda: UnitStatus(7, T0 - dt.timedelta(hours=30), None, 3, None, None),
            log_on=link.log_on,
            log_off=link.log_off,
            decided=link.decided,
            clock=lambda: T0,
        )
        with ScreenServer(services, f"127.0.0.1:{free_port()}") as server:
            yield server.url, book, link


def token_of(client: httpx.Client) -> str:
    page = client.get("/")
    assert page.status_code == 200
    found = re.search(r'const TOKEN = "([^"]+)"', page.text)
    assert found is not None
    return found.group(1)


def test_the_screen_serves_only_the_loopback_address() -> None:
    with pytest.raises(ScreenError, match="loopback"):
        parse_address("0.0.0.0:8089")
    with pytest.raises(ScreenError, match="host:port"):
        parse_address("127.0.0.1")
    with pytest.raises(ScreenError, match="host:port"):
        parse_address("127.0.0.1:70000")
    assert parse_address("localhost:8089") == ("localhost", 8089)


def test_a_port_in_use_is_a_clear_error(screen: tuple[str, AlertBook, Link], tmp_path: Path) -> None:
    url, book, link = screen
    services = ScreenServices(book, lambda: UnitStatus(), link.log_on, link.log_off)
    with pytest.raises(ScreenError, match="port in use"), ScreenServer(services, url.removeprefix("http://")[:-1]):
        pass


def test_state_shows_the_alert_the_officer_and_the_lists_age(screen: tuple[str, AlertBook, Link]) -> None:
    url, book, _ = screen
    alert = raised(vehicle_jpeg=b"\xff\xd8car")
    book.add(alert)
    with httpx.Client(base_url=url) as client:
        state = client.get("/api/state").json()
        assert state["officer"] is None
        assert state["hotlist"] == {
            "version": 7,
            "created_at": (T0 - dt.timedelta(hours=30)).isoformat(),
            "age_hours": 30.0,
            "stale": True,  # order V.F.2: more than 24 hours old
            "stale_after_hours": 24.0,
            "error": None,
        }
        assert state["server"]["reads_waiting"] == 3
        assert state["clock"] == {"skew_s": None, "warning": None}  # no answer from the server yet
        (shown,) = state["alerts"]
        assert (shown["id"], shown["text"], shown["status"]) == (str(alert.id), "6ZR4117", "pending")
        plate = client.get(f"/alerts/{alert.id}/plate.jpg")
        assert plate.headers["content-type"] == "image/jpeg" and plate.content == b"\xff\xd8plate"
        assert client.get(f"/alerts/{alert.id}/vehicle.jpg").content == b"\xff\xd8car"
        assert client.get(f"/alerts/{alert.id}/licence.jpg").status_code == 404


def test_keys_need_the_screens_token_and_a_loopback_host(screen: tuple[str, AlertBook, Link]) -> None:
    url, book, link = screen
    alert = raised()
    book.add(alert)
    book.log_on(Officer(12, "jsmith", "officer", T0))
    with httpx.Client(base_url=url) as client:
        forged = client.post(f"/api/alerts/{alert.id}/accept")  # another page in the car's browser
        assert forged.status_code == 403 and forged.json()["error"] == "bad_screen_token"
        rebound = client.get("/api/state", headers={"Host": "evil.example"})  # DNS rebinding
        assert rebound.status_code == 400
    assert book.get(str(alert.id)).status == "pending" and link.calls == []


def test_the_officer_logs_on_accepts_and_rejects(screen: tuple[str, AlertBook, Link]) -> None:
    url, book, link = screen
    first, second = raised("6ZR4117"), raised("5HX2290")
    book.add(first)
    book.add(second)
    with httpx.Client(base_url=url) as client:
        headers = {"X-Screen-Token": token_of(client)}
        before = client.post(f"/api/alerts/{first.id}/accept", headers=headers)
        assert before.status_code == 401 and before.json()["error"] == "not_logged_on"
        logon = client.post("/api/logon", headers=headers, json={"username": "jsmith", "password": "pw", "otp": "1"})
        assert logon.status_code == 200 and logon.json()["shift"] == 12
        accepted = client.post(f"/api/alerts/{first.id}/accept", headers=headers)
        assert accepted.status_code == 200 and accepted.json()["decided_by"] == "jsmith"
        again = client.post(f"/api/alerts/{first.id}/accept", headers=headers)
        assert again.status_code == 409
        no_note = client.post(f"/api/alerts/{second.id}/reject", headers=headers, json={"reason": "other"})
        assert no_note.status_code == 422 and "note" in no_note.json()["message"]
        bad = client.post(f"/api/alerts/{second.id}/reject", headers=headers, json={"why": "misread"})
        assert bad.status_code == 422 and bad.json()["message"].startswith("reason")
        rejected = client.post(f"/api/alerts/{second.id}/reject", headers=headers, json={"reason": "misread"})
        assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
        state = client.get("/api/state").json()
        assert state["officer"]["username"] == "jsmith"
        assert state["counts"] == {"pending": 0, "waiting": 2, "unsaved": 0}
        assert client.post("/api/logoff", headers=headers).json() == {"logged_off": "jsmith", "server_told": True}
    assert link.calls == ["logon jsmith 1", "decided", "decided", f"logoff 12 {T0:%H:%M}"]
    assert book.officer() is None


@pytest.mark.parametrize(
    ("refusal", "status", "code"),
    [(LogonRefused("wrong username, password or code"), 401, "logon_refused"), (ServerError("down"), 503, "server")],
)
def test_a_refused_log_on_leaves_nobody_logged_on(
    screen: tuple[str, AlertBook, Link], refusal: Exception, status: int, code: str
) -> None:
    url, book, link = screen
    link.refuse = refusal
    with httpx.Client(base_url=url) as client:
        headers = {"X-Screen-Token": token_of(client)}
        answer = client.post("/api/logon", headers=headers, json={"username": "jsmith", "password": "pw"})
    assert answer.status_code == status and answer.json()["error"].startswith(code)
    assert str(refusal) in answer.json()["message"]
    assert book.officer() is None


def test_the_browsers_icon_request_gets_the_icon(screen: tuple[str, AlertBook, Link]) -> None:
    url, _, _ = screen
    with httpx.Client(base_url=url) as client:
        r = client.get("/favicon.ico")
    assert r.status_code == 200 and r.headers["content-type"] == "image/vnd.microsoft.icon"
    assert r.content == FAVICON.read_bytes() and len(r.content) > 0
