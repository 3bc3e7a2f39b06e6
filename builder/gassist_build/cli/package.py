# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""``gassist-build package``: zip a built plug-in."""

from __future__ import annotations

from pathlib import Path

import click

from ..package import package_plugin


@click.command("package")
@click.argument("dist_dir", type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Folder for the zip (default: beside DIST_DIR).")
@click.option("--force", is_flag=True,
              help="Pack a folder that `gassist-build build` did not make.")
def package_command(dist_dir: Path, out: Path | None, force: bool) -> None:
    """Pack a built plug-in into NAME-VERSION.zip with a .sha256 checksum."""
    click.echo(package_plugin(dist_dir, out, force=force).summary())
