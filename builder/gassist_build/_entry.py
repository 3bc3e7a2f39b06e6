# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""The ``gassist-build`` console script: the CLI, or an install hint when its packages are missing.

``pip install gassist-sdk`` installs only the stdlib runtime; the CLI's packages come
with ``gassist-sdk[build]``. Without them, ``import click`` would end in a traceback.
"""

from __future__ import annotations

import sys

__all__ = ["BUILD_PACKAGES", "main"]

# What `gassist-sdk[build]` adds (pyproject.toml).
BUILD_PACKAGES = frozenset({"click", "rich", "jsonschema", "cookiecutter"})


def main() -> None:
    """Run the CLI; exit 1 with the install command when the builder's packages are missing."""
    try:
        from .cli import main as run
    except ModuleNotFoundError as exc:
        if (exc.name or "").split(".")[0] not in BUILD_PACKAGES:
            raise
        sys.stderr.write(
            f"gassist-build needs the builder's packages ({exc.name} is not installed):"
            ' pip install "gassist-sdk[build]"\n')
        raise SystemExit(1) from None
    run()
