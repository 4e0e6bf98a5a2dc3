"""Run `platewatch …` in-process as a user would type it: (exit code, everything it printed)."""

from __future__ import annotations

from typer.testing import CliRunner

from platewatch.cli.main import app

runner = CliRunner()


def run(*args: str, input: str | None = None) -> tuple[int, str]:
    result = runner.invoke(app, list(args), input=input)
    return result.exit_code, result.output
