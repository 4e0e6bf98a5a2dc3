"""API shapes for hot lists, their versions and entries, and the snapshot units download."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from platewatch.domain.hotlist_settings import schedule_problem
from platewatch.domain.hotlists import Category, HotListEntry, Vehicle
from platewatch.domain.plates import InvalidPlateError, normalize_plate
from platewatch.domain.states import UnknownStateError, normalize_state
from platewatch.server.hotlists.importers import formats
from platewatch.server.hotlists.service import StoredEntry


class HotListCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=64)
    source: str = Field(pattern="^(ncic|state|vendor|manual)$")
    category: Category
    priority: int | None = Field(None, ge=1, le=9)
    covert: bool = False
    approximate: bool = Field(True, description="also raise look-alike and one-edit hits (small, urgent lists)")
    import_format: str | None = Field(None, max_length=32)
    state_filter: str = Field("", max_length=200, pattern=r"^[A-Za-z, ]*$")
    alert_colour: str = Field("red", pattern="^(red|orange|yellow|blue|purple)$")
    alert_sound: str = Field("alarm", pattern="^(alarm|chime|silent)$")
    watch_folder: str = Field("", max_length=400, description="the server folder its files are dropped in")
    import_every_minutes: int = Field(0, ge=0, le=1440, description="how often the folder is looked at (0: never)")

    @field_validator("import_format")
    @classmethod
    def _format(cls, v: str | None) -> str | None:
        known = [name for name, _ in formats()]
        if v is not None and v not in known:
            raise ValueError(f"{v!r} is not an import format; one of {', '.join(known)}")
        return v

    @model_validator(mode="after")
    def _schedule(self) -> HotListCreate:
        self.watch_folder = self.watch_folder.strip()
        problem = schedule_problem(self.watch_folder, self.import_every_minutes, self.import_format)
        if problem is not None:
            raise ValueError(problem)
        return self


class HotListSettingsChange(BaseModel):
    """A change of some of a list's settings: the fields given change, the others stay; the result must meet the rules
    of a new list's settings (`HotListCreate`), e.g. a watched folder needs a schedule and an import format."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, min_length=1, max_length=64)
    category: Category | None = None
    priority: int | None = Field(None, ge=1, le=9)
    covert: bool | None = None
    approximate: bool | None = None
    import_format: str | None = Field(None, max_length=32, description="an empty string: none")
    state_filter: str | None = Field(None, max_length=200, pattern=r"^[A-Za-z, ]*$")
    alert_colour: str | None = Field(None, pattern="^(red|orange|yellow|blue|purple)$")
    alert_sound: str | None = Field(None, pattern="^(alarm|chime|silent)$")
    watch_folder: str | None = Field(None, max_length=400, description="an empty string: no watched folder")
    import_every_minutes: int | None = Field(None, ge=0, le=1440, description="0: no schedule")

    def applied_to(self, current: HotListCreate) -> HotListCreate:
        """`current` with this change's fields, validated whole (a ValidationError names what is wrong)."""
        given = self.model_dump(exclude_unset=True, exclude_none=True)
        if given.get("import_format") == "":
            given["import_format"] = None
        return HotListCreate.model_validate(current.model_dump() | given)


class RetireRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=400, description="why the list's hits stop (its last version's note)")


class HotListPublic(BaseModel):
    id: int
    name: str
    source: str
    category: str
    priority: int
    covert: bool
    approximate: bool
    import_format: str | None
    state_filter: str
    alert_colour: str
    alert_sound: str
    watch_folder: str
    import_every_minutes: int
    version: int | None
    version_created_at: dt.datetime | None
    entry_count: int
    age_hours: float | None
    stale: bool


class DeletedList(BaseModel):
    id: int
    name: str
    versions: int = Field(description="the versions deleted with it (and their entries)")


class VersionPublic(BaseModel):
    id: int
    hotlist_id: int
    created_at: dt.datetime
    created_by: str
    change: str
    note: str
    entry_count: int
    content_hash: str


class ManualEntryCreate(BaseModel):
    """Order V.E.9c: every manual entry carries a specific criminal, investigative or patrol purpose."""

    model_config = ConfigDict(extra="forbid")

    plate: str = Field(max_length=32)
    state: str | None = Field(None, max_length=8)
    category: Category = Category.BOLO
    purpose: str = Field(max_length=500)
    case_number: str = Field("", max_length=40)
    description: str = Field("", max_length=500)
    vehicle_year: str = Field("", max_length=8)
    vehicle_make: str = Field("", max_length=24)
    vehicle_model: str = Field("", max_length=24)
    vehicle_colour: str = Field("", max_length=16)
    expires: dt.date | None = None

    @field_validator("plate")
    @classmethod
    def _plate(cls, v: str) -> str:
        try:
            return normalize_plate(v)
        except InvalidPlateError as exc:
            raise ValueError(str(exc)) from exc

    @field_validator("state")
    @classmethod
    def _state(cls, v: str | None) -> str | None:
        if v is None or not v.strip():
            return None
        try:
            return normalize_state(v)
        except UnknownStateError as exc:
            raise ValueError(str(exc)) from exc

    def to_entry(self) -> HotListEntry:
        return HotListEntry(
            plate=self.plate,
            state=self.state,
            category=self.category,
            case_number=self.case_number,
            vehicle=Vehicle(self.vehicle_year, self.vehicle_make, self.vehicle_model, "", self.vehicle_colour),
            expires=self.expires,
            description=self.description,
            purpose=self.purpose.strip(),
        )


class EntryPublic(BaseModel):
    hotlist_id: int
    plate: str
    state: str | None
    category: str
    nic: str
    ori: str
    case_number: str
    vehicle: dict[str, str]
    plate_year: str
    plate_type: str
    effective: dt.date | None
    expires: dt.date | None
    description: str
    purpose: str
    owner: str
    added_at: dt.datetime


def entry_public(s: StoredEntry) -> EntryPublic:
    e = s.entry
    v = e.vehicle
    return EntryPublic(
        hotlist_id=s.hotlist_id,
        plate=e.plate,
        state=e.state,
        category=e.category.value,
        nic=e.nic,
        ori=e.ori,
        case_number=e.case_number,
        vehicle={"year": v.year, "make": v.make, "model": v.model, "style": v.style, "colour": v.colour},
        plate_year=e.plate_year,
        plate_type=e.plate_type,
        effective=e.effective,
        expires=e.expires,
        description=e.description,
        purpose=e.purpose,
        owner=s.owner,
        added_at=s.added_at,
    )


class ChangeResult(BaseModel):
    version: VersionPublic
    retro_alerts: int = Field(description="historical alerts raised on retained reads for new entries")


class SnapshotPublic(BaseModel):
    """What a unit downloads: the whole hot list, or the changes since `since`."""

    version: int
    created_at: dt.datetime
    content_hash: str
    full: bool
    since: int | None
    entries: list[EntryPublic] = Field(description="the whole list (full) or the entries added since `since`")
    removed: list[EntryPublic] = Field(default_factory=list)
    lists: dict[int, dict[str, str | int]] = Field(description="list id → name, category, priority, colour, sound")


class DiffPublic(BaseModel):
    from_version: int
    to_version: int
    added: list[EntryPublic]
    removed: list[EntryPublic]


class ImportReport(BaseModel):
    version: VersionPublic
    lines_read: int
    data_lines: int
    entries: int
    new_entries: int
    bad_lines: int
    problems: list[dict[str, object]] = Field(description="malformed lines: line number, reason, text")
    skipped_false_plates: int
    duplicates: int
    filtered_by_state: int
    retro_alerts: int
