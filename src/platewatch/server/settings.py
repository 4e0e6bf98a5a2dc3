"""Server settings from the environment (prefix PLATEWATCH_), validated by pydantic-settings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from platewatch.domain.geo import parse_bbox
from platewatch.domain.local_time import zone
from platewatch.domain.retention import ORDER_RETENTION_DAYS, authority_problem

MAX_INGEST_BATCH = 10_000
"""The most reads one ingest request may ever carry (`ingest_max_batch` is at most this)."""


class Settings(BaseSettings):
    """Everything the operations server can be configured with; unknown PLATEWATCH_ keys are ignored."""

    model_config = SettingsConfigDict(env_prefix="PLATEWATCH_", env_file=None, frozen=True)

    database_url: str = Field(
        "sqlite:///var/platewatch.db",
        description="SQLAlchemy URL: sqlite:///PATH or postgresql+psycopg://USER@HOST:PORT/DB",
    )
    data_dir: Path = Field(Path("var"), description="Folder for the image store and other files")
    host: str = Field("127.0.0.1", description="Address the server listens on")
    port: int = Field(8000, ge=1, le=65535)
    agency_name: str = Field("New Canaan Police Department", description="Shown on pages and reports")
    smtp_host: str = Field(
        "", description="The agency's mail relay for notices (order V.C.1); empty: notices on the Notices page only"
    )
    smtp_port: int = Field(587, ge=1, le=65535)
    smtp_security: Literal["starttls", "tls", "none"] = Field(
        "starttls", description="STARTTLS (587), implicit TLS (465), or none (a relay on this machine only)"
    )
    smtp_from: str = Field("platewatch@localhost", max_length=200, description="The notices' sender address")
    smtp_username: str = Field(
        "", max_length=200, description="Log on to the relay as this user (with the password file)"
    )
    smtp_password_file: Path | None = Field(None, description="A file holding the relay password (mode 600)")
    notice_to_hotlists: str = Field(
        "",
        max_length=2000,
        description="Addresses told of old hot lists and failed imports (the Program Administrator)",
    )
    notice_to_units: str = Field(
        "", max_length=2000, description="Addresses told of units' problems: reads left after a shift, disk, clock, GPS"
    )
    notice_check_minutes: float = Field(5.0, ge=0.0, description="How often the server looks for causes (0: never)")
    notice_repeat_minutes: float = Field(
        60.0, gt=0.0, description="A notice nobody acknowledged is sent again this often"
    )
    leas_lpr_subtype: str = Field(
        "LPR",
        max_length=16,
        description="The LEAS incident sub-type for incidents and arrests that involve LPR (order V.E.2f): stops, "
        "arrests and recoveries from LPR not documented under it are on the supervisors' LEAS report",
    )
    time_zone: str = Field(
        "UTC",
        description="The agency's IANA time zone (e.g. America/New_York): pages, reports, CSV and PDF documents and "
        "evidence manifests show local time with its offset, and reports count the agency's days; the database and the "
        "API keep UTC",
    )

    session_idle_minutes: int = Field(30, ge=1, le=30, description="CJIS 5.5.5: lock after ≤ 30 min idle")
    session_max_hours: int = Field(12, ge=1, le=24, description="A session ends after this many hours")
    lockout_attempts: int = Field(5, ge=1, le=5, description="CJIS 5.5.3: ≤ 5 failed logins")
    lockout_minutes: int = Field(10, ge=10, le=1440, description="CJIS 5.5.3: lock ≥ 10 minutes")

    request_max_bytes: int = Field(
        64 * 1024 * 1024, ge=1024, description="Largest request body (a batch of reads with images, a hot-list file)"
    )
    ingest_max_batch: int = Field(
        1000,
        ge=1,
        le=MAX_INGEST_BATCH,
        description="The most reads one ingest request carries (a /reads batch, an OpenALPR message); more is a 422",
    )
    image_max_bytes: int = Field(2_000_000, ge=1024, description="Largest accepted JPEG, decoded bytes")
    search_max_page_size: int = Field(500, ge=1, le=5000)
    retention_days: int = Field(14, ge=1, description="Order V.D.3: reads kept at most this many days")
    retention_authority: str = Field(
        "",
        validate_default=True,
        description="The legal authority (statute, court order) for a retention period above the order's 14 days; "
        "required then, and named by `platewatch check`",
    )
    purge_every_minutes: float = Field(
        60.0, ge=0.0, description="How often the server purges expired reads (0: never; then run `platewatch purge`)"
    )
    querylog_anchor_file: Path | None = Field(
        None,
        description="Append the Data Query Log's head (last row number and hash) to this file every "
        "querylog_anchor_minutes: a file the database's administrators cannot rewrite (another machine's mount, "
        "append-only or WORM storage); `platewatch querylog verify --anchors FILE` checks the log against it",
    )
    querylog_anchor_minutes: float = Field(60.0, gt=0.0, description="How often the server anchors the query log")
    store_lock_check_seconds: float = Field(
        10.0,
        gt=0.0,
        description="How often the server makes sure it still holds the store's lock (PostgreSQL drops it when it "
        "restarts; it is taken again, or the server stops if a restore took it meanwhile)",
    )
    backup_dir: Path | None = Field(
        None,
        description="The daily backups' folder: `platewatch backup create` and `list` use it when given no folder, "
        "and `platewatch check` fails when its newest backup is more than 26 hours old",
    )
    require_training: bool = Field(
        True, description="Order V.D.2: only people with a current training record reach LPR data"
    )
    map_tiles_url: str = Field(
        "",
        description="Map tiles for the map of reads, e.g. the town GIS's https://gis.example/tiles/{z}/{x}/{y}.png "
        "(empty: points on a plain background)",
    )
    map_attribution: str = Field("", description="The tiles' attribution, shown on the map")
    map_area: str = Field(
        "41.09,-73.57,41.21,-73.43",
        description="The town's box (min_lat,min_lon,max_lat,max_lon): the map page's default area",
    )
    hotlist_max_bad_share: float = Field(
        0.05, ge=0.0, le=1.0, description="An import losing more than this share of its lines is refused whole"
    )
    hotlist_max_bytes: int = Field(200_000_000, ge=1024, description="Largest hot-list file accepted")
    hotlist_state_rule: Literal["lower", "hide", "ignore"] = Field(
        "lower", description="A hit whose state differs from the read's: lower its priority, hide it, or ignore state"
    )
    alert_repeat_minutes: float = Field(
        10.0,
        ge=0.0,
        le=1440.0,
        description="The same unit's pass of a vehicle on the same list within this many minutes of its alert is "
        "counted on that alert, not raised again (0: every pass alerts; ADR 0012)",
    )

    town_agencies: str = Field(
        "",
        max_length=2000,
        description="The town's agencies besides agency_name that may request LPR data, separated by ';' (e.g. "
        "'Town of New Canaan; New Canaan Fire Marshal'): a request from any other agency or jurisdiction is recorded "
        "and denied (order V.D.6)",
    )

    database_replica_urls: str = Field(
        "",
        max_length=4000,
        description="PostgreSQL hot standbys of database_url, separated by ',': searches, maps, exports and reports "
        "read from the freshest one; ingest, the query log and every write stay on the primary",
    )
    replica_max_lag_seconds: float = Field(
        30.0,
        ge=0.0,
        description="A standby further behind the primary than this (or down, or not streaming) is skipped: the "
        "request is served by the primary and says so",
    )

    bootstrap_admin_username: str | None = Field(
        None, description="Create this administrator at start-up when no administrator exists"
    )
    bootstrap_admin_password: str | None = Field(
        None, description="Its password; when unset a one-time password is generated and printed once"
    )

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        zone(value)  # ValueError naming the zone when it is not one
        return value

    @field_validator("retention_authority")
    @classmethod
    def _an_authority_for_a_longer_retention(cls, value: str, info: ValidationInfo) -> str:
        problem = authority_problem(int(info.data.get("retention_days", ORDER_RETENTION_DAYS)), value)
        if problem:
            raise ValueError(problem)
        return value.strip()

    @field_validator("map_area")
    @classmethod
    def _an_area(cls, value: str) -> str:
        parse_bbox(value)  # a ValueError names what is wrong
        return value

    @field_validator("database_replica_urls")
    @classmethod
    def _postgresql_standbys(cls, value: str, info: ValidationInfo) -> str:
        urls = [u.strip() for u in value.split(",") if u.strip()]
        if urls and not str(info.data.get("database_url", "")).startswith("postgresql"):
            raise ValueError("replicas need a PostgreSQL database_url (SQLite has no standbys)")
        for url in urls:
            if not url.startswith("postgresql"):
                raise ValueError(f"a replica must be a postgresql+psycopg:// URL, not {url.split(':', 1)[0]}:")
        return value

    @field_validator("querylog_anchor_file")
    @classmethod
    def _a_folder_that_exists(cls, value: Path | None) -> Path | None:
        if value is not None and not value.parent.is_dir():
            raise ValueError(f"no folder {value.parent} for the anchor file")
        return value

    @property
    def image_dir(self) -> Path:
        return self.data_dir / "images"

    @property
    def town_agency_names(self) -> tuple[str, ...]:
        """`agency_name` and the town's other agencies (V.D.6)."""
        return (self.agency_name, *(a.strip() for a in self.town_agencies.split(";") if a.strip()))

    @property
    def replica_urls(self) -> tuple[str, ...]:
        return tuple(u.strip() for u in self.database_replica_urls.split(",") if u.strip())

    @property
    def alert_repeat_window(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.alert_repeat_minutes)
