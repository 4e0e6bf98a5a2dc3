"""The recognition pipeline as a command loads it: a model that cannot load or run is a clear error, exit 2."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from platewatch.engine.pipeline import Pipeline, PipelineConfig


def load_pipeline(
    threads: int = 1,
    config: PipelineConfig | None = None,
    *,
    reader: Path | None = None,
    state: Path | None = None,
    detector: Path | None = None,
    rectifier: Path | None = None,
) -> Pipeline:
    """The shipped models (or the given ones), warmed up so that the first frame is not timed with start-up."""
    from platewatch.engine.models import DETECTOR, READER, RECTIFIER, STATE
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
        )
        pipeline.warmup()
    except ModelError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    return pipeline
