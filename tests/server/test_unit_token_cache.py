"""Issue 23: the unit-token cache refuses a revoked token at once, and ingest records the unit's contact in its own
transaction (ADR 0014)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from platewatch.server.accounts import service as accounts
from platewatch.server.accounts.models import Unit, UnitToken
from platewatch.server.db.engine import transaction
from platewatch.server.reads.models import Read
from platewatch.server.unit_status.models import UnitContact
from tests.support.live_server import LiveServer, read_payload


def post(server: LiveServer, token: str, reads: list[dict[str, Any]], **headers: str) -> Any:
    with server.client(token) as c:
        return c.post("/api/v1/reads", json={"reads": reads}, headers=headers)


def contact(server: LiveServer, name: str) -> UnitContact:
    with server.db() as db:
        unit = db.scalars(select(Unit).where(Unit.name == name)).one()
        row = db.get(UnitContact, unit.id)
        assert row is not None
        return row


def test_a_revoked_token_is_refused_at_once_with_the_cache_warm(server: LiveServer) -> None:
    token = server.add_unit("car-cache")
    for i in range(3):  # the first request caches the token; the others are served from the cache
        answer = post(server, token, [read_payload(f"CCH{i:04d}", server.clock.now, seed=i, images=False)])
        assert answer.status_code == 200, answer.text
    # Revoked by someone else (another worker, the CLI): nothing tells this server's cache.
    with transaction(server.sessions) as db:
        accounts.revoke_unit(db, "car-cache", "admin", server.clock.now)
    refused = post(server, token, [read_payload("CCH9999", server.clock.now, seed=9, images=False)])
    assert refused.status_code == 401 and refused.json()["error"] == "revoked_unit_token"
    with server.client(token) as c:  # every unit route, not only ingest
        assert c.get("/api/v1/unit/me").status_code == 401
    assert server.count(Read) == 3


def test_a_deactivated_unit_is_refused_at_once_with_the_cache_warm(server: LiveServer) -> None:
    token = server.add_unit("car-inactive")
    assert post(server, token, [read_payload("INA0001", server.clock.now, images=False)]).status_code == 200
    with transaction(server.sessions) as db:
        db.execute(update(Unit).where(Unit.name == "car-inactive").values(active=False))
    refused = post(server, token, [read_payload("INA0002", server.clock.now, seed=2, images=False)])
    assert refused.status_code == 401 and refused.json()["error"] == "unit_inactive"


def test_a_new_token_of_the_same_unit_works_and_the_old_one_stays_refused(server: LiveServer) -> None:
    old = server.add_unit("car-rekey")
    assert post(server, old, [read_payload("RKY0001", server.clock.now, images=False)]).status_code == 200
    with transaction(server.sessions) as db:
        accounts.revoke_unit(db, "car-rekey", "admin", server.clock.now)
        unit = db.scalars(select(Unit).where(Unit.name == "car-rekey")).one()
        new = accounts.issue_unit_token(db, unit)
    assert post(server, new, [read_payload("RKY0002", server.clock.now, seed=2, images=False)]).status_code == 200
    assert post(server, old, [read_payload("RKY0003", server.clock.now, seed=3, images=False)]).status_code == 401
    with server.db() as db:
        used = db.scalars(select(UnitToken.last_used_at).where(UnitToken.revoked_at.is_(None))).all()
    assert used == [server.clock.now]


def test_ingest_records_the_contact_in_its_transaction(server: LiveServer) -> None:
    token = server.add_unit("car-contact")
    read = read_payload("CON0001", server.clock.now, images=False)
    assert post(server, token, [read], **{"X-Outbox-Pending": "41"}).status_code == 200
    row = contact(server, "car-contact")
    assert row.reads_waiting == 41 and row.last_read_received_at == server.clock.now
    # A refused batch stores nothing, yet the contact and the refusal are recorded.
    bad = {**read_payload("CON0002", server.clock.now, seed=2, images=False), "confidence": 7}
    server.clock.advance(seconds=30)
    answer = post(server, token, [bad], **{"X-Outbox-Pending": "40"})
    assert answer.status_code == 422
    row = contact(server, "car-contact")
    assert row.reads_waiting == 40 and row.last_contact_at == server.clock.now
    assert row.ingest_refused == 1 and row.ingest_refused_reason is not None
    assert server.count(Read) == 1
