# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""The one error tree of ``gassist-build``.

Every error a builder module raises on purpose derives from :class:`ToolError`,
carries a message written for the user (what went wrong and what to do next) and
an exit code of its class. They are :class:`click.ClickException` subclasses, so
the command line prints them cleanly, while library callers catch
:class:`ToolError` (or one branch of it).

Exit codes (the table for users is docs/cli.md; a test keeps the two the same):
``0`` success, ``1`` a failure (a call failed, a check or validation found errors, a
manifest or plug-in could not be used), ``2`` a usage error (click's own, and
:class:`ArgumentError`: bad options, bad ``key=value`` arguments), ``3`` install,
``4`` package, ``5`` build::

    ToolError (1)
    ├── ManifestError (1)         manifest.json missing or unusable to run the plug-in
    ├── ManifestCommandError (1)  ``plugin.py --manifest`` / ``--config-*`` failed
    │   └── SecretLeakError (1)   a generated document would contain a secret
    ├── LaunchError (1)           the executable cannot be started on this platform
    ├── ArgumentError (2)         a command line or argument cannot become a call
    ├── ReportedFailure (1)       already reported on screen; exit without more text
    ├── InstallError (3)
    ├── PackageError (4)
    └── BuildError (5)
"""

from __future__ import annotations

from typing import IO, Any

import click

__all__ = [
    "ArgumentError",
    "BuildError",
    "InstallError",
    "LaunchError",
    "ManifestError",
    "PackageError",
    "ReportedFailure",
    "ToolError",
]


class ToolError(click.ClickException):
    """A ``gassist-build`` step failed; nothing the user had was changed."""

    exit_code = 1


class ManifestError(ToolError):
    """manifest.json is missing or cannot be used to run the plug-in."""


class LaunchError(ToolError):
    """The plug-in's executable cannot be started on this platform."""


class ArgumentError(ToolError, ValueError):
    """A command line or argument cannot be turned into a call.

    It is a usage error, so it exits 2 as click's own usage errors do.
    """

    exit_code = 2


class ReportedFailure(ToolError):
    """The command failed and has already said why on screen: exit 1, print nothing more."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message)

    def show(self, file: IO[Any] | None = None) -> None:
        """Print nothing: the failure was reported as it happened."""


class InstallError(ToolError):
    """``gassist-build install`` or ``uninstall`` failed; the previous install is intact."""

    exit_code = 3


class PackageError(ToolError):
    """``gassist-build package`` could not write the archive."""

    exit_code = 4


class BuildError(ToolError):
    """``gassist-build build`` or ``new`` could not produce its output."""

    exit_code = 5
