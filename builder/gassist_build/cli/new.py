# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""``gassist-build new``: scaffold a plug-in from a template."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..scaffold import TEMPLATES, render_template


@click.command("new")
@click.argument("name")
@click.option("--template", "-t", type=click.Choice(TEMPLATES), default="basic",
              show_default=True, help="basic: one command and a config with a secret;"
              " passthrough-chat: a multi-turn conversation; service: calls an HTTP API.")
@click.option("--output-dir", "-o", type=click.Path(path_type=Path), default=Path("."),
              show_default=True, help="Where to create the NAME folder.")
@click.option("--no-input", is_flag=True,
              help="Never prompt; use default values (the default when not in a terminal).")
def new_command(name: str, template: str, output_dir: Path, no_input: bool) -> None:
    """Create a new plug-in NAME from a template, with tests that pass."""
    interactive = not no_input and sys.stdin.isatty()
    folder = render_template(name, template, output_dir, no_input=not interactive)
    click.echo(f"Created {folder} from the {template!r} template.\n"
               f"Next: cd {folder} && pytest && gassist-build build .")
