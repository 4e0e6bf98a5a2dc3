"""Printing installation checks (`platewatch check`, `platewatch unit check`): one ok/FAIL line each, exit 1 on any
failure."""

from __future__ import annotations

from collections.abc import Sequence

import typer
from rich.console import Console

from platewatch.domain.install_checks import Check

out = Console(soft_wrap=True)


def report(checks: Sequence[Check]) -> None:
    """One line per check, in order; exit 1 when something needs fixing."""
    for c in checks:
        out.print(f"{'[green]ok[/green]  ' if c.ok else '[red]FAIL[/red]'}  {c.name}: {c.detail}", highlight=False)
    if not all(c.ok for c in checks):
        raise typer.Exit(1)
