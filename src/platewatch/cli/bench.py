"""`platewatch bench ...`: benchmarks; `bench recognition` measures the engine on a labelled folder."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Annotated

import typer

from platewatch.cli.pipelines import DetectorSizeOption

bench_app = typer.Typer(help="Benchmarks.", no_args_is_help=True)

DEFAULT_REPORT = Path("docs/benchmarks.md")


@bench_app.command("recognition")
def recognition(
    folder: Annotated[
        Path,
        typer.Argument(help="Folder with labels.csv (file,x,y,w,h,plate[,split] or file,state,plate[,split])."),
    ],
    split: Annotated[str | None, typer.Option("--split", help="Only rows of this split (e.g. val).")] = None,
    topn: Annotated[int, typer.Option("--topn", min=1, max=20)] = 5,
    report: Annotated[Path, typer.Option("--report", help="Markdown file to append the results to.")] = DEFAULT_REPORT,
    no_report: Annotated[bool, typer.Option("--no-report", help="Do not append to the report.")] = False,
    misses: Annotated[bool, typer.Option("--misses", help="List every plate not read exactly.")] = False,
    detector: Annotated[
        Path | None, typer.Option("--detector", help="A detector .onnx other than the shipped one.")
    ] = None,
    reader: Annotated[
        Path | None,
        typer.Option("--reader", help="A reader .onnx other than the shipped one (plates 110 px wide and more)."),
    ] = None,
    state: Annotated[
        Path | None, typer.Option("--state", help="A state classifier .onnx other than the shipped one.")
    ] = None,
    rectifier: Annotated[
        Path | None, typer.Option("--rectifier", help="A corner model .onnx other than the shipped one.")
    ] = None,
    small_reader: Annotated[
        Path | None,
        typer.Option(
            "--small-reader", help="A reader .onnx for plates narrower than 110 px other than the shipped one."
        ),
    ] = None,
    one_reader: Annotated[
        bool,
        typer.Option("--one-reader", help="Read small plates with the (--reader) reader too, as before 2026-12-08."),
    ] = False,
    detector_size: DetectorSizeOption = None,
) -> None:
    """Detection recall (IoU ≥ 0.5), exact plate top-1 and top-N, state accuracy, ms per image (1 thread)."""
    from rich.console import Console
    from rich.progress import Progress
    from rich.table import Table

    from platewatch.cli.pipelines import load_pipeline
    from platewatch.engine.benchmark import markdown_section, run_benchmark
    from platewatch.engine.pipeline import PipelineConfig

    candidates = {
        "--detector": detector,
        "--reader": reader,
        "--state": state,
        "--rectifier": rectifier,
        "--small-reader": small_reader,
    }
    if one_reader and small_reader is not None:
        typer.echo("error: --one-reader reads every plate with one reader; it takes no --small-reader", err=True)
        raise typer.Exit(2)
    for option, path in candidates.items():
        if path is not None and not path.is_file():
            typer.echo(f"error: {option} {path}: no such model file", err=True)
            raise typer.Exit(2)
    import cv2

    cv2.setNumThreads(1)  # one thread means OpenCV's resizing too, which would otherwise use every core
    pipeline = load_pipeline(
        1,
        PipelineConfig(topn=topn),
        reader=reader,
        state=state,
        detector=detector,
        rectifier=rectifier,
        detector_size=detector_size,
        small_reader=small_reader,
        one_reader=one_reader,
    )
    err = Console(stderr=True)
    try:
        with Progress(console=err, transient=True) as progress:
            task = progress.add_task(f"bench {folder.name}", total=None)
            res = run_benchmark(folder, pipeline, split, topn, lambda i, n: progress.update(task, completed=i, total=n))
    except FileNotFoundError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    table = Table(title=f"{res.dataset} ({split or 'all'}) — {res.kind}")
    for col in ("images", "detected", "exact top-1", f"in top-{topn}", "state", "ms median", "ms p90"):
        table.add_column(col)
    table.add_row(
        str(res.images),
        f"{res.rate(res.detected):.1%}" if res.kind == "photos" else "n/a",
        f"{res.rate(res.exact):.1%}",
        f"{res.rate(res.in_topn):.1%}",
        f"{res.state_ok / res.state_total:.1%}" if res.state_total else "n/a",
        f"{res.ms_median:.1f}",
        f"{res.ms_p90:.1f}",
    )
    out = Console()
    out.print(table)
    if res.look_rows():
        looks = Table(title="by look (labels.csv's look column)")
        for col in ("look", "images", "detected", "exact top-1"):
            looks.add_column(col)
        for look_row in res.look_rows():
            looks.add_row(*look_row)
        out.print(looks)
    sure = Table(title="wrong reads against confidence")
    for col in ("confidence ≥", "reads", "wrong", "of those reads", "of all plates"):
        sure.add_column(col)
    for row in res.confidence_rows():
        sure.add_row(*row)
    out.print(sure)
    if misses and res.misses:
        listing = Table(title=f"{len(res.misses)} plates not read exactly")
        for col in ("file", "label", "read", f"top-{topn}"):
            listing.add_column(col)
        for m in res.misses:
            listing.add_row(m.file, m.label, m.read if m.read is not None else "(not detected)", " ".join(m.candidates))
        out.print(listing)
    if not no_report:
        args = [str(folder), *(["--split", split] if split else []), *(["--topn", str(topn)] if topn != 5 else [])]
        for option, path in candidates.items():
            args += [option, str(path)] if path else []
        args += ["--detector-size", str(detector_size)] if detector_size else []
        args += ["--one-reader"] if one_reader else []
        command = "platewatch bench recognition " + " ".join(shlex.quote(a) for a in args)
        report.parent.mkdir(parents=True, exist_ok=True)
        if not report.exists():
            report.write_text("# Benchmarks\n\n")
        text = report.read_text(encoding="utf-8")
        if "## Recognition" not in text:
            text += "\n## Recognition\n\n"
        report.write_text(text + markdown_section(res, command), encoding="utf-8")
        typer.echo(f"appended to {report}", err=True)


def register(app: typer.Typer) -> None:
    app.add_typer(bench_app, name="bench")
