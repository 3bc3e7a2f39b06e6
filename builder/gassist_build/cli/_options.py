# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Options shared by commands that run plugin.py (validate, manifest, config, call, chat, check)."""

from __future__ import annotations

import click

__all__ = ["dev_option"]

dev_option = click.option(
    "--dev",
    is_flag=True,
    help="Run plugin.py with this environment's packages instead of only the standard"
    " library and the plug-in's libs/ (what G-Assist's Python sees).",
)
