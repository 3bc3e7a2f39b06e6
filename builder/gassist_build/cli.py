# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""The ``gassist-build`` command line. Thin: each subcommand calls one library function.

Subcommands live in their own modules and are attached here; a module that
fails to import (an optional dependency missing) does not take the others down.
"""

from __future__ import annotations

import importlib

import click

from . import __version__

# (module, attribute) of each click command attached to the group, in help order.
_COMMANDS: list[tuple[str, str]] = [
    ("validate_cmd", "validate"),
    ("validate_cmd", "manifest"),
    ("config_cmd", "config_command"),
    ("scaffold", "new_command"),
    ("build", "build_command"),
    ("install", "install_command"),
    ("install", "uninstall_command"),
    ("package", "package_command"),
    ("emulate_cmd", "call"), ("emulate_cmd", "chat"), ("emulate_cmd", "check"),
]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="gassist-build")
def cli() -> None:
    """Build, check, run and install NVIDIA G-Assist plug-ins."""


for _module, _attr in _COMMANDS:
    cli.add_command(getattr(importlib.import_module(f"gassist_build.{_module}"), _attr))


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="gassist-build")


if __name__ == "__main__":
    main()
