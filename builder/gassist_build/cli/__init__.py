# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""The ``gassist-build`` command line. Thin: each subcommand calls one library function.

Each command group lives in its own module under :mod:`gassist_build.cli` and is
imported only when that command runs (or ``--help`` lists it), so ``gassist-build
install`` never pays for PyInstaller or the emulator, and a module that fails to
import (an optional dependency missing) takes only its own commands down.
"""

from __future__ import annotations

import importlib

import click

from .. import __version__

# command name -> (module under gassist_build.cli, attribute).
_COMMANDS: dict[str, tuple[str, str]] = {
    "validate": ("validate", "validate"),
    "manifest": ("validate", "manifest"),
    "config": ("config", "config_command"),
    "new": ("new", "new_command"),
    "build": ("build", "build_command"),
    "install": ("install", "install_command"),
    "uninstall": ("install", "uninstall_command"),
    "package": ("package", "package_command"),
    "call": ("call", "call"),
    "chat": ("chat", "chat"),
    "check": ("check", "check"),
    "route": ("route", "route_command"),
    "route-check": ("route", "route_check_command"),
}


class LazyGroup(click.Group):
    """A group whose commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*_COMMANDS, *super().list_commands(ctx)})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in _COMMANDS:
            return super().get_command(ctx, cmd_name)
        module_name, attr = _COMMANDS[cmd_name]
        try:
            module = importlib.import_module(f"{__name__}.{module_name}")
        except ImportError as exc:
            raise click.ClickException(
                f"'{cmd_name}' is unavailable: {exc}. Reinstall gassist-sdk"
                ' (pip install "gassist-sdk[build]") to restore its dependencies.') from exc
        command: click.Command = getattr(module, attr)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="gassist-build")
def cli() -> None:
    """Build, check, run and install NVIDIA G-Assist plug-ins."""


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="gassist-build")
