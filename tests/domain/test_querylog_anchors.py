"""Anchors of the query log: their file lines, and what a rewritten or cut-back log looks like against them."""

from __future__ import annotations

import datetime as dt

import pytest

from platewatch.domain.querylog import ChainProblem
from platewatch.domain.querylog_anchors import Anchor, AnchorFileError, check_anchors, parse_anchors

AT = dt.datetime(2026, 11, 30, 14, 0, tzinfo=dt.UTC)
H1, H2, H3 = "a" * 64, "b" * 64, "c" * 64


def test_an_anchor_is_one_json_line_and_reads_back() -> None:
    anchor = Anchor(41, H1, AT)
    assert anchor.line() == '{"at": "2026-11-30T14:00:00Z", "hash": "' + H1 + '", "seq": 41}'
    assert parse_anchors([anchor.line(), "", Anchor(90, H2, AT).line() + "\n"]) == [anchor, Anchor(90, H2, AT)]


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("not json", "line 2"),
        ('{"at": "2026-11-30T14:00:00Z", "seq": 4}', "line 2"),
        ('{"at": "2026-11-30T14:00:00Z", "seq": 0, "hash": "' + H1 + '"}', "row number"),
        ('{"at": "2026-11-30T14:00:00Z", "seq": 4, "hash": "xyz"}', "64 hex"),
        ('{"at": "2026-11-30T14:00:00Z", "seq": 4, "hash": "' + "g" * 64 + '"}', "line 2"),
        ('{"at": "yesterday", "seq": 4, "hash": "' + H1 + '"}', "line 2"),
    ],
)
def test_a_bad_line_is_named(line: str, says: str) -> None:
    with pytest.raises(AnchorFileError, match=says):
        parse_anchors([Anchor(1, H1, AT).line(), line])


def test_anchors_find_a_rewritten_or_cut_back_log() -> None:
    anchors = [Anchor(10, H1, AT), Anchor(20, H2, AT + dt.timedelta(hours=1))]
    assert check_anchors(anchors, {10: H1, 20: H2, 21: H3}) == []
    assert check_anchors(anchors, {10: H1, 20: H3}) == [
        ChainProblem(20, "row differs from its anchor of 2026-11-30 15:00 UTC (the log was rewritten)")
    ]
    assert check_anchors(anchors, {10: H1}) == [
        ChainProblem(20, "row anchored at 2026-11-30 15:00 UTC is missing (the log was cut back)")
    ]
