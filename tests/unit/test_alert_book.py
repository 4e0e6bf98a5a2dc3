"""The officer's alerts on the unit: kept with their images, decided only by the officer logged on, kept across a
crash, and sent to the server until it has them."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import pytest

from platewatch.domain.hotlists import Category, HotListEntry, Vehicle
from platewatch.unit.alert_book import AlertBook, AlertBookError, Officer
from platewatch.unit.alerts import RaisedAlert
from tests.support.small_disk import small_disk

T0 = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.UTC)
OFFICER = Officer(41, "jsmith", "officer", T0)


def raised(plate: str = "6ZR4117", priority: int = 1, at: dt.datetime = T0, **kw: object) -> RaisedAlert:
    entry = HotListEntry(plate, "CT", Category.STOLEN_VEHICLE, nic="V123", vehicle=Vehicle("2019", "HOND", "CIV"))
    fields: dict[str, object] = {
        "read_id": uuid.uuid4(),
        "text": plate,
        "frame": 3,
        "raised_at": at,
        "list_id": 1,
        "list_name": "NCIC",
        "hotlist_version": 7,
        "entry": entry,
        "matched_text": plate,
        "match_kind": "exact",
        "reason": f"exact match on {plate}",
        "priority": priority,
        "state_match": True,
        "line": f"NCIC: stolen_vehicle {plate} (CT), exact match",
        "plate_jpeg": b"\xff\xd8plate",
        "vehicle_jpeg": None,
    }
    fields.update(kw)
    return RaisedAlert(**fields)  # type: ignore[arg-type]


def test_pending_alerts_come_most_urgent_first_then_the_decided(tmp_path: Path) -> None:
    with AlertBook(tmp_path / "unit.db") as book:
        bolo = raised("BOLO123", priority=4, at=T0)
        stolen = raised("6ZR4117", priority=1, at=T0 - dt.timedelta(minutes=5))
        newer_bolo = raised("BOLO999", priority=4, at=T0 + dt.timedelta(minutes=1))
        for a in (bolo, stolen, newer_bolo):
            book.add(a)
        book.add(bolo)  # the same alert again: kept once
        book.log_on(OFFICER)
        book.decide(str(bolo.id), True, T0 + dt.timedelta(minutes=2))
        listing = book.listing()
    assert [a.text for a in listing] == ["6ZR4117", "BOLO999", "BOLO123"]
    assert [a.status for a in listing] == ["pending", "pending", "accepted"]
    assert listing[0].entry["vehicle"]["make"] == "HOND" and listing[0].has_vehicle_image is False


def test_only_a_logged_on_officer_presses_the_keys(tmp_path: Path) -> None:
    alert = raised()
    with AlertBook(tmp_path / "unit.db") as book:
        book.add(alert)
        with pytest.raises(AlertBookError, match="log on") as refused:
            book.decide(str(alert.id), True, T0)
        assert refused.value.code == "not_logged_on"
        book.log_on(OFFICER)
        view = book.decide(str(alert.id), True, T0 + dt.timedelta(seconds=20))
        assert (view.status, view.decided_by, view.upload) == ("accepted", "jsmith", "waiting")
        with pytest.raises(AlertBookError, match="cannot reject an alert that is accepted"):
            book.decide(str(alert.id), False, T0, "misread")
        with pytest.raises(AlertBookError) as unknown:
            book.decide(str(uuid.uuid4()), True, T0)
        assert unknown.value.code == "alert_not_found"


@pytest.mark.parametrize(
    ("reason", "note", "message"),
    [
        (None, "", "needs a reason"),
        ("bogus", "", "unknown reason 'bogus'"),
        ("other", "  ", "needs a note"),
        ("misread", "x" * 501, "at most 500"),
    ],
)
def test_a_rejection_needs_a_known_reason(tmp_path: Path, reason: str | None, note: str, message: str) -> None:
    alert = raised()
    with AlertBook(tmp_path / "unit.db") as book:
        book.add(alert)
        book.log_on(OFFICER)
        with pytest.raises(AlertBookError, match=message):
            book.decide(str(alert.id), False, T0, reason, note)
        assert book.get(str(alert.id)).status == "pending"  # nothing written
        assert book.waiting() == []


def test_a_pressed_key_and_the_officer_survive_a_crash_and_wait_for_the_server(tmp_path: Path) -> None:
    alert = raised()
    with AlertBook(tmp_path / "unit.db") as book:
        book.add(alert)
        book.log_on(OFFICER)
        book.decide(str(alert.id), False, T0 + dt.timedelta(seconds=9), "wrong_state", "NY plate")
    with AlertBook(tmp_path / "unit.db") as book:  # the unit restarted
        assert book.officer() == OFFICER
        (item,) = book.waiting()
        assert item == {
            "id": str(alert.id),
            "read_id": str(alert.read_id),
            "shift": 41,
            "list_id": 1,
            "plate": "6ZR4117",
            "state": "CT",
            "matched_text": "6ZR4117",
            "match_kind": "exact",
            "hotlist_version": 7,
            "decision": "rejected",
            "reject_reason": "wrong_state",
            "note": "NY plate",
            "decided_at": (T0 + dt.timedelta(seconds=9)).isoformat(),
        }
        assert book.counts() == {"pending": 0, "waiting": 1, "unsaved": 0}
        off = T0 + dt.timedelta(hours=8)
        assert book.log_off(off) == OFFICER
        assert book.officer() is None and book.log_off(off) is None
        assert len(book.waiting()) == 1  # logging off does not drop a decision
    with AlertBook(tmp_path / "unit.db") as book:  # restarted again before the server was reached
        assert book.logoffs_waiting() == [(41, off)]
        book.logoff_sent(41)
        assert book.logoffs_waiting() == []


def test_a_shift_the_server_ended_logs_off_only_that_shift_and_owes_no_log_off(tmp_path: Path) -> None:
    with AlertBook(tmp_path / "unit.db") as book:
        book.log_on(OFFICER)
        assert book.ended_by_server(40) is None and book.officer() == OFFICER  # an older shift: nothing changes
        assert book.ended_by_server(41) == OFFICER
        assert book.officer() is None and book.ended_by_server(41) is None
        assert book.logoffs_waiting() == []


def test_the_servers_answer_settles_each_decision(tmp_path: Path) -> None:
    alerts = [raised(f"AAA{i}") for i in range(4)]
    with AlertBook(tmp_path / "unit.db") as book:
        book.log_on(OFFICER)
        for a in alerts:
            book.add(a)
            book.decide(str(a.id), True, T0)
        settled = book.settle(
            [
                {"id": str(alerts[0].id), "outcome": "recorded", "message": ""},
                {"id": str(alerts[1].id), "outcome": "read_not_stored", "message": "later"},
                {"id": str(alerts[2].id), "outcome": "conflict", "message": "rejected on the web by sgt"},
                {"id": str(alerts[3].id), "outcome": "already_recorded", "message": ""},
            ]
        )
        assert settled == 3
        assert [i["id"] for i in book.waiting()] == [str(alerts[1].id)]
        assert book.get(str(alerts[2].id)).upload == "refused"
        assert book.get(str(alerts[2].id)).server_message == "rejected on the web by sgt"
        assert book.get(str(alerts[0].id)).upload == "done"


def test_images_are_kept_with_the_alert(tmp_path: Path) -> None:
    alert = raised(vehicle_jpeg=b"\xff\xd8car")
    with AlertBook(tmp_path / "unit.db") as book:
        book.add(alert)
        assert book.image(str(alert.id), "plate") == b"\xff\xd8plate"
        assert book.image(str(alert.id), "vehicle") == b"\xff\xd8car"
        assert book.image(str(uuid.uuid4()), "plate") is None
        with pytest.raises(ValueError, match="plate or vehicle"):
            book.image(str(alert.id), "plate_jpeg FROM unit_alerts --")


def test_expiry_keeps_decisions_the_server_has_not_got(tmp_path: Path) -> None:
    old_sent, old_waiting, old_pending = (raised(f"OLD{i}", at=T0) for i in range(3))
    young = raised("NEW1", at=T0 + dt.timedelta(days=10))
    with AlertBook(tmp_path / "unit.db") as book:
        book.log_on(OFFICER)
        for a in (old_sent, old_waiting, old_pending, young):
            book.add(a)
        book.decide(str(old_sent.id), True, T0)
        book.decide(str(old_waiting.id), True, T0)
        book.settle([{"id": str(old_sent.id), "outcome": "recorded"}])
        gone = book.expire(T0 + dt.timedelta(days=1))
        assert gone == 2
        assert sorted(a.text for a in book.listing()) == ["NEW1", "OLD1"]


def test_an_alert_the_full_disk_cannot_take_is_still_the_officers(tmp_path: Path) -> None:
    """An outage filled the car computer's disk: the next alert is shown, its images too, and both keys work; all
    of it reaches the file, and so the server, once the disk has room again."""
    with small_disk(tmp_path) as disk:
        path = disk.path / "unit.db"
        first, stolen = raised("FIRST01", at=T0), raised("6ZR4117", at=T0 + dt.timedelta(minutes=1))
        with AlertBook(path) as book:
            book.log_on(OFFICER)
            book.add(first)
            disk.fill()
            book.add(stolen)  # the disk refuses it: kept in memory
            assert [a.text for a in book.listing()] == ["6ZR4117", "FIRST01"]
            assert book.counts() == {"pending": 2, "waiting": 0, "unsaved": 1}
            assert book.image(str(stolen.id), "plate") == b"\xff\xd8plate"
            book.decide(str(first.id), True, T0 + dt.timedelta(minutes=2))  # an alert of the file: its key too
            book.decide(str(stolen.id), False, T0 + dt.timedelta(minutes=3), "misread")
            assert book.counts() == {"pending": 0, "waiting": 2, "unsaved": 2}
            assert [w["plate"] for w in book.waiting()] == ["FIRST01", "6ZR4117"]
            with pytest.raises(AlertBookError, match="must be pending"):
                book.decide(str(stolen.id), True, T0 + dt.timedelta(minutes=4))
            disk.free()
            assert [a.status for a in book.listing()] == ["rejected", "accepted"]  # written on the next look
            assert book.counts()["unsaved"] == 0
        with AlertBook(path) as again:  # the file has it all: after a restart, the decisions still go out
            assert [(w["plate"], w["decision"]) for w in again.waiting()] == [("FIRST01", "accepted"),
                                                                               ("6ZR4117", "rejected")]  # fmt: skip
            assert again.image(str(stolen.id), "plate") == b"\xff\xd8plate"


def test_an_officer_logs_on_and_off_while_the_disk_is_full(tmp_path: Path) -> None:
    """The shift starts on a full disk: the officer is on the unit all the same, presses the keys, and the log-off
    waits for the server; the file has it all once the disk has room."""
    with small_disk(tmp_path) as disk:
        path = disk.path / "unit.db"
        alert = raised("6ZR4117")
        with AlertBook(path) as book:
            book.add(alert)
            disk.fill()
            book.log_on(OFFICER)
            assert book.officer() == OFFICER
            book.decide(str(alert.id), True, T0 + dt.timedelta(minutes=1))
            assert book.log_off(T0 + dt.timedelta(hours=8)) == OFFICER and book.officer() is None
            assert book.logoffs_waiting() == [(41, T0 + dt.timedelta(hours=8))]
            disk.free()
            book.listing()  # the screen's next look writes what memory kept
        with AlertBook(path) as again:
            assert again.officer() is None and again.logoffs_waiting() == [(41, T0 + dt.timedelta(hours=8))]
            assert [(w["decision"], w["shift"]) for w in again.waiting()] == [("accepted", 41)]
            again.logoff_sent(41)
            assert again.logoffs_waiting() == []


def test_the_same_car_again_is_counted_on_the_alert_that_stands_with_no_new_alert(tmp_path: Path) -> None:
    """Issue 24: after the officer accepted an alert, the car passed four more times within four minutes. The book
    counts those passes (time and place) on the standing alert; another list, a more urgent hit or a pass after the
    window is an alert of its own."""
    minute = dt.timedelta(minutes=1)
    first = raised(priority=3, at=T0, latitude=41.1468, longitude=-73.4948)  # state differs: a lowered priority
    passes = [raised(priority=3, at=T0 + m * minute, latitude=41.1468 + m / 1000, longitude=-73.4948) for m in (1, 2)]
    with AlertBook(tmp_path / "unit.db") as book:
        assert book.add(first) is None
        book.log_on(OFFICER)
        book.decide(str(first.id), True, T0 + dt.timedelta(seconds=30))
        assert [book.add(a) for a in passes] == [str(first.id)] * 2
        same_pass = raised(priority=3, at=T0 + 3 * minute, read_id=first.read_id)  # its end, after a frame's alert
        assert book.add(same_pass) == str(first.id)  # one pass, one alert, and no repeat to count
        other_list = raised(priority=3, at=T0 + 3 * minute, list_id=2, list_name="BOLO")
        more_urgent = raised(priority=2, at=T0 + 4 * minute)
        after_window = raised(priority=3, at=T0 + 15 * minute)  # 11 minutes after the more urgent one
        assert [book.add(a) for a in (other_list, more_urgent, after_window)] == [None, None, None]
        assert book.counts()["pending"] == 3
    with AlertBook(tmp_path / "unit.db") as book:  # counted passes survive a restart of the unit
        standing = book.get(str(first.id))
        assert standing.status == "accepted"
        assert [(p["read_id"], p["seen_at"], p["latitude"], p["text"]) for p in standing.repeats] == [
            (str(a.read_id), a.raised_at.isoformat(), a.latitude, "6ZR4117") for a in passes
        ]
        listed = {a.id: len(a.repeats) for a in book.listing()}
        assert listed == {str(first.id): 2, str(other_list.id): 0, str(more_urgent.id): 0, str(after_window.id): 0}


def test_the_repeat_window_is_the_units_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from platewatch.unit.settings import UnitSettings

    assert UnitSettings().alert_repeat_window == dt.timedelta(minutes=10)
    monkeypatch.setenv("PLATEWATCH_UNIT_ALERT_REPEAT_MINUTES", "2")
    window = UnitSettings().alert_repeat_window
    first, again = raised(at=T0), raised(at=T0 + dt.timedelta(minutes=3))
    with AlertBook(tmp_path / "unit.db", repeat_window=window) as book:
        assert [book.add(first), book.add(again)] == [None, None]  # 3 minutes apart: two alerts with a 2-minute window
    with AlertBook(tmp_path / "other.db", repeat_window=dt.timedelta(0)) as book:
        assert [book.add(raised(at=T0)), book.add(raised(at=T0))] == [None, None]  # 0: every pass alerts
