"""Random audits (order V.D.10): a sample of distinct accesses, an audit due every six months, and closing only
when every access is reviewed and summed up."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from platewatch.domain.audits import closing_problem, is_due, sample

T = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)


def test_a_sample_is_distinct_in_log_order_and_never_larger_than_the_log() -> None:
    drawn = sample(list(range(1, 101)), 10, random.Random(3))
    assert len(set(drawn)) == 10 and drawn == sorted(drawn) and set(drawn) <= set(range(1, 101))
    assert sample([4, 9, 2], 25, random.Random(3)) == [2, 4, 9]
    assert sample(list(range(100)), 10, random.Random(1)) != sample(list(range(100)), 10, random.Random(2))
    with pytest.raises(ValueError, match="at least one"):
        sample([1, 2], 0, random.Random(3))


def test_an_audit_is_due_every_six_months() -> None:
    assert is_due(None, T)
    assert not is_due(T - dt.timedelta(days=180), T)
    assert is_due(T - dt.timedelta(days=184), T)


def test_closing_needs_every_access_reviewed_and_a_summary() -> None:
    assert closing_problem(["compliant", None, None], "all fine") == "2 sampled access(es) not reviewed yet"
    assert "summary" in (closing_problem(["compliant"], "  ok ") or "")
    assert closing_problem(["compliant", "follow_up"], "one search to ask Officer Doe about") is None
