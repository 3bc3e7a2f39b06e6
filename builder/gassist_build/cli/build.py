# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""``gassist-build build``: a plug-in folder into ``dist/NAME``."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console

from .._steps import StepLog
from ..build import Mode, build_plugin


@click.command("build")
@click.argument("plugin_dir", type=click.Path(path_type=Path))
@click.option("--mode", type=click.Choice(["source", "exe"]), default="source", show_default=True,
              help="source: plugin.py + libs/ (what V2 engines run); exe: a PyInstaller"
              " executable.")
@click.option("--onefile", is_flag=True,
              help="With --mode exe: one file (slower to start: it unpacks on every launch).")
@click.option("--out", type=click.Path(path_type=Path), default=Path("dist"), show_default=True,
              help="Folder that receives NAME/.")
@click.option("--offline", is_flag=True,
              help="Install requirements from the packages installed in this Python instead"
              " of PyPI.")
def build_command(plugin_dir: Path, mode: Mode, onefile: bool, out: Path, offline: bool) -> None:
    """Build PLUGIN_DIR into OUT/NAME, ready for the G-Assist plug-ins folder."""
    console = Console(stderr=True)
    result = build_plugin(plugin_dir, mode, out, onefile=onefile, offline=offline,
                          log=StepLog(console))
    click.echo(result.summary())
