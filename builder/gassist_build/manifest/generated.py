# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Files generated from the plug-in's code and kept beside ``plugin.py``.

``gassist-build manifest`` (``manifest.json``) and ``gassist-build config``
(``config.example.json``, ``config.schema.json``) both compare what the code prints with
what is on disk, then either write the files that changed or show a diff (``--check``).
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

__all__ = ["GeneratedUpdate", "update_generated", "write_atomically"]


@dataclass(frozen=True)
class GeneratedUpdate:
    """What :func:`update_generated` found or did.

    Attributes:
        status: ``"written"`` (at least one file changed), ``"unchanged"`` or ``"stale"``
            (check mode: at least one file differs or is missing).
        changed: The files that were written (or, in check mode, would be).
        diff: Unified diffs of the stale files (check mode only).
    """

    status: Literal["written", "unchanged", "stale"]
    changed: list[Path] = field(default_factory=list)
    diff: str = ""


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` so that an interrupted write never truncates it."""
    # Write beside the target and rename over it. A plain open() (not mkstemp) keeps the
    # usual umask permissions instead of 0600.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as handle:
            handle.write(text.encode("utf-8"))
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _read_current(path: Path) -> str | None:
    try:
        # utf-8-sig: a BOM an editor added is not staleness (the runtime's own check
        # ignores it too); nor is the \r\n of a Windows checkout with core.autocrlf.
        return path.read_bytes().decode("utf-8-sig", "replace").replace("\r\n", "\n")
    except FileNotFoundError:
        return None


def _diff(path: Path, current: str | None, wanted: str) -> str:
    lines = difflib.unified_diff(
        (current or "").splitlines(keepends=True),
        wanted.splitlines(keepends=True),
        fromfile=f"{path} (on disk)" if current is not None else f"{path} (missing)",
        tofile=f"{path} (from plugin.py)",
    )
    return "".join(
        line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
        for line in lines
    )


def update_generated(wanted: Mapping[Path, str], *, check: bool) -> GeneratedUpdate:
    """Bring files in step with the text the plug-in's code generates for them.

    Args:
        wanted: Each file and the text it should hold.
        check: Only compare and diff; never write.

    Returns:
        A :class:`GeneratedUpdate`.
    """
    current = {path: _read_current(path) for path in wanted}
    changed = [path for path, text in wanted.items() if current[path] != text]
    if not changed:
        return GeneratedUpdate("unchanged")
    if check:
        diff = "".join(_diff(path, current[path], wanted[path]) for path in changed)
        return GeneratedUpdate("stale", changed, diff)
    for path in changed:
        write_atomically(path, wanted[path])
    return GeneratedUpdate("written", changed)
