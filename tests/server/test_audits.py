"""Audits of LPR data use (order V.D.10) over HTTP: an auditor opens an audit of the last six months (the query
log verified, accesses drawn at random), records a finding for each, and closes it with a summary."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select, text

from platewatch.domain.roles import Role
from platewatch.server.accounts.models import SecurityEvent
from tests.server.test_querylog import drop_guard, seed_read
from tests.support.live_server import PURPOSE, LiveServer


def searches(server: LiveServer, n: int) -> str:
    """`n` searches by an investigator (and one refused search without a purpose, which is not sampled); returns
    the investigator's name."""
    seed_read(server)
    investigator = server.add_person(Role.INVESTIGATOR)
    with server.client(server.login(investigator)) as c:
        for _ in range(n):
            assert c.get("/api/v1/reads/search", params={**PURPOSE, "plate": "ABC1234"}).status_code == 200
        assert c.get("/api/v1/reads/search", params={"plate": "ABC1234"}).status_code == 400
    return investigator.username


def auditor(server: LiveServer) -> Any:
    return server.client(server.login(server.add_person(Role.AUDITOR)))


def test_an_audit_samples_answered_accesses_and_closes_when_all_are_reviewed(server: LiveServer) -> None:
    investigator = searches(server, 6)
    supervisor = server.add_person(Role.SUPERVISOR)
    with server.client(server.login(supervisor)) as c:  # no purpose, twice: refused, and counted for the auditor
        for _ in range(2):
            assert c.get("/api/v1/reads/search", params={"plate": "ABC1234"}).status_code == 400
    with auditor(server) as c:
        assert c.get("/api/v1/audits").json() == {"audits": [], "due": True}
        opened = c.post("/api/v1/audits", json={"sample_size": 4})
        assert opened.status_code == 201, opened.text
        audit = opened.json()
        assert (audit["accesses_in_period"], audit["log_intact"], audit["findings"]) == (6, True, {"open": 4})
        assert audit["refused"] == {supervisor.username: 2, investigator: 1}  # most first
        entries = [i["entry"] for i in audit["items"]]
        seqs = [e["seq"] for e in entries]
        assert len(set(seqs)) == 4 and seqs == sorted(seqs)
        assert all(e["action"] == "search" and e["purpose"] == PURPOSE["purpose"] for e in entries)
        early = c.post(f"/api/v1/audits/{audit['id']}/close", json={"summary": "all searches had a purpose"})
        assert early.status_code == 409 and "4 sampled access(es) not reviewed yet" in early.json()["message"]
        for seq in seqs[:3]:
            r = c.post(f"/api/v1/audits/{audit['id']}/items/{seq}", json={"finding": "compliant"})
            assert r.status_code == 200
        bare = c.post(f"/api/v1/audits/{audit['id']}/items/{seqs[3]}", json={"finding": "follow_up"})
        assert bare.status_code == 422 and "needs a note" in bare.json()["message"]
        noted = {"finding": "follow_up", "note": "ask about the case number format"}
        assert c.post(f"/api/v1/audits/{audit['id']}/items/{seqs[3]}", json=noted).status_code == 200
        stranger = c.post(f"/api/v1/audits/{audit['id']}/items/999999", json={"finding": "compliant"})
        assert stranger.status_code == 404 and "not in the sample" in stranger.json()["message"]
        closed = c.post(f"/api/v1/audits/{audit['id']}/close", json={"summary": "one case number to ask about"})
        assert closed.status_code == 200
        assert closed.json()["findings"] == {"compliant": 3, "follow_up": 1}
        changed = {"finding": "not_compliant", "note": "no case number"}
        late = c.post(f"/api/v1/audits/{audit['id']}/items/{seqs[0]}", json=changed)
        assert late.status_code == 409  # a closed audit does not change
        listing = c.get("/api/v1/audits").json()
        assert listing["due"] is False and listing["audits"][0]["closed_by"] is not None
    with server.db() as db:
        events = [e for (e,) in db.execute(select(SecurityEvent.event).where(SecurityEvent.event.like("audit_%")))]
    assert events == ["audit_opened", "audit_closed"]


def test_an_audit_of_a_period_without_accesses_is_refused(server: LiveServer) -> None:
    with auditor(server) as c:
        r = c.post("/api/v1/audits", json={"sample_size": 5})
        since = (server.clock.now - dt.timedelta(days=2)).isoformat()
        until = (server.clock.now - dt.timedelta(days=3)).isoformat()
        backwards = c.post("/api/v1/audits", json={"since": since, "until": until})
        too_many = c.post("/api/v1/audits", json={"sample_size": 501})
    assert r.status_code == 422 and r.json()["error"] == "nothing_to_audit"
    assert backwards.status_code == 422 and "since must be before until" in backwards.json()["message"]
    assert too_many.status_code == 422


def test_a_damaged_query_log_is_recorded_in_the_audit(server: LiveServer) -> None:
    searches(server, 3)
    with server.db() as db:  # someone with the database owner's rights deletes a row
        drop_guard(db)
        db.execute(text("DELETE FROM query_log WHERE seq = 2"))
        db.commit()
    with auditor(server) as c:
        audit = c.post("/api/v1/audits", json={"sample_size": 10}).json()
    assert audit["log_intact"] is False and audit["accesses_in_period"] == 2


def test_only_auditors_and_the_administrator_audit(server: LiveServer) -> None:
    searches(server, 1)
    for role in (Role.OFFICER, Role.SUPERVISOR, Role.INVESTIGATOR):
        with server.client(server.login(server.add_person(role))) as c:
            assert c.post("/api/v1/audits", json={}).status_code == 403
    with server.client(server.login(server.add_person(Role.ADMINISTRATOR))) as c:
        assert c.post("/api/v1/audits", json={}).status_code == 201
