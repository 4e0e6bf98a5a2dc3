"""The public transparency report (issue 25) through the real HTTP API: its figures agree with the internal metrics
report and with counts this test makes from the data it loaded, and nothing in it names a plate, a person or a case."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from platewatch.domain.roles import Role
from tests.server.test_data_requests import DETECTIVES
from tests.server.test_hotlists_api import Actors, ingest
from tests.server.test_reports import bolo_listing
from tests.server.test_retention import run_purge
from tests.support.live_server import LiveServer, read_payload

PLATES = ["8TRK455", "ABC1234", "XYZ9876", "QRS4321"]


@pytest.mark.server_settings(alert_repeat_minutes=0)
def test_the_transparency_report_counts_what_the_internal_reports_count_and_names_nobody(server: LiveServer) -> None:
    actors = Actors(server)
    bolo_listing(actors, PLATES[0])
    unit = server.add_unit("car-1")
    old = server.clock.now
    ingest(server, unit, read_payload("OLD0001", old, seed=9))
    server.clock.advance(days=15)  # that read expires and is purged in the period
    assert run_purge(server, dry_run=True).reads_deleted == 1  # recorded as a dry run: it deleted nothing
    assert run_purge(server).reads_deleted == 1
    ingest(server, unit, *(read_payload(p, server.clock.now, seed=i) for i, p in enumerate(PLATES)),
           read_payload(PLATES[0], server.clock.now, seed=7))  # fmt: skip
    fresh = Actors(server)
    with fresh.client(Role.OFFICER) as c:
        first, second = (a["id"] for a in c.get("/api/v1/alerts", params={"status": "pending"}).json()["alerts"])
        assert c.post(f"/api/v1/alerts/{first}/accept").status_code == 200
        assert c.post(f"/api/v1/alerts/{second}/reject", json={"reason": "misread"}).status_code == 200
    with fresh.client(Role.DISPATCHER) as c:
        assert c.post(f"/api/v1/alerts/{first}/verify", json={"confirmed": True}).status_code == 200
    with fresh.client(Role.INVESTIGATOR) as c:
        for purpose, case in [("stolen vehicle report follow-up", "2026-000777"), ("burglary series, suspect car",
                              "2026-000778"), ("burglary series, second look", "2026-000778")]:  # fmt: skip
            params = {"plate": PLATES[1], "purpose": purpose, "case_number": case}
            assert c.get("/api/v1/reads/search", params=params).status_code == 200
        assert c.post("/api/v1/requests", json=DETECTIVES).status_code == 201
        outside = {**DETECTIVES, "agency": "Stamford Police Department", "agency_unit": ""}
        assert c.post("/api/v1/requests", json=outside).status_code == 201  # recorded and denied (V.D.6)

    since, until = str(old.date()), str(server.clock.now.date() + dt.timedelta(days=1))
    with fresh.client(Role.ADMINISTRATOR) as c:
        report = c.get("/api/v1/transparency", params={"since": since, "until": until}).json()
        metrics = c.get("/api/v1/reports/metrics", params={"since": since, "until": until}).json()
        html = c.get("/api/v1/transparency", params={"since": since, "until": until, "format": "html"})
        pdf = c.get("/api/v1/transparency", params={"since": since, "until": until, "format": "pdf"})
        page = c.get("/transparency", params={"since": since, "until": until})
    assert (report["reads_captured"], report["hits"], report["searches"]) == (
        metrics["reads"], metrics["alerts"], metrics["searches"])  # fmt: skip  # the same queries
    assert report["reads_captured"] == 5 and report["reads_purged"] == 1 and report["reads_kept_now"] == 5
    assert report["hits"] == 2 and report["hits_confirmed"] == 1 and report["searches"] == 3
    assert {c["key"]: c["count"] for c in report["searches_by_category"]} == {
        "property crime": 2, "stolen vehicle or plate": 1}  # fmt: skip
    assert {c["key"]: c["count"] for c in report["data_requests"]} == {"received": 1, "denied": 1}
    assert report["hotlist_sources"] == [{"key": "manual", "count": 1}]
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages).split())
    assert "transparency report" in text and "Hot-list hits 2" in text
    assert html.headers["content-type"].startswith("text/html") and 'id="hits">2<' in html.text
    assert "<script" not in html.text  # a static page
    for document in (html.text, text, page.text):
        for secret in [*PLATES, "OLD0001", "2026-000777", "burglary series", "Dana Ortiz", "car-1",
                       fresh.people[Role.INVESTIGATOR].username]:  # fmt: skip
            assert secret not in document
    with fresh.client(Role.SUPERVISOR) as c:
        assert c.get("/api/v1/transparency").status_code == 403  # the Program Administrator publishes it
