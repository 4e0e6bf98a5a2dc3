"""`platewatch recognize-video`: one read per vehicle pass in video files, voted across the pass's frames."""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from platewatch.cli.pipelines import DetectorSizeOption, IgnoreOption
from platewatch.cli.recognize import OutputFormat, plate_json, state_shown


def pass_json(video: Path, vehicle_pass: Any) -> dict[str, Any]:
    """One vehicle pass: the voted reading, the frames it spans, and the best frame's box."""
    best = vehicle_pass.best
    return {
        "video": str(video),
        "first_frame": vehicle_pass.frames[0].frame,
        "last_frame": vehicle_pass.frames[-1].frame,
        "first_ms": round(vehicle_pass.frames[0].ms, 1),
        "last_ms": round(vehicle_pass.frames[-1].ms, 1),
        "frames": len(vehicle_pass.frames),
        "best_frame": best.frame,
        **plate_json(vehicle_pass, best.read.box),
        "found_only": vehicle_pass.found_only,
    }


TABLE_HEADER = "video\tframes\tplate (text, confidence, state)"


def table_line(result: dict[str, Any]) -> str:
    span = f"frames {result['first_frame']}-{result['last_frame']} ({result['frames']} read)"
    unread = " (found, not read)" if result["found_only"] else ""
    return (
        f"{result['video']}\t{span}\t{result['text']} {result['confidence']:.2f} {state_shown(result['state'])}{unread}"
    )


def recognize_video(
    videos: Annotated[list[Path], typer.Argument(help="Video files (anything FFmpeg reads: .mp4, .avi, .mkv…).")],
    fmt: Annotated[
        OutputFormat, typer.Option("--format", help="jsonl: one JSON per vehicle pass; table.")
    ] = OutputFormat.jsonl,
    every: Annotated[int, typer.Option("--every", min=1, max=100, help="Recognize every N-th frame.")] = 1,
    max_missed: Annotated[
        int,
        typer.Option(
            "--max-missed", min=1, max=100, help="A pass is lost when its plate misses this many read frames…"
        ),
    ] = 3,
    max_gap_ms: Annotated[
        float,
        typer.Option("--max-gap-ms", min=0.0, max=60000.0, help="…and has been missing this long (video time)."),
    ] = 300.0,
    max_lost_ms: Annotated[
        float,
        typer.Option(
            "--max-lost-ms",
            min=0.0,
            max=60000.0,
            help="A lost pass ends when its plate has been missing this long; until then a like reading where the "
            "pass predicts its plate rejoins it (a car hidden for a moment stays one pass).",
        ),
    ] = 1000.0,
    min_confidence: Annotated[
        float,
        typer.Option("--min-confidence", min=0.0, max=1.0, help="Passes read less surely than this are not listed…"),
    ] = 0.2,
    unread: Annotated[
        bool,
        typer.Option(
            "--unread/--no-unread",
            help="…unless the detector found their plate plainly (in half their frames): such a pass is listed with "
            "its unsure reading and found_only true.",
        ),
    ] = True,
    topn: Annotated[int, typer.Option("--topn", min=1, max=20, help="Candidates per pass.")] = 5,
    threads: Annotated[int, typer.Option("--threads", min=1, max=64, help="Inference threads.")] = 1,
    ignore: IgnoreOption = None,
    detector_size: DetectorSizeOption = None,
) -> None:
    """Read the plates in videos: one line per vehicle pass, its reading voted across the frames it was seen in."""
    from rich.console import Console
    from rich.progress import Progress

    from platewatch.cli.pipelines import ignore_regions, load_pipeline
    from platewatch.engine.pipeline import PipelineConfig
    from platewatch.engine.types import FOUND_PLAINLY
    from platewatch.unit.sources import SourceError, frame_count, video_frames
    from platewatch.unit.tracker import NEVER, PlateTracker, TrackerConfig

    pipeline = load_pipeline(
        threads, PipelineConfig(topn=topn, ignore=ignore_regions(ignore)), detector_size=detector_size
    )
    config = TrackerConfig(
        max_missed=max_missed,
        max_gap_ms=max_gap_ms,
        max_lost_ms=max_lost_ms,
        min_confidence=min_confidence,
        found_plainly=FOUND_PLAINLY if unread else NEVER,
        topn=topn,
    )
    failed = 0
    if fmt == OutputFormat.table:
        sys.stdout.write(TABLE_HEADER + "\n")
    for video in videos:
        tracker = PlateTracker(config)
        frames, passes, ms = 0, 0, []
        with Progress(console=Console(stderr=True), transient=True) as progress:
            task = progress.add_task(video.name, total=frame_count(video) if video.is_file() else None)
            try:
                for frame in video_frames(video, every):
                    t0 = time.perf_counter()
                    reads = pipeline.run(frame.image)
                    ms.append((time.perf_counter() - t0) * 1000)
                    frames += 1
                    for ended in tracker.update(frame.index, frame.ms, reads):
                        passes += _emit(video, ended, fmt)
                    progress.update(task, completed=frame.index + 1)
            except SourceError as exc:
                typer.echo(f"error: {exc}", err=True)
                failed += 1
                continue
        for ended in tracker.flush():
            passes += _emit(video, ended, fmt)
        noun = "vehicle pass" if passes == 1 else "vehicle passes"
        typer.echo(
            f"{video}: {passes} {noun} in {frames} frames, {statistics.median(ms):.1f} ms per frame (median)", err=True
        )
    if failed:
        raise typer.Exit(2 if failed == len(videos) else 1)


def _emit(video: Path, vehicle_pass: Any, fmt: OutputFormat) -> int:
    result = pass_json(video, vehicle_pass)
    sys.stdout.write((json.dumps(result) if fmt == OutputFormat.jsonl else table_line(result)) + "\n")
    sys.stdout.flush()
    return 1


def register(app: typer.Typer) -> None:
    app.command("recognize-video")(recognize_video)
