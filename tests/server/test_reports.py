"""The metrics report (order IV.B.3) against a real server: counts of reads and alarms by unit, day, list and
outcome, for a window; no plate in the answer."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from platewatch.domain.alert_timings import DECISION_BANDS, banded
from platewatch.domain.roles import Role
from tests.server.test_hotlists_api import Actors, ingest, make_list
from tests.support.live_server import LiveServer, read_payload


def bolo_listing(actors: Actors, plate: str) -> dict[str, Any]:
    """A manual BOLO list with `plate` on it."""
    bolo = make_list(actors, name="BOLO", source="manual", category="bolo")
    with actors.client(Role.ADMINISTRATOR) as c:
        entry = {"purpose": "armed robbery suspect vehicle, case 2026-3001", "plate": plate}
        assert c.post(f"/api/v1/hotlists/{bolo['id']}/entries", json=entry).status_code == 201
    return bolo


def test_a_supervisor_counts_reads_and_alarms_by_unit_day_list_and_outcome(server: LiveServer) -> None:
    actors = Actors(server)
    bolo_listing(actors, "8TRK455")
    today = server.clock.now.date()
    day1 = dt.datetime.combine(today - dt.timedelta(days=2), dt.time(10), dt.UTC)
    day2 = dt.datetime.combine(today - dt.timedelta(days=1), dt.time(10), dt.UTC)
    car1, car2 = server.add_unit("car-1"), server.add_unit("car-2")
    ingest(server, car1, read_payload("8TRK455", day1, seed=1), read_payload("ABC1234", day1, seed=2),
           read_payload("XYZ9876", day2, seed=3, lat=None, lon=None))  # fmt: skip
    ingest(server, car2, read_payload("8TRK455", day2, seed=4))
    with actors.client(Role.OFFICER) as c:
        alerts = c.get("/api/v1/alerts", params={"status": "pending"}).json()["alerts"]
        assert len(alerts) == 2
        first, second = sorted(alerts, key=lambda a: a["read"]["captured_at"])
        assert c.post(f"/api/v1/alerts/{first['id']}/accept").status_code == 200
        assert c.post(f"/api/v1/alerts/{second['id']}/reject", json={"reason": "misread"}).status_code == 200

    since, until = str(day1.date()), str(day2.date() + dt.timedelta(days=1))
    with actors.client(Role.SUPERVISOR) as c:
        r = c.get("/api/v1/reports/metrics", params={"since": since, "until": until})
        assert r.status_code == 200, r.text
        report = r.json()
        only_day2 = c.get("/api/v1/reports/metrics", params={"since": str(day2.date()), "until": until}).json()
        bad = [c.get("/api/v1/reports/metrics", params=p) for p in (
            {"since": "yesterday"}, {"since": until, "until": since}, {"since": "2026-11-01T00:00:00"},
            {"since": "2024-01-01", "until": "2026-01-01"})]  # fmt: skip
    assert report["reads"] == 4 and report["reads_with_position"] == 3
    assert [(c["key"], c["count"]) for c in report["reads_by_unit"]] == [("car-1", 3), ("car-2", 1)]
    assert [(c["key"], c["count"]) for c in report["reads_by_day"]] == [(since, 2), (str(day2.date()), 2)]
    assert report["alerts"] == 2 and report["alerts_per_1000_reads"] == 500.0
    assert [(c["key"], c["count"]) for c in report["alerts_by_list"]] == [("BOLO", 2)]
    assert {c["key"]: c["count"] for c in report["alerts_by_status"]} == {"accepted": 1, "rejected": 1}
    assert [(c["key"], c["count"]) for c in report["rejections_by_reason"]] == [("misread", 1)]
    assert "8TRK455" not in r.text and "ABC1234" not in r.text  # counts only
    assert only_day2["reads"] == 2 and only_day2["alerts"] == 1
    assert [b.status_code for b in bad] == [400, 400, 400, 400]
    assert "since must be before until" in bad[1].json()["message"] and "400 days" in bad[3].json()["message"]

    with actors.client(Role.OFFICER) as c:
        assert c.get("/api/v1/reports/metrics").status_code == 403
    with actors.client(Role.AUDITOR) as c:
        page = c.get("/reports", params={"since": since, "until": until})
    assert page.status_code == 200 and '<span id="reads">4</span>' in page.text and "car-2" in page.text


@pytest.mark.server_settings(alert_repeat_minutes=0)  # each pass of the car its own alert (ADR 0012)
def test_the_report_says_how_fast_alarms_were_decided_and_verified_and_by_whom(server: LiveServer) -> None:
    actors = Actors(server)
    bolo = bolo_listing(actors, "8TRK455")
    car = server.add_unit("car-1")
    seen = server.clock.now - dt.timedelta(hours=2)
    ingest(server, car, read_payload("8TRK455", seen, seed=1), read_payload("8TRK455", seen, seed=2),
           read_payload("5GHJ210", seen, seed=3))  # fmt: skip
    server.clock.advance(seconds=600)
    with actors.client(Role.ADMINISTRATOR) as c:  # a newer list matches a read already stored: a retro alarm
        entry = {"purpose": "stolen vehicle, case 2026-3002", "plate": "5GHJ210"}
        assert c.post(f"/api/v1/hotlists/{bolo['id']}/entries", json=entry).status_code == 201
        listed_at = server.clock.now
    second = server.add_person(Role.OFFICER)
    second_token = server.login(second)
    with actors.client(Role.OFFICER) as c:
        alerts = c.get("/api/v1/alerts", params={"status": "pending"}).json()["alerts"]
        live = [a["id"] for a in alerts if a["read"]["plate"] == "8TRK455"]
        retro = next(a["id"] for a in alerts if a["read"]["plate"] == "5GHJ210")
        first_decided = server.clock.now
        assert c.post(f"/api/v1/alerts/{live[0]}/accept").status_code == 200
        assert c.post(f"/api/v1/alerts/{retro}/accept").status_code == 200
    server.clock.advance(seconds=300)
    with server.client(second_token) as c:
        second_decided = server.clock.now
        assert c.post(f"/api/v1/alerts/{live[1]}/reject", json={"reason": "misread"}).status_code == 200
    with actors.client(Role.DISPATCHER) as c:
        verified = server.clock.now
        assert c.post(f"/api/v1/alerts/{live[0]}/verify", json={"confirmed": True}).status_code == 200
    with actors.client(Role.SUPERVISOR) as c:
        report = c.get("/api/v1/reports/metrics").json()
        page = c.get("/reports")

    live_delay = (first_decided - seen).total_seconds()
    retro_delay = (first_decided - listed_at).total_seconds()
    rejected_delay = (second_decided - seen).total_seconds()
    assert retro_delay < live_delay < rejected_delay
    assert report["time_to_decision"] == {
        "count": 3, "median_seconds": live_delay, "p90_seconds": rejected_delay, "longest_seconds": rejected_delay,
    }  # fmt: skip
    one = (verified - first_decided).total_seconds()
    assert report["time_to_verification"] == {
        "count": 1,
        "median_seconds": one,
        "p90_seconds": one,
        "longest_seconds": one,
    }
    officer = actors.people[Role.OFFICER].username
    assert report["decisions_by_officer"] == [
        {"officer": officer, "accepted": 2, "rejected": 0, "median_seconds_to_decide": (live_delay + retro_delay) / 2},
        {"officer": second.username, "accepted": 0, "rejected": 1, "median_seconds_to_decide": rejected_delay},
    ]
    bands = dict(banded([live_delay, retro_delay, rejected_delay]))  # the chart's bands, from the delays above
    assert {c["key"]: c["count"] for c in report["decision_times"]} == bands and sum(bands.values()) == 3
    assert page.status_code == 200 and f"<td>{second.username}</td><td>0</td><td>1</td>" in page.text
    assert "8TRK455" not in page.text


@pytest.mark.server_settings(time_zone="America/New_York")
def test_the_report_counts_searches_by_user_and_purpose_and_reads_by_hour(server: LiveServer) -> None:
    car = server.add_unit("car-1")
    zone = ZoneInfo("America/New_York")
    today = server.clock.now.astimezone(zone).date()
    captured = [
        dt.datetime.combine(today - dt.timedelta(days=1), dt.time(h, m), zone) for h, m in ((8, 5), (8, 50), (17, 0))
    ] + [dt.datetime.combine(today - dt.timedelta(days=2), dt.time(23, 30), zone)]
    ingest(server, car, *(read_payload(f"ABC{i}234", t, seed=i) for i, t in enumerate(captured)))
    first, second = server.add_person(Role.INVESTIGATOR), server.add_person(Role.SUPERVISOR)
    sent: list[tuple[str, str, str]] = []  # (who, path, purpose) of every search answered
    for person, plan in (
        (first, [("search", "burglary series, Elm Street"), ("search", "burglary series, Elm Street"),
                 ("map", "missing person, silver alert 26-14")]),
        (second, [("search", "missing person, silver alert 26-14")]),
    ):  # fmt: skip
        with server.client(server.login(person)) as c:
            for kind, purpose in plan:
                params = {"plate": "ABC*", "hours": 96, "purpose": purpose, "case_number": "2026-0042"}
                r = c.get(f"/api/v1/reads/{kind}", params=params)
                assert r.status_code == 200, r.text
                sent.append((person.username, kind, purpose))
            assert c.get("/api/v1/reads/search", params={"plate": "ABC*"}).status_code == 400  # refused: not counted
    with server.client(server.login(server.add_person(Role.AUDITOR))) as c:
        report = c.get("/api/v1/reports/metrics", params={"since": str(today - dt.timedelta(days=3))}).json()
    by_user = Counter(who for who, _, _ in sent)
    by_purpose = Counter(purpose for _, _, purpose in sent)
    assert report["searches"] == len(sent) == 4
    assert {c["key"]: c["count"] for c in report["searches_by_user"]} == dict(by_user)
    assert {c["key"]: c["count"] for c in report["searches_by_purpose"]} == dict(by_purpose)
    assert [c["count"] for c in report["searches_by_user"]] == sorted(by_user.values(), reverse=True)  # most first
    hours = Counter(f"{t.hour:02d}" for t in captured)  # the agency's hours, not UTC's
    assert [c["key"] for c in report["reads_by_hour"]] == [f"{h:02d}" for h in range(24)]
    assert {c["key"]: c["count"] for c in report["reads_by_hour"] if c["count"]} == dict(hours)
    assert [c["key"] for c in report["decision_times"]] == [words for words, _ in DECISION_BANDS]
    assert sum(c["count"] for c in report["decision_times"]) == report["time_to_decision"]["count"] == 0
