"""Operations-server commands: `server`, `check`, `db upgrade`, `user …`, `unit …`, `querylog verify`, `purge`,
`backup …`."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import typer
from pydantic import ValidationError
from rich.console import Console

from platewatch.domain.roles import Role, requires_mfa
from platewatch.server.accounts import service as accounts
from platewatch.server.db import store_lock
from platewatch.server.db.base import utcnow
from platewatch.server.db.engine import make_engine, make_sessionmaker, transaction
from platewatch.server.settings import Settings

if TYPE_CHECKING:
    from platewatch.server.backups import Backup

err = Console(stderr=True, soft_wrap=True)
out = Console(soft_wrap=True)

db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
user_app = typer.Typer(help="People's accounts (administrator only).", no_args_is_help=True)
unit_app = typer.Typer(
    help="Mobile and portable LPR units: their API tokens (server side); replaying a video and uploading (unit side).",
    no_args_is_help=True,
)
querylog_app = typer.Typer(help="The Data Query Log.", no_args_is_help=True)
backup_app = typer.Typer(
    help="Backups of the store (database and images) that keep the retention period.", no_args_is_help=True
)
EnvFileOption = typer.Option(
    None, "--env-file", help="The service's settings file, e.g. /etc/platewatch/server.env (KEY=VALUE lines)."
)


def _settings(env_file: Path | None = None) -> Settings:
    """The server's settings from the environment (and a service's settings file, the environment first); a bad
    value exits 2 naming its variable."""
    if env_file is not None and not env_file.is_file():
        err.print(f"[red]error:[/red] no settings file {env_file}", highlight=False)
        raise typer.Exit(2)
    try:
        return Settings(_env_file=env_file)
    except ValidationError as exc:
        for e in exc.errors():
            name = "PLATEWATCH_" + "_".join(str(p) for p in e["loc"]).upper()
            message = str(e["msg"]).removeprefix("Value error, ")
            err.print(f"[red]error:[/red] {name}: {message}", highlight=False)
        raise typer.Exit(2) from exc


def _fail(message: str) -> NoReturn:
    err.print(f"[red]error:[/red] {message}")
    raise typer.Exit(1)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the schema of PLATEWATCH_DATABASE_URL to the newest version."""
    from platewatch.server.db.migrate import upgrade

    settings = _settings()
    upgrade(settings.database_url, image_dir=settings.image_dir)
    out.print("database schema is up to date")


ENROL_AT_LOG_IN = "at the next log-in (no code) the person sets up their authenticator app, then a password"
"""What the administrator is told after handing over a one-time password that also sets up an authenticator."""


def bootstrap_admin(settings: Settings) -> None:
    """Create the first administrator when none exists: from PLATEWATCH_BOOTSTRAP_ADMIN_* or with a
    one-time password printed once. There is never a default password."""
    from sqlalchemy import select

    from platewatch.server.accounts.models import User

    factory = make_sessionmaker(make_engine(settings.database_url))
    with transaction(factory) as db:
        if db.scalar(select(User).where(User.role == Role.ADMINISTRATOR.value)) is not None:
            return
        name = settings.bootstrap_admin_username or "admin"
        new = accounts.create_user(
            db, name, Role.ADMINISTRATOR, password=settings.bootstrap_admin_password, actor="bootstrap",
            issuer=settings.agency_name,
        )  # fmt: skip
    err.print(f"[bold]First administrator created:[/bold] {name}")
    if settings.bootstrap_admin_password is None:
        err.print(f"  one-time password (shown once): [bold]{new.password}[/bold]")
        err.print("  log in without a code: the account page sets up the authenticator app, then the password")
    else:
        err.print(f"  add to the authenticator app (shown once): {new.totp_uri}")


@user_app.command("add")
def user_add(
    username: str,
    role: Role = typer.Option(..., help="administrator|supervisor|officer|investigator|auditor|equipment"),
    full_name: str = typer.Option("", help="Full name"),
    email: str = typer.Option("", help="where their notices are sent (a supervisor's: order V.E.2g)"),
) -> None:
    """Create an account; prints its one-time password once (the person sets up their authenticator with it)."""
    settings = _settings()
    factory = make_sessionmaker(make_engine(settings.database_url))
    try:
        with transaction(factory) as db:
            new = accounts.create_user(
                db, username, role, full_name=full_name, email=email, actor="cli", issuer=settings.agency_name
            )
    except accounts.AccountError as exc:
        _fail(exc.message)
    out.print(f"user {username} ({role.value}) created")
    out.print(f"one-time password (give it in person): {new.password}")
    if requires_mfa(role):
        out.print(ENROL_AT_LOG_IN)


@user_app.command("set-email")
def user_set_email(username: str, email: str = typer.Argument(..., help="one address; '' for none")) -> None:
    """Set where USERNAME's notices are sent: a supervisor gets those about their command's units and people."""
    factory = make_sessionmaker(make_engine(_settings().database_url))
    try:
        with transaction(factory) as db:
            accounts.set_email(db, username, email, "cli")
    except accounts.AccountError as exc:
        _fail(exc.message)
    out.print(f"{username}: notices to {email.strip()}" if email.strip() else f"{username}: no notices by e-mail")


@user_app.command("disable")
def user_disable(username: str) -> None:
    """Disable an account and end its sessions."""
    factory = make_sessionmaker(make_engine(_settings().database_url))
    try:
        with transaction(factory) as db:
            accounts.disable_user(db, username, "cli", utcnow())
    except accounts.AccountError as exc:
        _fail(exc.message)
    out.print(f"user {username} disabled")


@user_app.command("reset-mfa")
def user_reset_mfa(username: str) -> None:
    """Remove the user's authenticator (a lost phone: its codes stop working) and print a one-time password, with
    which they set up a new one at the next log-in."""
    factory = make_sessionmaker(make_engine(_settings().database_url))
    try:
        with transaction(factory) as db:
            password = accounts.reset_mfa(db, username, "cli", utcnow())
    except accounts.AccountError as exc:
        _fail(exc.message)
    out.print(f"authenticator of {username} removed; one-time password (give it in person): {password}")
    out.print(ENROL_AT_LOG_IN)


@user_app.command("set-role")
def user_set_role(
    username: str,
    role: Role = typer.Option(..., help="administrator|supervisor|officer|investigator|auditor|equipment|dispatcher"),
) -> None:
    """Give an account another role (its sessions end); prints a one-time password once when the new role needs an
    authenticator the person lacked (they set it up with it at the next log-in)."""
    factory = make_sessionmaker(make_engine(_settings().database_url))
    try:
        with transaction(factory) as db:
            password = accounts.change_role(db, username, role, "cli", utcnow())
    except accounts.AccountError as exc:
        _fail(exc.message)
        return
    out.print(f"{username} is now {role.value}")
    if password:
        out.print(f"the role needs an authenticator; one-time password (give it in person): {password}")


@user_app.command("set-password")
def user_set_password(username: str) -> None:
    """Set a password (asked for twice, never on the command line) that the person must change at their next
    log-in; also clears a lockout and ends their sessions."""
    password = typer.prompt("new password", hide_input=True, confirmation_prompt=True)
    factory = make_sessionmaker(make_engine(_settings().database_url))
    try:
        with transaction(factory) as db:
            accounts.set_password(db, username, password, "cli", utcnow())
    except accounts.AccountError as exc:
        _fail(exc.message)
    out.print(f"password of {username} set: they must change it at their next log-in")


@user_app.command("train")
def user_train(
    username: str,
    trainer: str = typer.Option(..., help="who gave the course"),
    course: str = typer.Option("LPR operator, GO 14-01-117", help="the course completed"),
    completed_on: str = typer.Option("", help="YYYY-MM-DD (default: today)"),
) -> None:
    """Document a completed LPR course (order V.B.1g): only trained people reach the data (V.D.2)."""
    from pydantic import ValidationError

    from platewatch.server.training import service as training
    from platewatch.server.training.schemas import TrainingCreate

    now = utcnow()
    try:
        body = TrainingCreate.model_validate(
            {"username": username, "course": course, "trainer": trainer,
             "completed_on": completed_on or now.date().isoformat()}
        )  # fmt: skip
    except ValidationError as exc:
        problem = exc.errors()[0]
        _fail(f"{'.'.join(str(p) for p in problem['loc'])}: {problem['msg']}")
    factory = make_sessionmaker(make_engine(_settings().database_url))
    try:
        with transaction(factory) as db:
            row = training.record(db, body, "cli", now)
            expires = row.expires_on
    except training.TrainingError as exc:
        _fail(exc.message)
    out.print(f"{course} recorded for {username}: counts until {expires}")


@unit_app.command("add")
def unit_add(
    name: str,
    kind: str = typer.Option(..., help="mobile (patrol car) or portable (trailer, barrel, sign)"),
    approved_for: str = typer.Option(
        "",
        help="a patrol car's vehicle, recorded as its first deployment approval (a portable unit's site: "
        "`platewatch deployment approve` with its position)",
    ),
) -> None:
    """Register a unit and print its API token once."""
    factory = make_sessionmaker(make_engine(_settings().database_url))
    try:
        with transaction(factory) as db:
            _, token = accounts.create_unit(db, name, kind, approved_for, "cli")
    except accounts.AccountError as exc:
        _fail(exc.message)
    out.print(f"unit {name} registered")
    out.print(f"API token (shown once): {token}")


@unit_app.command("revoke")
def unit_revoke(name: str) -> None:
    """Revoke every API token of a unit (a lost or stolen MDC)."""
    factory = make_sessionmaker(make_engine(_settings().database_url))
    try:
        with transaction(factory) as db:
            n = accounts.revoke_unit(db, name, "cli", utcnow())
    except accounts.AccountError as exc:
        _fail(exc.message)
    out.print(f"unit {name}: {n} token(s) revoked")


@querylog_app.command("verify")
def querylog_verify(
    anchors: Path | None = typer.Option(
        None, "--anchors", help="an anchor file: every anchored row must still be there with its hash"
    ),
) -> None:
    """Check the query log's hash chain (and, with --anchors, that it was not rewritten whole or cut back); exit 1
    and list the rows when any was edited or deleted."""
    from platewatch.domain.querylog_anchors import AnchorFileError, parse_anchors
    from platewatch.server.querylog import service
    from platewatch.server.querylog.anchors import verify_anchors

    settings = _settings()
    try:
        anchored = parse_anchors(anchors.read_text(encoding="utf-8").splitlines()) if anchors else []
    except (OSError, AnchorFileError) as exc:
        _fail(f"anchor file {anchors}: {exc}")
    factory = make_sessionmaker(make_engine(settings.database_url))
    with factory() as db:
        count, problems = service.verify(db)
        problems += verify_anchors(db, anchored)
    if problems:
        for p in problems:
            err.print(f"[red]row {p.seq}:[/red] {p.problem}")
        err.print(f"query log is NOT intact: {len(problems)} problem(s) in {count} rows")
        raise typer.Exit(1)
    matched = f", {len(anchored)} anchors matched" if anchors else ""
    out.print(f"query log intact: {count} rows verified{matched}")
    if not anchors:  # the chain alone: a log rewritten whole, every hash computed again, passes it
        configured = settings.querylog_anchor_file
        err.print(
            "not checked against anchors: a log rewritten whole, its hashes computed again, would pass; "
            + (f"add --anchors {configured}" if configured else "set PLATEWATCH_QUERYLOG_ANCHOR_FILE (operations.md)")
        )


@querylog_app.command("anchor")
def querylog_anchor(
    file: Path | None = typer.Option(None, "--file", help="the anchor file (default PLATEWATCH_QUERYLOG_ANCHOR_FILE)"),
) -> None:
    """Append the query log's head (last row number and hash) to an anchor file now; the server also does it
    every PLATEWATCH_QUERYLOG_ANCHOR_MINUTES when PLATEWATCH_QUERYLOG_ANCHOR_FILE is set."""
    from platewatch.server.querylog.anchors import append_anchor

    settings = _settings()
    path = file or settings.querylog_anchor_file
    if path is None:
        _fail("name the anchor file: --file PATH or PLATEWATCH_QUERYLOG_ANCHOR_FILE")
        return
    if not path.parent.is_dir():
        _fail(f"no folder {path.parent} for the anchor file")
    factory = make_sessionmaker(make_engine(settings.database_url))
    try:
        with factory() as db:
            anchor = append_anchor(db, path, utcnow())
    except OSError as exc:
        _fail(f"cannot write the anchor file {path}: {exc}")
        return
    out.print(anchor.line() if anchor else "the query log is empty: nothing to anchor", highlight=False)


def purge(
    dry_run: bool = typer.Option(False, "--dry-run", help="count what would be deleted; delete nothing"),
) -> None:
    """Delete reads older than the retention period (PLATEWATCH_RETENTION_DAYS, 14 by the order) that no legal
    hold preserves, with their alerts and images, and the hot-list versions no kept read needs; the run is
    recorded in the purge log. The server also does this every hour."""
    from zoneinfo import ZoneInfo

    from platewatch.domain.retention import RetentionPolicy
    from platewatch.server.governance.image_days import after_purge
    from platewatch.server.governance.retention import purge as run_purge
    from platewatch.server.reads.imagestore import ImageStore

    settings = _settings()
    factory = make_sessionmaker(make_engine(settings.database_url))
    with factory() as db:
        policy = RetentionPolicy(settings.retention_days)
        tz = ZoneInfo(settings.time_zone)
        store = ImageStore(settings.image_dir)
        report = run_purge(db, store, utcnow(), policy, "cli", dry_run=dry_run, tz=tz)
    verb = "would delete" if dry_run else "deleted"
    out.print(
        f"reads captured before {report.cutoff:%Y-%m-%d %H:%M} UTC: {verb} {report.reads_deleted} reads, "
        f"{report.alerts_deleted} alerts, {report.images_deleted} images, {report.hotlist_versions_deleted} "
        f"hot-list versions, {report.requests_deleted} data requests past the current year plus one; "
        f"{report.reads_held} kept under legal holds"
    )
    with factory() as db:
        after_purge(db, store)  # the retired days' tables and files (ADR 0023), after the purge's commits


def check(env_file: Path | None = EnvFileOption) -> None:
    """Check this server's installation (run it as the service's user, with its settings): the database answers
    and its schema is current, the data folder is writable with room, the query log's anchor file can grow.
    Exits 1 when something needs fixing."""
    from platewatch.cli.check_report import report
    from platewatch.server.install_check import run_checks

    report(run_checks(_settings(env_file), utcnow()))


@backup_app.command("create")
def backup_create(
    into: Path | None = typer.Argument(
        None, help="The backups' folder (a new dated folder is made in it; default PLATEWATCH_BACKUP_DIR)."
    ),
    keep_days: int | None = typer.Option(
        None, "--keep-days", min=1, help="Delete backups older than this (default and most: the retention period)."
    ),
    env_file: Path | None = EnvFileOption,
) -> None:
    """Back up the database and the images its reads name, then delete the backups older than the retention period
    (a backup is a copy of reads the order requires deleted after it). Run it daily, as the service's user."""
    import getpass

    from platewatch.domain.retention import RetentionPolicy
    from platewatch.server import backups

    settings = _settings(env_file)
    into = _backup_dir(into, settings)
    days = settings.retention_days if keep_days is None else keep_days
    if days > settings.retention_days:
        _refuse(f"--keep-days {days} would keep reads past the {settings.retention_days}-day retention period")
    try:
        made = backups.create(settings, into, utcnow(), getpass.getuser())
    except (backups.BackupError, OSError) as exc:
        _fail(f"no backup made: {exc}")
    shared = f" ({made.images_shared} unchanged since the previous backup: stored once)" if made.images_shared else ""
    out.print(f"{made.path}: {made.reads} reads, {made.images} images{shared}" + _missing(made), highlight=False)
    for gone in backups.expire(into, utcnow(), RetentionPolicy(days)):
        out.print(f"deleted {gone.path.name} (made {gone.created_at:%Y-%m-%d %H:%M} UTC, over {days} days ago)")


@backup_app.command("list")
def backup_list(
    into: Path | None = typer.Argument(None, help="The backups' folder (default PLATEWATCH_BACKUP_DIR)."),
    env_file: Path | None = EnvFileOption,
) -> None:
    """The backups in a folder, oldest first."""
    from platewatch.server import backups

    into = _backup_dir(into, _settings(env_file))
    found = backups.backups(into)
    if not found:
        _fail(f"no backups in {into}")
    for b in found:
        oldest = f" (oldest {b.oldest_read:%Y-%m-%d %H:%M} UTC)" if b.oldest_read else ""
        missing = f" ({b.images_missing} missing)" if b.images_missing else ""
        out.print(
            f"{b.path.name}  made {b.created_at:%Y-%m-%d %H:%M} UTC  {b.database}, schema {b.schema or '—'}  "
            f"{b.reads} reads{oldest}  {b.images} images{missing}",
            highlight=False,
        )


@backup_app.command("restore")
def backup_restore(
    backup: Path = typer.Argument(..., help="One backup's folder (from `backup list`)."),
    replace: bool = typer.Option(False, "--replace", help="Put it in place of a store that already holds reads."),
    env_file: Path | None = EnvFileOption,
) -> None:
    """Restore a backup as this server's store, with the server stopped; then start the server, which migrates an
    older schema and purges the reads past the retention period."""
    import getpass

    from platewatch.server import backups

    settings = _settings(env_file)
    try:
        done = backups.restore(settings, backup, replace, getpass.getuser())
    except backups.BackupError as exc:
        _fail(f"nothing restored: {exc}")
    out.print(f"restored {done.path.name}: {done.reads} reads, {done.images} images", highlight=False)


def _backup_dir(given: Path | None, settings: Settings) -> Path:
    folder = given or settings.backup_dir
    if folder is None:
        _refuse("name the backups' folder, or set PLATEWATCH_BACKUP_DIR")
    return folder


def _missing(backup: Backup) -> str:
    missing = backup.images_missing
    return f" ({missing} named by reads were already gone: purged while the backup ran)" if missing else ""


def _refuse(message: str) -> NoReturn:
    err.print(f"[red]error:[/red] {message}", highlight=False)
    raise typer.Exit(2)


def server(
    host: str | None = typer.Option(None, help="listen address (default PLATEWATCH_HOST or 127.0.0.1)"),
    port: int | None = typer.Option(None, help="port (default PLATEWATCH_PORT or 8000)"),
    migrate: bool = typer.Option(True, help="run `db upgrade` first"),
    workers: int = typer.Option(1, min=1, max=64, help="worker processes (PostgreSQL; SQLite: keep 1)"),
) -> None:
    """Run the operations server."""
    import uvicorn

    from platewatch.server.app import create_app

    settings = _settings()
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    # uvicorn's access log would print query strings (plates, purposes): it stays off. No `Server` header
    # telling scanners which software and version answers.
    where = {"host": host or settings.host, "port": port or settings.port, "access_log": False, "server_header": False}
    try:
        with store_lock.serving(settings.database_url):  # no migration, first administrator or serving mid-restore
            if migrate:
                from platewatch.server.db.migrate import upgrade

                upgrade(settings.database_url, image_dir=settings.image_dir)
            bootstrap_admin(settings)
            if workers > 1:
                uvicorn.run("platewatch.server.app:app_from_env", factory=True, workers=workers, **where)  # type: ignore[arg-type]
                return

            def stop() -> None:  # a restore took the store: finish the requests in flight and exit
                uvicorn_server.should_exit = True

            app = create_app(settings, on_store_lost=stop)
            uvicorn_server = uvicorn.Server(uvicorn.Config(app, **where))  # type: ignore[arg-type]
            uvicorn_server.run()
            lost = app.state.platewatch.store.lost
            if lost is not None:  # systemd starts the server again: it waits for the restore to end
                _fail(lost)
    except store_lock.StoreInUse as exc:
        _fail(str(exc))


def register(app: typer.Typer) -> None:
    app.command("server")(server)
    app.command("purge")(purge)
    app.command("check")(check)
    app.add_typer(db_app, name="db")
    app.add_typer(user_app, name="user")
    app.add_typer(unit_app, name="unit")
    app.add_typer(querylog_app, name="querylog")
    app.add_typer(backup_app, name="backup")
