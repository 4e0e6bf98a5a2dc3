"""The metrics report (order IV.B.3) against a real server: counts of reads and alarms by unit, day, list and
outcome, for a window; no plate in the answer."""

from __future__ import annotations

import datetime as dt

from platewatch.domain.roles import Role
from tests.server.test_hotlists_api import Actors, ingest, make_list
from tests.support.live_server import LiveServer, read_payload


def test_a_supervisor_counts_reads_and_alarms_by_unit_day_list_and_outcome(server: LiveServer) -> None:
    actors = Actors(server)
    bolo = make_list(actors, name="BOLO", source="manual", category="bolo")
    with actors.client(Role.ADMINISTRATOR) as c:
        entry = {"purpose": "armed robbery suspect vehicle, case 2026-3001", "plate": "8TRK455"}
        assert c.post(f"/api/v1/hotlists/{bolo['id']}/entries", json=entry).status_code == 201
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
