"""Order V.A.5 through the real HTTP API: pieces found missing, lost or destroyed with who, when and why, and the
year's physical inventory reconciled with the record as JSON, CSV and PDF (read back with pypdf)."""

from __future__ import annotations

import csv
import io
from collections import Counter

from pypdf import PdfReader
from sqlalchemy import select

from platewatch.domain.roles import Role
from platewatch.server.accounts.models import SecurityEvent
from tests.server.test_hotlists_api import Actors
from tests.support.live_server import LiveServer

PIECES = {"CAM-1": "camera", "CAM-2": "camera", "MDC-3": "mdc", "TRL-4": "trailer", "GPS-5": "gps"}
URL = "/api/v1/equipment/reconciliation"


def test_the_years_physical_inventory_is_reconciled_with_the_record_as_json_csv_and_pdf(server: LiveServer) -> None:
    actors = Actors(server)
    year = server.clock.now.year
    with actors.client(Role.EQUIPMENT) as c:
        ids = {}
        for serial, kind in PIECES.items():
            r = c.post("/api/v1/equipment", json={"serial": serial, "kind": kind, "location": "town garage"})
            assert r.status_code == 201, r.text
            ids[serial] = r.json()["id"]

        def status(serial: str, to: str, note: str) -> int:
            return c.post(f"/api/v1/equipment/{ids[serial]}/status", json={"status": to, "note": note}).status_code

        def seen(serial: str) -> int:
            return c.post(f"/api/v1/equipment/{ids[serial]}/inventory", json={"note": "at the check"}).status_code

        assert seen("CAM-1") == 200
        assert status("MDC-3", "missing", "not in car 9 at the annual check") == 200
        assert status("TRL-4", "missing", "not at the garage") == 200 and seen("TRL-4") == 200  # found again
        assert status("GPS-5", "lost", "stolen with car 9, report 26-4410") == 200
        found = c.get(f"/api/v1/equipment/{ids['TRL-4']}").json()
        assert found["status"] == "in_service" and found["events"][-1]["note"].startswith("found again")
        assert status("GPS-5", "in_service", "back") == 409 and seen("GPS-5") == 409  # lost: no more changes

        report = c.get(URL, params={"year": year})
        assert report.status_code == 200, report.text
        body = report.json()
        outcomes = {r["serial"]: r["outcome"] for r in body["rows"]}
        expected = {"CAM-1": "checked", "CAM-2": "not checked", "MDC-3": "missing", "TRL-4": "checked", "GPS-5": "lost"}
        assert outcomes == expected and body["year"] == year
        assert {k: v for k, v in body["counts"].items() if v} == dict(Counter(expected.values()))
        lost = next(r for r in body["rows"] if r["serial"] == "GPS-5")
        assert lost["note"] == "stolen with car 9, report 26-4410"
        assert lost["by"] == actors.people[Role.EQUIPMENT].username

        as_csv = c.get(URL, params={"year": year, "format": "csv"})
        assert as_csv.headers["content-type"].startswith("text/csv")
        assert f'filename="equipment-reconciliation-{year}.csv"' in as_csv.headers["content-disposition"]
        lines = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
        table = lines[lines.index(["Serial", "Kind", "Unit or place", "Outcome", "When", "By", "Note",
                                   "Status now"]) + 1 :]  # fmt: skip
        assert {row[0]: row[3] for row in table} == expected

        as_pdf = c.get(URL, params={"year": year, "format": "pdf"})
        assert as_pdf.headers["content-type"] == "application/pdf" and as_pdf.content.startswith(b"%PDF")
        text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(as_pdf.content)).pages)
        assert f"reconciled with the record, {year}" in text and "5 pieces" in text
        for serial, outcome in expected.items():
            line = next(x for x in text.splitlines() if x.startswith(serial))
            assert outcome in line, line

        refused = [(c.get(URL, params={"year": 2101}), 422), (c.get(URL, params={"format": "xls"}), 422),
                   (c.get(URL, params={"year": "last"}), 422)]  # fmt: skip
        if year < 2100:
            refused.append((c.get(URL, params={"year": year + 1}), 400))
    assert [r.status_code for r, _ in refused] == [s for _, s in refused]
    with actors.client(Role.OFFICER) as c:
        assert c.get(URL).status_code == 403
    with server.db() as db:
        events = Counter(db.scalars(select(SecurityEvent.event).where(SecurityEvent.event.like("equipment_%"))))
    assert events["equipment_reconciliation"] == 3 and events["equipment_gone"] == 3  # each one a dated record

    server.clock.advance(days=400)
    with Actors(server).client(Role.EQUIPMENT) as c:
        again = {r["serial"]: r["outcome"] for r in c.get(URL, params={"year": year}).json()["rows"]}
        following = {r["serial"]: r["outcome"] for r in c.get(URL, params={"year": year + 1}).json()["rows"]}
    assert again == expected  # a past year's reconciliation stays what it was
    assert following == {"CAM-1": "not checked", "CAM-2": "not checked", "MDC-3": "not checked", "TRL-4": "not checked"}
