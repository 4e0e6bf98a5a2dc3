"""The `platewatch` command: one Typer app; each area registers its commands from its own module."""

from __future__ import annotations

import typer

from platewatch import __version__

app = typer.Typer(
    name="platewatch",
    help="PlateWatch: licence plate recognition, unit agent and operations server.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@app.command()
def version() -> None:
    """Print the PlateWatch version."""
    typer.echo(__version__)


def _register() -> None:
    # Each module owns its commands; importing it here keeps `platewatch --help` complete.
    from platewatch.cli import commands

    commands.register(app)


_register()
