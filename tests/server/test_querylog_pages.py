"""The query log and the purge log filtered and paged through the real HTTP API (issue 24, item 8): each filter, the
filters combined, the agency's days, keyset pages that give every matching row exactly once both ways, bad values as
4xx naming the field, and the CSV and PDF holding the rows this test expects from the data it loaded."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import select, text

from platewatch.domain.log_pages import LogFilter
from platewatch.domain.roles import Role
from platewatch.server.accounts.models import SecurityEvent
from platewatch.server.db.engine import transaction
from platewatch.server.governance.models import PurgeRun
from platewatch.server.querylog import service
from platewatch.server.querylog.models import QueryLogEntry
from tests.server.test_report_documents import pdf_text, table
from tests.support.live_server import LiveServer

NY = ZoneInfo("America/New_York")
USERS = ("officer.alpha", "officer.bravo", "det.charlie")
PURPOSES = ("stolen vehicle report follow-up", "Amber alert: child abduction", "burglary series suspect vehicle")
CASES = ("2026-000101", "2026-000202", "2026-000303", "INC-77")
ACTIONS = ("search", "view_read", "export", "search", "map")
OUTCOMES = ("ok", "ok", "refused", "ok", "not_found", "ok", "error")
HEADER = ["Log row", "When", "User", "Action", "Parameters", "Purpose", "Case", "Results", "Outcome", "Row hash"]


@dataclass(frozen=True)
class Loaded:
    seq: int
    at: dt.datetime
    username: str
    purpose: str
    case_number: str
    action: str
    outcome: str


def load_log(server: LiveServer, count: int, hours_apart: float = 1.75) -> list[Loaded]:
    """`count` query-log rows through the real writer (a valid chain), `hours_apart` apart, ending an hour ago; the
    users, purposes, cases, actions and outcomes cycle at different lengths so that each combination occurs."""
    start = server.clock.now - dt.timedelta(hours=1 + hours_apart * count)
    loaded = []
    with transaction(server.sessions) as db:
        for i in range(count):
            at = start + dt.timedelta(hours=hours_apart * i)
            row = dict(username=USERS[i % 3], purpose=PURPOSES[i % 3 if i % 2 else (i + 1) % 3],
                       case_number=CASES[i % 4], action=ACTIONS[i % 5], outcome=OUTCOMES[i % 7])  # fmt: skip
            entry = service.append(db, parameters={"plate": "ABC1234"}, result_count=i % 4, now=at, **row)
            loaded.append(Loaded(entry.seq, at, **row))
    return loaded


def walk(c: httpx.Client, params: dict[str, Any], limit: int) -> tuple[list[int], list[int]]:
    """Every page from the newest, following next_cursor; then back from the last page by previous_cursor. Returns the
    rows' seqs in the order met going forward, and those met going back (each page newest first, pages newest first)."""
    forward: list[int] = []
    cursor, back_cursor, last_page = None, None, []
    while True:
        r = c.get("/api/v1/querylog", params={**params, "limit": limit, **({"cursor": cursor} if cursor else {})})
        assert r.status_code == 200, r.text
        body = r.json()
        last_page = [row["seq"] for row in body["rows"]]
        assert len(last_page) == limit or body["next_cursor"] is None, body
        forward += last_page
        assert (body["previous_cursor"] is None) == (cursor is None), body
        cursor, back_cursor = body["next_cursor"], body["previous_cursor"]
        if cursor is None:
            break
        assert len(forward) < 10_000
    back_pages: list[list[int]] = []
    while back_cursor is not None:
        body = c.get("/api/v1/querylog", params={**params, "limit": limit, "cursor": back_cursor}).json()
        back_pages.append([row["seq"] for row in body["rows"]])
        back_cursor = body["previous_cursor"]
    return forward, [s for page in reversed(back_pages) for s in page] + last_page


def auditor_client(server: LiveServer) -> httpx.Client:
    return server.client(server.login(server.add_person(Role.AUDITOR)))


def agency_day(at: dt.datetime) -> dt.date:
    return at.astimezone(NY).date()


@pytest.mark.server_settings(time_zone="America/New_York")
def test_each_filter_and_their_combination_page_every_matching_row_once_both_ways(server: LiveServer) -> None:
    loaded = load_log(server, 90)
    days = sorted({agency_day(r.at) for r in loaded})
    first, last = days[1], days[3]
    cases: list[tuple[dict[str, str], Callable[[Loaded], bool]]] = [
        ({}, lambda r: True),
        ({"username": "officer.bravo"}, lambda r: r.username == "officer.bravo"),
        ({"purpose": "AMBER alert"}, lambda r: "amber alert" in r.purpose.lower()),
        ({"purpose": "%"}, lambda r: False),  # a LIKE wildcard is text like any other
        ({"case_number": "INC-77"}, lambda r: r.case_number == "INC-77"),
        ({"action": "view_read"}, lambda r: r.action == "view_read"),
        ({"outcome": "refused"}, lambda r: r.outcome == "refused"),
        ({"from_date": str(first)}, lambda r: agency_day(r.at) >= first),
        ({"to_date": str(first)}, lambda r: agency_day(r.at) <= first),
        ({"from_date": str(first), "to_date": str(last)}, lambda r: first <= agency_day(r.at) <= last),
        (
            {"username": "det.charlie", "action": "search", "outcome": "ok", "from_date": str(first)},
            lambda r: (
                r.username == "det.charlie" and r.action == "search" and r.outcome == "ok" and agency_day(r.at) >= first
            ),
        ),
        (
            {"username": "det.charlie", "case_number": "2026-000101", "purpose": "stolen"},
            lambda r: r.username == "det.charlie" and r.case_number == "2026-000101" and "stolen" in r.purpose,
        ),
        ({"username": "nobody"}, lambda r: False),
    ]
    with auditor_client(server) as c:
        for params, keep in cases:
            expected = [r.seq for r in reversed(loaded) if keep(r)]
            assert expected or params in ({"purpose": "%"}, {"username": "nobody"}), params
            for limit in (7, 100):
                seqs, back = walk(c, params, limit)
                assert seqs == expected, (params, limit)  # newest first, each matching row exactly once
                assert back == expected, (params, limit)  # and the same going back from the last page
        since = dt.datetime.combine(first, dt.time(12), NY).astimezone(dt.UTC)
        both = c.get("/api/v1/querylog", params={"since": since.isoformat(), "to_date": str(first), "limit": 1000})
    assert [r["seq"] for r in both.json()["rows"]] == [
        r.seq for r in reversed(loaded) if r.at >= since and agency_day(r.at) <= first
    ]
    with server.db() as db:  # each look at the log is recorded with its filters
        details = db.scalars(select(SecurityEvent.detail).where(SecurityEvent.event == "querylog_viewed")).all()
    assert "7 rows; filters: user officer.bravo" in details  # the first page of the first filter
    assert any(d.endswith("filters: user det.charlie; purpose stolen; case 2026-000101") for d in details)
    assert any("action view_read" in d and "page older-" in d for d in details)


def test_bad_filter_values_are_4xx_naming_the_field(server: LiveServer) -> None:
    load_log(server, 3)
    bad = {
        "action": {"action": "delete_everything"},
        "outcome": {"outcome": "fine"},
        "from_date": {"from_date": "2026-13-01"},
        "to_date": {"from_date": "2026-05-02", "to_date": "2026-05-01"},
        "cursor": {"cursor": "sideways-12"},
        "username": {"username": "x" * 65},
        "since": {"since": "yesterday"},
    }
    with auditor_client(server) as c:
        for field, params in bad.items():
            for path in ("/api/v1/querylog", "/api/v1/querylog/export"):
                if field == "cursor" and path.endswith("export"):
                    continue  # a document holds every matching row: it has no pages
                r = c.get(path, params=params)
                assert r.status_code == 422, (field, path, r.text)
                assert field in r.text and r.json()["details"], (field, r.text)
        for field in ("ran_by", "dry_run", "from_date", "cursor"):
            value = {"ran_by": "x" * 65, "dry_run": "maybe", "from_date": "05/01/2026", "cursor": "older-x"}[field]
            r = c.get("/api/v1/purges", params={field: value})
            assert r.status_code == 422 and field in r.text, (field, r.text)
        page = c.get("/querylog", params={"action": "delete_everything", "username": "officer.alpha"})
        purges = c.get("/purges", params={"dry_run": "maybe"})
    assert (
        page.status_code == 400 and 'role="alert"' in page.text and "action: &#39;delete_everything&#39;" in page.text
    )
    assert 'value="officer.alpha"' in page.text  # the form keeps what was typed
    assert purges.status_code == 400 and "dry_run" in purges.text


@pytest.mark.server_settings(time_zone="America/New_York")
def test_the_csv_and_pdf_hold_the_filtered_rows(server: LiveServer) -> None:
    loaded = load_log(server, 60)
    first = sorted({agency_day(r.at) for r in loaded})[1]
    params = {"username": "officer.alpha", "from_date": str(first)}
    expected = [r for r in reversed(loaded) if r.username == "officer.alpha" and agency_day(r.at) >= first]
    with auditor_client(server) as c:
        as_csv = c.get("/api/v1/querylog/export", params=params)
        as_pdf = c.get("/api/v1/querylog/export", params={**params, "format": "pdf"})
        refused = c.get("/api/v1/querylog/export", params={"outcome": "refused", "format": "csv"})
        bad = c.get("/api/v1/querylog/export", params={"format": "docx"})
    assert as_csv.status_code == 200 and as_csv.headers["content-type"].startswith("text/csv")
    rows = table(as_csv.content, HEADER)
    assert [int(r[0]) for r in rows] == [r.seq for r in expected] and {r[2] for r in rows} == {"officer.alpha"}
    assert [r[1] for r in rows] == [r.at.astimezone(NY).isoformat() for r in expected]  # the agency's time
    assert f"{len(expected)} rows, newest first; filters: user officer.alpha; from " in as_csv.text
    assert "These are all the rows that match." in as_csv.text
    assert as_pdf.headers["content-type"] == "application/pdf"
    text = pdf_text(as_pdf.content)
    assert f"{len(expected)} rows, newest first" in text and "officer.alpha" in text and "officer.bravo" not in text
    refused_rows = table(refused.content, HEADER)
    assert len(refused_rows) == sum(r.outcome == "refused" for r in loaded) and {r[8] for r in refused_rows} == {
        "refused"
    }
    assert bad.status_code == 422
    with server.db() as db:
        exported = db.scalars(select(SecurityEvent.detail).where(SecurityEvent.event == "querylog_exported")).all()
    assert f"{len(expected)} rows as CSV; filters: user officer.alpha; from " in exported[0]
    assert any(d.startswith(f"{len(expected)} rows as PDF") for d in exported)


def test_an_export_past_its_bound_says_so(server: LiveServer, monkeypatch: pytest.MonkeyPatch) -> None:
    from platewatch.server.querylog import routes

    monkeypatch.setitem(routes.EXPORT_ROWS, "csv", 5)
    monkeypatch.setitem(routes.EXPORT_ROWS, "pdf", 3)
    loaded = load_log(server, 8)
    with auditor_client(server) as c:
        cut = c.get("/api/v1/querylog/export")
        cut_pdf = c.get("/api/v1/querylog/export", params={"format": "pdf"})
    assert [int(r[0]) for r in table(cut.content, HEADER)] == [r.seq for r in reversed(loaded)][:5]
    assert "More rows match: this document holds the newest 5; narrow the filters or the dates." in cut.text
    assert "3 rows, newest first" in (text := pdf_text(cut_pdf.content)) and "holds the newest 3;" in text


def add_runs(server: LiveServer, count: int) -> list[PurgeRun]:
    """Purge-log rows an hour apart: every third by the CLI, every fourth a dry run."""
    runs = []
    with transaction(server.sessions) as db:
        for i in range(count):
            at = server.clock.now - dt.timedelta(hours=count - i)
            run = PurgeRun(ran_at=at, cutoff=at - dt.timedelta(days=14), ran_by="cli" if i % 3 == 0 else "server",
                           reads_deleted=i, alerts_deleted=0, images_deleted=2 * i, hotlist_versions_deleted=0,
                           reads_held=0, dry_run=i % 4 == 0)  # fmt: skip
            db.add(run)
            runs.append(run)
        db.flush()
        db.expunge_all()
    return runs


def test_the_purge_log_filters_and_pages(server: LiveServer) -> None:
    runs = add_runs(server, 40)
    day = sorted({r.ran_at.date() for r in runs})[-1]
    cases: list[tuple[dict[str, str], Callable[[PurgeRun], bool]]] = [
        ({}, lambda r: True),
        ({"ran_by": "cli"}, lambda r: r.ran_by == "cli"),
        ({"dry_run": "yes"}, lambda r: r.dry_run),
        ({"dry_run": "no", "ran_by": "server"}, lambda r: not r.dry_run and r.ran_by == "server"),
        ({"from_date": str(day), "to_date": str(day)}, lambda r: r.ran_at.date() == day),
    ]
    with auditor_client(server) as c:
        for params, keep in cases:
            expected = [r.id for r in reversed(runs) if keep(r)]
            got, cursor, pages = [], None, 0
            while True:
                body = c.get("/api/v1/purges", params={**params, "limit": 6, **({"cursor": cursor} if cursor else {})})
                got += [r["id"] for r in body.json()["runs"]]
                pages += 1
                cursor = body.json()["next_cursor"]
                if cursor is None:
                    break
            assert got == expected and pages == max(1, -(-len(expected) // 6)), params
        doc = c.get("/api/v1/purges/export", params={"dry_run": "yes"})
        pdf = c.get("/api/v1/purges/export", params={"ran_by": "cli", "format": "pdf"})
        page = c.get("/purges", params={"dry_run": "yes"})
    header = ["When", "By", "Dry run", "Reads captured before", "Reads", "Alerts", "Images", "Hot-list versions",
              "Kept by holds"]  # fmt: skip
    rows = table(doc.content, header)
    assert [int(r[4]) for r in rows] == [r.reads_deleted for r in reversed(runs) if r.dry_run]
    assert {r[2] for r in rows} == {"yes"}
    assert f"{sum(r.ran_by == 'cli' for r in runs)} runs, newest first; filters: ran by cli" in pdf_text(pdf.content)
    assert page.text.count("(dry run)") == sum(r.dry_run for r in runs)


def test_pages_of_a_log_meet_every_row_once_when_rows_arrive_meanwhile(server: LiveServer) -> None:
    load_log(server, 12)
    with auditor_client(server) as c:
        first = c.get("/api/v1/querylog", params={"limit": 5}).json()
        with transaction(server.sessions) as db:  # new rows while the auditor reads: the next page is not shifted
            later = [service.append(db, username="officer.alpha", action="search", parameters={}, purpose=PURPOSES[0],
                                    case_number=CASES[0], result_count=0, outcome="ok",
                                    now=server.clock.now - dt.timedelta(minutes=30 - i)) for i in range(3)]  # fmt: skip
        second = c.get("/api/v1/querylog", params={"limit": 5, "cursor": first["next_cursor"]}).json()
        back = c.get("/api/v1/querylog", params={"limit": 5, "cursor": second["previous_cursor"]}).json()
    seqs = [r["seq"] for r in itertools.chain(first["rows"], second["rows"])]
    assert seqs == list(range(12, 2, -1))
    assert [r["seq"] for r in back["rows"]] == [12, 11, 10, 9, 8]
    assert back["previous_cursor"] == "newer-12" and {r.seq for r in later} == {13, 14, 15}


FILTERS = {
    "ix_query_log_at_seq": LogFilter(since=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)),
    "ix_query_log_username_at_seq": LogFilter(username="officer.alpha"),
    "ix_query_log_case_number_at_seq": LogFilter(case_number="INC-77"),
    "ix_query_log_action_at_seq": LogFilter(action="export"),
    "ix_query_log_outcome_at_seq": LogFilter(outcome="refused"),
    "ix_query_log_purpose_trgm": LogFilter(purpose="amber alert"),
}


def test_each_filter_has_an_index_on_postgresql(server: LiveServer) -> None:
    """With sequential scans priced out (a test's few rows would make one the cheapest), the planner finds an index
    for each filter's page: the one migration 0030 made for it (the benchmark shows the plans at 1 M rows)."""
    if not server.settings.database_url.startswith("postgresql"):
        pytest.skip("the plan of PostgreSQL")
    load_log(server, 30)
    with server.db() as db:
        db.execute(text("SET LOCAL enable_seqscan = off"))
        for index, f in FILTERS.items():
            stmt = select(QueryLogEntry).where(*service.conditions(f))
            if f.purpose is None:  # a common text is found walking the time index, a rare one by the trigram
                stmt = stmt.order_by(QueryLogEntry.at.desc(), QueryLogEntry.seq.desc()).limit(51)
            compiled = stmt.compile(dialect=db.get_bind().dialect)
            plan = db.connection().exec_driver_sql("EXPLAIN " + str(compiled), compiled.params).scalars().all()
            assert index in "\n".join(plan) and "Seq Scan" not in "\n".join(plan), (index, plan)
