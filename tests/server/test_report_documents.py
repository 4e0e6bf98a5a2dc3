"""Reports as documents through the real HTTP API (issue 24, item 8): the metrics report, an audit's findings and the
query log as CSV and PDF, their figures checked against counts this test makes from the data it loaded, the PDF read
back with pypdf."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter

from pypdf import PdfReader
from sqlalchemy import select

from platewatch.domain.roles import Role
from platewatch.server.accounts.models import SecurityEvent
from platewatch.server.querylog.models import QueryLogEntry
from tests.server.test_audits import auditor, searches
from tests.server.test_hotlists_api import Actors, ingest
from tests.server.test_reports import bolo_listing
from tests.support.live_server import LiveServer, read_payload


def table(content: bytes, header: list[str]) -> list[list[str]]:
    """The rows under `header` in a CSV document (its title and the lines about it come first)."""
    lines = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    return lines[lines.index(header) + 1 :]


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_metrics_report_downloads_as_csv_and_pdf_with_the_figures_of_the_reads_loaded(server: LiveServer) -> None:
    actors = Actors(server)
    bolo_listing(actors, "8TRK455")
    day = dt.datetime.combine(server.clock.now.date() - dt.timedelta(days=1), dt.time(10), dt.UTC)
    loaded = {"car-1": ["8TRK455", "ABC1234", "XYZ9876"], "car-2": ["QRS4321"]}
    for unit, plates in loaded.items():
        token = server.add_unit(unit)
        ingest(server, token, *(read_payload(p, day, seed=i) for i, p in enumerate(plates)))
    params = {"since": str(day.date()), "until": str(day.date() + dt.timedelta(days=1))}
    with actors.client(Role.SUPERVISOR) as c:
        as_csv = c.get("/api/v1/reports/metrics", params={**params, "format": "csv"})
        as_pdf = c.get("/api/v1/reports/metrics", params={**params, "format": "pdf"})
        bad = c.get("/api/v1/reports/metrics", params={**params, "format": "docx"})
    assert as_csv.status_code == 200 and as_csv.headers["content-type"].startswith("text/csv")
    assert 'filename="lpr-metrics-' in as_csv.headers["content-disposition"] and bad.status_code == 422
    figures = {(s, i): v for s, i, v in table(as_csv.content, ["Section", "Item", "Figure"])}
    assert figures[("Reads", "all")] == str(sum(len(p) for p in loaded.values()))
    for unit, plates in loaded.items():
        assert figures[("Reads by unit", unit)] == str(len(plates))
    assert figures[("Reads by day", str(day.date()))] == "4"
    assert figures[("Alarms by list", "BOLO")] == "1" and figures[("Alarms", "all")] == "1"
    text = pdf_text(as_pdf.content)
    assert "LPR metrics report" in text and "car-1 3" in text and "car-2 1" in text
    for plates in loaded.values():  # counts only: no plate in either document
        assert not any(p in text or p in as_csv.text for p in plates)


def test_an_audits_findings_and_the_query_log_download_as_documents(server: LiveServer) -> None:
    investigator = searches(server, 5)
    with auditor(server) as c:
        audit = c.post("/api/v1/audits", json={"sample_size": 3}).json()
        seqs = [i["entry"]["seq"] for i in audit["items"]]
        assert c.post(f"/api/v1/audits/{audit['id']}/items/{seqs[0]}", json={"finding": "compliant"}).status_code == 200
        note = {"finding": "follow_up", "note": "case number format"}
        assert c.post(f"/api/v1/audits/{audit['id']}/items/{seqs[1]}", json=note).status_code == 200
        as_csv = c.get(f"/api/v1/audits/{audit['id']}", params={"format": "csv"})
        as_pdf = c.get(f"/api/v1/audits/{audit['id']}", params={"format": "pdf"})
        log_csv = c.get("/api/v1/querylog/export", params={"username": investigator})
        all_csv = c.get("/api/v1/querylog/export")
    header = ["Log row", "When", "User", "Action", "Parameters", "Purpose", "Case", "Results", "Outcome"]
    rows = table(as_csv.content, [*header, "Finding", "Note", "Reviewed by"])
    assert [int(r[0]) for r in rows] == seqs
    assert [r[9] for r in rows] == ["compliant", "follow_up", "not reviewed"] and rows[1][10] == "case number format"
    assert f'filename="lpr-audit-{audit["id"]}.pdf"' in as_pdf.headers["content-disposition"]
    text = pdf_text(as_pdf.content)
    assert f"audit {audit['id']} of LPR data use" in text and "1 compliant, 1 follow_up, 1 open" in text

    with server.db() as db:
        expected = db.scalars(select(QueryLogEntry.seq).where(QueryLogEntry.username == investigator)).all()
        everything = db.scalars(select(QueryLogEntry.seq)).all()
        events = Counter(db.scalars(select(SecurityEvent.event).where(SecurityEvent.event.like("%_viewed"))))
        exported = db.scalars(select(SecurityEvent.event).where(SecurityEvent.event == "querylog_exported")).all()
    logged = table(log_csv.content, [*header, "Row hash"])
    assert sorted(int(r[0]) for r in logged) == sorted(expected) and len(expected) == 6  # 5 answered, 1 refused
    assert {r[2] for r in logged} == {investigator} and "user " + investigator in log_csv.text
    assert len(table(all_csv.content, [*header, "Row hash"])) == len(everything)
    assert events["audit_viewed"] == 2 and len(exported) == 2  # each download is itself recorded
    with server.client(server.login(server.add_person(Role.OFFICER))) as c:
        assert c.get("/api/v1/querylog/export").status_code == 403
