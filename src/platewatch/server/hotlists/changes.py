"""A hot-list change as every caller (API, web page, CLI, watched folder) makes it: the new version, its
historical alerts, and the security event administrators see. The caller commits; a refused import's
failure event is committed here, because the caller's transaction is rolled back."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from platewatch.domain.hotlists import HotListEntry
from platewatch.server.accounts.service import record_event
from platewatch.server.alerts.matcher import Matcher
from platewatch.server.alerts.service import retro_hits_for_change
from platewatch.server.hotlists import service
from platewatch.server.hotlists.importers import ImportRefused
from platewatch.server.hotlists.models import HotList, HotListVersion
from platewatch.server.hotlists.schemas import HotListCreate, HotListSettingsChange
from platewatch.server.settings import Settings


@dataclass(frozen=True)
class Imported:
    outcome: service.ImportOutcome
    retro_alerts: int


def import_file(
    db: Session,
    matcher: Matcher,
    settings: Settings,
    hotlist: HotList,
    data: bytes,
    *,
    format_name: str | None,
    encoding: str | None,
    filename: str,
    actor: str,
    now: dt.datetime,
) -> Imported:
    """Import `data` as the list's new version; raises ImportRefused (recorded) or HotListError."""
    try:
        outcome = service.import_into(
            db, hotlist, data, format_name=format_name, actor=actor, now=now, encoding=encoding,
            max_bad_share=settings.hotlist_max_bad_share, filename=filename,
        )  # fmt: skip
    except ImportRefused as exc:
        db.rollback()
        record_event(db, actor, "hotlist_import", "failure", f"{hotlist.name}: {exc.message}"[:500])
        db.commit()
        raise
    retro = retro_hits_for_change(db, matcher, settings, hotlist, outcome.new_entries, now)
    record_event(db, actor, "hotlist_import", "success", f"{hotlist.name}: version {outcome.version.id}")
    return Imported(outcome, retro)


def add_manual_entry(
    db: Session,
    matcher: Matcher,
    settings: Settings,
    hotlist: HotList,
    entry: HotListEntry,
    *,
    actor: str,
    now: dt.datetime,
) -> tuple[HotListVersion, int]:
    """Add (or replace) a manual entry; returns the new version and the historical alerts raised."""
    version = service.add_manual_entry(db, hotlist, entry, actor=actor, now=now)
    new = [s for s in service.stored_entries(db, version.id) if s.entry.key == entry.key]
    return version, retro_hits_for_change(db, matcher, settings, hotlist, new, now)


def update_settings(db: Session, hotlist: HotList, *, actor: str, now: dt.datetime, **settings: object) -> str:
    """Change a list's settings (a new version whose note says what changed); returns that note, or "" when
    nothing changed."""
    version = service.update_list(db, hotlist, actor=actor, now=now, **settings)
    if version is None:
        return ""
    record_event(
        db, actor, "hotlist_settings", "success", f"{hotlist.name}: version {version.id}: {version.note}"[:500]
    )
    return version.note


def change_settings(
    db: Session, hotlist: HotList, change: HotListSettingsChange, *, actor: str, now: dt.datetime
) -> tuple[HotListCreate, str]:
    """Apply a change of some settings (the API's PATCH, `hotlist settings`): the list's settings with the change's,
    validated whole (a ValidationError names what is wrong), then `update_settings`; the new settings and the note."""
    merged = change.applied_to(HotListCreate.model_validate(service.settings_of(hotlist)))
    return merged, update_settings(db, hotlist, actor=actor, now=now, **service.settings_from(merged))


def retire(db: Session, hotlist: HotList, *, actor: str, now: dt.datetime, reason: str) -> HotListVersion:
    """Retire a list: no more hits on the server or units from its last, empty version on."""
    version = service.retire_list(db, hotlist, actor=actor, now=now, reason=reason)
    record_event(db, actor, "hotlist_retired", "success", f"{hotlist.name}: version {version.id}: {reason}"[:500])
    return version
