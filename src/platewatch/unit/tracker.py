"""Tracker: one plate's reads over consecutive frames → one read per vehicle pass, voted across the frames."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from platewatch.domain.non_plate_text import is_non_plate_text
from platewatch.domain.plates import canonical, within_one_edit
from platewatch.engine.postprocess import iou
from platewatch.engine.types import FOUND_PLAINLY, TEXT_FLOOR, Box, Candidate, PlateRead


@dataclass(frozen=True, slots=True)
class FrameRead:
    """A plate read and where in the stream it was seen (`ms` from the stream's start)."""

    frame: int
    ms: float
    read: PlateRead
    images: tuple[bytes, bytes] | None = None
    """(plate, vehicle) JPEGs of this read when the caller keeps evidence (`update(..., images=)`)."""


@dataclass(frozen=True, slots=True)
class VehiclePass:
    """One plate seen over one or more frames, with the reading voted across them."""

    text: str
    confidence: float
    """The voted text's mean probability over the frames that listed it among their candidates (a frame that
    did not, a poor early look at a distant plate, does not pull it down)."""
    candidates: tuple[Candidate, ...]
    """The readings with the most summed probability, each sum divided by `support` as the voted text's is
    (so they rank as the vote did)."""
    state: str | None
    state_confidence: float | None
    best: FrameRead
    """The frame that shows the voted reading best: its image is the one to keep and show."""
    frames: tuple[FrameRead, ...]
    pass_id: uuid.UUID | None = None
    """The tracker's id for this pass, given when its first read came: the id of the read the unit uploads, so
    an alert raised on one of its frames names that read."""
    support: int = 1
    """How many of the pass's frames listed the voted text among their candidates."""
    found_only: bool = False
    """Reported because the detector found its plate plainly (`TrackerConfig.found_plainly`), not because its reading
    was sure: the reading is a guess, kept for a partial search and beside the plate's image; no hit is raised on it
    at the pass's end."""

    @property
    def char_confidences(self) -> tuple[float, ...]:
        if self.best.read.text == self.text:
            return self.best.read.char_confidences
        return tuple(self.confidence ** (1 / max(1, len(self.text))) for _ in self.text)


@dataclass(frozen=True, slots=True)
class TrackerConfig:
    max_missed: int = 3
    """A pass whose plate was not seen in this many processed frames in a row…"""
    max_gap_ms: float = 300.0
    """…and for this long is lost: at 30 frames a second, three frames are a blink (a passing pole, a missed
    detection), in which any read that the rules below place joins the pass."""
    max_lost_ms: float = 1000.0
    """A lost pass ends when its plate has been missing this long (video time). Until then only a reading like
    its own, near where the pass predicts the plate, rejoins it: a plate hidden for a second by another car,
    or missed in five frames at 15 a second, is the same vehicle, while another car in its place (read
    otherwise) starts its own pass."""
    min_iou: float = 0.05
    """Overlap with the predicted box that makes a read the same plate."""
    max_jump: float = 2.0
    """A read near the predicted centre (within this many plate widths, of a similar size) is the same plate
    when the readings are alike or the read is unsure: a plate close to the camera moves fast."""
    unsure: float = 0.5
    """A read less sure than this joins a nearby pass even when its reading differs (a misread of that plate);
    a surer read joins only by overlap or a similar reading, so a second plate read surely is never absorbed."""
    min_confidence: float = 0.2
    """A pass is reported when its voted reading is at least this likely averaged over all its frames (a frame
    that did not list it counts 0: mostly signs and other text fall short)…"""
    support_frames: int = 3
    support_confidence: float = 0.17
    """…or when at least half its frames, and at least `support_frames`, listed it at a mean of
    `support_confidence`: a plate read consistently but unsurely (0.19 in ten frames) is a plate, while a
    reading that one frame of a long pass listed, however surely, is not (a clock burned into the video)."""
    min_peak_detection: float = 0.4
    """…and when the detector scored at least one of its frames' plates this high (rule PASS-1): a plate close
    enough to read is, in some frame, plainly a plate to the detector, while a wall's words or a clock burned into
    the video are found near the detector's threshold (0.3) in every frame."""
    found_plainly: float = FOUND_PLAINLY
    """A pass whose reading falls short of the rules above is still reported, as `found_only`, when the detector
    scored its plate at least this high in at least half its frames and in `support_frames` (rule PASS-2): a plate
    too small or dark to read, passing plainly in view, is worth a read with its image and its low confidence.
    `NEVER`: not reported."""
    topn: int = 5
    min_read_confidence: float = TEXT_FLOOR
    """A frame read less likely than this joins no pass and starts none (`PlateTracker.tracks`): a plate found but
    too faint to read (the still pipeline reports it, `PipelineConfig.keep_found_above`) would count 0 in its pass's
    mean and keep a far car's pass from being reported (rule KEEP-2). The pipeline's own text floor."""


NEVER = 2.0
"""A detection score no detection reaches: `TrackerConfig(found_plainly=NEVER)` reports no pass on its plate alone."""

RECENT = 5
"""A read is compared with the readings of this many of a pass's latest frames (one may be a misread)."""
MAX_GROWTH = 1.3
"""The most a plate's predicted width grows (or shrinks) per processed frame: a plate approaching fast."""
GROWTH_WEIGHT = 0.5
"""Weight of the newest frame pair in the growth estimate (geometric mean): a box's size jitters from frame
to frame, and a lost plate's predicted size is that rate raised to the frames it was missing."""


def similar_text(a: str, b: str) -> bool:
    """Readings that may be one plate, look-alike characters (O/0, B/8…) taken as equal: one edit apart, two
    edits apart when both have five or more characters, or the shorter (three or more) inside the longer (end
    characters lost)."""
    a, b = canonical(a), canonical(b)
    if within_one_edit(a, b):
        return True
    short, long_ = sorted((a, b), key=len)
    if len(short) >= 3 and short in long_:
        return True
    return len(short) >= 5 and edit_distance(a, b) <= 2


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (substitutions, insertions, deletions)."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def _centre(box: Box) -> tuple[float, float]:
    return (box[0] + box[2]) / 2, (box[1] + box[3]) / 2


def vote(frames: Sequence[FrameRead], topn: int = 5) -> VehiclePass:
    """The pass of a plate seen in `frames` (at least one).

    Each frame's candidates (already ranked by the reader and the plate-syntax prior) vote with their
    probability; the text with the most probability summed over the frames wins. Look-alike readings that the
    syntax prior gave one shared probability tie on that sum; the one more frames ranked first wins then. Its
    confidence is that sum over the frames that listed it. The state is the one with the most summed
    classifier confidence."""
    if not frames:
        raise ValueError("a vehicle pass needs at least one frame")
    mass: dict[str, float] = {}
    firsts: dict[str, int] = {}
    listed: dict[str, int] = {}
    for f in frames:
        candidates = f.read.candidates or (Candidate(f.read.text, f.read.confidence),)
        for rank, c in enumerate(candidates):
            mass[c.text] = mass.get(c.text, 0.0) + c.confidence
            if rank == 0:
                firsts[c.text] = firsts.get(c.text, 0) + 1
        for t in {c.text for c in candidates}:
            listed[t] = listed.get(t, 0) + 1
    n = len(frames)
    ranked = sorted(mass, key=lambda t: (round(mass[t], 9), firsts.get(t, 0)), reverse=True)
    text = ranked[0]
    seen = listed[text]
    states: dict[str, float] = {}
    for f in frames:
        if f.read.state is not None:
            states[f.read.state] = states.get(f.read.state, 0.0) + (f.read.state_confidence or 0.0)
    state = max(states, key=lambda s: states[s]) if states else None
    agreeing = [f for f in frames if f.read.text == text]
    best = max(agreeing or frames, key=lambda f: (f.read.confidence, f.read.detection_score))
    return VehiclePass(
        text=text,
        confidence=mass[text] / seen,
        candidates=tuple(Candidate(t, round(mass[t] / seen, 4)) for t in ranked[:topn]),
        state=state,
        state_confidence=states[state] / n if state else None,
        best=best,
        frames=tuple(frames),
        support=seen,
    )


@dataclass(slots=True)
class _Track:
    frames: list[FrameRead] = field(default_factory=list)
    missed: int = 0
    velocity: tuple[float, float] = (0.0, 0.0)
    """Centre movement per processed frame."""
    growth: float = 1.0
    """Width ratio per processed frame (an approaching plate grows), smoothed, within `MAX_GROWTH`."""
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    kept: bool = False
    """Reported even if its vote is unsure (the officer was alerted on one of its frames)."""
    lost: bool = False
    """Missing for longer than a blink: only a reading like its own, near the predicted box, rejoins it."""

    @property
    def last(self) -> PlateRead:
        return self.frames[-1].read

    def predicted(self) -> Box:
        steps = self.missed + 1
        (cx, cy), (dx, dy) = _centre(self.last.box), (v * steps for v in self.velocity)
        x1, y1, x2, y2 = self.last.box
        scale = self.growth**steps / 2
        w, h = (x2 - x1) * scale, (y2 - y1) * scale
        return (cx + dx - w, cy + dy - h, cx + dx + w, cy + dy + h)

    def add(self, seen: FrameRead) -> None:
        (ax, ay), (bx, by) = _centre(self.last.box), _centre(seen.read.box)
        steps = self.missed + 1
        self.velocity = ((bx - ax) / steps, (by - ay) / steps)
        ratio = max(1.0, seen.read.box[2] - seen.read.box[0]) / max(1.0, self.last.box[2] - self.last.box[0])
        now = min(max(ratio ** (1 / steps), 1 / MAX_GROWTH), MAX_GROWTH)
        self.growth = now if len(self.frames) == 1 else self.growth ** (1 - GROWTH_WEIGHT) * now**GROWTH_WEIGHT
        self.frames.append(seen)
        self.missed = 0
        self.lost = False


class PlateTracker:
    """Follows plates from frame to frame; `update` once per processed frame, in order.

    A read joins the open pass whose predicted box it overlaps, or whose reading it resembles nearby;
    otherwise it starts a pass. A pass whose plate has been missing for `max_missed` frames and `max_gap_ms`
    is lost: only a reading like its own, near where it predicts the plate, rejoins it then, and it ends when
    its plate has been missing for `max_lost_ms`. Passes read too unsurely (unless their plate was found
    plainly: `found_only`), never plainly a plate, or reading a sign's word or a date stamp (`domain.non_plate_text`)
    are not reported unless `keep` was called."""

    def __init__(self, config: TrackerConfig = TrackerConfig()) -> None:
        self.config = config
        self._open: list[_Track] = []
        self.placed: tuple[uuid.UUID | None, ...] = ()
        """The pass each read of the last `update` joined or started, in the order of its reads (None: a read too
        faint to track, `min_read_confidence`)."""

    def update(
        self,
        frame: int,
        ms: float,
        reads: Sequence[PlateRead],
        images: Sequence[tuple[bytes, bytes] | None] | None = None,
    ) -> list[VehiclePass]:
        """Add one frame's reads (and, optionally, each read's plate and vehicle JPEGs, which the pass's best
        frame then carries); the passes that ended with this frame, oldest first."""
        evidence = list(images) if images is not None else [None] * len(reads)
        if len(evidence) != len(reads):
            raise ValueError(f"{len(reads)} reads but {len(evidence)} image pairs")
        tracked = [ri for ri, read in enumerate(reads) if self.tracks(read)]
        pairs = []
        for ti, track in enumerate(self._open):
            pred = track.predicted()
            (px, py), width = _centre(pred), max(1.0, pred[2] - pred[0])
            for ri in tracked:
                read = reads[ri]
                overlap = iou(pred, read.box)
                rx, ry = _centre(read.box)
                distance = ((rx - px) ** 2 + (ry - py) ** 2) ** 0.5 / width
                size = (read.box[2] - read.box[0]) / width
                near = distance <= self.config.max_jump and 0.5 <= size <= 2.0
                same_text = any(similar_text(f.read.text, read.text) for f in track.frames[-RECENT:])
                unsure = read.confidence < self.config.unsure
                if track.lost:
                    joins = same_text and distance <= 2 * self.config.max_jump and 1 / 3 <= size <= 3.0
                else:
                    joins = overlap >= self.config.min_iou or (near and (same_text or unsure))
                if joins:
                    score = overlap + (1.0 if same_text else 0.0) + max(0.0, 1.0 - distance / self.config.max_jump)
                    pairs.append((score, ti, ri))
        taken_tracks: set[int] = set()
        taken_reads: dict[int, uuid.UUID] = {}
        for _, ti, ri in sorted(pairs, reverse=True):
            if ti in taken_tracks or ri in taken_reads:
                continue
            self._open[ti].add(FrameRead(frame, ms, reads[ri], evidence[ri]))
            taken_tracks.add(ti)
            taken_reads[ri] = self._open[ti].id
        ended: list[_Track] = []
        still: list[_Track] = []
        for ti, track in enumerate(self._open):
            if ti not in taken_tracks:
                track.missed += 1
            missing_ms = ms - track.frames[-1].ms
            track.lost = track.missed >= self.config.max_missed and missing_ms >= self.config.max_gap_ms
            gone = track.lost and missing_ms >= max(self.config.max_gap_ms, self.config.max_lost_ms)
            (ended if gone else still).append(track)
        for ri in tracked:
            if ri not in taken_reads:
                still.append(_Track([FrameRead(frame, ms, reads[ri], evidence[ri])]))
                taken_reads[ri] = still[-1].id
        self._open = still
        self.placed = tuple(taken_reads.get(ri) for ri in range(len(reads)))
        return self._report(ended)

    def tracks(self, read: PlateRead) -> bool:
        """Whether `update` places this read in a pass (its own or another's): not when it is too faint to read."""
        return read.confidence >= self.config.min_read_confidence

    def keep(self, pass_id: uuid.UUID) -> None:
        """Report this open pass when it ends whatever its vote: the officer was alerted on one of its frames,
        so its read must reach the server."""
        for track in self._open:
            if track.id == pass_id:
                track.kept = True

    def flush(self) -> list[VehiclePass]:
        """End every open pass (the stream ended), oldest first."""
        ended, self._open = self._open, []
        return self._report(ended)

    def _report(self, ended: list[_Track]) -> list[VehiclePass]:
        """The ended passes that are reported: kept ones; not a sign's word or a date stamp, those read surely enough
        (`_read`), else those whose plate was found plainly (`found_only`)."""
        out = []
        for track in ended:
            vehicle_pass = replace(vote(track.frames, self.config.topn), pass_id=track.id)
            if track.kept:
                out.append(vehicle_pass)
            elif is_non_plate_text(vehicle_pass.text):
                continue
            elif self._read(vehicle_pass):
                out.append(vehicle_pass)
            elif self._found_plainly(vehicle_pass):
                out.append(replace(vehicle_pass, found_only=True))
        return out

    def _found_plainly(self, vehicle_pass: VehiclePass) -> bool:
        """The detector was sure of the plate in most of the pass's frames."""
        bar = self.config.found_plainly - 1e-9
        return self._most_frames(sum(f.read.detection_score >= bar for f in vehicle_pass.frames), vehicle_pass)

    def _most_frames(self, count: int, vehicle_pass: VehiclePass) -> bool:
        """`count` frames are at least half the pass's frames, and at least `support_frames`."""
        return count >= max(self.config.support_frames, len(vehicle_pass.frames) / 2)

    def _read(self, vehicle_pass: VehiclePass) -> bool:
        """Sure enough, or seen consistently in most of the pass; and plainly a plate in one frame."""
        c, n, seen = self.config, len(vehicle_pass.frames), vehicle_pass.support
        sure = vehicle_pass.confidence * seen / n >= c.min_confidence - 1e-9
        consistent = self._most_frames(seen, vehicle_pass) and vehicle_pass.confidence >= c.support_confidence
        found = max(f.read.detection_score for f in vehicle_pass.frames) >= c.min_peak_detection - 1e-9
        return (sure or consistent) and found
