"""Hot lists (order III.3, IV.A): categories, entries, and the content hash of a list version."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from enum import StrEnum


class Category(StrEnum):
    STOLEN_VEHICLE = "stolen_vehicle"
    STOLEN_PLATE = "stolen_plate"
    AMBER = "amber"
    SILVER = "silver"
    WANTED_PERSON = "wanted_person"
    MISSING_PERSON = "missing_person"
    PROTECTION_ORDER = "protection_order"
    SEX_OFFENDER = "sex_offender"
    GANG_TERRORIST = "gang_terrorist"
    VIOLENT_PERSON = "violent_person"
    SUPERVISED_RELEASE = "supervised_release"
    PROTECTIVE_INTEREST = "protective_interest"
    REGISTRATION = "registration"  # expired / suspended registration (state DMV lists)
    SUSPENDED_LICENSE = "suspended_license"  # suspended operating privilege of the owner (NY list code Z)
    BOLO = "bolo"  # manual entry: be on the lookout
    OTHER = "other"


# What each category is called on a page (the codes are the API's and the files').
CATEGORY_WORDS: dict[Category, str] = {
    Category.STOLEN_VEHICLE: "stolen vehicle",
    Category.STOLEN_PLATE: "stolen plate",
    Category.AMBER: "AMBER alert",
    Category.SILVER: "Silver alert",
    Category.WANTED_PERSON: "wanted person",
    Category.MISSING_PERSON: "missing person",
    Category.PROTECTION_ORDER: "protection order",
    Category.SEX_OFFENDER: "sex offender",
    Category.GANG_TERRORIST: "gang or terrorist member",
    Category.VIOLENT_PERSON: "violent person",
    Category.SUPERVISED_RELEASE: "supervised release",
    Category.PROTECTIVE_INTEREST: "protective interest",
    Category.REGISTRATION: "expired or suspended registration",
    Category.SUSPENDED_LICENSE: "suspended license",
    Category.BOLO: "be on the lookout",
    Category.OTHER: "other",
}


def category_words(code: str) -> str:
    """A category in plain words ("stolen_vehicle" → "stolen vehicle"); an unknown code with its underscores as
    spaces."""
    try:
        return CATEGORY_WORDS[Category(code)]
    except ValueError:
        return code.replace("_", " ")


# Default priority by category (1 = most urgent); lists can override.
CATEGORY_PRIORITY: dict[Category, int] = {
    Category.AMBER: 1,
    Category.SILVER: 1,
    Category.VIOLENT_PERSON: 1,
    Category.WANTED_PERSON: 2,
    Category.GANG_TERRORIST: 2,
    Category.STOLEN_VEHICLE: 2,
    Category.MISSING_PERSON: 2,
    Category.PROTECTION_ORDER: 2,
    Category.STOLEN_PLATE: 3,
    Category.BOLO: 3,
    Category.SEX_OFFENDER: 4,
    Category.SUPERVISED_RELEASE: 4,
    Category.PROTECTIVE_INTEREST: 4,
    Category.REGISTRATION: 5,
    Category.SUSPENDED_LICENSE: 5,
    Category.OTHER: 5,
}


@dataclass(frozen=True, slots=True)
class Vehicle:
    """NCIC vehicle descriptors (VYR, VMA, VMO, VST, VCO); empty strings when unknown."""

    year: str = ""
    make: str = ""
    model: str = ""
    style: str = ""
    colour: str = ""


@dataclass(frozen=True, slots=True)
class HotListEntry:
    """One plate of interest as an importer or an officer gives it; `plate` is normalized."""

    plate: str
    state: str | None = None
    category: Category = Category.OTHER
    nic: str = ""  # NCIC number (file code letter first)
    ori: str = ""  # originating agency
    case_number: str = ""
    vehicle: Vehicle = field(default_factory=Vehicle)
    plate_year: str = ""
    plate_type: str = ""
    effective: dt.date | None = None
    expires: dt.date | None = None
    description: str = ""
    purpose: str = ""  # required for manual entries (order V.E.9c)

    @property
    def key(self) -> tuple[str, str]:
        """Identity within one list: plate and state (an entry without state matches any state)."""
        return (self.plate, self.state or "")

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        data["category"] = self.category.value
        data["effective"] = self.effective.isoformat() if self.effective else None
        data["expires"] = self.expires.isoformat() if self.expires else None
        return data


def content_hash(entries: Iterable[HotListEntry]) -> str:
    """SHA-256 over the entries in a canonical order: equal lists hash equal, whatever their order."""
    h = hashlib.sha256()
    for e in sorted(entries, key=lambda e: (e.key, e.category.value, e.nic)):
        h.update(json.dumps(e.to_json(), sort_keys=True, separators=(",", ":")).encode())
        h.update(b"\n")
    return h.hexdigest()


def snapshot_hash(items: Iterable[tuple[int, HotListEntry]]) -> str:
    """The hash of a whole hot list as units receive it: (list id, entry) pairs in a canonical order. The server
    sends it with every snapshot and delta; a unit recomputes it to know that its copy is the server's."""
    h = hashlib.sha256()
    for list_id, e in sorted(items, key=lambda i: (i[0], i[1].key, i[1].category.value, i[1].nic)):
        h.update(f"{list_id}|{content_hash([e])}\n".encode())
    return h.hexdigest()


def is_active(entry: HotListEntry, today: dt.date) -> bool:
    """An entry is in force from its effective date up to and including its expiry date."""
    if entry.effective is not None and today < entry.effective:
        return False
    return not (entry.expires is not None and today > entry.expires)
