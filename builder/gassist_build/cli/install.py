# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""``gassist-build install`` and ``uninstall``."""

from __future__ import annotations

from pathlib import Path

import click

from .._steps import StepLog, console_for
from ..install import install_plugin, uninstall_plugin


@click.command("install")
@click.argument("dist_dir", type=click.Path(path_type=Path))
@click.option(
    "--plugins-dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Plug-ins folder to install into. Default: $GASSIST_PLUGINS_DIR, else on Windows"
    " %PROGRAMDATA%\\NVIDIA Corporation\\nvtopps\\rise\\plugins, elsewhere"
    " $XDG_DATA_HOME/gassist/plugins (~/.local/share/gassist/plugins).",
)
@click.option("--force", is_flag=True,
              help="Install a folder that `gassist-build build` did not make.")
def install_command(dist_dir: Path, plugins_dir: Path | None, force: bool) -> None:
    """Install a built plug-in (dist/NAME), keeping your config.json and other files."""
    console = console_for(stderr=True)
    result = install_plugin(dist_dir, plugins_dir, force=force, log=StepLog(console))
    click.echo(result.summary())


@click.command("uninstall")
@click.argument("name")
@click.option("--plugins-dir", type=click.Path(path_type=Path), default=None,
              help="Plug-ins folder (same default as install).")
@click.option("--purge", is_flag=True,
              help="Also delete your files (config.json, auth.json, keys, caches, logs).")
def uninstall_command(name: str, plugins_dir: Path | None, purge: bool) -> None:
    """Remove an installed plug-in; your config.json and other files stay unless --purge."""
    click.echo(uninstall_plugin(name, plugins_dir, purge=purge).summary())
