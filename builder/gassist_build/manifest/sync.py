# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Keep ``manifest.json`` in step with the plug-in's code (``gassist-build manifest``)."""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from .probe import DEFAULT_TIMEOUT, render_manifest, run_manifest_command
from .validate import Problem, check_manifest

__all__ = ["SyncResult", "sync_manifest"]


def _write_atomically(path: Path, text: str) -> None:
    # Write beside the target and rename over it, so an interrupted write never leaves a
    # truncated manifest.json behind. A plain open() (not mkstemp) keeps the usual umask
    # permissions instead of 0600.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as handle:
            handle.write(text.encode("utf-8"))
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _normalise_newlines(text: str) -> str:
    # A Windows checkout with core.autocrlf turns \n into \r\n; that is not staleness.
    return text.replace("\r\n", "\n")


@dataclass
class SyncResult:
    """What :func:`sync_manifest` did.

    Attributes:
        path: The ``manifest.json`` concerned.
        status: ``"written"``, ``"unchanged"`` (already up to date), ``"stale"`` (check mode,
            differs) or ``"invalid"`` (the generated manifest has errors; nothing written).
        diff: Unified diff from the file on disk to the generated text (``stale`` only).
        problems: Validation problems of the generated manifest.
    """

    path: Path
    status: Literal["written", "unchanged", "stale", "invalid"]
    diff: str = ""
    problems: list[Problem] = field(default_factory=list)


def sync_manifest(
    folder: str | Path,
    *,
    check: bool = False,
    python: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> SyncResult:
    """Regenerate ``folder/manifest.json`` from the plug-in's code, or check it is current.

    The generated manifest's content is validated first (schema and the checks of
    :func:`gassist_build.manifest.validate.check_manifest`, not the folder ones); if it has errors,
    nothing is written so a working manifest is never replaced by a broken one.

    Args:
        folder: The plug-in folder.
        check: Only compare; never write.
        python: Interpreter that runs ``plugin.py``.
        timeout: Seconds ``plugin.py --manifest`` may take.

    Returns:
        A :class:`SyncResult`.

    Raises:
        ManifestCommandError: ``plugin.py --manifest`` failed.
    """
    folder = Path(folder)
    path = folder / "manifest.json"
    data = run_manifest_command(folder, python=python, timeout=timeout)
    text = render_manifest(data)
    # Only the content decides: the executable may be a build output that does not exist
    # yet, and folder checks are `validate`'s business.
    problems = check_manifest(data)
    if any(p.severity == "error" for p in problems):
        return SyncResult(path, "invalid", problems=problems)
    try:
        # utf-8-sig: a BOM is not staleness (the runtime's own check ignores it too).
        current = path.read_bytes().decode("utf-8-sig", "replace")
    except FileNotFoundError:
        current = None
    if current is not None and _normalise_newlines(current) == text:
        return SyncResult(path, "unchanged", problems=problems)
    if check:
        lines = difflib.unified_diff(
            _normalise_newlines(current or "").splitlines(keepends=True),
            text.splitlines(keepends=True),
            fromfile=f"{path} (on disk)" if current is not None else f"{path} (missing)",
            tofile=f"{path} (from plugin.py)",
        )
        diff = "".join(
            line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
            for line in lines
        )
        return SyncResult(path, "stale", diff=diff, problems=problems)
    _write_atomically(path, text)
    return SyncResult(path, "written", problems=problems)
