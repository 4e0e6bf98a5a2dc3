"""The list of command modules; each exposes `register(app)`."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Attach every area's commands to the root app."""
    from platewatch.cli import (
        area_commands,
        bench,
        deployment_commands,
        hotlist_commands,
        recognize,
        server_commands,
        supervision_commands,
        unit_agent,
        video,
    )

    server_commands.register(app)
    unit_agent.register(server_commands.unit_app)  # `unit replay`, `unit upload`: the unit's side
    hotlist_commands.register(app)
    area_commands.register(app)  # `area …`, `user restrict|unrestrict`
    supervision_commands.register(app)  # `assignment …`, `command …`
    deployment_commands.register(app)  # `deployment approve|revise|end|list`
    recognize.register(app)  # `recognize`
    video.register(app)  # `recognize-video`
    bench.register(app)  # `bench recognition`
