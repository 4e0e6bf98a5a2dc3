"""`platewatch unit run`, `unit replay`, `unit upload` and `unit check`: the unit's side — a camera (or a recorded
video) read, tracked, matched with the hot list, queued in the outbox and uploaded to the server; the outbox flushed
after an outage; the installation checked by IT."""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import os
import signal
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from platewatch.cli.pipelines import DetectorSizeOption, IgnoreOption

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from platewatch.unit.agent import UnitAgent
    from platewatch.unit.alert_book import AlertBook
    from platewatch.unit.alerts import RaisedAlert
    from platewatch.unit.attendance import Attendance
    from platewatch.unit.gps import GpsTrack
    from platewatch.unit.gps_feed import GpsFeed
    from platewatch.unit.hotlist import UnitHotList
    from platewatch.unit.sources import LiveSource
    from platewatch.unit.sync import ServerSync
    from platewatch.unit.uploader import Uploader, UploadReport

DEFAULT_OUTBOX = Path("var/unit/outbox.db")

ServerOption = Annotated[str, typer.Option("--server", help="The operations server, e.g. https://lpr.example.gov.")]
TokenFileOption = Annotated[
    Path, typer.Option("--token-file", help="File holding the unit's API token (from `platewatch unit add`).")
]
OutboxOption = Annotated[Path, typer.Option("--outbox", help="The unit's outbox (SQLite).")]


def read_token(path: Path) -> str:
    """The unit's API token from its file (never on the command line, where `ps` shows it)."""
    from platewatch.unit.uploader import one_token

    try:
        token = one_token(path.read_text())
    except OSError as exc:
        typer.echo(f"error: cannot read the token file {path}: {exc.strerror}", err=True)
        raise typer.Exit(2) from exc
    if token is None:
        typer.echo(f"error: the token file {path} must hold one API token", err=True)
        raise typer.Exit(2)
    return token


def replay(
    video: Annotated[Path, typer.Argument(help="A recorded video (anything FFmpeg reads).")],
    server: ServerOption,
    token_file: TokenFileOption,
    camera: Annotated[str, typer.Option("--camera", help="The camera's name, as reads record it.")] = "front",
    outbox: OutboxOption = DEFAULT_OUTBOX,
    start: Annotated[
        dt.datetime | None,
        typer.Option("--start", help="When the recording began (ISO 8601 with time zone); default now."),
    ] = None,
    every: Annotated[int, typer.Option("--every", min=1, max=100, help="Recognize every N-th frame.")] = 1,
    threads: Annotated[int, typer.Option("--threads", min=1, max=64, help="Inference threads.")] = 1,
    nmea: Annotated[
        Path | None,
        typer.Option(
            "--nmea",
            help="The car's GPS log (NMEA 0183) recorded with the video: replayed alongside it, its first fix at "
            "the video's first frame, to give each read its position and heading.",
        ),
    ] = None,
    ignore: IgnoreOption = None,
    detector_size: DetectorSizeOption = None,
) -> None:
    """Run a recorded video through the unit: recognize, track, queue each vehicle pass, upload."""
    from platewatch.cli.pipelines import ignore_regions, load_pipeline
    from platewatch.engine.pipeline import PipelineConfig
    from platewatch.unit.agent import UnitAgent
    from platewatch.unit.outbox import Outbox
    from platewatch.unit.sources import SourceError, video_frames
    from platewatch.unit.uploader import Uploader

    token = read_token(token_file)
    began = start or dt.datetime.now(dt.UTC)
    if began.tzinfo is None:
        typer.echo("error: --start needs a time zone (e.g. 2026-11-30T08:00:00+00:00)", err=True)
        raise typer.Exit(2)
    regions = ignore_regions(ignore)
    gps_log, _ = _gps(nmea)
    track = gps_log.shifted(began) if gps_log else None
    pipeline = load_pipeline(threads, PipelineConfig(ignore=regions), detector_size=detector_size)
    frames = video_frames(video, every)
    try:
        first = next(frames)  # a bad video is refused before the outbox is touched
    except SourceError as exc:
        raise _refused(exc) from exc
    except StopIteration:
        first = None
    with Outbox(outbox) as box, Uploader.connect(box, server, token) as uploader:
        agent = UnitAgent(pipeline, box, camera, began, _hotlist(uploader), track, on_hit=_say_hit)
        last_upload = time.monotonic()
        for frame in itertools.chain([first] if first else [], frames):
            if agent.process(frame) and time.monotonic() - last_upload > 10:
                uploader.upload()
                last_upload = time.monotonic()
        agent.finish()
        report = uploader.upload()
    counts = agent.counts
    typer.echo(f"{video}: {_passes(counts.passes, counts.hits, counts.lost)}; {_summary(report)}")
    if report.pending:
        raise typer.Exit(1)


def run(
    source: Annotated[
        str,
        typer.Argument(
            help="The camera: a device number (0 = /dev/video0), an RTSP/HTTP URL, or a video file played as a "
            "camera at its own frame rate."
        ),
    ],
    server: ServerOption,
    token_file: TokenFileOption,
    camera: Annotated[str, typer.Option("--camera", help="The camera's name, as reads record it.")] = "front",
    outbox: OutboxOption = DEFAULT_OUTBOX,
    gps: Annotated[
        str | None,
        typer.Option(
            "--gps",
            help="The GPS receiver: NMEA 0183 over TCP (tcp://host:port, e.g. the car's router), gpsd "
            "(gpsd://host[:port]) or a serial port (serial:///dev/ttyUSB0?baud=4800).",
        ),
    ] = None,
    nmea: Annotated[
        Path | None,
        typer.Option("--nmea", help="Instead of a receiver: a GPS log (NMEA 0183) replayed from the start."),
    ] = None,
    upload_every: Annotated[
        float, typer.Option("--upload-every", min=1.0, help="Seconds between uploads of the outbox.")
    ] = 10.0,
    hotlist_every: Annotated[
        float, typer.Option("--hotlist-every", min=10.0, help="Seconds between hot-list checks with the server.")
    ] = 300.0,
    threads: Annotated[int, typer.Option("--threads", min=1, max=64, help="Inference threads.")] = 1,
    screen: Annotated[
        str,
        typer.Option(
            "--screen",
            help="Where the officer's alert screen is served (open it in the car computer's browser): a loopback "
            "host:port, or 'off'.",
        ),
    ] = "127.0.0.1:8089",
    repeat: Annotated[
        float,
        typer.Option(
            "--repeat",
            min=0.0,
            help="Play a video file again this many seconds after it ends, until stopped (0: once). A demo unit's "
            "screen and server link stay up between plays.",
        ),
    ] = 0.0,
    ignore: IgnoreOption = None,
    detector_size: DetectorSizeOption = None,
) -> None:
    """The unit agent: read a camera until stopped (Ctrl-C) or the video ends; alert the officer on hot-list hits
    (the alert screen, with the accept and reject keys); upload every read and decision, keeping the hot list
    current. The parts of the view to ignore: --ignore, else PLATEWATCH_UNIT_IGNORE (x,y,w,h;x,y,w,h); the detector's
    input: --detector-size, else PLATEWATCH_UNIT_DETECTOR_SIZE."""
    from pydantic import ValidationError

    from platewatch.cli.pipelines import ignore_regions, load_pipeline
    from platewatch.engine.pipeline import PipelineConfig
    from platewatch.unit.agent import UnitAgent
    from platewatch.unit.alert_book import AlertBook
    from platewatch.unit.attendance import Attendance
    from platewatch.unit.outbox import Outbox
    from platewatch.unit.screen import ScreenError, parse_address
    from platewatch.unit.settings import UnitSettings
    from platewatch.unit.sources import LiveSource, SourceError, shown
    from platewatch.unit.sync import ServerSync

    token = read_token(token_file)
    if screen != "off":
        try:
            parse_address(screen)  # a bad address is refused before anything starts
        except ScreenError as exc:
            raise _refused(exc) from exc
    try:
        site = UnitSettings()
    except ValidationError as exc:  # a bad PLATEWATCH_UNIT_* value, named, before anything starts
        raise _refused(exc) from exc
    regions = ignore_regions(ignore) if ignore else ignore_regions([site.ignore], "PLATEWATCH_UNIT_IGNORE")
    gps_log, feed = _gps(nmea, gps)
    size = detector_size or site.detector_size
    pipeline = load_pipeline(threads, PipelineConfig(ignore=regions), detector_size=size)
    try:
        live = LiveSource(source)  # a camera that gives nothing is refused before the outbox is touched
    except SourceError as exc:
        raise _refused(exc) from exc
    stop = threading.Event()
    plays, totals = 0, [0, 0, 0, 0, 0]  # frames, skipped, passes, hits, reads lost over every play
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    attendance = Attendance(lambda: book.officer() is not None)  # `book`: the alert book opened below
    try:
        if feed is not None:
            feed.start()  # a fix or two before the first frame
        with (
            Outbox(outbox) as box,
            AlertBook(outbox, repeat_window=site.alert_repeat_window) as book,  # ADR 0012
            ServerSync(
                outbox,
                server,
                token,
                upload_every,
                hotlist_every,
                book=book,
                gps_fix_age=None if feed is None else feed.seconds_since_fix,
            ) as sync,  # fmt: skip
            _officer_screen(screen, book, sync, server, token, feed, attendance),
        ):
            hotlist = sync.wait_for_hotlist()
            _say_hotlist(hotlist, sync.hotlist_error)

            def on_hit(alert: RaisedAlert) -> None:
                book.add(alert)  # on the officer's screen first, then said
                _say_hit(alert)

            typer.echo(f"reading {shown(source)}; Ctrl-C stops", err=True)
            try:
                while True:
                    live.start()
                    track = gps_log.shifted(live.started_at) if gps_log else feed
                    agent = UnitAgent(
                        pipeline, box, camera, live.started_at, hotlist, track, on_hit=on_hit, attendance=attendance
                    )
                    plays += 1
                    try:
                        _patrol(live, agent, sync, stop)
                    finally:
                        agent.finish()
                        counts = agent.counts
                        done = (counts.frames, live.dropped, counts.passes, counts.hits, counts.lost)
                        totals = [a + b for a, b in zip(totals, done, strict=True)]
                    if not repeat or stop.wait(repeat):
                        break
                    live.close()
                    live = LiveSource(source)  # the video again, from its start
                    hotlist = sync.hotlist or hotlist
            except KeyboardInterrupt:
                pass
            except SourceError as exc:
                typer.echo(f"the camera stopped: {exc}", err=True)
            report = sync.close()
    except ScreenError as exc:
        raise _refused(exc) from exc
    finally:
        live.close()
        if feed is not None:
            feed.close()
        signal.signal(signal.SIGTERM, previous)
    frames, dropped, passes, hits, lost = totals
    played = f" in {plays} plays" if plays > 1 else ""
    typer.echo(f"{shown(source)}: {frames} frames read, {dropped} skipped{played}; {_passes(passes, hits, lost)}; "
               f"{_summary(report)}")  # fmt: skip
    if report.pending:
        raise typer.Exit(1)


def _patrol(live: LiveSource, agent: UnitAgent, sync: ServerSync, stop: threading.Event) -> None:
    """Feed the camera's frames to the agent, with the newest hot list, until the video ends or `stop` is set."""
    while not stop.is_set():
        frame = live.next(timeout=0.5)
        if frame is None:
            if live.ended:
                return
            continue
        agent.hotlist = sync.hotlist or agent.hotlist
        agent.process(frame)


def _refused(exc: Exception) -> typer.Exit:
    """Exit 2 with the error's own message, which names what is wrong."""
    typer.echo(f"error: {exc}", err=True)
    return typer.Exit(2)


def _gps(nmea: Path | None, feed_url: str | None = None) -> tuple[GpsTrack | None, GpsFeed | None]:
    """The GPS log to replay, or the receiver's feed (not yet started); exit 2 naming the problem when it gives
    no position, the address is not one, or both are given."""
    if nmea and feed_url:
        typer.echo("error: give the GPS receiver (--gps) or a GPS log (--nmea), not both", err=True)
        raise typer.Exit(2)
    from platewatch.unit.gps import GpsError, read_nmea
    from platewatch.unit.gps_feed import GpsFeed

    try:
        return (read_nmea(nmea) if nmea else None), (GpsFeed(feed_url) if feed_url else None)
    except GpsError as exc:
        raise _refused(exc) from exc


def _officer_screen(
    address: str,
    book: AlertBook,
    sync: ServerSync,
    server: str,
    token: str,
    gps: GpsFeed | None,
    attendance: Attendance | None = None,
) -> AbstractContextManager[object]:
    """The officer's alert screen, served while the agent runs (nothing with `--screen off`)."""
    from platewatch.unit.screen import agent_screen

    if address == "off":
        return contextlib.nullcontext()
    screen = agent_screen(address, book, sync, server, token, gps=gps, attendance=attendance)
    typer.echo(f"the officer's alert screen: {screen.url}", err=True)
    return screen


def _say_hit(alert: RaisedAlert) -> None:
    typer.echo(f"HIT {alert.text} at frame {alert.frame}: {alert.line}")


def _passes(passes: int, hits: int, lost: int = 0) -> str:
    noun = "vehicle pass" if passes == 1 else "vehicle passes"
    hit_noun = "hot-list hit" if hits == 1 else "hot-list hits"
    gone = f", {lost} not stored: the outbox's disk is full or failing (tell IT)" if lost else ""
    return f"{passes - lost} {noun} queued{gone}, {hits} {hit_noun}"


def upload(server: ServerOption, token_file: TokenFileOption, outbox: OutboxOption = DEFAULT_OUTBOX) -> None:
    """Send what waits in the unit's outbox (after an outage): reads, then the officer's alert decisions; exit 1
    while reads still wait."""
    from platewatch.unit.alert_book import AlertBook
    from platewatch.unit.outbox import Outbox
    from platewatch.unit.uploader import Uploader

    token = read_token(token_file)
    if not outbox.is_file():
        typer.echo(f"error: no outbox at {outbox}", err=True)
        raise typer.Exit(2)
    with Outbox(outbox) as box, AlertBook(outbox) as book, Uploader.connect(box, server, token) as uploader:
        report = uploader.upload()
        for read_id, reason in box.rejected():
            typer.echo(f"rejected by the server, kept in the outbox: {read_id}: {reason}", err=True)
        decisions_error = uploader.send_decisions(book) or uploader.send_logoffs(book)
        waiting = book.counts()["waiting"] + len(book.logoffs_waiting())
    typer.echo(_summary(report))
    if waiting or decisions_error:
        why = f" ({decisions_error})" if decisions_error else ""
        typer.echo(f"{waiting} alert decisions and log-offs waiting{why}")
    if report.pending:
        raise typer.Exit(1)


def _hotlist(uploader: Uploader) -> UnitHotList | None:
    """The server's current hot list, or None (said on stderr) when it cannot be had."""
    from platewatch.unit.hotlist import HotListError, UnitHotList
    from platewatch.unit.uploader import ServerError

    try:
        hotlist = UnitHotList.from_snapshot(uploader.download_hotlist())
    except (ServerError, HotListError) as exc:
        _say_hotlist(None, str(exc))
        return None
    _say_hotlist(hotlist, None)
    return hotlist


def _say_hotlist(hotlist: UnitHotList | None, error: str | None) -> None:
    """Without a hot list the reads still go up, and the server matches them at ingest."""
    if hotlist is None:
        typer.echo(f"warning: no hot list on the unit ({error}); the server still matches the reads", err=True)
        return
    plates = "plate" if hotlist.index.size == 1 else "plates"
    typer.echo(f"hot list version {hotlist.version}: {hotlist.index.size} {plates}", err=True)


def demo_video(
    out: Annotated[Path, typer.Argument(help="Where to write the recording (.avi).")],
    nmea: Annotated[
        Path | None, typer.Option("--nmea", help="Also write the car's GPS log (NMEA 0183) for `unit replay --nmea`.")
    ] = None,
) -> None:
    """Write a demo recording: made-up cars whose drawn plates approach the camera (for trying `unit replay`)."""
    from platewatch.unit import demo

    try:
        demo.demo_video(out)
        if nmea is not None:
            demo.demo_track(nmea, dt.datetime.now(dt.UTC))
    except OSError as exc:
        raise _refused(exc) from exc
    typer.echo(f"{out}: {len(demo.DEMO_PLATES)} cars ({', '.join(demo.DEMO_PLATES)})")
    if nmea is not None:
        typer.echo(f"{nmea}: the car's GPS log, on Main Street, New Canaan")


def check(
    source: Annotated[
        str | None, typer.Argument(help="The camera, as for `unit run` (default: PLATEWATCH_UNIT_CAMERA).")
    ] = None,
    token_file: TokenFileOption = Path("/etc/platewatch/unit.token"),
    server: Annotated[
        str | None, typer.Option("--server", help="The operations server (default: PLATEWATCH_UNIT_SERVER).")
    ] = None,
    outbox: OutboxOption = Path("/var/lib/platewatch/outbox.db"),
    gps: Annotated[
        str | None, typer.Option("--gps", help="The GPS receiver, as for `unit run` (default: PLATEWATCH_UNIT_GPS).")
    ] = None,
    screen: Annotated[
        str | None,
        typer.Option("--screen", help="The officer's screen address, or 'off' (default: PLATEWATCH_UNIT_SCREEN)."),
    ] = None,
    env_file: Annotated[
        Path | None,
        typer.Option("--env-file", help="The service's settings file, e.g. /etc/platewatch/unit.env (KEY=VALUE)."),
    ] = None,
    wait: Annotated[
        float, typer.Option("--wait", min=1.0, max=300.0, help="Seconds the GPS may take to give a position.")
    ] = 10.0,
) -> None:
    """Check this unit's installation (stop the agent, then run it as the service's user): the token file, the
    server (which unit it takes the token for) and the unit's clock against it, the outbox, a frame from the camera
    and the models' time on it, a position from the GPS, the screen's address. Exits 1 when something needs fixing."""
    from pydantic import ValidationError

    from platewatch.cli.check_report import report
    from platewatch.unit.install_check import UnitSetup, run_checks
    from platewatch.unit.settings import UnitSettings, tls_environment

    if env_file is not None and not env_file.is_file():
        typer.echo(f"error: no settings file {env_file}", err=True)
        raise typer.Exit(2)
    try:
        site = UnitSettings(_env_file=env_file)
    except ValidationError as exc:
        raise _refused(exc) from exc
    if env_file is not None:
        os.environ.update(tls_environment(env_file))  # as the service gets them
    camera, server = source or site.camera, server or site.server
    if not camera or not server:
        missing = " and ".join(n for n, v in (("the camera", camera), ("the server", server)) if not v)
        typer.echo(f"error: give {missing} (arguments, or PLATEWATCH_UNIT_CAMERA/SERVER in --env-file)", err=True)
        raise typer.Exit(2)
    gps, screen = gps or site.gps, screen or site.screen
    setup = UnitSetup(token_file, server, camera, outbox, gps, screen, wait, site.ignore, site.detector_size)
    report(run_checks(setup))


def _summary(report: UploadReport) -> str:
    text = f"{report.delivered} delivered, {report.rejected} rejected, {report.pending} waiting in the outbox"
    return text + (f" ({report.error})" if report.error else "")


def register(unit_app: typer.Typer) -> None:
    unit_app.command("replay")(replay)
    unit_app.command("run")(run)
    unit_app.command("upload")(upload)
    unit_app.command("demo-video")(demo_video)
    unit_app.command("check")(check)
