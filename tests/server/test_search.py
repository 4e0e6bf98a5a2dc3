"""Search by exact, partial and similar plate; by time window, area, unit and camera; newest first, paged."""

from __future__ import annotations

import datetime as dt
import uuid
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


def test_similar_search_by_expansion_finds_what_one_edit_defines(server: LiveServer) -> None:
    # The look-alike search looks up every canonical plate within one edit on an index (issue 23). Its results must
    # be exactly the reads whose canonical plate is within one edit of the query's, as the LIKE patterns and the
    # one-edit filter found them before: compared here on 240 reads made by random edits of a few plates.
    import random

    from sqlalchemy import select

    from platewatch.domain.plates import canonical, within_one_edit
    from platewatch.server.reads.models import Read

    rng = random.Random(7)
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    bases = ["ABC1234", "7XYZ890", "OUTFR0NT", "1B", "K9"]

    def edited(plate: str) -> str:
        chars = list(plate)
        for _ in range(rng.choice([0, 1, 1, 2])):
            i = rng.randrange(len(chars) + 1)
            op = rng.choice(["sub", "ins", "del"]) if chars else "ins"
            if op == "sub" and i < len(chars):
                chars[i] = rng.choice(alphabet)
            elif op == "ins" and len(chars) < 10:
                chars.insert(i, rng.choice(alphabet))
            elif op == "del" and i < len(chars) and len(chars) > 1:
                del chars[i]
        return "".join(chars)

    unit = server.add_unit("car-x")
    now = server.clock.now
    reads = [
        read_payload(edited(rng.choice(bases)), now - dt.timedelta(minutes=rng.randrange(1, 600)), images=False)
        for _ in range(240)
    ]
    for i in range(0, len(reads), 80):
        ingest(server, unit, reads[i : i + 80])
    with server.db() as db:
        stored = [(r.id, r.plate_canonical) for r in db.scalars(select(Read))]
    for query in [*bases, "ABC123", "A8C1234", "0UTFR0NT", "B", "ZZZZZZZZZZ"]:
        found = search(server, plate=query, mode="similar", hours=24, limit=500)
        expected = {str(rid) for rid, c in stored if within_one_edit(canonical(query), c)}
        assert {r["id"] for r in found["reads"]} == expected, query


def test_similar_search_is_planned_on_the_canonical_index(database_url: str) -> None:
    # Each canonical plate of the expansion is an equality probe of (plate_canonical, captured_at): with 20,000 reads
    # over the past days and the store's statistics taken, the plan uses that index and never scans the reads.
    from benchmarks.purge import load
    from sqlalchemy import insert, select, text

    from platewatch.domain.patterns import parse_pattern
    from platewatch.domain.plates import canonical
    from platewatch.server.db.engine import make_engine
    from platewatch.server.reads.models import Read
    from platewatch.server.search.service import Mode, SearchQuery, build

    now = dt.datetime.now(dt.UTC)
    load(database_url, 2, now)  # migrates, then the bench unit (and two reads)
    engine = make_engine(database_url)
    with engine.begin() as c:
        unit = c.execute(select(Read.unit_id)).scalars().first()
        rows = []
        # Distinct plates over 22 hours of yesterday (UTC): a busy day, against 264 probes; on PostgreSQL one day's
        # partition holds them all (ADR 0019), as a state's day of reads fills its own.
        yesterday = dt.datetime.combine(now.date() - dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
        for i in range(20_000):
            plate = f"B{i:06d}"
            rows.append({"id": uuid.uuid4(), "unit_id": unit, "camera": "front", "plate": plate,
                         "plate_canonical": canonical(plate), "confidence": 0.9, "source": "bench",
                         "captured_at": yesterday + dt.timedelta(seconds=i * 4), "received_at": now})  # fmt: skip
        c.execute(insert(Read), rows)
        c.execute(text("ANALYZE"))
    end = yesterday + dt.timedelta(days=1)  # windows that end with that day, so that they hold all its reads at any
    for hours in (24, 24 * 14):  # hour of the day the test runs (a window ending now held few of them in the evening)
        query = SearchQuery(parse_pattern("B001234"), Mode.SIMILAR, end - dt.timedelta(hours=hours), end)
        sql = str(build(query).limit(51).compile(engine, compile_kwargs={"literal_binds": True}))
        with engine.connect() as c:
            if engine.dialect.name == "sqlite":
                plan = " ".join(str(row[-1]) for row in c.execute(text("EXPLAIN QUERY PLAN " + sql)))
                assert "USING INDEX ix_reads_canonical_captured_at" in plan and "SCAN reads" not in plan, plan
            else:
                plan = " ".join(str(row[0]) for row in c.execute(text("EXPLAIN " + sql)))
                # reads is partitioned by day (ADR 0019): the busy day's copy of the index, named after its partition,
                # probed; a nearly empty partition (today's) may be scanned, it holds nothing to speak of
                busy = f"reads_{yesterday:%Y%m%d}"
                assert f"{busy}_plate_canonical_captured_at_idx" in plan and f"Seq Scan on {busy}" not in plan, plan
    engine.dispose()


def test_partial_search_collects_matches_first_and_walks_the_window_past_the_cap(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A partial pattern's matches are collected first, then ordered (a planner that misjudges a rare pattern as
    # common would otherwise walk 14 days of reads newest first, issue 23); past PARTIAL_CAP they are dense, and the
    # window is walked. Either way every page holds what the pattern and the filters define, newest first.
    import fnmatch
    import random

    from benchmarks.purge import UNIT, load
    from sqlalchemy import insert

    from platewatch.domain.patterns import parse_pattern
    from platewatch.domain.plates import canonical
    from platewatch.server.db.engine import make_engine, make_sessionmaker
    from platewatch.server.reads.models import Read
    from platewatch.server.search import service
    from platewatch.server.search.service import Mode, SearchQuery

    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    load(database_url, 2, now)  # migrates, then the bench unit and two reads (of days outside the window)
    engine = make_engine(database_url)
    rng = random.Random(3)
    with engine.begin() as c:
        rows = []
        for i in range(400):
            plate = rng.choice(["ABC", "ABD", "XBC", "ZZZ"]) + f"{rng.randrange(100):02d}"
            rows.append({"id": uuid.uuid4(), "unit_id": uuid.UUID(UNIT), "camera": rng.choice(["front", "rear"]),
                         "plate": plate, "plate_canonical": canonical(plate), "confidence": 0.9, "source": "bench",
                         "captured_at": now - dt.timedelta(minutes=1 + i * 7), "received_at": now})  # fmt: skip
        c.execute(insert(Read), rows)
    factory = make_sessionmaker(engine)

    def pages(pattern: str, camera: str | None) -> list[uuid.UUID]:
        seen: list[uuid.UUID] = []
        cursor = None
        with factory() as db:
            while True:
                query = SearchQuery(parse_pattern(pattern), Mode.PARTIAL, now - dt.timedelta(days=2), now,
                                    camera=camera, limit=25, cursor=cursor)  # fmt: skip
                page, nxt = service.run(db, query)
                seen += [read.id for read, _ in page]
                if nxt is None:
                    return seen
                cursor = service.decode_cursor(nxt)

    for pattern, camera in [("ABC*", None), ("*BC1*", "rear"), ("ZZZ?7", None), ("Q*", None)]:
        like = pattern.replace("?", "[A-Z0-9]")
        expected = [
            r["id"] for r in rows if fnmatch.fnmatchcase(r["plate"], like) and (camera is None or r["camera"] == camera)
        ]  # all 400 reads lie in the two days
        for cap in (10_000, 5):  # all collected; cut short, so the window is walked
            monkeypatch.setattr(service, "PARTIAL_CAP", cap)
            assert pages(pattern, camera) == expected, (pattern, cap)
    engine.dispose()
