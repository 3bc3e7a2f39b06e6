# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""``gassist-build build``: a plug-in folder into ``dist/NAME`` (``dist/exe/NAME`` for exe)."""

from __future__ import annotations

from pathlib import Path

import click

from .._steps import StepLog, console_for
from ..build import Mode, build_plugin
from ..build.target import DEFAULT_ENGINE_PYTHON, TargetName


@click.command("build")
@click.argument("plugin_dir", type=click.Path(path_type=Path))
@click.option("--mode", type=click.Choice(["source", "exe"]), default="source", show_default=True,
              help="source: plugin.py + libs/ (what V2 engines run); exe: a PyInstaller"
              " executable.")
@click.option("--onefile", is_flag=True,
              help="With --mode exe: one file (slower to start: it unpacks on every launch).")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Folder that receives NAME/.  [default: dist; dist/exe with --mode exe]")
@click.option("--target", type=click.Choice(["windows"]), default=None,
              help="Source mode: build for G-Assist on Windows from any OS (Windows wheels"
              " in libs/).")
@click.option("--engine-python", metavar="X.Y", default=None,
              help="The engine's Python version: wheels for it with --target windows, byte"
              f" code when it is this Python's. [default: {DEFAULT_ENGINE_PYTHON} with --target"
              " windows (on Windows: the Python bundled with G-Assist); else this Python]")
@click.option("--offline", is_flag=True,
              help="Install requirements from the packages installed in this Python instead"
              " of PyPI.")
@click.option("--find-links", "find_links", multiple=True, metavar="DIR",
              type=click.Path(path_type=Path),
              help="Also look for wheels in DIR (pip's --find-links); repeatable.")
def build_command(plugin_dir: Path, mode: Mode, onefile: bool, out: Path | None,
                  target: TargetName | None, engine_python: str | None, offline: bool,
                  find_links: tuple[Path, ...]) -> None:
    """Build PLUGIN_DIR into OUT/NAME, ready for the G-Assist plug-ins folder."""
    console = console_for(stderr=True)
    pip_args = [arg for folder in find_links for arg in ("--find-links", str(folder))]
    result = build_plugin(plugin_dir, mode, out, onefile=onefile, target=target,
                          engine_python=engine_python, offline=offline, pip_args=pip_args,
                          log=StepLog(console))
    click.echo(result.summary())
