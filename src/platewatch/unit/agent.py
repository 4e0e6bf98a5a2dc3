"""The unit's work on each frame: recognize, alert on hot-list hits at once, track, and queue one read per ended
vehicle pass in the outbox (one loop for `unit replay` and the live `unit run`)."""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from platewatch.domain.matching import Hit
from platewatch.engine.pipeline import Pipeline
from platewatch.unit.alerts import AlertGate, RaisedAlert
from platewatch.unit.attendance import Attendance
from platewatch.unit.gps import Positions
from platewatch.unit.hotlist import UnitHotList
from platewatch.unit.outbox import Outbox
from platewatch.unit.reads import evidence_images, pass_to_read
from platewatch.unit.sources import Frame
from platewatch.unit.tracker import PlateTracker, TrackerConfig, VehiclePass

log = logging.getLogger(__name__)

MAX_HITS_PER_READ = 3
FRAME_ALERT_CONFIDENCE = 0.5
"""A single frame's reading alerts at once only when at least this likely; less sure ones wait for the pass's
vote (the tracker's "unsure" line)."""

HitCallback = Callable[[RaisedAlert], None]
"""Called once per alert, as it is raised (the officer's screen, the console)."""


@dataclass
class AgentCounts:
    """What the agent has done so far (for the end-of-run summary)."""

    frames: int = 0
    passes: int = 0
    hits: int = 0
    lost: int = 0
    """Reads the outbox could not store (a full or failing disk): the patrol and its alerts went on without them."""


@dataclass
class UnitAgent:
    """Frames in; reads (one per vehicle pass) out to the outbox, hot-list hits out to `on_hit`.

    Hits do not wait for the vote: a frame's sure reading that hits alerts at once, and the pass's voted reading
    is matched again when it ends (for a hit no single frame showed). `AlertGate` makes one listed vehicle one
    alert. `hotlist` may be replaced between frames (a newer version from the server); each read records the
    version it was compared with. The outbox belongs to the thread that calls `process`."""

    pipeline: Pipeline
    outbox: Outbox
    camera: str
    stream_start: dt.datetime
    hotlist: UnitHotList | None = None
    track: Positions | None = None
    on_hit: HitCallback = lambda alert: None
    tracker: PlateTracker = field(default_factory=lambda: PlateTracker(TrackerConfig()))
    gate: AlertGate = field(default_factory=AlertGate)
    counts: AgentCounts = field(default_factory=AgentCounts)
    attendance: Attendance | None = None
    """Told of each read queued, to count those taken while no officer is logged on (order V.E.8a)."""

    def process(self, frame: Frame) -> list[VehiclePass]:
        """One frame: its reads join the tracker; the passes that ended are matched and queued (returned)."""
        reads = self.pipeline.run(frame.image)
        self.counts.frames += 1
        # no JPEGs for a read the tracker leaves out: it goes into no pass and raises no alert
        images = [evidence_images(frame.image, r.box) if self.tracker.tracks(r) else None for r in reads]
        ended = self.tracker.update(frame.index, frame.ms, reads, images)
        hotlist = self.hotlist
        if hotlist is not None:
            for read, pass_id, pair in zip(reads, self.tracker.placed, images, strict=True):
                if read.confidence < FRAME_ALERT_CONFIDENCE or pass_id is None:
                    continue
                if self._alert(hotlist, hotlist.match(read), read.text, pass_id, frame.index, frame.ms, pair):
                    self.tracker.keep(pass_id)  # the officer saw this pass: its read goes to the server
        return self._keep(ended)

    def finish(self) -> list[VehiclePass]:
        """The stream ended: the passes still open are matched and queued."""
        return self._keep(self.tracker.flush())

    def _keep(self, passes: list[VehiclePass]) -> list[VehiclePass]:
        hotlist = self.hotlist  # one version for the whole batch, even if a newer one arrives meanwhile
        for p in passes:
            read_id = p.pass_id or uuid.uuid4()
            read = pass_to_read(p, self.camera, self.stream_start, p.best.images, read_id, self.track)
            if hotlist is not None:
                read["hotlist_version"] = hotlist.version
                # a plate found plainly but read too unsurely to report on its reading alerts no officer
                hits = [] if p.found_only else hotlist.match(p)
                self._alert(hotlist, hits, p.text, read_id, p.best.frame, p.frames[-1].ms, p.best.images)  # at its end
            if self.attendance is not None:
                self.attendance.taken()
            try:
                self.outbox.put(read)
            except sqlite3.Error as exc:  # the officer's alerts matter more than this read: go on
                self.counts.lost += 1
                log.error("the outbox could not store a read (%s): %d lost so far", exc, self.counts.lost)
            self.counts.passes += 1
        return passes

    def _alert(
        self,
        hotlist: UnitHotList,
        hits: list[Hit],
        text: str,
        read_id: uuid.UUID,
        frame: int,
        ms: float,
        images: tuple[bytes, bytes] | None,
    ) -> bool:
        """Raise the hits the gate admits; True when one was raised."""
        raised = False
        for hit in hits[:MAX_HITS_PER_READ]:
            if not self.gate.admit(hit, ms):
                continue
            info = hotlist.lists.get(hit.listed.ref, {})
            at = self.stream_start + dt.timedelta(milliseconds=ms)
            fix = self.track.at(at) if self.track is not None else None  # where: a repeat's place (ADR 0012)
            alert = RaisedAlert(
                read_id=read_id,
                text=text,
                frame=frame,
                raised_at=at,
                list_id=hit.listed.ref,
                list_name=hotlist.list_name(hit.listed.ref),
                hotlist_version=hotlist.version,
                entry=hit.listed.entry,
                matched_text=hit.matched_text,
                match_kind=hit.kind.label,
                reason=hit.reason,
                priority=hit.priority,
                state_match=hit.state_match,
                line=hotlist.describe(hit),
                plate_jpeg=images[0] if images else None,
                vehicle_jpeg=images[1] if images else None,
                colour=str(info.get("colour", "red")),
                sound=str(info.get("sound", "alarm")),
                latitude=fix.latitude if fix else None,
                longitude=fix.longitude if fix else None,
            )
            self.counts.hits += 1
            raised = True
            self.on_hit(alert)
        return raised
