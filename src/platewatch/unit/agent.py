"""The unit's work on each frame: recognize, track, and for each ended vehicle pass match the hot list and queue
the read in the outbox (one loop for `unit replay` and the live `unit run`)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from platewatch.engine.pipeline import Pipeline
from platewatch.unit.gps import GpsTrack
from platewatch.unit.hotlist import UnitHotList
from platewatch.unit.outbox import Outbox
from platewatch.unit.reads import evidence_images, pass_to_read
from platewatch.unit.sources import Frame
from platewatch.unit.tracker import PlateTracker, TrackerConfig, VehiclePass

log = logging.getLogger(__name__)

MAX_HITS_PER_PASS = 3


@dataclass
class AgentCounts:
    """What the agent has done so far (for the end-of-run summary)."""

    frames: int = 0
    passes: int = 0
    hits: int = 0


@dataclass
class UnitAgent:
    """Frames in; reads (one per vehicle pass) out to the outbox, hot-list hits out to `on_hit`.

    `hotlist` may be replaced between frames (a newer version from the server); each read records the version
    it was compared with. The outbox belongs to the thread that calls `process`."""

    pipeline: Pipeline
    outbox: Outbox
    camera: str
    stream_start: dt.datetime
    hotlist: UnitHotList | None = None
    track: GpsTrack | None = None
    on_hit: Callable[[VehiclePass, str], None] = lambda p, line: None
    tracker: PlateTracker = field(default_factory=lambda: PlateTracker(TrackerConfig()))
    counts: AgentCounts = field(default_factory=AgentCounts)

    def process(self, frame: Frame) -> list[VehiclePass]:
        """One frame: its reads join the tracker; the passes that ended are matched and queued (returned)."""
        reads = self.pipeline.run(frame.image)
        images = [evidence_images(frame.image, r.box) for r in reads]
        self.counts.frames += 1
        return self._keep(self.tracker.update(frame.index, frame.ms, reads, images))

    def finish(self) -> list[VehiclePass]:
        """The stream ended: the passes still open are matched and queued."""
        return self._keep(self.tracker.flush())

    def _keep(self, passes: list[VehiclePass]) -> list[VehiclePass]:
        hotlist = self.hotlist  # one version for the whole batch, even if a newer one arrives meanwhile
        for p in passes:
            read = pass_to_read(p, self.camera, self.stream_start, p.best.images, track=self.track)
            if hotlist is not None:
                read["hotlist_version"] = hotlist.version
                for hit in hotlist.match(p)[:MAX_HITS_PER_PASS]:
                    self.counts.hits += 1
                    self.on_hit(p, hotlist.describe(hit))
            self.outbox.put(read)
            self.counts.passes += 1
        return passes
