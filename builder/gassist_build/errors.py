# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Errors of the build, install and package tools.

Each carries a message written for the user (what went wrong and what to do next)
and an exit code. They are :class:`click.ClickException` subclasses so that the CLI
prints them cleanly, while library callers catch :class:`ToolError`.
"""

from __future__ import annotations

import click

__all__ = ["BuildError", "InstallError", "PackageError", "ToolError"]


class ToolError(click.ClickException):
    """A build/install/package step failed; nothing the user had was changed."""

    exit_code = 1


class BuildError(ToolError):
    """``gassist-build build`` or ``new`` could not produce its output."""

    exit_code = 2


class InstallError(ToolError):
    """``gassist-build install`` or ``uninstall`` failed; the previous install is intact."""

    exit_code = 3


class PackageError(ToolError):
    """``gassist-build package`` could not write the archive."""

    exit_code = 4
