"""Every page each role reaches, with data on them: the walk the layout and accessibility tests share.

`seed` loads a little of everything (reads, an alarm on a manual list, searches with long parameters, a legal hold,
an audit, a piece of equipment); `walk` logs in as each role and opens every page its menu offers, and the pages
those lead to (a search's results, a read, a hot list, an audit, the hash chain's check), at each viewport."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from platewatch.domain.hotlists import Category
from platewatch.domain.roles import Role
from platewatch.server.db.engine import transaction
from platewatch.server.hotlists import service as hotlists
from tests.support.live_server import LiveServer, read_payload
from tests.web.test_pages import log_in

VIEWPORTS = ((1024, 768), (1366, 768))  # the car computer's screen, and the office's
PURPOSE = {"purpose": "stolen vehicle report follow-up, witness statement", "case_number": "2026-000777"}


@dataclass(frozen=True)
class Seeded:
    read_id: str
    hotlist_id: int
    audit_id: int


def seed(server: LiveServer) -> Seeded:
    """Data for every page: two reads of a plate on a manual list (an alarm), searches with long parameters, a hold
    on the plate, an audit of the searches, and a piece of equipment."""
    with transaction(server.sessions) as db:
        bolo = hotlists.create_list(
            db, name="BOLO", source="manual", category=Category.BOLO, actor="t", now=server.clock.now
        )
        bolo_id = bolo.id
    supervisor = server.add_person(Role.SUPERVISOR)
    with server.client(server.login(supervisor)) as c:
        entry = {"plate": "ABC1234", "state": "CT", "purpose": "robbery suspect vehicle, seen leaving the scene"}
        assert c.post(f"/api/v1/hotlists/{bolo_id}/entries", json=entry).status_code == 201
    unit = server.add_unit("car-12")
    reads = [
        read_payload("ABC1234", server.clock.now, seed=1),
        read_payload("XYZ0001", server.clock.now, seed=2),
        read_payload("7KD4821", server.clock.now, seed=3),
    ]
    with server.client(unit) as c:
        assert c.post("/api/v1/reads", json={"reads": reads}).status_code == 200
    investigator = server.add_person(Role.INVESTIGATOR)
    with server.client(server.login(investigator)) as c:
        long_search = {
            **PURPOSE,
            "plate": "ABC*",
            "hours": 24,
            "unit": "car-12",
            "camera": "front",
            "bbox": "41.100000,-73.550000,41.200000,-73.450000",
        }
        for _ in range(3):
            assert c.get("/api/v1/reads/search", params=long_search).status_code == 200
        hold = {"reason": "preservation letter from the State's Attorney", "plate": "ABC1234"}
        placed = c.post("/api/v1/holds", json=hold, params=PURPOSE)
        assert placed.status_code == 201, placed.text
    keeper = server.add_person(Role.EQUIPMENT)
    with server.client(server.login(keeper)) as c:
        piece = {"serial": "CAM-31", "kind": "camera", "unit": "car-12", "maintain_every_days": 90}
        assert c.post("/api/v1/equipment", json=piece).status_code == 201
    officer = server.add_person(Role.OFFICER)
    with server.client(server.login(supervisor)) as c:  # an officer on car-12 for the shift, and an override
        start, end = server.clock.now, server.clock.now + dt.timedelta(hours=8)
        shift = {"unit": "car-12", "username": officer.username, "starts_at": start.isoformat(),
                 "ends_at": end.isoformat()}  # fmt: skip
        assert c.post("/api/v1/assignments", json=shift).status_code == 201
        why = {"unit": "car-12", "username": officer.username,
               "reason": "relief for the parade detail, car-7 in the shop for its camera"}  # fmt: skip
        assert c.post("/api/v1/assignments/overrides", json=why).status_code == 201
    with server.client(server.login(server.add_person(Role.ADMINISTRATOR))) as c:  # a command with car-12
        assert c.post("/api/v1/commands", json={"name": "Patrol Division, North District"}).status_code == 201
        placed = c.put("/api/v1/commands/units/car-12", json={"command": "Patrol Division, North District"})
        assert placed.status_code == 200
    with server.client(server.login(server.add_person(Role.AUDITOR))) as c:
        opened = c.post("/api/v1/audits", json={"sample_size": 3})
        assert opened.status_code == 201, opened.text
        audit_id = int(opened.json()["id"])
    return Seeded(read_id=str(reads[0]["id"]), hotlist_id=bolo_id, audit_id=audit_id)


def menu_links(page: Any) -> list[str]:
    """The paths the page's menu offers (in order, once each)."""
    links = [str(a.get_attribute("href")) for a in page.locator("header a").all()]
    return list(dict.fromkeys(link for link in links if link.startswith("/")))


def deeper(path: str, seeded: Seeded, links: list[str]) -> list[str]:
    """The pages a menu's page leads to, opened too."""
    query = "&".join(f"{k}={v.replace(' ', '+')}" for k, v in PURPOSE.items())
    more = {
        "/search": [f"/search/results?plate=ABC*&hours=24&{query}", f"/reads/{seeded.read_id}?{query}"],
        "/hotlists": [f"/hotlists/{seeded.hotlist_id}"],
        "/audits": [f"/audits/{seeded.audit_id}"],
        "/querylog": ["/querylog/verify"] if "/audits" in links else [],  # those who may verify the chain
    }
    return more.get(path, [])


def walk(
    server: LiveServer,
    browser: Any,
    seeded: Seeded,
    check: Callable[[Any, Role, str, str], None],
    init_script: str | None = None,
) -> list[str]:
    """Log in as each role and open every page it reaches at each viewport, calling `check(page, role, path, size)`
    on each (with `init_script` run first in every page, as a browser extension would, outside the page's CSP);
    returns the pages opened, as "role path size"."""
    opened: list[str] = []
    for role in Role:
        person = server.add_person(role)
        context = browser.new_context(viewport={"width": VIEWPORTS[0][0], "height": VIEWPORTS[0][1]})
        if init_script is not None:
            context.add_init_script(path=init_script)
        page = context.new_page()
        log_in(page, server, person, "/account")
        page.wait_for_url("**/account")
        links = menu_links(page)
        paths = list(dict.fromkeys(p for link in links for p in (link, *deeper(link, seeded, links))))
        for width, height in VIEWPORTS:
            page.set_viewport_size({"width": width, "height": height})
            for path in paths:
                response = page.goto(server.url + path)
                assert response is not None and response.status == 200, f"{role.value} {path}: {response}"
                page.wait_for_load_state("load")
                size = f"{width}x{height}"
                check(page, role, path, size)
                opened.append(f"{role.value} {path} {size}")
        context.close()
    return opened


def shot_name(role: Role, path: str, size: str) -> str:
    slug = path.split("?")[0].strip("/").replace("/", "-") or "home"
    return f"{role.value}-{slug}-{size}.png"
