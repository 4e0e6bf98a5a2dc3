"""The stand-in evaluations' `--detector/--reader/--state` options: measure a candidate model in the shipped
pipeline."""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

from platewatch.engine.models import DETECTOR, READER, RECTIFIER, SMALL_READER, STATE
from platewatch.engine.pipeline import Pipeline, PipelineConfig


def add_model_options(ap: argparse.ArgumentParser) -> None:
    ap.add_argument("--reader", type=Path, default=READER, help="a reader .onnx other than the shipped one")
    ap.add_argument("--state", type=Path, default=STATE, help="a state classifier .onnx other than the shipped one")
    ap.add_argument("--detector", type=Path, default=DETECTOR, help="a detector .onnx other than the shipped one")
    ap.add_argument(
        "--rectifier", type=Path, default=RECTIFIER, help="a corner model .onnx other than the shipped one (none: none)"
    )
    ap.add_argument(
        "--small-reader",
        type=Path,
        default=SMALL_READER,
        help="a reader .onnx for plates narrower than --small-below (the shipped one when its file is there)",
    )
    ap.add_argument(
        "--small-below",
        type=float,
        default=PipelineConfig().small_below,
        help="frame pixels: narrower detections are read by --small-reader",
    )
    ap.add_argument(
        "--one-crop",
        action="store_true",
        help="read each detection at one margin only (the pipeline before 2026-12-01)",
    )
    ap.add_argument(
        "--keep-found-above",
        type=float,
        default=PipelineConfig().keep_found_above,
        help="report an unreadable detection the detector scores this high (above 1: never, the pipeline before "
        "rule KEEP-2)",
    )


def pipeline_from(args: argparse.Namespace) -> Pipeline:
    """The pipeline with the models the options name, warmed up."""
    config = PipelineConfig(reread_margins=()) if getattr(args, "one_crop", False) else PipelineConfig()
    config = replace(config, keep_found_above=getattr(args, "keep_found_above", config.keep_found_above))
    config = replace(config, small_below=getattr(args, "small_below", config.small_below))
    pipeline = Pipeline.default(
        config=config,
        reader=args.reader,
        state=args.state,
        detector=args.detector,
        rectifier=args.rectifier,
        small_reader=getattr(args, "small_reader", SMALL_READER),
    )
    pipeline.warmup()
    return pipeline
