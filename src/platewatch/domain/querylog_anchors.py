"""Anchors of the Data Query Log: its head (last row number and hash) copied, as time goes by, to a place the
database's administrators cannot rewrite. The hash chain shows an edited or deleted row; only an anchor shows a
chain that was rewritten whole, every hash computed again, or cut back to an earlier row."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from platewatch.domain.querylog import ChainProblem


@dataclass(frozen=True, slots=True)
class Anchor:
    seq: int
    row_hash: str
    at: dt.datetime

    def line(self) -> str:
        """One line of an anchor file (JSON)."""
        at = self.at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return json.dumps({"at": at, "seq": self.seq, "hash": self.row_hash}, sort_keys=True)


class AnchorFileError(ValueError):
    """A line of an anchor file that is not an anchor."""


def parse_anchors(lines: Iterable[str]) -> list[Anchor]:
    """The anchors of a file's lines (blank lines skipped); AnchorFileError names the first bad line."""
    anchors = []
    for number, text in enumerate(lines, 1):
        if not text.strip():
            continue
        try:
            item = json.loads(text)
            seq, row_hash = item["seq"], item["hash"]
            at = dt.datetime.fromisoformat(item["at"])
            if not isinstance(seq, int) or seq < 1 or not isinstance(row_hash, str) or len(row_hash) != 64:
                raise ValueError("seq must be a row number and hash 64 hex digits")
            int(row_hash, 16)
        except (ValueError, KeyError, TypeError) as exc:
            raise AnchorFileError(f"line {number} is not an anchor ({exc})") from exc
        anchors.append(Anchor(seq, row_hash, at if at.tzinfo else at.replace(tzinfo=dt.UTC)))
    return anchors


def check_anchors(anchors: Iterable[Anchor], stored: Mapping[int, str]) -> list[ChainProblem]:
    """Each anchored row must still be in the log with the hash it had (`stored`: row number → hash)."""
    problems = []
    for a in anchors:
        when = a.at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
        found = stored.get(a.seq)
        if found is None:
            problems.append(ChainProblem(a.seq, f"row anchored at {when} is missing (the log was cut back)"))
        elif found != a.row_hash:
            problems.append(ChainProblem(a.seq, f"row differs from its anchor of {when} (the log was rewritten)"))
    return problems
