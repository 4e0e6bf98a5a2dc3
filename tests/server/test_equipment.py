"""The equipment inventory through the real HTTP API (order V.A.3-7): adding pieces, a damage report from an
officer, repair, the annual physical check, and bad input."""

from __future__ import annotations

from platewatch.domain.roles import Role
from tests.server.test_hotlists_api import Actors
from tests.support.live_server import LiveServer


def test_equipment_is_added_damaged_repaired_and_checked_every_year(server: LiveServer) -> None:
    actors = Actors(server)
    server.add_unit("car-12")
    with actors.client(Role.EQUIPMENT) as c:
        cam = c.post("/api/v1/equipment", json={"serial": "ELS-4471", "kind": "camera", "unit": "car-12",
                                                "description": "front-right camera"})  # fmt: skip
        assert cam.status_code == 201, cam.text
        assert cam.json()["unit"] == "car-12" and cam.json()["status"] == "in_service"
        assert cam.json()["inventory_due"] is True  # never seen at a physical check
        trailer = c.post("/api/v1/equipment", json={"serial": "TRL-9", "kind": "trailer", "location": "Town garage"})
        assert trailer.status_code == 201
        refused = [
            (c.post("/api/v1/equipment", json={"serial": "ELS-4471", "kind": "camera"}), 409, "already"),
            (c.post("/api/v1/equipment", json={"serial": "X1", "kind": "camera", "unit": "car-99"}), 404, "car-99"),
            (c.post("/api/v1/equipment", json={"serial": "X 1", "kind": "camera"}), 422, "serial"),
            (c.post("/api/v1/equipment", json={"serial": "X2", "kind": "toaster"}), 422, "kind"),
            (c.get("/api/v1/equipment/999"), 404, "no equipment"),
        ]
    for response, status, words in refused:
        assert response.status_code == status and words in response.text, response.text
    cam_id = cam.json()["id"]

    with actors.client(Role.OFFICER) as c:  # the officer in car 12 reports damage at once (V.A.7)
        r = c.post(f"/api/v1/equipment/{cam_id}/damage", json={"description": "lens cracked by a stone"})
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "damaged"
        assert c.get("/api/v1/equipment").status_code == 403  # the inventory is the equipment staff's
        assert c.post(f"/api/v1/equipment/{cam_id}/damage", json={"description": "x"}).status_code == 422

    with actors.client(Role.EQUIPMENT) as c:
        listed = c.get("/api/v1/equipment").json()
        assert listed["damaged"] == 1 and listed["inventory_due"] == 2
        repair = c.post(f"/api/v1/equipment/{cam_id}/status", json={"status": "repair", "note": "sent to ELSAG"})
        assert repair.status_code == 200
        fixed = c.post(f"/api/v1/equipment/{cam_id}/status", json={"status": "in_service", "note": "lens replaced"})
        checked = c.post(f"/api/v1/equipment/{cam_id}/inventory", json={"note": "in car 12, clean"}).json()
        assert fixed.json()["status"] == "in_service" and checked["inventory_due"] is False
        assert [e["event"] for e in checked["events"]] == [
            "added", "damage_reported", "status_changed", "status_changed", "inventoried"]  # fmt: skip
        assert checked["events"][1]["username"] == actors.people[Role.OFFICER].username
        bad = c.post(f"/api/v1/equipment/{cam_id}/status", json={"status": "damaged", "note": "use the damage report"})
        assert bad.status_code == 422
    server.clock.advance(days=366)  # a year later the camera is due again
    with Actors(server).client(Role.EQUIPMENT) as c:
        again = c.get(f"/api/v1/equipment/{cam_id}").json()
        assert again["inventory_due"] is True
        retire = c.post(f"/api/v1/equipment/{cam_id}/status", json={"status": "retired", "note": "end of life"})
        assert retire.json()["status"] == "retired" and retire.json()["inventory_due"] is False
        r = c.post(f"/api/v1/equipment/{cam_id}/status", json={"status": "in_service", "note": "back"})
        assert r.status_code == 409 and "retired" in r.json()["message"]


def test_cleaning_and_service_are_recorded_and_come_due_at_the_manufacturers_interval(server: LiveServer) -> None:
    actors = Actors(server)
    with actors.client(Role.EQUIPMENT) as c:
        body = {"serial": "ELS-5520", "kind": "camera", "location": "car 14", "maintain_every_days": 90}
        cam = c.post("/api/v1/equipment", json=body).json()
        gps = c.post("/api/v1/equipment", json={"serial": "GPS-1", "kind": "gps"}).json()  # no interval: never due
        assert (cam["maintain_every_days"], cam["maintenance_due"], gps["maintenance_due"]) == (90, False, False)
        bad = [
            c.post("/api/v1/equipment", json={**body, "serial": "X3", "maintain_every_days": 0}),
            c.post(f"/api/v1/equipment/{cam['id']}/maintenance", json={"note": ""}),
            c.post("/api/v1/equipment/999/maintenance", json={"note": "lens cleaned"}),
        ]
        assert [r.status_code for r in bad] == [422, 422, 404]
    server.clock.advance(days=91)
    with Actors(server).client(Role.EQUIPMENT) as c:
        listed = c.get("/api/v1/equipment").json()
        assert listed["maintenance_due"] == 1
        assert [p["serial"] for p in listed["equipment"] if p["maintenance_due"]] == ["ELS-5520"]
        done = c.post(f"/api/v1/equipment/{cam['id']}/maintenance",
                      json={"note": "lens cleaned, housing resealed", "maintain_every_days": 60})  # fmt: skip
        assert done.status_code == 200, done.text
        piece = done.json()
        assert piece["maintenance_due"] is False and piece["maintain_every_days"] == 60
        assert piece["last_maintained_at"] is not None
        assert piece["events"][-1]["event"] == "maintained"
        assert piece["events"][-1]["note"] == "lens cleaned, housing resealed (every 60 days)"
    with actors.client(Role.OFFICER) as c:
        assert c.post(f"/api/v1/equipment/{cam['id']}/maintenance", json={"note": "wiped"}).status_code == 403
    server.clock.advance(days=61)
    with Actors(server).client(Role.EQUIPMENT) as c:
        assert c.get(f"/api/v1/equipment/{cam['id']}").json()["maintenance_due"] is True
