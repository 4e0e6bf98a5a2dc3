"""Search by exact, partial and similar plate; by time window, area, unit and camera; newest first, paged."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from platewatch.domain.roles import Role
from tests.support.live_server import PURPOSE, LiveServer, read_payload


def ingest(server: LiveServer, token: str, reads: list[dict[str, Any]]) -> None:
    with server.client(token) as c:
        r = c.post("/api/v1/reads", json={"reads": reads})
        assert r.status_code == 200, r.text


@pytest.fixture
def populated(server: LiveServer) -> LiveServer:
    now = server.clock.now
    car1, car2 = server.add_unit("car-1"), server.add_unit("car-2")
    ago = lambda **kw: now - dt.timedelta(**kw)  # noqa: E731
    ingest(
        server,
        car1,
        [
            read_payload("ABC1234", ago(minutes=5), images=False, lat=41.10, lon=-73.50),
            read_payload("ABC1234", ago(hours=30), images=False, lat=41.20, lon=-73.40),
            read_payload("A8C1234", ago(minutes=10), images=False, camera="rear"),
            read_payload("ABC123", ago(minutes=15), images=False),
            read_payload("XBC1234", ago(minutes=20), images=False),
            read_payload("7XYZ890", ago(hours=2), images=False, lat=41.05, lon=-73.55),
        ],
    )
    ingest(
        server,
        car2,
        [
            read_payload("ZZZ9999", ago(minutes=1), images=False, lat=None, lon=None),
            read_payload("ABD1234", ago(minutes=3), images=False),
            read_payload("8BC1234", ago(days=3), images=False),
        ],
    )
    return server


def search(server: LiveServer, **params: Any) -> Any:
    token = server.login(server.add_person(Role.INVESTIGATOR))
    with server.client(token) as c:
        r = c.get("/api/v1/reads/search", params={**PURPOSE, **params})
    assert r.status_code == 200, r.text
    return r.json()


def plates(result: Any) -> list[str]:
    return [r["plate"] for r in result["reads"]]


def test_exact_newest_first(populated: LiveServer) -> None:
    assert plates(search(populated, plate="abc-1234")) == ["ABC1234", "ABC1234"]


def test_time_window(populated: LiveServer) -> None:
    assert plates(search(populated, plate="ABC1234", hours=24)) == ["ABC1234"]
    now = populated.clock.now
    r = search(populated, plate="ABC1234", since=(now - dt.timedelta(hours=48)).isoformat(),
               until=(now - dt.timedelta(hours=24)).isoformat())  # fmt: skip
    assert plates(r) == ["ABC1234"] and r["reads"][0]["latitude"] == 41.20


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("ABC*", ["ABC1234", "ABC123", "ABC1234"]),
        ("*C12*", ["ABC1234", "A8C1234", "ABC123", "XBC1234", "ABC1234", "8BC1234"]),
        ("A?C1234", ["ABC1234", "A8C1234", "ABC1234"]),
        ("*9999", ["ZZZ9999"]),
        ("Q*", []),
    ],
)
def test_partial(populated: LiveServer, pattern: str, expected: list[str]) -> None:
    assert plates(search(populated, plate=pattern)) == expected


def test_similar_finds_lookalikes_and_one_edit(populated: LiveServer) -> None:
    found = plates(search(populated, plate="ABC1234", mode="similar", hours=24))
    # A8C1234 (8/B look-alike), ABC123 (one deletion), XBC1234 and ABD1234 (one substitution; D~C? no: D is
    # in the 0 class, so ABD1234 is one substitution away), 8BC1234 is outside 24 h.
    assert found == ["ABD1234", "ABC1234", "A8C1234", "ABC123", "XBC1234"]
    assert "7XYZ890" not in found


def test_area_unit_and_camera(populated: LiveServer) -> None:
    assert plates(search(populated, bbox="41.0,-73.6,41.12,-73.45")) == ["ABC1234", "7XYZ890"]
    square = "41.0,-73.6;41.0,-73.52;41.12,-73.52;41.12,-73.6"
    assert plates(search(populated, polygon=square)) == ["7XYZ890"]
    assert plates(search(populated, unit="car-2", hours=24)) == ["ZZZ9999", "ABD1234"]
    assert plates(search(populated, camera="rear")) == ["A8C1234"]


def test_paging_with_a_cursor(populated: LiveServer) -> None:
    seen: list[str] = []
    params: dict[str, Any] = {"plate": "*1234", "limit": 2}
    pages = 0
    while True:
        page = search(populated, **params)
        pages += 1
        seen += plates(page)
        if not page["next_cursor"]:
            break
        params["cursor"] = page["next_cursor"]
    assert pages == 3  # the last full page knows it is the last (limit + 1 fetched)
    assert seen == ["ABD1234", "ABC1234", "A8C1234", "XBC1234", "ABC1234", "8BC1234"]


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({}, "give a plate"),
        ({"plate": "AB%"}, "'%'"),
        ({"plate": "AB*", "mode": "exact"}, "wildcards need mode=partial"),
        ({"plate": "ABC", "since": "2026-01-01T00:00:00"}, "time zone"),
        ({"plate": "ABC", "bbox": "1,2,3"}, "four numbers"),
        ({"plate": "ABC", "cursor": "garbage"}, "cursor"),
        ({"plate": "ABC", "limit": 501}, "at most 500"),
    ],
)
def test_bad_search_parameters(server: LiveServer, params: dict[str, Any], words: str) -> None:
    token = server.login(server.add_person(Role.OFFICER))
    with server.client(token) as c:
        r = c.get("/api/v1/reads/search", params={**PURPOSE, **params})
    assert r.status_code == 400, r.text
    assert words in r.json()["message"]


def test_export_csv(populated: LiveServer) -> None:
    token = populated.login(populated.add_person(Role.SUPERVISOR))
    with populated.client(token) as c:
        r = c.get("/api/v1/reads/export.csv", params={**PURPOSE, "plate": "ABC*"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    lines = r.text.splitlines()
    assert lines[0].startswith("# LPR export - query log #") and "not for release outside the agency" in lines[0]
    assert lines[1].startswith("id,captured_at,plate") and len(lines) == 5
