# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Get a plug-in's manifest from its code: run ``plugin.py --manifest``.

The contract with the runtime is the command line: ``python plugin.py --manifest`` prints
the manifest JSON generated from the registered commands on stdout and exits 0 (and
``--config-example`` / ``--config-schema`` print its config documents the same way). We run
it the way the engine runs a V2 plug-in (working directory = plug-in folder, only the standard
library and ``<folder>/libs`` importable: :mod:`gassist_build._isolation`) so that what passes
here also loads deployed; ``isolated=False`` (``--dev``) uses this environment's packages too.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from gassist_sdk._manifest import EXIT_NO_CONFIG, dumps_manifest

from .._isolation import engine_isolation, is_built
from ..errors import LaunchError, ToolError

__all__ = [
    "DEFAULT_TIMEOUT",
    "EXIT_NO_CONFIG",
    "ManifestCommandError",
    "missing_module_hint",
    "render_manifest",
    "run_manifest_command",
    "run_plugin_json",
]

DEFAULT_TIMEOUT = 15.0
_STDERR_TAIL_CHARS = 1500


class ManifestCommandError(ToolError):
    """``plugin.py --manifest`` (or another JSON-printing flag) could not be run or printed no
    JSON object.

    Attributes:
        stderr_tail: The last part of what the plug-in wrote to stderr, if anything.
        returncode: The plug-in's exit status, when it ran to the end and failed.
    """

    exit_code = 1

    def __init__(self, message: str, *, stderr_tail: str = "",
                 returncode: int | None = None) -> None:
        super().__init__(message)
        self.stderr_tail = stderr_tail
        self.returncode = returncode

    def format_message(self) -> str:
        """The message, followed by the plug-in's stderr tail when there is one."""
        if self.stderr_tail:
            return f"{self.message}\n--- stderr (last lines) ---\n{self.stderr_tail}"
        return self.message

    def __str__(self) -> str:
        return self.format_message()


def missing_module_hint(exc: ManifestCommandError, folder: Path, *, isolated: bool) -> str:
    """What to do when ``plugin.py`` stopped on a ``ModuleNotFoundError`` ("" otherwise).

    Args:
        exc: The failure.
        folder: The plug-in folder.
        isolated: Whether it ran with only the standard library and ``libs/`` importable.
    """
    if not isolated or "ModuleNotFoundError" not in exc.stderr_tail:
        return ""
    if is_built(folder):
        return ("libs/ lacks that module, so G-Assist cannot import it either: add it to "
                f"requirements.txt and run: gassist-build build {folder}")
    return ("this source folder is not built, so only the standard library and libs/ are "
            f"importable (as in G-Assist): run gassist-build build {folder}, or add --dev "
            "to use this environment's packages")


def _tail(raw: bytes | str | None) -> str:
    if not raw:
        return ""
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    text = text.strip()
    if len(text) > _STDERR_TAIL_CHARS:
        # Cut at a line start so the tail reads cleanly (a traceback's last lines matter most).
        text = text[-_STDERR_TAIL_CHARS:]
        text = text[text.find("\n") + 1 :] if "\n" in text else text
    return text


def run_manifest_command(
    folder: str | Path,
    *,
    python: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    isolated: bool = True,
) -> dict[str, Any]:
    """Run ``<python> plugin.py --manifest`` in ``folder`` and return the manifest it prints.

    Args:
        folder: The plug-in folder (holds ``plugin.py``).
        python: Interpreter to use; defaults to the one running this tool.
        timeout: Seconds to wait before killing the plug-in.
        isolated: Only the standard library and ``libs/`` importable (the engine's
            view); False adds this environment's packages.

    Returns:
        The manifest as a dict, keys in the order the plug-in printed them.

    Raises:
        ManifestCommandError: The script is missing, failed, hung, or printed no JSON object.
    """
    return run_plugin_json(folder, "--manifest", python=python, timeout=timeout,
                           isolated=isolated)


def run_plugin_json(
    folder: str | Path,
    flag: str,
    *,
    python: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    isolated: bool = True,
) -> dict[str, Any]:
    """Run ``<python> plugin.py FLAG`` in ``folder`` and return the JSON object it prints.

    Args:
        folder: The plug-in folder (holds ``plugin.py``).
        flag: The runtime's command-line flag, e.g. ``--manifest`` or ``--config-example``.
        python: Interpreter to use; defaults to the one running this tool.
        timeout: Seconds to wait before killing the plug-in.
        isolated: Only the standard library and ``libs/`` importable (the engine's
            view); False adds this environment's packages.

    Raises:
        ManifestCommandError: The script is missing, failed, hung, or printed no JSON object;
            ``stderr_tail`` holds what it wrote to stderr.
    """
    folder = Path(folder)
    shown = f"`plugin.py {flag}`"
    if not (folder / "plugin.py").is_file():
        raise ManifestCommandError(f"{folder / 'plugin.py'} does not exist")
    # UTF-8 on every platform (a Windows console default would mangle non-ASCII descriptions),
    # and no __pycache__ left in the user's plug-in folder.
    try:
        isolation = engine_isolation(folder.resolve(), isolated=isolated,
                                     extra={"PYTHONIOENCODING": "utf-8",
                                            "PYTHONDONTWRITEBYTECODE": "1"})
    except LaunchError as exc:
        raise ManifestCommandError(str(exc)) from None
    env = isolation.env
    command = [python or sys.executable, *isolation.python_flags, "plugin.py", flag]
    try:
        # stdin is closed: a plug-in that ignores the flag and starts serving sees EOF and exits.
        proc = subprocess.run(
            command,
            cwd=folder,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise ManifestCommandError(
            f"{shown} did not finish within {timeout:g} s and was stopped",
            stderr_tail=_tail(exc.stderr),
        ) from None
    except OSError as exc:
        raise ManifestCommandError(f"cannot run {command[0]}: {exc.strerror or exc}") from None
    stderr_tail = _tail(proc.stderr)
    if proc.returncode != 0:
        raise ManifestCommandError(
            f"{shown} exited with status {proc.returncode}",
            stderr_tail=stderr_tail,
            returncode=proc.returncode,
        )
    try:
        text = proc.stdout.decode("utf-8").lstrip("\ufeff").strip()
    except UnicodeDecodeError:
        raise ManifestCommandError(
            f"{shown} printed bytes that are not UTF-8", stderr_tail=stderr_tail
        ) from None
    if not text:
        raise ManifestCommandError(
            f"{shown} printed nothing; does plugin.py call plugin.run()?",
            stderr_tail=stderr_tail,
        )
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ManifestCommandError(
            f"{shown} did not print JSON "
            f"({exc.msg} at line {exc.lineno}, column {exc.colno}); "
            "is something else writing to stdout? Output starts: " + repr(text[:80]),
            stderr_tail=stderr_tail,
        ) from None
    if not isinstance(data, dict):
        raise ManifestCommandError(
            f"{shown} printed a JSON {type(data).__name__}, not an object",
            stderr_tail=stderr_tail,
        )
    return data


# The canonical text of manifest.json (and the config documents): the runtime's own
# serialiser, so `gassist-build manifest` and `plugin.py --manifest --check` never disagree.
render_manifest = dumps_manifest
