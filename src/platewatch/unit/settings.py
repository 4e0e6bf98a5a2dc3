"""The unit agent's site settings as its service reads them (`/etc/platewatch/unit.env`, `PLATEWATCH_UNIT_*`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from dotenv import dotenv_values
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from platewatch.engine.models import DETECTOR_SIZES
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
    ignore: str = ""
    """Parts of the camera's view where no plate is looked for (a burned-in clock, a sign a trailer always sees): each
    x,y,w,h as fractions of the frame from its top-left corner, several joined by `;` (`unit run --ignore`)."""
    detector_size: int | None = Field(None, ge=DETECTOR_SIZES[0], le=DETECTOR_SIZES[1])
    """The detector's input, longer side in pixels, in place of its own 960 (`unit run --detector-size`): smaller on a
    computer too slow for 15 frames a second at 960 (docs/operations.md, "A slower unit computer")."""
    alert_repeat_minutes: float = Field(10.0, ge=0.0, le=1440.0)
    """A pass of an alerted vehicle on the same list within this many minutes of its alert is counted on that alert,
    with no new alarm (0: every pass alerts; ADR 0012). The server counts with its PLATEWATCH_ALERT_REPEAT_MINUTES."""

    @property
    def alert_repeat_window(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.alert_repeat_minutes)


TLS_VARIABLES = ("SSL_CERT_FILE", "SSL_CERT_DIR")
"""What a unit.env may set for the unit's trust in the server's certificate (OpenSSL's own variables)."""


def tls_environment(env_file: Path) -> dict[str, str]:
    """The TLS variables `env_file` sets: systemd's EnvironmentFile gives them to the service; `unit check` takes
    them the same way, so that it trusts what the agent will."""
    values = dotenv_values(env_file)
    return {k: str(values[k]) for k in TLS_VARIABLES if values.get(k)}
