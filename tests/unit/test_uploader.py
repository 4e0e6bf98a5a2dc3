"""The unit's uploader against a real PlateWatch server on 127.0.0.1: outages, lost answers, bad reads, tokens."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import httpx
import msgspec
import pytest
from sqlalchemy import select

from platewatch.server.reads.imagestore import ImageStore
from platewatch.server.reads.models import Read
from platewatch.server.unit_status.models import UnitContact
from platewatch.unit.outbox import Outbox
from platewatch.unit.uploader import ServerTime, Uploader, server_time
from tests.server.test_unit_status import logon, status_of
from tests.support.live_server import LiveServer, free_port, read_payload
from tests.support.small_disk import small_disk


def sent(request: httpx.Request) -> list[dict[str, Any]]:
    """The reads of an ingest request, JSON or MessagePack."""
    if request.headers.get("content-type") == "application/msgpack":
        return list(msgspec.msgpack.decode(request.content)["reads"])
    return list(json.loads(request.content)["reads"])


def queue(box: Outbox, server: LiveServer, n: int) -> list[dict[str, object]]:
    reads = [read_payload(f"UPL{i:04d}", server.clock.now, seed=i) for i in range(n)]
    for r in reads:
        box.put(r)
    return reads


def test_reads_queued_through_an_outage_all_arrive_once(server: LiveServer, tmp_path: Path) -> None:
    token = server.add_unit()
    with Outbox(tmp_path / "outbox.db") as box:
        queue(box, server, 7)
        # The network is down: nothing listens where the server should be.
        with Uploader.connect(box, f"http://127.0.0.1:{free_port()}", token, batch=3, timeout=5) as down:
            report = down.upload()
        assert (report.delivered, report.pending) == (0, 7)
        assert report.error is not None and "server unreachable" in report.error
        # The network is back.
        with Uploader.connect(box, server.url, token, batch=3) as up:
            report = up.upload()
        assert (report.delivered, report.rejected, report.pending, report.error) == (7, 0, 0, None)
    assert server.count(Read) == 7
    with server.db() as db:  # the unit said, with each batch, how many would still wait: none after the last
        (contact,) = db.scalars(select(UnitContact)).all()
    assert contact.reads_waiting == 0 and contact.last_read_received_at is not None


def test_a_batch_whose_answer_was_lost_is_not_stored_twice(server: LiveServer, tmp_path: Path) -> None:
    token = server.add_unit()
    with Outbox(tmp_path / "outbox.db") as box:
        reads = queue(box, server, 3)
        # The server stored the batch, but the answer never reached the unit: the reads are still queued.
        with server.client(token) as c:
            assert c.post("/api/v1/reads", json={"reads": reads}).status_code == 200
        with Uploader.connect(box, server.url, token) as uploader:
            report = uploader.upload()
        assert (report.delivered, report.pending) == (3, 0)
    assert server.count(Read) == 3


def test_one_bad_read_is_set_aside_and_the_others_go(server: LiveServer, tmp_path: Path) -> None:
    token = server.add_unit()
    with Outbox(tmp_path / "outbox.db") as box:
        queue(box, server, 4)
        bad = read_payload("BAD0001", server.clock.now, lat=123.0)  # no such latitude
        box.put(bad)
        queue(box, server, 2)
        with Uploader.connect(box, server.url, token, batch=10) as uploader:
            report = uploader.upload()
        assert (report.delivered, report.rejected, report.pending) == (6, 1, 0)
        ((read_id, reason),) = box.rejected()
        assert read_id == bad["id"]
        assert reason.startswith("422") and "latitude" in reason
        assert box.pending() == []
    assert server.count(Read) == 6


def test_a_refused_token_keeps_every_read(server: LiveServer, tmp_path: Path) -> None:
    server.add_unit()
    with Outbox(tmp_path / "outbox.db") as box:
        queue(box, server, 2)
        with Uploader.connect(box, server.url, "pwu_not-a-real-token") as uploader:
            report = uploader.upload()
        assert (report.delivered, report.pending) == (0, 2)
        assert report.error is not None and "refused the unit's token (401)" in report.error
    assert server.count(Read) == 0


class Restarting(BaseHTTPRequestHandler):
    """A real HTTP server that answers every request 503, as a server behind a proxy does while it restarts."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length", 0)))
        body = json.dumps({"error": "unavailable", "message": "database is restarting"}).encode()
        self.send_response(503)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_a_server_error_stops_the_upload_and_keeps_the_reads(tmp_path: Path) -> None:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Restarting)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        with Outbox(tmp_path / "outbox.db") as box:
            box.put({"id": "0b7f5a4e-0000-4000-8000-000000000001", "plate": "ABC1234"})
            url = f"http://127.0.0.1:{httpd.server_address[1]}"
            with Uploader.connect(box, url, "pwu_token") as uploader:
                report = uploader.upload()
            assert report.error == "server error 503: database is restarting"
            assert report.pending == 1
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_the_units_clock_goes_with_its_questions(server: LiveServer, tmp_path: Path) -> None:
    token = server.add_unit()
    server.clock.now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=2)  # the unit's clock two minutes ahead
    with Outbox(tmp_path / "outbox.db") as box, Uploader.connect(box, server.url, token) as up:
        up.download_hotlist()
    with server.db() as db:
        (contact,) = db.scalars(select(UnitContact)).all()
    assert contact.clock_skew_s is not None and -125 < contact.clock_skew_s <= -120


def test_the_servers_time_from_its_date_header_moves_with_the_monotonic_clock() -> None:
    seen = server_time(httpx.Response(200, headers={"date": "Tue, 01 Dec 2026 06:00:00 GMT"}))
    assert seen is not None and seen.at == dt.datetime(2026, 12, 1, 6, 0, tzinfo=dt.UTC)
    assert ServerTime(seen.at, 100.0).now(160.5) == dt.datetime(2026, 12, 1, 6, 1, 0, 500000, tzinfo=dt.UTC)
    assert server_time(httpx.Response(200)) is None
    assert server_time(httpx.Response(200, headers={"date": "yesterday"})) is None


def test_the_supervisor_hears_when_a_units_disk_is_nearly_full_and_when_it_lost_reads(
    server: LiveServer, tmp_path: Path
) -> None:
    token = server.add_unit("car-21")
    with small_disk(tmp_path) as disk, Outbox(disk.path / "outbox.db") as box:  # a 4 MiB disk
        queue(box, server, 2)
        with Uploader.connect(box, server.url, token) as up:
            assert up.upload().delivered == 2
        car = status_of(server)["car-21"]
        assert car["disk_free_mib"] in (2, 3, 4) and car["reads_lost"] == 0
        assert any(f"its disk had {car['disk_free_mib']} MiB free at its last contact" in w for w in car["warnings"])
        disk.fill()
        with pytest.raises(sqlite3.OperationalError, match="full"):
            box.put(read_payload("LOST001", server.clock.now))
        with Outbox(disk.path / "outbox.db") as link, Uploader.connect(link, server.url, token) as up:
            up.download_hotlist()  # the server link's own handle on the outbox says it too
    car = status_of(server)["car-21"]
    assert car["reads_lost"] == 1 and car["disk_free_mib"] == 0
    assert "1 read could not be stored on the unit since its agent started" in car["warnings"][0]


def test_the_supervisor_hears_when_a_unit_on_shift_has_no_gps_fix(server: LiveServer, tmp_path: Path) -> None:
    token = server.add_unit("car-22")
    logon(server, token)
    with Outbox(tmp_path / "outbox.db") as box, Uploader.connect(box, server.url, token) as up:
        up.gps_fix_age = lambda: 300.0  # the receiver's last fix came five minutes ago
        up.download_hotlist()
        car = status_of(server)["car-22"]
        assert car["gps_fix_age_s"] == 300
        assert "no GPS fix for 5 min at its last contact: its reads have no location" in car["warnings"][0]
        up.gps_fix_age = lambda: None  # none since the agent started
        up.download_hotlist()
        assert status_of(server)["car-22"]["warnings"][0].startswith("no GPS fix yet")
        up.gps_fix_age = lambda: 2.4
        up.download_hotlist()
        assert not [w for w in status_of(server)["car-22"]["warnings"] if "GPS" in w]  # a fix a moment ago


def test_the_uploader_sends_up_to_1000_reads_a_request(server: LiveServer, tmp_path: Path) -> None:
    """Issue 23: a backlog goes in requests of 1,000 reads (the server's `ingest_max_batch` unless set), each stored
    whole; and a request never carries more JSON than `max_bytes`, however few reads that is."""
    token = server.add_unit()
    assert server.settings.ingest_max_batch == 1000
    sizes: list[int] = []
    with Outbox(tmp_path / "outbox.db") as box:
        for i in range(1200):
            box.put(read_payload(f"BIG{i:04d}", server.clock.now, seed=i, images=False))
        with Uploader.connect(box, server.url, token) as up:
            up.client.event_hooks["request"] = [lambda r: sizes.append(len(sent(r)))]
            report = up.upload()
        assert (report.delivered, report.rejected, report.pending, report.error) == (1200, 0, 0, None)
        assert sizes == [1000, 200]
        reads = queue(box, server, 7)
        one = max(len(json.dumps(r)) for r in reads) + 1
        sizes.clear()
        with Uploader.connect(box, server.url, token) as up:
            up.max_bytes = 3 * one
            up.client.event_hooks["request"] = [lambda r: sizes.append(len(sent(r)))]
            report = up.upload()
        assert (report.delivered, report.pending) == (7, 0) and sizes == [3, 3, 1]
    assert server.count(Read) == 1207


def test_once_the_server_offers_it_batches_go_as_messagepack_with_binary_images(
    server: LiveServer, tmp_path: Path
) -> None:
    """ADR 0022: the first batch goes as JSON; its answer's `Accept-Post` names MessagePack, so the next batches go
    as MessagePack with the JPEGs as binary, and the server stores the very same images."""
    token = server.add_unit()
    kinds: list[str] = []
    with Outbox(tmp_path / "outbox.db") as box:
        reads = queue(box, server, 5)
        with Uploader.connect(box, server.url, token, batch=2) as up:
            up.client.event_hooks["request"] = [lambda r: kinds.append(r.headers["content-type"])]
            report = up.upload()
        assert (report.delivered, report.rejected, report.pending, report.error) == (5, 0, 0, None)
    assert kinds == ["application/json", "application/msgpack", "application/msgpack"]
    with server.db() as db:
        stored = {str(r.id): r for r in db.scalars(select(Read))}
    for r in reads:
        plate = base64.b64decode(str(r["plate_image"]))
        digest = stored[str(r["id"])].plate_image
        assert digest == hashlib.sha256(plate).hexdigest()
        at = stored[str(r["id"])].captured_at
        assert ImageStore(server.settings.image_dir).of_read(at, digest) == plate


class OlderServer(BaseHTTPRequestHandler):
    """An ingest endpoint of another server version, answering as `do_POST` decides."""

    def answer(self, status: int, body: dict[str, Any], headers: dict[str, str]) -> None:
        out = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("content-length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    def log_message(self, *args: object) -> None:
        pass


def stored_all(reads: list[dict[str, Any]]) -> dict[str, Any]:
    ids = [r["id"] for r in reads]
    return {"received": len(ids), "stored": ids, "already_stored": []}


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """The handler's server on 127.0.0.1, its URL."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


class NoMessagePack(OlderServer):
    """A server that offered MessagePack once and then was put back to a version without it: 400 for MessagePack."""

    seen: ClassVar[list[str]] = []

    def do_POST(self) -> None:
        kind = self.headers.get("content-type", "")
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        self.seen.append(kind)
        offer = {"accept-post": "application/json, application/msgpack"}
        if kind == "application/msgpack":
            self.answer(400, {"error": "malformed_json", "message": "request body is not valid JSON"}, offer)
        else:
            self.answer(200, stored_all(json.loads(body)["reads"]), offer)


def test_a_server_that_refuses_messagepack_gets_the_batch_again_as_json(tmp_path: Path) -> None:
    with serving(NoMessagePack) as url, Outbox(tmp_path / "outbox.db") as box:
        for i in range(3):
            box.put({"id": f"0b7f5a4e-0000-4000-8000-00000000000{i}", "plate": "ABC1234"})
        with Uploader.connect(box, url, "pwu_token", batch=2) as uploader:
            report = uploader.upload()
        assert (report.delivered, report.rejected, report.pending, report.error) == (3, 0, 0, None)
    json_kind = "application/json"
    assert NoMessagePack.seen == [json_kind, "application/msgpack", json_kind]


def test_a_found_only_read_carries_its_flag_from_the_first_batch(server: LiveServer, tmp_path: Path) -> None:
    """ADR 0025: a unit that has had no answer yet sends its first batch with `found_only` (an older server's 422 gets
    it again without: below); the answer's `X-Read-Fields` names it, and the next batches carry it (the server then
    matches them to no list). The hot list's answer names it too."""
    token = server.add_unit()
    bodies: list[list[dict[str, Any]]] = []
    with Outbox(tmp_path / "outbox.db") as box:
        reads = [read_payload(f"FND{i:04d}", server.clock.now, seed=i, images=False, found_only=True) for i in range(4)]
        for r in reads[:3]:
            box.put(r)
        with Uploader.connect(box, server.url, token, batch=1) as up:
            up.client.event_hooks["request"] = [lambda r: bodies.append(sent(r))]
            report = up.upload()
        assert (report.delivered, report.rejected, report.pending, report.error) == (3, 0, 0, None)
        assert [["found_only" in r for r in b] for b in bodies] == [[True], [True], [True]]
        box.put(reads[3])
        with Uploader.connect(box, server.url, token) as up:  # a unit started again: its hot list first
            up.download_hotlist()
            up.client.event_hooks["request"] = [lambda r: bodies.append(sent(r))]
            assert up.upload().delivered == 1
        assert ["found_only" in r for r in bodies[-1]] == [True]
    with server.db() as db:
        stored = {str(r.id): r.found_only for r in db.scalars(select(Read))}
    assert stored == {r["id"]: True for r in reads}


class NoReadFields(OlderServer):
    """A server that took and named `found_only` once and then was put back to a version without it: 422 for the
    field."""

    seen: ClassVar[list[bool]] = []

    def do_POST(self) -> None:
        reads = json.loads(self.rfile.read(int(self.headers.get("content-length", "0"))))["reads"]
        carried = any("found_only" in r for r in reads)
        self.seen.append(carried)
        if not self.seen[1:]:  # its first answer took the field and named it
            self.answer(200, stored_all(reads), {"x-read-fields": "found_only"})
        elif carried:
            self.answer(422, {"error": "invalid_request", "message": "reads[0].found_only: extra inputs"}, {})
        else:
            self.answer(200, stored_all(reads), {})


class NeverReadFields(OlderServer):
    """A server of a version before `found_only`: 422 whenever a read carries it."""

    seen: ClassVar[list[bool]] = []

    def do_POST(self) -> None:
        reads = json.loads(self.rfile.read(int(self.headers.get("content-length", "0"))))["reads"]
        carried = any("found_only" in r for r in reads)
        self.seen.append(carried)
        if carried:
            self.answer(422, {"error": "invalid_request", "message": "reads[0].found_only: extra inputs"}, {})
        else:
            self.answer(200, stored_all(reads), {})


def three_found_only_reads(handler: type[BaseHTTPRequestHandler], tmp_path: Path) -> None:
    """Upload three found-only reads in batches of two to the handler's server: every one delivered, none set aside."""
    with serving(handler) as url, Outbox(tmp_path / "outbox.db") as box:
        for i in range(3):
            box.put({"id": f"0b7f5a4e-0000-4000-8000-00000000000{i}", "plate": "ABC1234", "found_only": True})
        with Uploader.connect(box, url, "pwu_token", batch=2) as uploader:
            report = uploader.upload()
        assert (report.delivered, report.rejected, report.pending, report.error) == (3, 0, 0, None)


def test_a_server_that_refuses_found_only_gets_the_batch_again_without_it(tmp_path: Path) -> None:
    three_found_only_reads(NoReadFields, tmp_path)
    # taken with the field and named; refused with it (nothing lost), again without it
    assert NoReadFields.seen == [True, True, False]


def test_a_server_that_never_took_found_only_gets_the_first_batch_again_without_it(tmp_path: Path) -> None:
    three_found_only_reads(NeverReadFields, tmp_path)
    # the first batch with the field, refused (nothing lost), again without it; then it is no longer sent
    assert NeverReadFields.seen == [True, False, False]
