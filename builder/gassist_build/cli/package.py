# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""``gassist-build package``: zip a built plug-in, or write a hackathon submission."""

from __future__ import annotations

from pathlib import Path

import click

from ..package import package_plugin, package_submission


@click.command("package")
@click.argument("dist_dir", type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Folder for the zip or the submission (default: beside DIST_DIR).")
@click.option("--force", is_flag=True,
              help="Pack a folder that `gassist-build build` did not make.")
@click.option("--submission", is_flag=True,
              help="Write NAME-VERSION-submission/ as the G-Assist hackathon asks"
                   " (needs --source).")
@click.option("--source", type=click.Path(path_type=Path), default=None,
              help="The plug-in's source folder (plugins/NAME), for --submission.")
def package_command(dist_dir: Path, out: Path | None, force: bool, submission: bool,
                    source: Path | None) -> None:
    """Pack a built plug-in into NAME-VERSION.zip with a .sha256 checksum.

    With --submission --source plugins/NAME, write NAME-VERSION-submission/ instead: what
    a G-Assist hackathon submission holds, refusing while a piece is missing.
    """
    if not submission:
        if source is not None:
            raise click.UsageError("--source only applies to --submission")
        click.echo(package_plugin(dist_dir, out, force=force).summary())
        return
    if source is None:
        raise click.UsageError("--submission needs --source, the plug-in's source folder:"
                               f" gassist-build package {dist_dir} --submission"
                               " --source plugins/NAME")
    click.echo(package_submission(dist_dir, source, out, force=force).summary())
