"""Hot lists in the database: lists, immutable versions, manual entries, snapshots and deltas for units.

Every change writes a new version (a full copy of that list's entries); the version id is also the
global hot-list version that units and reads refer to. Functions never commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from platewatch.domain.hotlist_settings import SETTING_WORDS, settings_changes
from platewatch.domain.hotlists import (
    CATEGORY_PRIORITY,
    Category,
    HotListEntry,
    Vehicle,
    content_hash,
    is_active,
    snapshot_hash,
)
from platewatch.domain.querylog import MIN_PURPOSE_LENGTH
from platewatch.server.hotlists.importers import ImportResult, UnknownFormatError, import_file
from platewatch.server.hotlists.models import HotList, HotListEntryRow, HotListVersion

if TYPE_CHECKING:
    from platewatch.server.hotlists.schemas import HotListCreate  # the schemas name this module's StoredEntry

SOURCES = ("ncic", "state", "vendor", "manual")


class HotListError(ValueError):
    """A refused hot-list operation; `code` is stable for clients."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class StoredEntry:
    """An entry with where it lives: its list, its row, who added it and when."""

    entry: HotListEntry
    hotlist_id: int
    row_id: int
    owner: str
    added_at: dt.datetime


def row_to_entry(row: HotListEntryRow) -> HotListEntry:
    return HotListEntry(
        plate=row.plate,
        state=row.state,
        category=Category(row.category),
        nic=row.nic,
        ori=row.ori,
        case_number=row.case_number,
        vehicle=Vehicle(row.vehicle_year, row.vehicle_make, row.vehicle_model, row.vehicle_style, row.vehicle_colour),
        plate_year=row.plate_year,
        plate_type=row.plate_type,
        effective=row.effective,
        expires=row.expires,
        description=row.description,
        purpose=row.purpose,
    )


def _entry_values(e: HotListEntry, version_id: int, owner: str, added_at: dt.datetime) -> dict[str, Any]:
    v = e.vehicle
    return {
        "version_id": version_id,
        "plate": e.plate,
        "state": e.state,
        "category": e.category.value,
        "nic": e.nic[:20],
        "ori": e.ori[:20],
        "case_number": e.case_number[:40],
        "vehicle_year": v.year[:8],
        "vehicle_make": v.make[:24],
        "vehicle_model": v.model[:24],
        "vehicle_style": v.style[:16],
        "vehicle_colour": v.colour[:16],
        "plate_year": e.plate_year[:8],
        "plate_type": e.plate_type[:8],
        "effective": e.effective,
        "expires": e.expires,
        "description": e.description[:500],
        "purpose": e.purpose[:500],
        "owner": owner,
        "added_at": added_at,
    }


def create_from(db: Session, body: HotListCreate, actor: str, now: dt.datetime) -> HotList:
    """`create_list` with the settings of a create request (the API's JSON or the page's form), normalized alike."""
    return create_list(
        db, name=body.name, source=body.source, category=body.category, actor=actor, now=now,
        priority=body.priority, covert=body.covert, approximate=body.approximate, import_format=body.import_format,
        state_filter=body.state_filter.upper().replace(" ", ""), alert_colour=body.alert_colour,
        alert_sound=body.alert_sound, watch_folder=body.watch_folder, import_every_minutes=body.import_every_minutes,
    )  # fmt: skip


def settings_from(body: HotListCreate) -> dict[str, Any]:
    """A settings request (the API's JSON or the page's form) as `update_list`'s settings, normalized as at creation
    (a blank priority is the category's own)."""
    return {
        "name": body.name, "default_category": body.category.value,
        "priority": body.priority or CATEGORY_PRIORITY[body.category], "covert": body.covert,
        "approximate": body.approximate, "import_format": body.import_format,
        "state_filter": body.state_filter.upper().replace(" ", ""), "alert_colour": body.alert_colour,
        "alert_sound": body.alert_sound, "watch_folder": body.watch_folder,
        "import_every_minutes": body.import_every_minutes,
    }  # fmt: skip


def settings_of(hotlist: HotList) -> dict[str, Any]:
    """A list's settings under `HotListCreate`'s names (its `default_category` is the request's `category`)."""
    return {
        "name": hotlist.name, "source": hotlist.source, "category": hotlist.default_category,
        "priority": hotlist.priority, "covert": hotlist.covert, "approximate": hotlist.approximate,
        "import_format": hotlist.import_format, "state_filter": hotlist.state_filter,
        "alert_colour": hotlist.alert_colour, "alert_sound": hotlist.alert_sound, "watch_folder": hotlist.watch_folder,
        "import_every_minutes": hotlist.import_every_minutes,
    }  # fmt: skip


def create_list(
    db: Session,
    *,
    name: str,
    source: str,
    category: Category,
    actor: str,
    now: dt.datetime,
    priority: int | None = None,
    covert: bool = False,
    approximate: bool = True,
    import_format: str | None = None,
    state_filter: str = "",
    alert_colour: str = "red",
    alert_sound: str = "alarm",
    watch_folder: str = "",
    import_every_minutes: int = 0,
) -> HotList:
    name = name.strip()
    if not name or len(name) > 64:
        raise HotListError("bad_name", "list name: 1-64 characters")
    if source not in SOURCES:
        raise HotListError("bad_source", f"source must be one of {', '.join(SOURCES)}")
    if db.scalar(select(HotList).where(HotList.name == name)) is not None:
        raise HotListError("list_exists", f"a hot list named {name!r} already exists")
    hotlist = HotList(
        name=name,
        source=source,
        default_category=category.value,
        priority=priority or CATEGORY_PRIORITY[category],
        covert=covert,
        approximate=approximate,
        import_format=import_format,
        state_filter=state_filter,
        alert_colour=alert_colour,
        alert_sound=alert_sound,
        watch_folder=watch_folder,
        import_every_minutes=import_every_minutes,
        created_at=now,
        created_by=actor,
    )
    db.add(hotlist)
    db.flush()
    write_version(db, hotlist, [], change="create", note="list created", actor=actor, now=now)
    return hotlist


def update_list(
    db: Session, hotlist: HotList, *, actor: str, now: dt.datetime, **settings: Any
) -> HotListVersion | None:
    """Change a list's settings (`SETTING_WORDS`' keys): a new version with the same entries, its note saying what
    changed, so units and the server's matcher take the new settings with it; None when nothing changed."""
    if not hotlist.active:
        raise HotListError("retired", f"{hotlist.name!r} is retired: it cannot be changed")
    unknown = set(settings) - set(SETTING_WORDS)
    if unknown:
        raise ValueError(f"not a hot-list setting: {', '.join(sorted(unknown))}")
    if "name" in settings:
        settings["name"] = name = str(settings["name"]).strip()
        if not name or len(name) > 64:
            raise HotListError("bad_name", "list name: 1-64 characters")
        taken = db.scalar(select(HotList).where(HotList.name == name, HotList.id != hotlist.id))
        if taken is not None:
            raise HotListError("list_exists", f"a hot list named {name!r} already exists")
    changed = settings_changes({key: getattr(hotlist, key) for key in settings}, settings)
    if not changed:
        return None
    for key, value in settings.items():
        setattr(hotlist, key, value)
    _, current = _current(db, hotlist)
    return write_version(db, hotlist, current, change="settings", note="; ".join(changed), actor=actor, now=now)


def retire_list(db: Session, hotlist: HotList, *, actor: str, now: dt.datetime, reason: str) -> HotListVersion:
    """Retire a list: an empty last version (its earlier versions stay, as every version does) and no more hits,
    on the server or on units, from the next version on."""
    if not hotlist.active:
        raise HotListError("retired", f"{hotlist.name!r} is already retired")
    if not reason.strip():
        raise HotListError("reason_required", "say why the list is retired")
    version = write_version(db, hotlist, [], change="retire", note=f"retired: {reason.strip()}", actor=actor, now=now)
    hotlist.active = False
    return version


def get_list(db: Session, list_id: int) -> HotList:
    hotlist = db.get(HotList, list_id)
    if hotlist is None:
        raise HotListError("not_found", f"no hot list {list_id}")
    return hotlist


def latest_version(db: Session, hotlist_id: int, at: int | None = None) -> HotListVersion | None:
    stmt = select(HotListVersion).where(HotListVersion.hotlist_id == hotlist_id)
    if at is not None:
        stmt = stmt.where(HotListVersion.id <= at)
    return db.scalar(stmt.order_by(HotListVersion.id.desc()).limit(1))


URGENT_CATEGORIES = (Category.AMBER.value, Category.SILVER.value)
"""Entries that reach the units at once, whatever their list (order V.C.1)."""
URGENT_PRIORITY = 1
"""A list of this priority (the most urgent) is an urgent list: each of its changes reaches the units at once."""


def urgent_after(db: Session, version: int | None) -> bool:
    """Whether a hot-list version newer than the unit's `version` is urgent: a change to a list of the most urgent
    priority, or a manual list's version holding an AMBER or SILVER entry (an imported file's daily change is not)."""
    newer = select(HotListVersion.id).join(HotList, HotList.id == HotListVersion.hotlist_id)
    if version is not None:
        newer = newer.where(HotListVersion.id > version)
    amber = select(HotListEntryRow.id).where(
        HotListEntryRow.version_id == HotListVersion.id, HotListEntryRow.category.in_(URGENT_CATEGORIES)
    )
    urgent = newer.where(
        HotList.active.is_(True),
        (HotList.priority == URGENT_PRIORITY) | ((HotList.source == "manual") & amber.exists()),
    )
    return db.scalar(urgent.limit(1)) is not None


def current_version_id(db: Session) -> int | None:
    value = db.scalar(select(func.max(HotListVersion.id)))
    return int(value) if value is not None else None


def stored_entries(db: Session, version_id: int) -> list[StoredEntry]:
    version = db.get(HotListVersion, version_id)
    if version is None:
        return []
    rows = db.scalars(select(HotListEntryRow).where(HotListEntryRow.version_id == version_id))
    return [StoredEntry(row_to_entry(r), version.hotlist_id, r.id, r.owner, r.added_at) for r in rows]


def write_version(
    db: Session,
    hotlist: HotList,
    entries: Sequence[HotListEntry | StoredEntry],
    *,
    change: str,
    note: str,
    actor: str,
    now: dt.datetime,
) -> HotListVersion:
    """Write a new immutable version holding exactly `entries` (kept owners are carried over)."""
    plain = [e.entry if isinstance(e, StoredEntry) else e for e in entries]
    version = HotListVersion(
        hotlist_id=hotlist.id,
        created_at=now,
        created_by=actor,
        change=change,
        note=note[:500],
        entry_count=len(plain),
        content_hash=content_hash(plain),
    )
    db.add(version)
    db.flush()
    values = [
        _entry_values(e.entry, version.id, e.owner, e.added_at)
        if isinstance(e, StoredEntry)
        else _entry_values(e, version.id, actor if hotlist.source == "manual" else "", now)
        for e in entries
    ]
    for start in range(0, len(values), 5000):
        db.execute(insert(HotListEntryRow), values[start : start + 5000])
    return version


def _current(db: Session, hotlist: HotList) -> tuple[HotListVersion, list[StoredEntry]]:
    """The list's current version and entries, to change them (a retired list is not changed again)."""
    if not hotlist.active:
        raise HotListError("retired", f"{hotlist.name!r} is retired: it cannot be changed")
    version = latest_version(db, hotlist.id)
    if version is None:
        raise HotListError("no_version", f"hot list {hotlist.name!r} has no version")
    return version, stored_entries(db, version.id)


def replace_entries(
    db: Session, hotlist: HotList, entries: Sequence[HotListEntry], *, actor: str, now: dt.datetime, note: str
) -> tuple[HotListVersion, list[HotListEntry]]:
    """An import: the list becomes exactly `entries`. Returns the version and the entries that are new."""
    _, before = _current(db, hotlist)
    old_keys = {(s.entry.plate, s.entry.state or "") for s in before}
    version = write_version(db, hotlist, entries, change="import", note=note, actor=actor, now=now)
    return version, [e for e in entries if e.key not in old_keys]


def add_manual_entry(
    db: Session, hotlist: HotList, entry: HotListEntry, *, actor: str, now: dt.datetime
) -> HotListVersion:
    """Order V.E.9b-c: a manual entry needs a specific criminal, investigative or patrol purpose."""
    if hotlist.source != "manual":
        raise HotListError("not_manual", f"{hotlist.name!r} is filled by imports; add manual entries to a manual list")
    if len(entry.purpose.strip()) < MIN_PURPOSE_LENGTH:
        raise HotListError(
            "purpose_required",
            "purpose: state the specific criminal, investigative or patrol purpose "
            f"(at least {MIN_PURPOSE_LENGTH} characters)",
        )
    _, current = _current(db, hotlist)
    kept = [s for s in current if s.entry.key != entry.key]
    replaced = len(kept) != len(current)
    return write_version(
        db,
        hotlist,
        [*kept, entry],
        change="manual_add",
        note=f"{'replaced' if replaced else 'added'} {entry.plate} {entry.state or ''}".strip(),
        actor=actor,
        now=now,
    )


def remove_entry(
    db: Session, hotlist: HotList, plate: str, state: str | None, *, actor: str, now: dt.datetime, reason: str
) -> HotListVersion:
    _, current = _current(db, hotlist)
    kept = [s for s in current if s.entry.key != (plate, state or "")]
    if len(kept) == len(current):
        raise HotListError("not_found", f"{plate} {state or ''} is not on {hotlist.name!r}".replace("  ", " "))
    if not reason.strip():
        raise HotListError("reason_required", "say why the entry is removed")
    return write_version(db, hotlist, kept, change="remove", note=f"removed {plate}: {reason}", actor=actor, now=now)


def expire_entries(db: Session, *, now: dt.datetime, actor: str = "system") -> list[HotListVersion]:
    """Drop entries past their expiry date from every active list (a new version per changed list)."""
    out = []
    today = now.date()
    for hotlist in db.scalars(select(HotList).where(HotList.active.is_(True))):
        _, current = _current(db, hotlist)
        kept = [s for s in current if s.entry.expires is None or s.entry.expires >= today]
        if len(kept) != len(current):
            note = f"{len(current) - len(kept)} expired entries removed"
            out.append(write_version(db, hotlist, kept, change="expiry", note=note, actor=actor, now=now))
    return out


@dataclass(frozen=True)
class Snapshot:
    version: int
    created_at: dt.datetime
    content_hash: str
    entries: list[StoredEntry]
    lists: dict[int, HotList]


def snapshot(
    db: Session, at: int | None = None, *, include_covert: bool = True, today: dt.date | None = None
) -> Snapshot:
    """Every active list as of global version `at` (default: now): the hot list units compare against."""
    version_id = at if at is not None else current_version_id(db)
    if version_id is None:
        return Snapshot(0, dt.datetime.min.replace(tzinfo=dt.UTC), snapshot_hash([]), [], {})
    lists = {h.id: h for h in db.scalars(select(HotList).where(HotList.active.is_(True)))}
    entries: list[StoredEntry] = []
    created_at = dt.datetime.min.replace(tzinfo=dt.UTC)
    for hotlist in lists.values():
        if hotlist.covert and not include_covert:
            continue
        version = latest_version(db, hotlist.id, version_id)
        if version is None:
            continue
        created_at = max(created_at, version.created_at)
        entries += [s for s in stored_entries(db, version.id) if today is None or is_active(s.entry, today)]
    digest = snapshot_hash((s.hotlist_id, s.entry) for s in entries)
    return Snapshot(version_id, created_at, digest, entries, lists)


def entry_identity(s: StoredEntry) -> tuple[int, str, str, str, str]:
    return (s.hotlist_id, s.entry.plate, s.entry.state or "", s.entry.category.value, content_hash([s.entry]))


def delta(old: Iterable[StoredEntry], new: Iterable[StoredEntry]) -> tuple[list[StoredEntry], list[StoredEntry]]:
    """(added, removed) between two snapshots; a changed entry is removed and added."""
    old_map = {entry_identity(s): s for s in old}
    new_map = {entry_identity(s): s for s in new}
    added = [s for k, s in new_map.items() if k not in old_map]
    removed = [s for k, s in old_map.items() if k not in new_map]
    return added, removed


@dataclass(frozen=True)
class ImportOutcome:
    version: HotListVersion
    result: ImportResult
    new_entries: list[StoredEntry]


def import_into(
    db: Session,
    hotlist: HotList,
    data: bytes,
    *,
    format_name: str | None,
    actor: str,
    now: dt.datetime,
    encoding: str | None = None,
    max_bad_share: float = 0.05,
    filename: str = "",
) -> ImportOutcome:
    """Import a file into `hotlist` as its new version: all of it, or nothing (ImportRefused, HotListError)."""
    fmt = format_name or hotlist.import_format
    if not fmt:
        raise HotListError("format_required", f"give the file format; {hotlist.name!r} has no default format")
    wanted = {s for s in hotlist.state_filter.split(",") if s} or None
    try:
        result = import_file(data, fmt, state_filter=wanted, max_bad_share=max_bad_share, encoding=encoding)
    except UnknownFormatError as exc:
        raise HotListError("unknown_format", str(exc)) from exc
    except (LookupError, ValueError) as exc:
        raise HotListError("bad_import_options", str(exc)) from exc
    default = Category(hotlist.default_category)
    entries = [replace(e, category=default) if e.category is Category.OTHER else e for e in result.entries]
    note = f"{filename or 'upload'}: {len(entries)} entries, {result.bad_lines} bad line(s) skipped"
    version, new = replace_entries(db, hotlist, entries, actor=actor, now=now, note=note)
    new_keys = {e.key for e in new}
    stored = [s for s in stored_entries(db, version.id) if s.entry.key in new_keys]
    return ImportOutcome(version, result, stored)
