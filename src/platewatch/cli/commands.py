"""The list of command modules; each exposes `register(app)`."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Attach every area's commands to the root app."""
    # Server-side areas (added as they land).
    # Recognition: `recognize`, `bench recognition`.
    from platewatch.cli import bench, recognize

    recognize.register(app)
    bench.register(app)
