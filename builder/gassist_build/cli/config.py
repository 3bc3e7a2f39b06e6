# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""``gassist-build config``: a thin wrapper over :func:`.config_sync.sync_config_files`."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.text import Text

from .._steps import console_for
from ..manifest.config import EXAMPLE_NAME, SCHEMA_NAME, sync_config_files
from .validate import dev_option, hinted_failure

__all__ = ["config_command"]


def _console() -> Console:
    # Text objects, never markup: paths and JSON keys can look like rich markup.
    return console_for()


@click.command("config")
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--check",
    is_flag=True,
    help=f"Write nothing; exit 1 and show a diff when {EXAMPLE_NAME} or {SCHEMA_NAME} is stale.",
)
@click.option(
    "--python",
    metavar="EXE",
    help="Interpreter that runs plugin.py (default: the one running gassist-build).",
)
@dev_option
def config_command(path: Path, check: bool, python: str | None, dev: bool) -> None:
    """Write PATH/config.example.json and PATH/config.schema.json from the plug-in's code.

    They come from `plugin.py --config-example` and `--config-schema`: every key with its
    description, secrets left empty. config.json itself is never read into them.
    """
    with hinted_failure(path, isolated=not dev):
        result = sync_config_files(path, check=check, python=python, isolated=not dev)
    console = _console()
    if result.status == "no-config":
        console.print(
            Text(
                f"{path / 'plugin.py'} declares no config (Plugin(..., config=...)); "
                "nothing was written.",
                style="yellow",
            )
        )
        leftovers = [p.name for p in result.paths if p.exists()]
        if leftovers:
            console.print(Text(f"{' and '.join(leftovers)} no longer match the code; "
                               "delete them if the plug-in has no config.", style="dim"))
        return
    if result.status == "stale":
        for line in result.diff.splitlines():
            style = "green" if line.startswith("+") else "red" if line.startswith("-") else ""
            console.print(Text(line, style=style))
        for stale in result.changed:
            state = "is not up to date" if stale.exists() else "does not exist"
            console.print(Text(f"{stale} {state}", style="bold red"))
        console.print(Text(f"run: gassist-build config {path}", style="bold red"))
        click.get_current_context().exit(1)
    if result.status == "unchanged":
        console.print(Text(f"{EXAMPLE_NAME} and {SCHEMA_NAME} in {path} are up to date",
                           style="green"))
        return
    for written in result.changed:
        console.print(Text(f"wrote {written}", style="green"))
