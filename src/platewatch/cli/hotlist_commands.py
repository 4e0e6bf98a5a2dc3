"""Hot-list commands: `hotlist formats|lists|create|settings|retire|import|expire|delete|watch`."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from platewatch.domain.hotlists import Category
from platewatch.server.accounts.service import record_event
from platewatch.server.alerts.matcher import Matcher
from platewatch.server.db.base import utcnow
from platewatch.server.db.engine import make_engine, make_sessionmaker, transaction
from platewatch.server.errors import validation_message
from platewatch.server.hotlists import changes, deletion, service
from platewatch.server.hotlists.importers import ImportRefused, formats
from platewatch.server.hotlists.models import HotList
from platewatch.server.hotlists.schemas import HotListCreate, HotListSettingsChange
from platewatch.server.settings import Settings

hotlist_app = typer.Typer(
    help="Hot lists: create, import state/NCIC files, expire, watch a folder.", no_args_is_help=True
)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


@hotlist_app.command("formats")
def list_formats() -> None:
    """The file formats `hotlist import --format` understands."""
    table = Table("format", "description")
    for name, description in formats():
        table.add_row(name, description)
    out.print(table)


@hotlist_app.command("lists")
def list_lists() -> None:
    """Every hot list with its current version, size and age."""
    settings = Settings()
    factory = make_sessionmaker(make_engine(settings.database_url))
    now = utcnow()
    table = Table("id", "name", "source", "category", "priority", "covert", "version", "entries", "age (h)")
    with factory() as db:
        for h in db.scalars(select(HotList).order_by(HotList.id)):
            v = service.latest_version(db, h.id)
            age = f"{(now - v.created_at).total_seconds() / 3600:.1f}" if v else "-"
            table.add_row(str(h.id), h.name, h.source, h.default_category, str(h.priority), "yes" if h.covert else "",
                          str(v.id if v else "-"), str(v.entry_count if v else 0), age)  # fmt: skip
    out.print(table)


@hotlist_app.command("create")
def create(
    name: str,
    source: str = typer.Option(..., help="ncic | state | vendor | manual"),
    category: Category = typer.Option(..., help="default category of its entries"),
    import_format: str | None = typer.Option(None, "--format", help="default import format"),
    covert: bool = typer.Option(False, help="hits reach the back office only"),
    approximate: bool = typer.Option(True, help="also look-alike and one-edit hits (--no-approximate for big lists)"),
    state_filter: str = typer.Option("", help="keep only these states, e.g. CT,NY,MA"),
    watch_folder: str = typer.Option("", help="the server folder its files are dropped in (see `hotlist watch`)"),
    import_every: int = typer.Option(0, help="minutes between looks at the watched folder (5-1440)"),
) -> None:
    """Create a hot list."""
    settings = Settings()
    factory = make_sessionmaker(make_engine(settings.database_url))
    try:  # the API's rules: a known import format, a watched folder with a schedule and a format…
        body = HotListCreate.model_validate({
            "name": name, "source": source, "category": category, "import_format": import_format, "covert": covert,
            "approximate": approximate, "state_filter": state_filter, "watch_folder": watch_folder,
            "import_every_minutes": import_every,
        })  # fmt: skip
    except ValidationError as exc:
        err.print(f"[red]error:[/red] {validation_message(exc)}")
        raise typer.Exit(1) from exc
    try:
        with transaction(factory) as db:
            h = service.create_from(db, body, "cli", utcnow())
            out.print(f"hot list {h.name!r} created (id {h.id})")
    except service.HotListError as exc:
        err.print(f"[red]error:[/red] {exc.message}")
        raise typer.Exit(1) from exc


def _named(db: Session, name: str) -> HotList:
    hotlist = db.scalar(select(HotList).where(HotList.name == name))
    if hotlist is None:
        err.print(f"[red]error:[/red] no hot list named {name!r} (see `platewatch hotlist lists`)")
        raise typer.Exit(1)
    return hotlist


@hotlist_app.command("settings")
def change_settings(
    name: str,
    new_name: str | None = typer.Option(None, "--name", help="rename the list"),
    category: Category | None = typer.Option(None, help="default category of its entries"),
    priority: int | None = typer.Option(None, help="1 (most urgent) to 9"),
    covert: bool | None = typer.Option(None, help="hits reach the back office only"),
    approximate: bool | None = typer.Option(None, help="also look-alike and one-edit hits"),
    import_format: str | None = typer.Option(None, "--format", help="default import format ('' for none)"),
    state_filter: str | None = typer.Option(None, help="keep only these states, e.g. CT,NY,MA ('' for all)"),
    alert_colour: str | None = typer.Option(None, help="red | orange | yellow | blue | purple"),
    alert_sound: str | None = typer.Option(None, help="alarm | chime | silent"),
    watch_folder: str | None = typer.Option(None, help="the server folder its files are dropped in ('' for none)"),
    import_every: int | None = typer.Option(None, help="minutes between looks at the watched folder (5-1440, 0: none)"),
) -> None:
    """Change some of the list NAME's settings: the options given change, the others stay (a new version whose note
    says what changed, as on the list's page)."""
    given = {
        "name": new_name, "category": category, "priority": priority, "covert": covert, "approximate": approximate,
        "import_format": import_format, "state_filter": state_filter, "alert_colour": alert_colour,
        "alert_sound": alert_sound, "watch_folder": watch_folder, "import_every_minutes": import_every,
    }  # fmt: skip
    factory = make_sessionmaker(make_engine(Settings().database_url))
    with factory() as db:
        hotlist = _named(db, name)
        try:
            change = HotListSettingsChange.model_validate({k: v for k, v in given.items() if v is not None})
            merged, note = changes.change_settings(db, hotlist, change, actor="cli", now=utcnow())
        except ValidationError as exc:
            err.print(f"[red]error:[/red] {validation_message(exc)}")
            raise typer.Exit(1) from exc
        except service.HotListError as exc:
            db.rollback()
            err.print(f"[red]error:[/red] {exc.message}")
            raise typer.Exit(1) from exc
        db.commit()
    out.print(f"hot list {merged.name!r}: {note}" if note else f"hot list {name!r}: nothing changed")


@hotlist_app.command("retire")
def retire(name: str, reason: str = typer.Option(..., help="why its hits stop (its last version's note)")) -> None:
    """Retire the list NAME: its hits stop on the server and on units with its last, empty version."""
    factory = make_sessionmaker(make_engine(Settings().database_url))
    with factory() as db:
        hotlist = _named(db, name)
        try:
            version = changes.retire(db, hotlist, actor="cli", now=utcnow(), reason=reason)
        except service.HotListError as exc:
            db.rollback()
            err.print(f"[red]error:[/red] {exc.message}")
            raise typer.Exit(1) from exc
        db.commit()
        out.print(f"hot list {name!r} retired with version {version.id}: no more hits from it")


def run_import(settings: Settings, path: Path, list_name: str, fmt: str | None, encoding: str | None) -> int:
    """Import one file; print the report; return the exit code (0 done, 1 refused or failed)."""
    factory = make_sessionmaker(make_engine(settings.database_url))
    now = utcnow()
    try:
        data = path.read_bytes()
    except OSError as exc:
        err.print(f"[red]error:[/red] cannot read {path}: {exc.strerror}")
        return 1
    with factory() as db:
        hotlist = db.scalar(select(HotList).where(HotList.name == list_name))
        if hotlist is None:
            err.print(f"[red]error:[/red] no hot list named {list_name!r} (see `platewatch hotlist lists`)")
            record_event(db, "cli", "hotlist_import", "failure", f"{path.name}: no hot list named {list_name!r}"[:500])
            db.commit()
            return 1
        try:
            imported = changes.import_file(
                db, Matcher(), settings, hotlist, data, format_name=fmt, encoding=encoding, filename=path.name,
                actor="cli", now=now,
            )  # fmt: skip
        except ImportRefused as exc:
            for p in exc.result.problems[:50]:
                err.print(f"{path.name}:{p.line_no}: {p.reason}")
            err.print(f"[red]import refused:[/red] {exc.message} — {list_name!r} is unchanged")
            return 1
        except service.HotListError as exc:
            err.print(f"[red]error:[/red] {exc.message}")
            return 1
        db.commit()
    outcome, retro = imported.outcome, imported.retro_alerts
    r = outcome.result
    for p in r.problems[:50]:
        err.print(f"{path.name}:{p.line_no}: {p.reason} (skipped)")
    out.print(
        f"{list_name}: version {outcome.version.id} with {len(r.entries)} entries ({len(outcome.new_entries)} new); "
        f"{r.bad_lines} bad line(s), {r.skipped_false_plates} false plate(s), {r.duplicates} duplicate(s), "
        f"{r.filtered_by_state} filtered by state; {retro} historical alert(s) raised"
    )
    return 0


@hotlist_app.command("import")
def import_cmd(
    file: Path,
    list_name: str = typer.Option(..., "--list", help="the hot list's name"),
    fmt: str | None = typer.Option(None, "--format", help="file format (default: the list's)"),
    encoding: str | None = typer.Option(None, help="e.g. latin-1 when the file is not UTF-8"),
) -> None:
    """Import FILE as the list's new version: all of it or, when too many lines are bad, nothing."""
    code = run_import(Settings(), file, list_name, fmt, encoding)
    raise typer.Exit(code)


@hotlist_app.command("expire")
def expire() -> None:
    """Remove entries past their expiry date (a new version of each changed list)."""
    factory = make_sessionmaker(make_engine(Settings().database_url))
    with transaction(factory) as db:
        versions = service.expire_entries(db, now=utcnow())
    out.print(f"{len(versions)} list(s) changed")


@hotlist_app.command("delete")
def delete(name: str) -> None:
    """Delete the retired hot list NAME with its versions, once no kept read or alert refers to it (order V.D.3);
    refused, and the refusal recorded, while one does or while the list is active."""
    factory = make_sessionmaker(make_engine(Settings().database_url))
    with factory() as db:
        hotlist = _named(db, name)
        try:
            done = deletion.delete_list(db, hotlist, actor="cli")
        except service.HotListError as exc:
            db.rollback()
            deletion.record_refusal(db, hotlist, "cli", exc.message)
            db.commit()
            err.print(f"[red]refused:[/red] {exc.message}")
            raise typer.Exit(1) from exc
        db.commit()
    out.print(f"hot list {done.name!r} deleted with its {done.versions} version(s)")


def _import_folder(settings: Settings, folder: Path, list_name: str | None) -> int:
    """Import every file in `folder` (into `list_name`, or the list each is named after: `<list name>.<anything>`);
    done files move to FOLDER/processed, refused ones to FOLDER/failed. Returns how many failed."""
    (folder / "processed").mkdir(parents=True, exist_ok=True)
    (folder / "failed").mkdir(parents=True, exist_ok=True)
    failures = 0
    for path in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")):
        code = run_import(settings, path, list_name or path.name.split(".", 1)[0], None, None)
        target = folder / ("processed" if code == 0 else "failed") / f"{int(time.time())}-{path.name}"
        shutil.move(str(path), target)
        failures += code
    return failures


def _watched(settings: Settings) -> list[tuple[str, Path, int]]:
    """The active lists with a watched folder: (name, folder, minutes between looks), as their settings say now."""
    factory = make_sessionmaker(make_engine(settings.database_url))
    with factory() as db:
        watched = select(HotList).where(HotList.active.is_(True), HotList.watch_folder != "")
        rows = db.scalars(watched.order_by(HotList.id))
        return [(h.name, Path(h.watch_folder), h.import_every_minutes) for h in rows]


def _missing_folder(settings: Settings, list_name: str, folder: Path) -> None:
    err.print(f"[red]error:[/red] {list_name}: watched folder {folder} does not exist")
    with transaction(make_sessionmaker(make_engine(settings.database_url))) as db:
        record_event(db, "cli", "hotlist_import", "failure", f"{list_name}: no watched folder {folder}"[:500])


@hotlist_app.command("watch")
def watch(
    folder: Path | None = typer.Argument(None, help="one folder for every list (default: each list's own)"),
    interval: int = typer.Option(300, min=1, help="seconds between looks at FOLDER"),
    once: bool = typer.Option(False, help="look once and exit"),
) -> None:
    """Import the files dropped in each list's watched folder as often as its import schedule says (its settings on
    the hot list's page), or, given FOLDER, every file there named after a list (`<list name>.<anything>`) every
    INTERVAL seconds; with the list's default format. Done files move to processed/, refused ones to failed/ in
    their folder, and each failure is recorded as a security event that administrators see."""
    settings = Settings()
    due: dict[str, float] = {}
    while True:
        failures = 0
        if folder is not None:
            failures += _import_folder(settings, folder, None)
        else:
            for name, own, minutes in _watched(settings):  # read each round: a change on the page takes effect
                if once or time.monotonic() >= due.get(name, 0.0):
                    if own.is_dir():
                        failures += _import_folder(settings, own, name)
                    else:
                        _missing_folder(settings, name, own)
                        failures += 1
                    due[name] = time.monotonic() + 60 * minutes
        if once:
            raise typer.Exit(1 if failures else 0)
        time.sleep(interval if folder is not None else 30)


def register(app: typer.Typer) -> None:
    app.add_typer(hotlist_app, name="hotlist")
