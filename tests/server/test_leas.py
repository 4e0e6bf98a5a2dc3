"""Order V.E.2f through the real HTTP API: stops, arrests and recoveries from LPR hits and from LPR searches, their LEAS
incident numbers under the LPR sub-type (given at once or later), and the supervisors' report of those not documented,
per officer, as JSON, CSV and PDF."""

from __future__ import annotations

import csv
import io
from collections import Counter
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from platewatch.domain.roles import Role
from platewatch.server.accounts.models import SecurityEvent
from tests.server.test_hotlists_api import Actors, ingest
from tests.server.test_reports import bolo_listing
from tests.support.live_server import PURPOSE, LiveServer, read_payload

LISTED = ["8TRK455", "KID2026", "VAN7777"]


def confirmed_hits(server: LiveServer, actors: Actors) -> list[int]:
    """One confirmed hit for each listed plate (three alerts)."""
    bolo = bolo_listing(actors, LISTED[0])
    with actors.client(Role.ADMINISTRATOR) as c:
        for plate in LISTED[1:]:
            entry = {"purpose": "armed robbery suspect vehicle, case 2026-3001", "plate": plate}
            assert c.post(f"/api/v1/hotlists/{bolo['id']}/entries", json=entry).status_code == 201
    unit = server.add_unit("car-3")
    ingest(server, unit, *(read_payload(p, server.clock.now, seed=i) for i, p in enumerate(LISTED)))
    with actors.client(Role.OFFICER) as c:
        ids = [a["id"] for a in c.get("/api/v1/alerts", params={"status": "pending"}).json()["alerts"]]
        assert len(ids) == 3
        for aid in ids:
            assert c.post(f"/api/v1/alerts/{aid}/accept").status_code == 200
    with actors.client(Role.DISPATCHER) as c:
        for aid in ids:
            assert c.post(f"/api/v1/alerts/{aid}/verify", json={"confirmed": True}).status_code == 200
    return sorted(ids)


@pytest.mark.server_settings(alert_repeat_minutes=0)
def test_lpr_outcomes_without_their_leas_number_under_the_lpr_subtype_are_reported_per_officer(
    server: LiveServer,
) -> None:
    actors = Actors(server)
    arrest, recovered, stop = confirmed_hits(server, actors)
    officer = actors.people[Role.OFFICER].username
    with actors.client(Role.OFFICER) as c:
        dispose = [
            c.post(f"/api/v1/alerts/{arrest}/dispose", json={"disposition": "arrest"}),  # the number follows later
            c.post(f"/api/v1/alerts/{recovered}/dispose",
                   json={"disposition": "vehicle_recovered", "incident_number": "26-100", "leas_subtype": "LPR"}),
            c.post(f"/api/v1/alerts/{stop}/dispose",
                   json={"disposition": "stop", "incident_number": "26-101", "leas_subtype": "TRAFFIC"}),
        ]  # fmt: skip
        assert [r.status_code for r in dispose] == [200, 200, 200]

    with actors.client(Role.INVESTIGATOR) as c:
        search = c.get("/api/v1/reads/search", params={**PURPOSE, "plate": LISTED[0]}).json()
        seq = search["query_log_seq"]
        refused = c.get("/api/v1/reads/search", params={"plate": LISTED[0]})  # no purpose: refused, and logged
        outcome = c.post(f"/api/v1/searches/{seq}/outcome", json={"outcome": "arrest", "note": "warrant served"})
        assert outcome.status_code == 201, outcome.text
        bad = [
            c.post(f"/api/v1/searches/{seq}/outcome", json={"outcome": "lunch"}),
            c.post(f"/api/v1/searches/{seq}/outcome", json={"outcome": "stop", "incident_number": "26-9"}),
            c.post("/api/v1/searches/999999/outcome", json={"outcome": "stop"}),
        ]
    assert refused.status_code == 400
    investigator = actors.people[Role.INVESTIGATOR].username
    assert [r.status_code for r in bad] == [422, 422, 404]
    assert "leas_subtype" in bad[1].json()["message"]
    with actors.client(Role.OFFICER) as c:  # someone else's search is not the officer's to record
        assert c.post(f"/api/v1/searches/{seq}/outcome", json={"outcome": "stop"}).status_code == 403

    with actors.client(Role.SUPERVISOR) as c:
        report = c.get("/api/v1/reports/leas").json()
        as_csv = c.get("/api/v1/reports/leas", params={"format": "csv"})
        as_pdf = c.get("/api/v1/reports/leas", params={"format": "pdf"})
        page = c.get("/reports").text
    gaps = {(g["source"], g["id"]): g["problem"] for g in report["undocumented"]}
    assert report["outcomes"] == 4 and report["from_searches"] == 1 and report["lpr_subtype"] == "LPR"
    assert gaps == {
        ("alert", arrest): "no LEAS incident number",
        ("alert", stop): "LEAS sub-type TRAFFIC, not LPR",
        ("search", outcome.json()["id"]): "no LEAS incident number",
    }
    assert {o["officer"]: o["count"] for o in report["by_officer"]} == {officer: 2, investigator: 1}
    search_gap = next(g for g in report["undocumented"] if g["source"] == "search")
    assert search_gap["query_log_seq"] == seq  # recorded against the search's own log row
    rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert len(rows[rows.index(["From", "Alert or outcome", "Query-log row", "Outcome", "Officer", "When", "Incident",
                                "Sub-type", "Problem"]) + 1 :]) == 3  # fmt: skip
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(as_pdf.content)).pages).split())
    assert "not documented in LEAS" in text and "4 (1 from searches), 3 not documented" in text
    assert 'id="leas-undocumented">3<' in page

    with actors.client(Role.OFFICER) as c:  # the numbers come in
        later = {"incident_number": "26-102", "leas_subtype": "LPR"}
        assert c.post(f"/api/v1/alerts/{arrest}/leas", json=later).status_code == 200
        assert c.post(f"/api/v1/alerts/{stop}/leas", json={**later, "incident_number": "26-101"}).status_code == 200
        assert c.post(f"/api/v1/alerts/{arrest}/leas", json={"incident_number": "", "leas_subtype": "LPR"}
                      ).status_code == 422  # fmt: skip
    with actors.client(Role.INVESTIGATOR) as c:
        done = c.post(f"/api/v1/search-outcomes/{outcome.json()['id']}/leas", json=later)
        assert done.status_code == 200 and done.json()["leas_subtype"] == "LPR"
    with actors.client(Role.SUPERVISOR) as c:
        after: dict[str, Any] = c.get("/api/v1/reports/leas").json()
    assert after["undocumented"] == [] and after["outcomes"] == 4
    with actors.client(Role.OFFICER) as c:
        assert c.get("/api/v1/reports/leas").status_code == 403
    with server.db() as db:
        events = Counter(db.scalars(select(SecurityEvent.event)))
    assert events["search_outcome"] == 1 and events["alert_documented_in_leas"] == 2
    assert events["search_outcome_documented"] == 1
