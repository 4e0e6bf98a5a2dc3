"""The data-request register through the API (order V.D.6-9), on each store: a request is received, reviewed, searched
for and fulfilled; every access made for it is linked to it; outside requests are denied; the register is kept for the
current year plus one."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from platewatch.domain.retention import RetentionPolicy
from platewatch.domain.roles import Role
from platewatch.server.accounts.models import SecurityEvent
from platewatch.server.data_requests import service
from platewatch.server.data_requests.models import DataRequest
from platewatch.server.db.engine import transaction
from platewatch.server.governance.retention import purge
from platewatch.server.querylog.models import QueryLogEntry
from platewatch.server.reads.imagestore import ImageStore
from tests.support.live_server import PURPOSE, LiveServer, read_payload

DETECTIVES = {
    "requester": "Det. Dana Ortiz",
    "agency": "New Canaan Police Department",
    "agency_unit": "Detective Bureau",
    "case_number": "2026-004411",
    "asked_for": "reads of a grey sedan near Main Street on the night of the burglary",
    "legal_basis": "criminal investigation, CGS 54-33a search warrant 26-118",
}


def people(server: LiveServer) -> tuple[str, str]:
    """Tokens of an investigator (who records and searches) and the Program Administrator (who reviews)."""
    return server.login(server.add_person(Role.INVESTIGATOR)), server.login(server.add_person(Role.ADMINISTRATOR))


def log_rows(server: LiveServer) -> list[QueryLogEntry]:
    with server.db() as db:
        return list(db.scalars(select(QueryLogEntry).order_by(QueryLogEntry.seq)))


def events(server: LiveServer, prefix: str) -> list[tuple[str, str]]:
    with server.db() as db:
        rows = db.execute(select(SecurityEvent.username, SecurityEvent.event).order_by(SecurityEvent.id))
        return [(u, e) for u, e in rows if e.startswith(prefix)]


def test_a_request_is_received_reviewed_searched_for_and_fulfilled(server: LiveServer) -> None:
    unit = server.add_unit()
    with server.client(unit) as c:
        body = read_payload("ABC1234", server.clock.now)
        assert c.post("/api/v1/reads", json={"reads": [body]}).status_code == 200
    investigator, admin = people(server)
    with server.client(investigator) as inv, server.client(admin) as adm:
        r = inv.post("/api/v1/requests", json=DETECTIVES)
        assert r.status_code == 201, r.text
        req: dict[str, Any] = r.json()
        assert req["status"] == "received" and req["in_town"] and req["accesses"] == [] and req["kept_until"] is None
        assert req["received_at"].startswith(str(server.clock.now.date()))
        rid = req["id"]

        r = inv.post(f"/api/v1/requests/{rid}/review", json={"decision": "approved", "note": "warrant on file"})
        assert r.status_code == 403  # an investigator does not review: the Program Administrator or a designee
        r = adm.post(f"/api/v1/requests/{rid}/review", json={"decision": "approved", "note": "warrant 26-118 seen"})
        assert r.status_code == 200 and r.json()["status"] == "approved" and r.json()["reviewed_by"]

        found = inv.get("/api/v1/reads/search", params={"plate": "ABC1234", "request": rid})  # its purpose and case
        assert found.status_code == 200 and found.json()["count"] == 1
        seq = found.json()["query_log_seq"]
        read_id = found.json()["reads"][0]["id"]
        assert inv.get(f"/api/v1/reads/{read_id}", params={"context": seq}).status_code == 200  # follows the search
        exported = inv.get("/api/v1/reads/export.csv", params={"plate": "ABC1234", "request": rid, **PURPOSE})
        assert exported.status_code == 400 and "2026-004411" in exported.json()["message"]  # another case: refused
        purpose = {"purpose": "burglary series, grey sedan", "case_number": "2026-004411"}
        exported = inv.get("/api/v1/reads/export.csv", params={"plate": "ABC1234", "request": rid, **purpose})
        assert exported.status_code == 200
        unrelated = inv.get("/api/v1/reads/search", params={"plate": "ABC1234", **PURPOSE})
        assert unrelated.status_code == 200

        detail = inv.get(f"/api/v1/requests/{rid}").json()
        assert [(a["action"], a["outcome"]) for a in detail["accesses"]] == [
            ("search", "ok"), ("view_read", "ok"), ("export", "refused"), ("export", "ok"),
        ]  # fmt: skip
        assert "parameters" not in detail["accesses"][0]  # the register shows no plates

        r = inv.post(f"/api/v1/requests/{rid}/fulfil", json={"released": "CSV export of 1 read, query log row 4"})
        assert r.status_code == 200
        done = r.json()
        assert done["status"] == "fulfilled" and done["released_at"] == done["finished_at"]
        assert done["kept_until"] == f"{server.clock.now.year + 1}-12-31"

        again = inv.get("/api/v1/reads/search", params={"plate": "ABC1234", "request": rid})
        assert again.status_code == 409 and again.json()["error"] == "request_not_approved"
        assert "fulfilled" in again.json()["message"]

    rows = log_rows(server)
    linked = [r for r in rows if r.parameters.get("request") == str(rid)]
    assert [r.outcome for r in linked] == ["ok", "ok", "refused", "ok", "refused"]
    assert linked[0].case_number == "2026-004411" and linked[0].purpose.startswith(f"data request {rid} (Det. Dana")
    assert linked[1].case_number == "2026-004411"  # the view took the search's purpose and case
    assert all("request" not in r.parameters for r in rows if r not in linked)
    assert [e for _, e in events(server, "data_request")] == [
        "data_request_received", "data_request_approved", "data_request_fulfilled",
    ]  # fmt: skip


@pytest.mark.server_settings(town_agencies="Town of New Canaan; New Canaan Fire Marshal")
def test_a_request_from_outside_the_town_is_recorded_and_denied(server: LiveServer) -> None:
    investigator, admin = people(server)
    with server.client(investigator) as inv, server.client(admin) as adm:
        r = inv.post("/api/v1/requests", json={**DETECTIVES, "agency": "Stamford Police Department", "agency_unit": ""})
        assert r.status_code == 201
        outside = r.json()
        assert outside["status"] == "denied" and not outside["in_town"] and outside["reviewed_by"] == "system"
        assert "outside the town" in outside["decision_note"] and "V.D.6" in outside["decision_note"]
        assert outside["kept_until"] == f"{server.clock.now.year + 1}-12-31"
        r = adm.post(f"/api/v1/requests/{outside['id']}/review", json={"decision": "approved", "note": "it is urgent"})
        assert r.status_code == 409 and "final" in r.json()["message"]
        r = inv.get("/api/v1/reads/search", params={"plate": "ABC1234", "request": outside["id"]})
        assert r.status_code == 409 and "denied" in r.json()["message"]

        town = inv.post("/api/v1/requests", json={**DETECTIVES, "agency": "new canaan fire marshal"}).json()
        assert town["status"] == "received" and town["in_town"]

        listed = inv.get("/api/v1/requests").json()["requests"]
        assert {q["id"] for q in listed} == {outside["id"], town["id"]}
        denied = inv.get("/api/v1/requests", params={"status": "denied"}).json()["requests"]
        assert [q["id"] for q in denied] == [outside["id"]]
    assert ("system", "data_request_denied") in events(server, "data_request")


def test_an_access_naming_a_request_that_is_not_approved_is_refused_and_logged(server: LiveServer) -> None:
    investigator, admin = people(server)
    with server.client(investigator) as inv, server.client(admin) as adm:
        rid = inv.post("/api/v1/requests", json=DETECTIVES).json()["id"]
        r = inv.get("/api/v1/reads/search", params={"plate": "ABC1234", "request": rid})
        assert r.status_code == 409 and "received" in r.json()["message"]
        r = inv.get("/api/v1/reads/search", params={"plate": "ABC1234", "request": 999})
        assert r.status_code == 404 and r.json()["error"] == "request_not_found"
        r = inv.get("/api/v1/reads/search", params={"plate": "ABC1234", "request": "x"})
        assert r.status_code == 422 and "request" in r.text
        adm.post(f"/api/v1/requests/{rid}/review", json={"decision": "denied", "note": "no legal basis stated"})
        r = inv.get("/api/v1/reads/search", params={"plate": "ABC1234", "request": rid, **PURPOSE})
        assert r.status_code == 409 and "denied" in r.json()["message"]
    assert [(r.parameters.get("request"), r.outcome) for r in log_rows(server)] == [
        (str(rid), "refused"), ("999", "refused"), (str(rid), "refused"),
    ]  # fmt: skip


def test_steps_out_of_order_and_bad_input_are_refused_and_nothing_is_written(server: LiveServer) -> None:
    investigator, admin = people(server)
    with server.client(investigator) as inv, server.client(admin) as adm:
        r = inv.post("/api/v1/requests", json={**DETECTIVES, "legal_basis": ""})
        assert r.status_code == 422 and "legal_basis" in r.text
        r = inv.post("/api/v1/requests", json={**DETECTIVES, "case_number": "2026;DROP"})
        assert r.status_code == 422 and "case_number" in r.text
        future = (server.clock.now + dt.timedelta(days=1)).isoformat()
        r = inv.post("/api/v1/requests", json={**DETECTIVES, "received_at": future})
        assert r.status_code == 422 and "future" in r.json()["message"]
        r = inv.post("/api/v1/requests", json={**DETECTIVES, "surprise": 1})
        assert r.status_code == 422 and "surprise" in r.text
        assert server.count(DataRequest) == 0

        earlier = (server.clock.now - dt.timedelta(days=2)).isoformat()
        rid = inv.post("/api/v1/requests", json={**DETECTIVES, "received_at": earlier}).json()["id"]
        r = inv.post(f"/api/v1/requests/{rid}/fulfil", json={"released": "a CSV export"})
        assert r.status_code == 409 and "must be approved" in r.json()["message"]
        r = inv.post(f"/api/v1/requests/{rid}/close", json={"note": "withdrawn"})
        assert r.status_code == 409
        r = adm.post(f"/api/v1/requests/{rid}/review", json={"decision": "maybe", "note": "thinking"})
        assert r.status_code == 422 and "decision" in r.text
        r = adm.post(f"/api/v1/requests/{rid}/review", json={"decision": "approved", "note": ""})
        assert r.status_code == 422 and "note" in r.text
        adm.post(f"/api/v1/requests/{rid}/review", json={"decision": "approved", "note": "warrant 26-118 seen"})
        r = adm.post(f"/api/v1/requests/{rid}/review", json={"decision": "denied", "note": "changed my mind"})
        assert r.status_code == 409 and "reviewed already" in r.json()["message"]
        r = inv.post(f"/api/v1/requests/{rid}/fulfil", json={"released": "a CSV export", "released_at": earlier})
        assert r.status_code == 422 and "between the approval and now" in r.json()["message"]
        r = inv.post(f"/api/v1/requests/{rid}/close", json={"note": "nothing found for the period"})
        assert r.status_code == 200 and r.json()["status"] == "closed"
        assert inv.get("/api/v1/requests/999").status_code == 404
    with server.db() as db:
        row = db.get(DataRequest, rid)
        assert row is not None and row.status == "closed" and row.finish_note == "nothing found for the period"


def test_the_purge_keeps_each_request_for_the_current_year_plus_one(server: LiveServer) -> None:
    tz = ZoneInfo("America/New_York")

    def request(received: dt.datetime, status: str, finished: dt.datetime | None) -> int:
        with transaction(server.sessions) as db:
            row = DataRequest(
                received_at=received, requester="Det. Ortiz", agency="NCPD", agency_unit="", in_town=True,
                case_number="2024-1", asked_for="reads near Main Street", legal_basis="warrant", recorded_by="t",
                recorded_at=received, status=status, decision_note="", released="", finish_note="",
                reviewed_at=finished, finished_at=finished,
            )  # fmt: skip
            db.add(row)
            db.flush()
            return row.id

    def utc(*args: int) -> dt.datetime:
        return dt.datetime(*args, tzinfo=dt.UTC)

    old = request(utc(2024, 3, 1), "fulfilled", utc(2024, 3, 9))
    new_years_eve = request(utc(2024, 12, 31, 12), "closed", utc(2025, 1, 1, 2))  # 2024-12-31 21:00 in New York
    next_year = request(utc(2024, 12, 31, 12), "closed", utc(2025, 1, 1, 6))  # 2025-01-01 01:00 in New York
    denied = request(utc(2024, 6, 1), "denied", utc(2024, 6, 1))
    still_open = request(utc(2023, 1, 5), "approved", None)
    with transaction(server.sessions) as db:  # 2025-12-31 23:30 in New York: 2024's are kept to the end of 2025
        assert service.purge(db, utc(2026, 1, 1, 4, 30), tz) == 0
    with server.db() as db:  # the hourly purge, 2026-01-01 00:30 in New York
        purge(db, ImageStore(server.settings.image_dir), utc(2026, 1, 1, 5, 30), RetentionPolicy(14), "t", tz=tz)
    with server.db() as db:
        kept = set(db.scalars(select(DataRequest.id)))
    assert kept == {next_year, still_open}
    assert old not in kept and new_years_eve not in kept and denied not in kept
    assert events(server, "data_requests_purged") == [("system", "data_requests_purged")]


def test_an_audit_lists_the_periods_requests_and_samples_every_access_made_for_one(server: LiveServer) -> None:
    with server.client(server.add_unit()) as c:
        assert c.post("/api/v1/reads", json={"reads": [read_payload("ABC1234", server.clock.now)]}).status_code == 200
    investigator, admin = people(server)
    with server.client(investigator) as inv, server.client(admin) as adm:
        rid = inv.post("/api/v1/requests", json=DETECTIVES).json()["id"]
        outside = inv.post("/api/v1/requests", json={**DETECTIVES, "agency": "Darien Police Department"}).json()["id"]
        adm.post(f"/api/v1/requests/{rid}/review", json={"decision": "approved", "note": "warrant 26-118 seen"})
        for _ in range(6):  # the investigator's own searches, for other cases
            assert inv.get("/api/v1/reads/search", params={"plate": "ABC1234", **PURPOSE}).status_code == 200
        linked = [inv.get("/api/v1/reads/search", params={"plate": "ABC*", "request": rid}).json()["query_log_seq"]]
        linked.append(inv.get("/api/v1/reads/export.csv", params={"plate": "ABC1234", "request": rid}).status_code)
        assert linked[1] == 200
        released = {"released": "CSV export of 1 read to Det. Ortiz"}
        assert inv.post(f"/api/v1/requests/{rid}/fulfil", json=released).status_code == 200
    server.clock.advance(minutes=5)
    with server.client(server.login(server.add_person(Role.AUDITOR))) as aud:
        audit = aud.post("/api/v1/audits", json={"sample_size": 1}).json()
        sampled = [(i["entry"]["action"], i["entry"]["parameters"].get("request")) for i in audit["items"]]
        assert ("search", str(rid)) in sampled and ("export", str(rid)) in sampled  # both, whatever was drawn
        assert len(sampled) in (2, 3) and audit["accesses_in_period"] == 8
        assert [(r["id"], r["status"]) for r in audit["requests"]] == [(rid, "fulfilled"), (outside, "denied")]
        assert [a["action"] for a in audit["requests"][0]["accesses"]] == ["search", "export"]
        assert audit["requests"][1]["accesses"] == []
        again = aud.get(f"/api/v1/audits/{audit['id']}").json()
        assert again["requests"] == audit["requests"]
        as_csv = aud.get(f"/api/v1/audits/{audit['id']}", params={"format": "csv"})
        as_pdf = aud.get(f"/api/v1/audits/{audit['id']}", params={"format": "pdf"})
    lines = as_csv.content.decode("utf-8-sig").splitlines()
    assert any("Data requests received in the period (V.D.7-8): 2" in line for line in lines)
    mine = next(line for line in lines if line.startswith(f'"Request {rid}, received'))
    assert "Det. Dana Ortiz, New Canaan Police Department (Detective Bureau)" in mine
    assert "final status fulfilled" in mine
    assert "released" in mine and "(search, ok)" in mine and "(export, ok)" in mine
    theirs = next(line for line in lines if line.startswith(f'"Request {outside}, received'))
    assert "denied by system" in theirs and "accesses (log rows): none" in theirs
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(as_pdf.content)).pages)
    assert f"Request {rid}, received" in text and "Darien Police Department" in text
