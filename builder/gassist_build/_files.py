# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Reading a plug-in folder's files the way every builder command does.

``manifest.json``, ``config.json`` and ``config.example.json`` may be missing, written
by an editor that adds a BOM, or broken by hand; what a folder holds is counted the same
way for the build and the install summaries.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

__all__ = ["AUTH_FILE", "CONFIG_EXAMPLE_FILE", "CONFIG_FILE", "USER_FILES", "count_files",
           "read_json_object"]

CONFIG_FILE = "config.json"
CONFIG_EXAMPLE_FILE = "config.example.json"
# Written by the plug-in itself (OAuth tokens, for instance).
AUTH_FILE = "auth.json"
# They hold one user's settings and secrets: never shipped or packed, kept on reinstall.
USER_FILES = (CONFIG_FILE, AUTH_FILE)


def read_json_object(path: Path) -> dict[str, Any] | None:
    """The JSON object in ``path``, or None when it is missing, unreadable or not an object."""
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    return data if isinstance(data, dict) else None


def count_files(folder: Path) -> tuple[int, int]:
    """How many files ``folder`` holds (at any depth) and their total size in bytes."""
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)
