"""The list of command modules; each exposes `register(app)`."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Attach every area's commands to the root app."""
    from platewatch.cli import hotlist_commands, server_commands

    server_commands.register(app)
    hotlist_commands.register(app)
    # Recognition: `recognize`, `bench recognition`.
