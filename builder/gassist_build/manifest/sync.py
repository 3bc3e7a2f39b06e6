# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Keep ``manifest.json`` in step with the plug-in's code (``gassist-build manifest``)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .generated import update_generated
from .probe import DEFAULT_TIMEOUT, ManifestCommandError, render_manifest, run_manifest_command
from .validate import Problem, check_manifest

__all__ = [
    "SyncResult",
    "manifest_drift",
    "not_in_manifest_hint",
    "sync_manifest",
    "written_by_generator",
]


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
    isolated: bool = True,
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
        isolated: Run it with only the standard library and ``libs/`` importable.

    Returns:
        A :class:`SyncResult`.

    Raises:
        ManifestCommandError: ``plugin.py --manifest`` failed.
    """
    folder = Path(folder)
    path = folder / "manifest.json"
    data = run_manifest_command(folder, python=python, timeout=timeout, isolated=isolated)
    text = render_manifest(data)
    # Only the content decides: the executable may be a build output that does not exist
    # yet, and folder checks are `validate`'s business.
    problems = check_manifest(data)
    if any(p.severity == "error" for p in problems):
        return SyncResult(path, "invalid", problems=problems)
    update = update_generated({path: text}, check=check)
    return SyncResult(path, update.status, diff=update.diff, problems=problems)


def manifest_drift(folder: str | Path, generated: dict[str, Any]) -> str:
    """How ``folder/manifest.json`` differs from the manifest the code generated.

    Args:
        folder: The plug-in folder.
        generated: What ``plugin.py --manifest`` printed.

    Returns:
        A unified diff from the file on disk to the generated text; ``""`` when they agree
        (a byte-order mark or Windows line endings are no difference).
    """
    path = Path(folder) / "manifest.json"
    return update_generated({path: render_manifest(generated)}, check=True).diff


def written_by_generator(folder: str | Path) -> bool:
    """Whether ``folder/manifest.json`` is in the generator's exact format.

    ``gassist-build manifest`` writes one canonical text; a manifest written by hand (as in
    NVIDIA's examples) almost never matches it byte for byte, so a difference from the code
    in a canonical file means the code changed after it was generated.
    """
    path = Path(folder) / "manifest.json"
    try:
        text = path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
        data = json.loads(text)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False
    return isinstance(data, dict) and render_manifest(data) == text


def not_in_manifest_hint(
    folder: str | Path, function: str, *, python: str | None = None, isolated: bool = True
) -> str:
    """What to do when ``function`` is not in ``manifest.json`` but the code registers it.

    Runs ``plugin.py --manifest`` (only on this error path: it costs a process start).

    Args:
        folder: The plug-in folder.
        function: The function name that was asked for.
        python: Interpreter that runs ``plugin.py``.
        isolated: Run it with only the standard library and ``libs/`` importable.

    Returns:
        ``"plugin.py registers FUNCTION but manifest.json does not declare it; run:
        gassist-build manifest FOLDER"``, or ``""`` when the code does not register it
        either (or cannot say: no ``plugin.py``, not built on the SDK, fails to start).
    """
    folder = Path(folder)
    if not (folder / "plugin.py").is_file():
        return ""
    try:
        generated = run_manifest_command(folder, python=python, isolated=isolated)
    except ManifestCommandError:
        return ""
    functions = generated.get("functions")
    names = [f.get("name") for f in functions if isinstance(f, dict)] \
        if isinstance(functions, list) else []
    if function not in names:
        return ""
    return (f"plugin.py registers {function!r} but manifest.json does not declare it (G-Assist"
            f" reads the manifest); run: gassist-build manifest {folder}")
