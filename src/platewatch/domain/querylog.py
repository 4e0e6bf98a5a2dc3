"""Data Query Log entries (order V.D.8-9): the fields, their canonical encoding and the hash chain."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

GENESIS_HASH = "0" * 64
MIN_PURPOSE_LENGTH = 10
MAX_PURPOSE_LENGTH = 500
MAX_CASE_NUMBER_LENGTH = 40


class Action(StrEnum):
    SEARCH = "search"
    MAP = "map"  # a search shown on a map (IV.B.2)
    VIEW_READ = "view_read"
    VIEW_IMAGE = "view_image"
    EXPORT = "export"
    VIEW_QUERY_LOG = "view_query_log"
    VIEW_ALERTS = "view_alerts"
    ALERT_FEED = "alert_feed"
    PLACE_HOLD = "place_hold"
    VIEW_HOLDS = "view_holds"
    EXPORT_EVIDENCE = "export_evidence"


class Outcome(StrEnum):
    OK = "ok"
    REFUSED = "refused"  # missing purpose, not allowed, bad parameters
    NOT_FOUND = "not_found"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class QueryLogRecord:
    """One row as it is hashed: every field that an edit must not be able to change unnoticed."""

    seq: int
    at: dt.datetime
    username: str
    action: str
    parameters: dict[str, Any]
    purpose: str
    case_number: str
    result_count: int
    outcome: str
    prev_hash: str

    def canonical_bytes(self) -> bytes:
        body = {
            "seq": self.seq,
            "at": self.at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "username": self.username,
            "action": self.action,
            "parameters": self.parameters,
            "purpose": self.purpose,
            "case_number": self.case_number,
            "result_count": self.result_count,
            "outcome": self.outcome,
            "prev_hash": self.prev_hash,
        }
        return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()

    def digest(self) -> str:
        return hashlib.sha256(self.canonical_bytes()).hexdigest()


@dataclass(frozen=True, slots=True)
class ChainProblem:
    seq: int
    problem: str


def verify_chain(rows: Iterable[tuple[QueryLogRecord, str]], head: tuple[int, str] | None) -> list[ChainProblem]:
    """Check rows (in seq order, each with its stored hash) and the recorded head (last seq, hash).

    Finds edited rows (hash mismatch), deleted rows (a gap in seq or a broken link) and a truncated
    tail (the head names a row that is not there).
    """
    problems: list[ChainProblem] = []
    expected_prev = GENESIS_HASH
    expected_seq = 1
    last: tuple[int, str] | None = None
    for record, stored_hash in rows:
        if record.seq != expected_seq:
            problems.append(ChainProblem(record.seq, f"rows {expected_seq}..{record.seq - 1} are missing"))
        if record.prev_hash != expected_prev:
            problems.append(ChainProblem(record.seq, "link to the previous row is broken"))
        if record.digest() != stored_hash:
            problems.append(ChainProblem(record.seq, "row content does not match its hash (edited)"))
        expected_prev = stored_hash
        expected_seq = record.seq + 1
        last = (record.seq, stored_hash)
    if head is not None and head != last:
        if last is None or head[0] > last[0]:
            problems.append(ChainProblem(head[0], "rows at the end of the log are missing (truncated)"))
        else:
            problems.append(ChainProblem(head[0], "the recorded head does not match the last row"))
    return problems


def check_purpose(purpose: str | None, case_number: str | None) -> tuple[str, str]:
    """Validate the purpose and case/incident number every data access needs; return them trimmed.

    Raises ValueError naming what is missing or wrong.
    """
    p = (purpose or "").strip()
    c = (case_number or "").strip()
    if not p:
        raise ValueError("purpose is required: state the law-enforcement purpose of this query")
    if len(p) < MIN_PURPOSE_LENGTH:
        raise ValueError(f"purpose is too short: describe it in at least {MIN_PURPOSE_LENGTH} characters")
    if len(p) > MAX_PURPOSE_LENGTH:
        raise ValueError(f"purpose is too long: at most {MAX_PURPOSE_LENGTH} characters")
    if not c:
        raise ValueError("case_number is required: give the case or incident number")
    if len(c) > MAX_CASE_NUMBER_LENGTH or any(not (ch.isalnum() or ch in "-/._ ") for ch in c):
        raise ValueError("case_number may hold letters, digits, spaces and - / . _ (at most 40)")
    return p, c
