"""The query log's hash chain detects edits, deletions and a truncated tail."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from platewatch.domain.querylog import GENESIS_HASH, QueryLogRecord, check_purpose, verify_chain

T0 = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)


def chain(n: int) -> list[tuple[QueryLogRecord, str]]:
    rows, prev = [], GENESIS_HASH
    for i in range(1, n + 1):
        r = QueryLogRecord(i, T0, "jdoe", "search", {"plate": f"ABC{i}"}, "patrol purpose", "C-1", i, "ok", prev)
        prev = r.digest()
        rows.append((r, prev))
    return rows


def test_intact_chain() -> None:
    rows = chain(5)
    assert verify_chain(rows, (5, rows[-1][1])) == []


def test_edited_row() -> None:
    rows = chain(5)
    edited = dataclasses.replace(rows[2][0], purpose="something else")
    rows[2] = (edited, rows[2][1])
    problems = verify_chain(rows, (5, rows[-1][1]))
    assert [p.seq for p in problems] == [3]
    assert "edited" in problems[0].problem


def test_deleted_row() -> None:
    rows = chain(5)
    del rows[1]
    problems = verify_chain(rows, (5, rows[-1][1]))
    assert {p.seq for p in problems} == {3}
    assert any("missing" in p.problem for p in problems)


def test_truncated_tail() -> None:
    rows = chain(5)
    head = (5, rows[-1][1])
    problems = verify_chain(rows[:3], head)
    assert any("truncated" in p.problem for p in problems)


@pytest.mark.parametrize(
    ("purpose", "case", "reason"),
    [
        (None, "C-1", "purpose is required"),
        ("short", "C-1", "too short"),
        ("stolen vehicle follow-up", None, "case_number is required"),
        ("stolen vehicle follow-up", "C;DROP", "case_number may hold"),
    ],
)
def test_purpose_rules(purpose: str | None, case: str | None, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        check_purpose(purpose, case)
