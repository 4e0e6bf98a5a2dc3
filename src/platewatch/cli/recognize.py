"""`platewatch recognize`: read the plates in image files, one JSON object (or table row) per image."""

from __future__ import annotations

import json
import sys
import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from platewatch.cli.pipelines import DetectorSizeOption, IgnoreOption

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"})


class OutputFormat(StrEnum):
    jsonl = "jsonl"
    table = "table"


def expand_inputs(paths: list[Path]) -> tuple[list[Path], bool]:
    """Files as given, directories as their image files (sorted, recursive); True if a directory was seen."""
    out: list[Path] = []
    saw_dir = False
    for p in paths:
        if p.is_dir():
            saw_dir = True
            out += sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in IMAGE_SUFFIXES)
        else:
            out.append(p)
    return out, saw_dir


def plate_json(read: Any, box: Any = None) -> dict[str, Any]:
    """A plate reading in the Contracts JSON: a frame's `PlateRead`, or a vehicle pass with its best frame's
    `box`."""
    return {
        "text": read.text,
        "confidence": round(read.confidence, 4),
        "state": read.state,
        "state_confidence": None if read.state_confidence is None else round(read.state_confidence, 4),
        "box": [round(v) for v in (box if box is not None else read.box)],
        "candidates": [{"text": c.text, "confidence": round(c.confidence, 4)} for c in read.candidates],
    }


def recognize_file(pipeline: Any, path: Path) -> dict[str, Any]:
    """The Contracts JSON for one file: plates, or {"image", "error"} when the file is unusable."""
    from platewatch.engine.image_io import ImageError, load_image

    try:
        frame = load_image(path)
    except ImageError as exc:
        return {"image": str(path), "error": str(exc)}
    t0 = time.perf_counter()
    reads = pipeline.run(frame)
    ms = (time.perf_counter() - t0) * 1000
    return {
        "image": str(path),
        "width": int(frame.shape[1]),
        "height": int(frame.shape[0]),
        "ms": round(ms, 2),
        "plates": [plate_json(r) for r in reads],
    }


TABLE_HEADER = "image\tplates (text, confidence, state)\ttime"
UNKNOWN_STATE = "state unknown"


def state_shown(state: str | None) -> str:
    """A plate's state in a table: its code, or plain words when the reader could not tell it."""
    return state or UNKNOWN_STATE


def table_line(result: dict[str, Any]) -> str:
    if "error" in result:
        return f"{result['image']}\tERROR\t{result['error']}"
    plates = result["plates"]
    if not plates:
        return f"{result['image']}\tno plate\t{result['ms']:.1f} ms"
    shown = ", ".join(f"{p['text']} {p['confidence']:.2f} {state_shown(p['state'])}" for p in plates)
    return f"{result['image']}\t{shown}\t{result['ms']:.1f} ms"


def recognize(
    images: Annotated[list[Path], typer.Argument(help="Image files or directories of images.")],
    fmt: Annotated[
        OutputFormat, typer.Option("--format", help="jsonl: one JSON per image; table.")
    ] = OutputFormat.jsonl,
    topn: Annotated[int, typer.Option("--topn", min=1, max=20, help="Candidates per plate.")] = 5,
    threads: Annotated[int, typer.Option("--threads", min=1, max=64, help="Inference threads.")] = 1,
    ignore: IgnoreOption = None,
    detector_size: DetectorSizeOption = None,
) -> None:
    """Detect and read licence plates in images. jsonl: one JSON object per image (image, width, height, ms and
    its plates, each with text, confidence, state, state_confidence, box (x1, y1, x2, y2) and candidates; or image
    and error for a file that cannot be read). table: a header, then a line per image."""
    from rich.console import Console
    from rich.progress import Progress

    from platewatch.cli.pipelines import ignore_regions, load_pipeline
    from platewatch.engine.pipeline import PipelineConfig

    pipeline = load_pipeline(
        threads, PipelineConfig(topn=topn, ignore=ignore_regions(ignore)), detector_size=detector_size
    )
    files, saw_dir = expand_inputs(images)
    failed = 0
    console = Console(stderr=True)
    if fmt == OutputFormat.table:
        sys.stdout.write(TABLE_HEADER + "\n")
    with Progress(console=console, transient=True, disable=not saw_dir or not files) as progress:
        task = progress.add_task("recognizing", total=len(files))
        for path in files:
            result = recognize_file(pipeline, path)
            failed += "error" in result
            line = json.dumps(result) if fmt == OutputFormat.jsonl else table_line(result)
            sys.stdout.write(line + "\n")
            sys.stdout.flush()
            progress.advance(task)
    if failed:
        typer.echo(f"{failed} of {len(files)} images could not be read", err=True)
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("recognize")(recognize)
