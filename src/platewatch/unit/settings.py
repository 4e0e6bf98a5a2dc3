"""The unit agent's site settings as its service reads them (`/etc/platewatch/unit.env`, `PLATEWATCH_UNIT_*`)."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict

from platewatch.unit.screen import DEFAULT_SCREEN


class UnitSettings(BaseSettings):
    """What `platewatch-unit.service` passes to `unit run`; other keys in the file are ignored."""

    model_config = SettingsConfigDict(env_prefix="PLATEWATCH_UNIT_", env_file=None, frozen=True, extra="ignore")

    camera: str | None = None
    """An RTSP or HTTP URL, or a device number (0 = /dev/video0)."""
    camera_name: str = "front"
    server: str | None = None
    gps: str | None = None
    screen: str = DEFAULT_SCREEN
