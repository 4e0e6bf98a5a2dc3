"""Evidence packages of a legal hold through the real HTTP API (order V.D.5): what the ZIP holds, that every
file checks against SHA256SUMS, and that each export is a custody event and a query-log row."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import pytest
from sqlalchemy import select

from platewatch.domain.roles import Role
from platewatch.server.querylog.models import QueryLogEntry
from tests.server.test_hotlists_api import Actors, ingest, make_list
from tests.support.live_server import PURPOSE, LiveServer, read_payload


@pytest.mark.server_settings(alert_repeat_minutes=0)  # each pass of the car its own alert (ADR 0012)
def test_an_evidence_package_holds_the_reads_images_and_hits_and_each_export_is_in_the_custody_chain(
    server: LiveServer,
) -> None:
    actors = Actors(server)
    bolo = make_list(actors, name="BOLO", source="manual", category="bolo")
    with actors.client(Role.ADMINISTRATOR) as c:
        entry = {"purpose": "armed robbery suspect vehicle, case 2026-3001", "plate": "8TRK455"}
        assert c.post(f"/api/v1/hotlists/{bolo['id']}/entries", json=entry).status_code == 201
    unit = server.add_unit("car-12")
    hit, other = read_payload("8TRK455", server.clock.now, seed=1), read_payload("8TRK455", server.clock.now, seed=3)
    ingest(server, unit, hit, other, read_payload("NOTHELD", server.clock.now, seed=5))
    with actors.client(Role.INVESTIGATOR) as c:
        hold = c.post("/api/v1/holds", params=PURPOSE, json={"reason": "subpoena 26-CR-0042", "plate": "8TRK455"})
        assert hold.status_code == 201, hold.text
        hold_id = hold.json()["id"]
        assert c.get(f"/api/v1/holds/{hold_id}/evidence").status_code == 400  # purpose and case first
        r = c.get(f"/api/v1/holds/{hold_id}/evidence", params=PURPOSE)
        assert r.status_code == 200, r.text
        assert r.headers["content-type"] == "application/zip" and r.headers["x-damaged-images"] == "0"
        assert r.headers["x-package-sha256"] == hashlib.sha256(r.content).hexdigest()
        first_sha = r.headers["x-package-sha256"]

        z = zipfile.ZipFile(io.BytesIO(r.content))
        sums = dict(line.split("  ")[::-1] for line in z.read("SHA256SUMS").decode().splitlines())
        assert set(sums) == set(z.namelist()) - {"SHA256SUMS"} and len(sums) == 5  # manifest + 4 images
        for name, digest in sums.items():
            assert hashlib.sha256(z.read(name)).hexdigest() == digest
        manifest = json.loads(z.read("manifest.json"))
        assert manifest["hold"]["case_number"] == PURPOSE["case_number"] and manifest["exported_by"]
        assert (manifest["hold"]["plate"], manifest["hold"]["captured_from"]) == ("8TRK455", None)  # what it covers
        assert sorted(x["id"] for x in manifest["reads"]) == sorted([hit["id"], other["id"]])
        assert all(x["plate"] == "8TRK455" and x["unit"] == "car-12" for x in manifest["reads"])
        image = manifest["reads"][0]["plate_image"]
        stored_file = next(p for p in server.image_files() if p.stem == image["sha256"])
        assert image["intact"] and z.read(image["file"]) == stored_file.read_bytes()
        assert [a["matched"] for a in manifest["alerts"]] == ["8TRK455", "8TRK455"]
        assert all(a["status"] == "pending" for a in manifest["alerts"])

        # Someone alters a stored image: the next package says which one, and its hash no longer matches.
        stored_file.write_bytes(stored_file.read_bytes()[:-10] + b"0123456789")
        r2 = c.get(f"/api/v1/holds/{hold_id}/evidence", params=PURPOSE)
        assert r2.status_code == 200 and r2.headers["x-damaged-images"] == "1"
        m2 = json.loads(zipfile.ZipFile(io.BytesIO(r2.content)).read("manifest.json"))
        flags = {x["plate_image"]["sha256"]: x["plate_image"]["intact"] for x in m2["reads"]}
        assert flags[image["sha256"]] is False

        chain = c.get(f"/api/v1/holds/{hold_id}/custody", params=PURPOSE).json()["events"]
        assert c.get("/api/v1/holds/999/evidence", params=PURPOSE).status_code == 404
    assert [(e["action"], e["read_count"]) for e in chain] == [("exported", 2), ("exported", 2)]
    assert chain[0]["package_sha256"] == first_sha and chain[1]["package_sha256"] == r2.headers["x-package-sha256"]
    assert chain[0]["username"] == actors.people[Role.INVESTIGATOR].username
    with server.db() as db:
        logged = db.scalars(select(QueryLogEntry).where(QueryLogEntry.action == "export_evidence")).all()
    assert [e.outcome for e in logged] == ["refused", "ok", "ok", "not_found"]
    assert logged[1].seq == chain[0]["query_log_seq"] and logged[1].parameters["package_sha256"] == first_sha
    with actors.client(Role.OFFICER) as c:
        assert c.get(f"/api/v1/holds/{hold_id}/evidence", params=PURPOSE).status_code == 403


def test_the_chain_of_custody_records_each_hand_over_of_an_exported_package(server: LiveServer) -> None:
    actors = Actors(server)
    ingest(server, server.add_unit(), read_payload("CUST001", server.clock.now))
    with actors.client(Role.INVESTIGATOR) as c:
        hold_id = c.post("/api/v1/holds", params=PURPOSE, json={"reason": "subpoena", "plate": "CUST001"}).json()["id"]
        sha = c.get(f"/api/v1/holds/{hold_id}/evidence", params=PURPOSE).headers["x-package-sha256"]
        path = f"/api/v1/holds/{hold_id}/custody"
        sent = {"package_sha256": sha, "action": "transferred", "counterpart": "ADA J. Smith, State's Attorney"}
        r = c.post(path, json=sent)
        assert r.status_code == 201, r.text
        assert r.json()["counterpart"] == "ADA J. Smith, State's Attorney" and r.json()["query_log_seq"] is None
        back = {"package_sha256": sha, "action": "returned", "counterpart": "ADA J. Smith", "note": "USB stick 4"}
        assert c.post(path, json=back).status_code == 201
        refused = [
            (c.post(path, json={**sent, "package_sha256": "0" * 64}), 409, "exported no package"),
            (c.post(path, json={**sent, "counterpart": " "}), 422, "counterpart"),
            (c.post(path, json={**sent, "action": "lost"}), 422, "action"),
            (c.post(path, json={**sent, "package_sha256": "xyz"}), 422, "package_sha256"),
            (c.post("/api/v1/holds/999/custody", json=sent), 404, "no legal hold"),
        ]
        assert c.post(path, json={"package_sha256": sha, "action": "destroyed"}).status_code == 201
        chain = c.get(path, params=PURPOSE).json()["events"]
    for response, status, words in refused:
        assert response.status_code == status and words in response.text, response.text
    assert [(e["action"], e["counterpart"]) for e in chain] == [
        ("exported", ""),
        ("transferred", "ADA J. Smith, State's Attorney"),
        ("returned", "ADA J. Smith"),
        ("destroyed", ""),
    ]
    assert {e["package_sha256"] for e in chain} == {sha} and chain[2]["note"] == "USB stick 4"
    with actors.client(Role.OFFICER) as c:
        assert c.post(path, json=sent).status_code == 403
