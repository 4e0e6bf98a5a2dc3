"""The officer's alerts on the unit (SQLite, beside the outbox): each alert with its images, the officer on duty,
the accept/reject keys pressed, and which decisions have still to reach the server."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import sqlite3
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platewatch.domain import alerts as rules
from platewatch.domain.alert_repeats import DEFAULT_WINDOW, Sighting, standing_for
from platewatch.unit.alerts import RaisedAlert

SCHEMA = (
    """
    CREATE TABLE IF NOT EXISTS unit_alerts (
        id TEXT PRIMARY KEY,
        read_id TEXT NOT NULL,
        raised_at TEXT NOT NULL,
        raised_ts REAL NOT NULL,
        text TEXT NOT NULL,
        list_id INTEGER NOT NULL,
        list_name TEXT NOT NULL,
        hotlist_version INTEGER NOT NULL,
        entry TEXT NOT NULL,
        matched_text TEXT NOT NULL,
        match_kind TEXT NOT NULL,
        reason TEXT NOT NULL,
        priority INTEGER NOT NULL,
        state_match INTEGER,
        line TEXT NOT NULL,
        colour TEXT NOT NULL,
        sound TEXT NOT NULL,
        plate_jpeg BLOB,
        vehicle_jpeg BLOB,
        status TEXT NOT NULL DEFAULT 'pending',
        decided_by TEXT,
        shift INTEGER,
        decided_at TEXT,
        reject_reason TEXT,
        note TEXT NOT NULL DEFAULT '',
        upload TEXT NOT NULL DEFAULT 'none',
        server_message TEXT NOT NULL DEFAULT ''
    )
    """,
    "CREATE INDEX IF NOT EXISTS ix_unit_alerts_upload ON unit_alerts (upload, decided_at)",
    """
    CREATE TABLE IF NOT EXISTS unit_alert_repeats (
        alert_id TEXT NOT NULL,
        read_id TEXT NOT NULL,
        seen_at TEXT NOT NULL,
        seen_ts REAL NOT NULL,
        latitude REAL,
        longitude REAL,
        text TEXT NOT NULL,
        PRIMARY KEY (alert_id, read_id)
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS unit_officer (
        one INTEGER PRIMARY KEY CHECK (one = 1),
        shift INTEGER NOT NULL,
        username TEXT NOT NULL,
        role TEXT NOT NULL,
        started_at TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS unit_logoffs (
        shift INTEGER PRIMARY KEY,
        ended_at TEXT NOT NULL
    )
    """,
)

RECENT_DECIDED = 20
"""Decided alerts the screen still lists under the pending ones (the shift's recent history)."""

log = logging.getLogger(__name__)

SETTLED = {"recorded": "done", "already_recorded": "done", "conflict": "refused", "refused": "refused"}
"""The server's outcome for a decision → its upload state here; any other outcome (`read_not_stored`: the read
has not reached the server yet) leaves it waiting for the next round."""


class AlertBookError(ValueError):
    """A key the officer cannot press now (nobody logged on, an alert already decided); the message says why."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True, slots=True)
class Officer:
    """The officer logged onto the unit for this shift (order V.E.8a), as the server confirmed."""

    shift: int
    username: str
    role: str
    started_at: dt.datetime


@dataclass(frozen=True, slots=True)
class AlertView:
    """One alert as the officer's screen lists it (images are fetched apart)."""

    id: str
    read_id: str
    raised_at: str
    text: str
    list_name: str
    entry: dict[str, Any]
    matched_text: str
    match_kind: str
    reason: str
    priority: int
    state_match: bool | None
    line: str
    colour: str
    sound: str
    has_vehicle_image: bool
    status: str
    decided_by: str | None
    decided_at: str | None
    reject_reason: str | None
    note: str
    upload: str
    """none (not decided) | waiting | done (the server has the decision) | refused (see `server_message`)."""
    server_message: str
    repeats: list[dict[str, Any]] = field(default_factory=list)
    """Passes of the same vehicle counted on this alert instead of alerting again (ADR 0012): read id, time, place."""


class AlertBook:
    """Thread-safe (the agent adds, the screen decides, the server link uploads): one connection, one lock, every
    change committed with `synchronous=FULL` before returning, so a key pressed is never lost to a crash.

    An alert the disk cannot take (full, failing) is still the officer's: it and its decision are kept in memory, in
    a second database of the same shape, whose rows win over the file's, and written to the file as soon as it
    takes them again (`unsaved` counts them; the screen says so). So are a log-on or log-off the disk refuses."""

    def __init__(self, path: Path, repeat_window: dt.timedelta = DEFAULT_WINDOW) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.repeat_window = repeat_window
        """A pass of an alert's vehicle on the same list within this of the alert is counted on it (ADR 0012)."""
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, isolation_level=None, timeout=30, check_same_thread=False)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        for statement in SCHEMA:
            self._db.execute(statement)
        self._memory = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        self._memory.row_factory = sqlite3.Row
        for statement in SCHEMA:
            self._memory.execute(statement)
        self._officer_in_memory: Officer | bool | None = False
        """The officer as memory knows them (None: logged off) while the file cannot take it; False: ask the file."""
        self._officer_unwritten = False

    def close(self) -> None:
        with self._lock:
            self._flush_memory()
            unsaved = self._unsaved()
            if unsaved:
                log.error("%d alerts could not be written to %s (the disk is full?): lost at exit", unsaved, self.path)
            self._db.close()
            self._memory.close()

    def __enter__(self) -> AlertBook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def add(self, alert: RaisedAlert) -> str | None:
        """Put a raised alert on the screen, or count it on the alert that stands for the same vehicle on the same
        list within the repeat window (ADR 0012): then no new alert, no sound. Returns the standing alert's id when
        counted, None when the alert is new (or already in the book)."""
        row = {
            "id": str(alert.id),
            "read_id": str(alert.read_id),
            "raised_at": alert.raised_at.isoformat(),
            "raised_ts": alert.raised_at.timestamp(),
            "text": alert.text,
            "list_id": alert.list_id,
            "list_name": alert.list_name,
            "hotlist_version": alert.hotlist_version,
            "entry": json.dumps(alert.entry.to_json(), sort_keys=True),
            "matched_text": alert.matched_text,
            "match_kind": alert.match_kind,
            "reason": alert.reason,
            "priority": alert.priority,
            "state_match": None if alert.state_match is None else int(alert.state_match),
            "line": alert.line,
            "colour": alert.colour,
            "sound": alert.sound,
            "plate_jpeg": alert.plate_jpeg,
            "vehicle_jpeg": alert.vehicle_jpeg,
        }
        with self._lock:
            self._flush_memory()
            if self._rows("SELECT id FROM unit_alerts WHERE id = ?", (row["id"],)):
                return None  # the same alert again: kept once
            standing = self._standing(alert)
            if standing is not None:
                if standing[1] != str(alert.read_id):  # the same pass hitting again is no repeat: nothing to count
                    self._count(standing[0], alert)
                return standing[0]
            try:
                _insert(self._db, row)
            except sqlite3.Error as exc:  # the officer sees it all the same
                log.error("the alert book could not write an alert (%s): kept in memory until it can", exc)
                _insert(self._memory, row)
        return None

    def _standing(self, alert: RaisedAlert) -> tuple[str, str] | None:
        """The alert `alert` repeats (the domain's rule; this unit's alerts only), as (id, read id). Call with the lock
        held."""
        window = self.repeat_window.total_seconds()
        ts = alert.raised_at.timestamp()
        rows = self._rows(
            "SELECT id, read_id, entry, priority, raised_at FROM unit_alerts WHERE list_id = ? AND raised_ts > ? "
            "AND raised_ts < ?",
            (alert.list_id, ts - window, ts + window),
        )
        hit = _sighting(alert.list_id, alert.entry.plate, alert.entry.state, alert.priority, alert.raised_at)
        standing = []
        for r in rows:
            entry, at = json.loads(r["entry"]), dt.datetime.fromisoformat(r["raised_at"])
            sighting = _sighting(alert.list_id, entry["plate"], entry.get("state"), r["priority"], at)
            standing.append((sighting, (str(r["id"]), str(r["read_id"]))))
        return standing_for(hit, standing, self.repeat_window)

    def _count(self, standing: str, alert: RaisedAlert) -> None:
        """Record `alert`'s pass on the standing alert. Call with the lock held."""
        row = (standing, str(alert.read_id), alert.raised_at.isoformat(), alert.raised_at.timestamp(),
               alert.latitude, alert.longitude, alert.text)  # fmt: skip
        insert = "INSERT OR IGNORE INTO unit_alert_repeats VALUES (?, ?, ?, ?, ?, ?, ?)"
        try:
            self._db.execute(insert, row)
        except sqlite3.Error as exc:  # the count is the officer's all the same
            log.error("the alert book could not write a repeated pass (%s): kept in memory until it can", exc)
            self._memory.execute(insert, row)

    def _repeats(self, alert_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
        """The passes counted on these alerts, oldest first. Call with the lock held."""
        found: dict[str, dict[str, sqlite3.Row]] = {i: {} for i in alert_ids}
        if alert_ids:
            marks = ", ".join("?" for _ in alert_ids)
            query = f"SELECT * FROM unit_alert_repeats WHERE alert_id IN ({marks})"
            for book in (self._db, self._memory):
                for r in book.execute(query, alert_ids):
                    found[r["alert_id"]][r["read_id"]] = r
        keys = ("read_id", "seen_at", "text", "latitude", "longitude")
        return {
            i: [{k: r[k] for k in keys} for r in sorted(passes.values(), key=lambda r: float(r["seen_ts"]))]
            for i, passes in found.items()
        }

    def listing(self) -> list[AlertView]:
        """Pending alerts, most urgent then newest first, followed by the latest decided ones."""
        with self._lock:
            self._flush_memory()  # the disk may take them again
            pending = self._rows("SELECT * FROM unit_alerts WHERE status = 'pending'")
            decided = self._rows(
                "SELECT * FROM unit_alerts WHERE status != 'pending' ORDER BY decided_at DESC LIMIT ?",
                (RECENT_DECIDED,),
            )
            pending.sort(key=lambda r: (r["priority"], -r["raised_ts"]))
            decided.sort(key=lambda r: r["decided_at"], reverse=True)
            shown = [*pending, *decided[:RECENT_DECIDED]]
            passes = self._repeats([r["id"] for r in shown])
        return [_view(r, passes[r["id"]]) for r in shown]

    def get(self, alert_id: str) -> AlertView:
        with self._lock:
            rows = self._rows("SELECT * FROM unit_alerts WHERE id = ?", (alert_id,))
            passes = self._repeats([alert_id])
        if not rows:
            raise AlertBookError("alert_not_found", f"no alert {alert_id} on this unit")
        return _view(rows[0], passes[alert_id])

    def image(self, alert_id: str, which: str) -> bytes | None:
        """The plate or vehicle JPEG of an alert (None when it has none)."""
        if which not in ("plate", "vehicle"):
            raise ValueError(f"no {which!r} image: plate or vehicle")
        with self._lock:
            rows = self._rows(f"SELECT id, {which}_jpeg FROM unit_alerts WHERE id = ?", (alert_id,))
        return None if not rows else rows[0][1]

    def officer(self) -> Officer | None:
        with self._lock:
            return self._current_officer()

    def _current_officer(self) -> Officer | None:
        if self._officer_in_memory is not False:
            return self._officer_in_memory if isinstance(self._officer_in_memory, Officer) else None
        row = self._db.execute("SELECT * FROM unit_officer").fetchone()
        if row is None:
            return None
        return Officer(row["shift"], row["username"], row["role"], dt.datetime.fromisoformat(row["started_at"]))

    def log_on(self, officer: Officer) -> None:
        """The officer the server confirmed; survives a restart of the unit until `log_off` (not while the disk
        refuses it: then it is kept in memory until the disk takes it)."""
        with self._lock:
            self._officer_in_memory = officer
            self._flush_memory()

    def log_off(self, at: dt.datetime) -> Officer | None:
        """The officer leaves the unit at once; the log-off waits here, with its time, until the server has it
        (`logoffs_waiting`, `logoff_sent`). Returns who logged off."""
        with self._lock:
            officer = self._current_officer()
            self._officer_in_memory = None
            if officer is not None:
                insert = "INSERT OR IGNORE INTO unit_logoffs (shift, ended_at) VALUES (?, ?)"
                self._memory.execute(insert, (officer.shift, at.isoformat()))
            self._flush_memory()
        return officer

    def ended_by_server(self, shift: int) -> Officer | None:
        """The server ended `shift` (the officer's account was disabled, their role changed): nobody is logged on
        any more and no log-off is owed. Returns the officer, or None when `shift` was no longer the current one."""
        with self._lock:
            officer = self._current_officer()
            if officer is None or officer.shift != shift:
                return None
            self._officer_in_memory = None
            self._flush_memory()
        return officer

    def logoffs_waiting(self) -> list[tuple[int, dt.datetime]]:
        """Log-offs the server has not confirmed: (shift, when), oldest first."""
        query = "SELECT shift, ended_at FROM unit_logoffs ORDER BY shift"
        with self._lock:
            rows = {int(r["shift"]): r["ended_at"] for r in self._db.execute(query)}
            rows.update({int(r["shift"]): r["ended_at"] for r in self._memory.execute(query)})
        return [(shift, dt.datetime.fromisoformat(rows[shift])) for shift in sorted(rows)]

    def logoff_sent(self, shift: int) -> None:
        with self._lock:
            self._memory.execute("DELETE FROM unit_logoffs WHERE shift = ?", (shift,))
            try:
                self._db.execute("DELETE FROM unit_logoffs WHERE shift = ?", (shift,))
            except sqlite3.Error as exc:  # sent again later: the server answers that it has it
                log.error("the alert book could not note a log-off sent (%s)", exc)

    def decide(
        self, alert_id: str, accept: bool, at: dt.datetime, reason: str | None = None, note: str = ""
    ) -> AlertView:
        """The officer's accept or reject key (order V.E.5), queued for the server. Refused (AlertBookError)
        when nobody is logged on, the alert is unknown or already decided, or the reason is missing or unknown,
        or 'other' comes without a note."""
        if len(note) > 500:
            raise AlertBookError("note_too_long", f"the note has {len(note)} characters; at most 500")
        officer = self.officer()
        if officer is None:
            raise AlertBookError("not_logged_on", "log on to the unit to accept or reject alerts")
        current = self.get(alert_id)
        state = rules.AlertState(status=rules.AlertStatus(current.status))
        try:
            if accept:
                new = rules.accept(state, officer.username, at)
            else:
                if reason is None:
                    raise AlertBookError("reason_missing", "a rejection needs a reason")
                try:
                    why = rules.RejectReason(reason)
                except ValueError:
                    known = ", ".join(r.value for r in rules.RejectReason)
                    raise AlertBookError("bad_reason", f"unknown reason {reason!r}: one of {known}") from None
                if why is rules.RejectReason.OTHER and not note.strip():
                    raise AlertBookError("note_missing", "a rejection for reason 'other' needs a note")
                new = rules.reject(state, officer.username, at, why, note.strip())
        except rules.InvalidTransition as exc:
            raise AlertBookError("invalid_transition", str(exc)) from exc
        decision = (
            "UPDATE unit_alerts SET status = ?, decided_by = ?, shift = ?, decided_at = ?, reject_reason = ?,"
            " note = ?, upload = 'waiting' WHERE id = ? AND status = 'pending'"
        )
        values = (
            new.status.value,
            officer.username,
            officer.shift,
            at.isoformat(),
            new.reject_reason.value if new.reject_reason else None,
            new.reject_note,
            alert_id,
        )
        with self._lock:
            self._flush_memory()
            if self._in_memory(alert_id):
                changed = self._memory.execute(decision, values).rowcount
            else:
                try:
                    changed = self._db.execute(decision, values).rowcount
                except sqlite3.Error as exc:  # the key press stands: kept in memory with its alert
                    log.error("the alert book could not write a decision (%s): kept in memory until it can", exc)
                    row = self._db.execute("SELECT * FROM unit_alerts WHERE id = ?", (alert_id,)).fetchone()
                    _insert(self._memory, dict(row))
                    changed = self._memory.execute(decision, values).rowcount
        if not changed:  # decided from another window meanwhile
            raise AlertBookError("invalid_transition", "this alert was decided meanwhile")
        return self.get(alert_id)

    def waiting(self, limit: int = 200) -> list[dict[str, Any]]:
        """Decisions the server does not have yet, oldest first, as `POST /api/v1/unit/alert-decisions` items."""
        with self._lock:
            rows = self._rows(
                "SELECT * FROM unit_alerts WHERE upload = 'waiting' ORDER BY decided_at LIMIT ?", (limit,)
            )
        rows = sorted(rows, key=lambda r: r["decided_at"])[:limit]
        out = []
        for r in rows:
            entry = json.loads(r["entry"])
            out.append(
                {
                    "id": r["id"],
                    "read_id": r["read_id"],
                    "shift": r["shift"],
                    "list_id": r["list_id"],
                    "plate": entry["plate"],
                    "state": entry.get("state"),
                    "matched_text": r["matched_text"],
                    "match_kind": r["match_kind"],
                    "hotlist_version": r["hotlist_version"],
                    "decision": r["status"],
                    "reject_reason": r["reject_reason"],
                    "note": r["note"],
                    "decided_at": r["decided_at"],
                }
            )
        return out

    def settle(self, results: Iterable[Mapping[str, Any]]) -> int:
        """Record the server's answer for each decision sent; returns how many are settled (done or refused)."""
        settled = 0
        with self._lock:
            for result in results:
                upload = SETTLED.get(str(result.get("outcome")))
                if upload is None:
                    continue
                alert_id = str(result.get("id"))
                book = self._memory if self._in_memory(alert_id) else self._db
                try:
                    settled += book.execute(
                        "UPDATE unit_alerts SET upload = ?, server_message = ? WHERE id = ? AND upload = 'waiting'",
                        (upload, str(result.get("message", ""))[:500], alert_id),
                    ).rowcount
                except sqlite3.Error as exc:  # sent again next round: the server answers that it has it
                    log.error("the alert book could not note the server's answer (%s)", exc)
        return settled

    def expire(self, cutoff: dt.datetime) -> int:
        """Delete alerts raised before `cutoff` (the retention period) except decisions still to be sent."""
        expired = "DELETE FROM unit_alerts WHERE raised_ts < ? AND upload != 'waiting'"
        passes = "DELETE FROM unit_alert_repeats WHERE seen_ts < ?"  # within the window of their alert's time
        with self._lock:
            gone = self._memory.execute(expired, (cutoff.timestamp(),)).rowcount
            self._memory.execute(passes, (cutoff.timestamp(),))
            try:
                gone += self._db.execute(expired, (cutoff.timestamp(),)).rowcount
                self._db.execute(passes, (cutoff.timestamp(),))
                return gone
            except sqlite3.Error as exc:  # deleted next time
                log.error("the alert book could not delete expired alerts (%s)", exc)
                return gone

    def counts(self) -> dict[str, int]:
        """Pending alerts, decisions waiting for the server, and alerts the disk did not take (kept in memory), for
        the screen's status line."""
        with self._lock:
            rows = self._rows("SELECT id, status = 'pending', upload = 'waiting' FROM unit_alerts")
            unsaved = self._unsaved()
        return {"pending": sum(r[1] for r in rows), "waiting": sum(r[2] for r in rows), "unsaved": unsaved}

    def _rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        """`sql` (a SELECT whose first column is the alert's id) over the memory's rows and the file's, the memory's
        winning: an alert whose decision only memory has. Call with the lock held."""
        if not self._unsaved():
            return self._db.execute(sql, params).fetchall()
        kept = self._memory.execute(sql, params).fetchall()
        ids = {r[0] for r in self._memory.execute("SELECT id FROM unit_alerts")}
        return [*kept, *(r for r in self._db.execute(sql, params) if r[0] not in ids)]

    def _in_memory(self, alert_id: str) -> bool:
        return self._memory.execute("SELECT 1 FROM unit_alerts WHERE id = ?", (alert_id,)).fetchone() is not None

    def _unsaved(self) -> int:
        return int(self._memory.execute("SELECT COUNT(*) FROM unit_alerts").fetchone()[0])

    def _flush_memory(self) -> None:
        """Write what memory keeps to the file (the officer, log-offs, then alerts oldest first) while the file takes
        it. Call with the lock held."""
        if self._officer_in_memory is not False:
            officer = self._officer_in_memory
            logoffs = self._memory.execute("SELECT shift, ended_at FROM unit_logoffs").fetchall()
            self._db.execute("BEGIN IMMEDIATE")
            try:  # both or neither: the officer is never gone without the log-off
                self._db.execute("DELETE FROM unit_officer")
                if isinstance(officer, Officer):
                    self._db.execute(
                        "INSERT INTO unit_officer (one, shift, username, role, started_at) VALUES (1, ?, ?, ?, ?)",
                        (officer.shift, officer.username, officer.role, officer.started_at.isoformat()),
                    )
                for shift, ended_at in logoffs:
                    self._db.execute("INSERT OR IGNORE INTO unit_logoffs (shift, ended_at) VALUES (?, ?)",
                                     (shift, ended_at))  # fmt: skip
                self._db.execute("COMMIT")
            except sqlite3.Error as exc:
                with contextlib.suppress(sqlite3.Error):
                    self._db.execute("ROLLBACK")
                if not self._officer_unwritten:  # said once, not at each of the screen's looks
                    log.error("the alert book could not write the officer's log-on or log-off (%s): kept in memory",
                              exc)  # fmt: skip
                self._officer_unwritten = True
                return
            self._officer_unwritten = False
            self._officer_in_memory = False
            self._memory.execute("DELETE FROM unit_logoffs")
        for row in self._memory.execute("SELECT * FROM unit_alerts ORDER BY raised_ts").fetchall():
            try:
                _insert(self._db, dict(row), replace=True)
            except sqlite3.Error:
                return
            self._memory.execute("DELETE FROM unit_alerts WHERE id = ?", (row["id"],))
            log.info("an alert kept in memory is written to %s", self.path)
        for row in self._memory.execute("SELECT * FROM unit_alert_repeats ORDER BY seen_ts").fetchall():
            try:
                self._db.execute("INSERT OR IGNORE INTO unit_alert_repeats VALUES (?, ?, ?, ?, ?, ?, ?)", tuple(row))
            except sqlite3.Error:
                return
            self._memory.execute(
                "DELETE FROM unit_alert_repeats WHERE alert_id = ? AND read_id = ?", (row["alert_id"], row["read_id"])
            )


def _insert(book: sqlite3.Connection, row: Mapping[str, Any], replace: bool = False) -> None:
    names = ", ".join(row)
    marks = ", ".join(f":{k}" for k in row)
    verb = "INSERT OR REPLACE" if replace else "INSERT OR IGNORE"
    book.execute(f"{verb} INTO unit_alerts ({names}) VALUES ({marks})", row)


def _sighting(list_id: int, plate: str, state: str | None, priority: int, at: dt.datetime) -> Sighting:
    """A hit of this unit as the repeat rule sees it."""
    return Sighting("this unit", str(list_id), plate, state, priority, at)


def _view(row: sqlite3.Row, repeats: list[dict[str, Any]]) -> AlertView:
    state_match = row["state_match"]
    return AlertView(
        id=row["id"],
        read_id=row["read_id"],
        raised_at=row["raised_at"],
        text=row["text"],
        list_name=row["list_name"],
        entry=json.loads(row["entry"]),
        matched_text=row["matched_text"],
        match_kind=row["match_kind"],
        reason=row["reason"],
        priority=row["priority"],
        state_match=None if state_match is None else bool(state_match),
        line=row["line"],
        colour=row["colour"],
        sound=row["sound"],
        has_vehicle_image=row["vehicle_jpeg"] is not None,
        status=row["status"],
        decided_by=row["decided_by"],
        decided_at=row["decided_at"],
        reject_reason=row["reject_reason"],
        note=row["note"],
        upload=row["upload"],
        server_message=row["server_message"],
        repeats=repeats,
    )
