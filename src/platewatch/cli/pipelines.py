"""The recognition pipeline as a command loads it: a model that cannot load or run is a clear error, exit 2."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from platewatch.engine.models import DETECTOR_SIZES

if TYPE_CHECKING:
    from platewatch.engine.ignore_regions import IgnoreRegion
    from platewatch.engine.pipeline import Pipeline, PipelineConfig

IgnoreOption = Annotated[
    list[str] | None,
    typer.Option(
        "--ignore",
        metavar="X,Y,W,H",
        help="A part of the view where no plate is looked for (a burned-in clock, a sign), as fractions of the "
        "frame from its top-left corner, e.g. 0.6,0.9,0.4,0.1 for the bottom-right corner; repeat for more.",
    ),
]

DetectorSizeOption = Annotated[
    int | None,
    typer.Option(
        "--detector-size",
        min=DETECTOR_SIZES[0],
        max=DETECTOR_SIZES[1],
        metavar="PX",
        help="The detector's input, longer side in pixels (default 960): smaller is faster on a slow computer and "
        "finds fewer small, distant plates (docs/operations.md, 'A slower unit computer').",
    ),
]


def ignore_regions(texts: list[str] | None, given_by: str = "--ignore") -> tuple[IgnoreRegion, ...]:
    """The regions to ignore, or the one that is wrong named, with where it was given (`given_by`), and exit 2."""
    from platewatch.engine.ignore_regions import parse_regions

    try:
        return parse_regions(texts or [])
    except ValueError as exc:
        typer.echo(f"error: {given_by} {exc}", err=True)
        raise typer.Exit(2) from exc


def load_pipeline(
    threads: int = 1,
    config: PipelineConfig | None = None,
    *,
    reader: Path | None = None,
    state: Path | None = None,
    detector: Path | None = None,
    rectifier: Path | None = None,
    detector_size: int | None = None,
    small_reader: Path | None = None,
    one_reader: bool = False,
) -> Pipeline:
    """The shipped models (or the given ones), warmed up so that the first frame is not timed with start-up;
    `detector_size` in place of the detector's own input size; `one_reader`: `reader` reads every plate, small
    ones too (no `small_reader`)."""
    from platewatch.engine.models import DETECTOR, READER, RECTIFIER, SMALL_READER, STATE
    from platewatch.engine.onnx_runtime import ModelError
    from platewatch.engine.pipeline import Pipeline, PipelineConfig

    try:
        pipeline = Pipeline.default(
            threads,
            config or PipelineConfig(),
            reader or READER,
            state or STATE,
            detector or DETECTOR,
            rectifier or RECTIFIER,
            detector_size,
            None if one_reader else small_reader or SMALL_READER,
        )
        pipeline.warmup()
    except ModelError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    return pipeline
