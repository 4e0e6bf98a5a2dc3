"""Deleting a hot list through the API: only a retired one that no kept read or alert needs (order V.D.3), a
refusal a 409 saying why (held reads named), every attempt in the audit trail."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from platewatch.domain.roles import Role
from platewatch.server.accounts.models import SecurityEvent
from platewatch.server.alerts.models import Alert
from platewatch.server.db.engine import transaction
from platewatch.server.hotlists import changes, service
from platewatch.server.hotlists.models import HotList, HotListEntryRow, HotListVersion
from tests.server.test_hotlists_api import Actors, ingest, make_list
from tests.server.test_retention import run_purge
from tests.support.live_server import PURPOSE, LiveServer, read_payload

ENTRY = {"plate": "ABC1234", "state": "CT", "purpose": "robbery suspect vehicle, seen leaving the scene"}


def retire(server: LiveServer, list_id: int) -> None:
    with transaction(server.sessions) as db:
        changes.retire(db, service.get_list(db, list_id), actor="t", now=server.clock.now, reason="case closed")


def delete(actors: Actors, list_id: int) -> Any:
    with actors.client(Role.ADMINISTRATOR) as c:
        return c.delete(f"/api/v1/hotlists/{list_id}")


def test_a_list_is_deleted_only_once_retired_and_no_kept_read_or_alert_refers_to_it(server: LiveServer) -> None:
    actors = Actors(server)
    bolo = make_list(actors, name="BOLO", source="manual", category="bolo")
    with actors.client(Role.SUPERVISOR) as c:
        added = c.post(f"/api/v1/hotlists/{bolo['id']}/entries", json=ENTRY)
    assert added.status_code == 201, added.text
    version = added.json()["version"]["id"]
    r = delete(actors, bolo["id"])
    assert r.status_code == 409 and r.json()["error"] == "list_active", r.text
    assert "retire it first" in r.json()["message"]

    unit = server.add_unit("car-12")  # a hit, and a read of another car, both compared against the entry
    ingest(server, unit, read_payload("ABC1234", server.clock.now, hotlist_version=version, seed=1),
           read_payload("XYZ0001", server.clock.now, hotlist_version=version, seed=2))  # fmt: skip
    assert server.count(Alert) == 1
    retire(server, bolo["id"])
    r = delete(actors, bolo["id"])
    assert r.status_code == 409 and r.json()["error"] == "list_needed", r.text
    message = r.json()["message"]
    assert "1 kept alert(s) name its entries" in message and "2 kept read(s)" in message and "V.D.3" in message
    assert "legal hold" not in message

    with actors.client(Role.INVESTIGATOR) as c:
        hold = c.post("/api/v1/holds", params=PURPOSE, json={"reason": "subpoena 26-CR-0107", "plate": "ABC1234"})
    assert hold.status_code == 201, hold.text
    first_admin = actors.people[Role.ADMINISTRATOR].username
    server.clock.advance(days=15)
    actors = Actors(server)  # the sessions locked meanwhile: everyone logs in again
    report = run_purge(server)
    assert report.reads_held == 1 and report.reads_deleted == 1
    r = delete(actors, bolo["id"])
    assert r.status_code == 409, r.text
    assert r.json()["message"].startswith(
        "'BOLO' must be kept: 1 kept alert(s) name its entries, 1 of them on reads under a legal hold; 1 kept read(s) "
        "were compared against its entries, 1 of them under a legal hold"
    )
    with server.db() as db:  # nothing of the list went but its empty first version, which the purge may delete
        assert db.get(HotList, bolo["id"]) is not None
        kept = set(db.scalars(select(HotListVersion.id).where(HotListVersion.hotlist_id == bolo["id"])))
    assert version in kept and len(kept) == 2  # the entry's version, and the retired list's last

    with actors.client(Role.ADMINISTRATOR) as c:
        assert c.post(f"/api/v1/holds/{hold.json()['id']}/release", json={"note": "case closed"}).status_code == 200
    run_purge(server)
    assert server.count(Alert) == 0 and server.count(HotListVersion) == 1  # the retired list's last, empty version
    r = delete(actors, bolo["id"])
    assert r.status_code == 200, r.text
    assert r.json() == {"id": bolo["id"], "name": "BOLO", "versions": 1}
    with actors.client(Role.ADMINISTRATOR) as c:
        assert c.get(f"/api/v1/hotlists/{bolo['id']}/versions").status_code == 404
        assert "BOLO" not in [h["name"] for h in c.get("/api/v1/hotlists").json()]
    assert server.count(HotListVersion) == 0 and server.count(HotListEntryRow) == 0
    with server.db() as db:  # the audit trail: three refusals, then the deletion, each by who asked
        events = db.execute(
            select(SecurityEvent.username, SecurityEvent.outcome, SecurityEvent.detail)
            .where(SecurityEvent.event == "hotlist_deleted")
            .order_by(SecurityEvent.id)
        ).all()
    admin = actors.people[Role.ADMINISTRATOR].username
    assert [(u, o) for u, o, _ in events] == [(first_admin, "failure")] * 2 + [(admin, "failure"), (admin, "success")]
    assert "retire it first" in events[0][2] and events[3][2] == f"BOLO (list {bolo['id']}): 1 version(s)"


def test_only_a_manager_of_hot_lists_deletes_one_and_an_unknown_list_is_a_404(server: LiveServer) -> None:
    actors = Actors(server)
    lst = make_list(actors, name="Old", source="manual", category="bolo")
    retire(server, lst["id"])
    with actors.client(Role.SUPERVISOR) as c:
        assert c.delete(f"/api/v1/hotlists/{lst['id']}").status_code == 403
    assert delete(actors, 999).status_code == 404
    assert delete(actors, lst["id"]).status_code == 200
