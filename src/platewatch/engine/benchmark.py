"""Recognition benchmark over a folder in the shared datasets' format (labels.csv + images)."""

from __future__ import annotations

import csv
import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from platewatch.domain.plates import SEPARATORS
from platewatch.engine.image_io import ImageError, load_image
from platewatch.engine.pipeline import Pipeline
from platewatch.engine.postprocess import iou
from platewatch.engine.types import PlateRead

IOU_MATCH = 0.5
CONFIDENCE_BARS = (0.5, 0.7, 0.8, 0.9, 0.95)
"""The confidences at which `BenchResult.wrong_above` reports how many reads are wrong (alerts are raised on reads)."""


@dataclass(frozen=True, slots=True)
class LabelRow:
    file: str
    plate: str
    state: str | None
    box: tuple[float, float, float, float] | None  # x1, y1, x2, y2
    look: str | None = None
    """The photo's light when labels.csv has a `look` column (day, dusk, night…): figures are also given per look."""


@dataclass(slots=True)
class LookFigures:
    """The figures of the photos of one look."""

    images: int = 0
    detected: int = 0
    exact: int = 0


@dataclass(frozen=True, slots=True)
class Miss:
    """A labelled plate not read exactly: what was read (None when no detection matched the box)."""

    file: str
    label: str
    read: str | None
    candidates: tuple[str, ...] = ()


@dataclass(slots=True)
class BenchResult:
    dataset: str
    split: str | None
    kind: str  # "photos" (end to end) or "crops" (reader + state on the whole crop)
    topn: int
    images: int = 0
    errors: int = 0
    detected: int = 0
    exact: int = 0
    in_topn: int = 0
    state_total: int = 0
    state_ok: int = 0
    ms: list[float] = field(default_factory=list)
    misses: list[Miss] = field(default_factory=list)
    readings: list[tuple[float, bool]] = field(default_factory=list)
    """(confidence, read exactly) of each labelled plate's read."""
    looks: dict[str, LookFigures] = field(default_factory=dict)
    """Per look (labels.csv's `look` column), in the order first met; empty without that column."""

    def look(self, row: LabelRow) -> LookFigures | None:
        """The figures `row` counts in, or None when it has no look."""
        return self.looks.setdefault(row.look, LookFigures()) if row.look else None

    def look_rows(self) -> list[tuple[str, str, str, str]]:
        """For each look, as shown: the look, its images, detected and exact (shares of its images)."""
        return [
            (name, str(f.images), f"{f.detected / f.images:.1%}", f"{f.exact / f.images:.1%} ({f.exact})")
            for name, f in self.looks.items()
            if f.images
        ]

    def rate(self, n: int) -> float:
        return n / self.images if self.images else 0.0

    def wrong_above(self, bar: float) -> tuple[int, int]:
        """(reads at `bar` or surer, how many of them are wrong): a sure wrong read raises no second look."""
        sure = [ok for c, ok in self.readings if c >= bar]
        return len(sure), sum(not ok for ok in sure)

    def confidence_rows(self) -> list[tuple[str, str, str, str, str]]:
        """For each bar of `CONFIDENCE_BARS`, as shown: the bar, the reads at least that sure, how many of them are
        wrong, and that as a share of those reads and of all labelled plates."""
        rows = []
        for bar in CONFIDENCE_BARS:
            n, wrong = self.wrong_above(bar)
            rows.append((f"{bar:.2f}", str(n), str(wrong), f"{wrong / n if n else 0.0:.1%}", f"{self.rate(wrong):.1%}"))
        return rows

    @property
    def ms_median(self) -> float:
        return statistics.median(self.ms) if self.ms else 0.0

    @property
    def ms_p90(self) -> float:
        if len(self.ms) < 2:
            return self.ms_median
        return statistics.quantiles(self.ms, n=10, method="inclusive")[-1]


def clean(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch not in SEPARATORS)


def read_labels(folder: Path, split: str | None) -> list[LabelRow]:
    """Rows of `folder/labels.csv` (`file,x,y,w,h,plate[,split]` or `file,state,plate[,split]`)."""
    path = folder / "labels.csv"
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found: a benchmark folder needs labels.csv")
    rows = []
    with path.open(newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if split and r.get("split", split) != split:
                continue
            box = None
            if r.get("x") not in (None, ""):
                x, y, w, h = (float(r[k]) for k in ("x", "y", "w", "h"))
                box = (x, y, x + w, y + h)
            look = (r.get("look") or "").strip().lower() or None
            rows.append(LabelRow(r["file"], clean(r["plate"]), (r.get("state") or "").upper() or None, box, look))
    return rows


def score_photo(res: BenchResult, row: LabelRow, reads: list[PlateRead]) -> None:
    assert row.box is not None
    best = max(reads, key=lambda r: iou(r.box, row.box), default=None)  # type: ignore[arg-type]
    if best is None or iou(best.box, row.box) < IOU_MATCH:
        res.misses.append(Miss(row.file, row.plate, None))
        return
    score_crop(res, row, best)


def score_crop(res: BenchResult, row: LabelRow, read: PlateRead) -> None:
    """Score the read of the labelled plate (a crop, or the detection that found it in a photo)."""
    res.detected += 1
    exact = read.text == row.plate
    res.exact += exact
    if (figures := res.look(row)) is not None:
        figures.detected += 1
        figures.exact += exact
    res.readings.append((read.confidence, exact))
    if not exact:
        res.misses.append(Miss(row.file, row.plate, read.text, tuple(c.text for c in read.candidates[: res.topn])))
    res.in_topn += any(c.text == row.plate for c in read.candidates[: res.topn])
    if row.state:
        res.state_total += 1
        res.state_ok += read.state == row.state


def run_benchmark(
    folder: Path,
    pipeline: Pipeline,
    split: str | None = None,
    topn: int = 5,
    progress: Callable[[int, int], None] | None = None,
) -> BenchResult:
    rows = read_labels(folder, split)
    kind = "photos" if rows and rows[0].box is not None else "crops"
    res = BenchResult(folder.name, split, kind, topn)
    for i, row in enumerate(rows):
        res.images += 1
        if (figures := res.look(row)) is not None:
            figures.images += 1
        try:
            frame = load_image(folder / row.file)
        except ImageError:
            res.errors += 1
            continue
        t0 = time.perf_counter()
        if kind == "photos":
            reads = pipeline.run(frame)
            res.ms.append((time.perf_counter() - t0) * 1000)
            score_photo(res, row, reads)
        else:
            read = pipeline.read_crop(frame)
            res.ms.append((time.perf_counter() - t0) * 1000)
            score_crop(res, row, read)
        if progress:
            progress(i + 1, len(rows))
    return res


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def markdown_section(res: BenchResult, command: str) -> str:
    """A dated section for docs/benchmarks.md."""
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    machine = f"{cpu_name()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    what = "end to end (detector + reader + state)" if res.kind == "photos" else "reader + state on the whole crop"
    lines = [
        f"### {res.dataset} ({res.split or 'all'}) — {now}",
        "",
        f"`{command}` — {what}, one thread; machine: {machine}.",
        "",
        f"| images | detected (IoU≥0.5) | exact top-1 | in top-{res.topn} | state | ms median | ms p90 |",
        "|---|---|---|---|---|---|---|",
        "| {i} | {d} | {e} | {t} | {s} | {m:.1f} | {p:.1f} |".format(
            i=res.images,
            d=f"{res.rate(res.detected):.1%}" if res.kind == "photos" else "n/a (crops)",
            e=f"{res.rate(res.exact):.1%}",
            t=f"{res.rate(res.in_topn):.1%}",
            s=f"{res.state_ok / res.state_total:.1%}" if res.state_total else "n/a",
            m=res.ms_median,
            p=res.ms_p90,
        ),
        "",
    ]
    if res.errors:
        lines.insert(-1, f"{res.errors} images could not be read.")
    if res.look_rows():
        lines += ["| look | images | detected | exact top-1 |", "|---|---|---|---|"]
        lines += ["| " + " | ".join(row) + " |" for row in res.look_rows()] + [""]
    lines += [confidence_table(res), ""]
    return "\n".join(lines) + "\n"


def confidence_table(res: BenchResult) -> str:
    """Markdown of `BenchResult.confidence_rows`."""
    rows = ["| confidence ≥ | reads | wrong | wrong, of those reads | wrong, of all plates |", "|---|---|---|---|---|"]
    rows += ["| " + " | ".join(row) + " |" for row in res.confidence_rows()]
    return "\n".join(rows)
