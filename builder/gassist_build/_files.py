# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""The files of a plug-in folder, named once for every builder command.

* **User state** (:data:`USER_STATE`): what a user, or the running plug-in, writes into
  its folder (settings, OAuth tokens, keys, caches, logs). Never shipped by ``build`` or
  ``package``, at any depth; always kept by ``install`` and by ``uninstall`` without
  ``--purge``.
* **Scratch** (:data:`SCRATCH`, and byte code at any depth): temporary files; never
  shipped, not kept.
* Files inside :data:`THIRD_PARTY_DIRS` come from pip or PyInstaller, not from the
  plug-in's folder, and are taken as they are (``certifi``'s ``cacert.pem`` is a public
  certificate bundle that ``requests`` needs).
* The **build stamp** (:data:`BUILD_STAMP`) marks a folder ``gassist-build build`` made;
  the **install stamp** (:data:`INSTALL_STAMP`) marks an installed copy. ``package`` and
  ``install`` take only a build output (:func:`build_output_problem`).
* The manifest's ``executable`` must stay inside the folder (:func:`executable_problem`),
  for every command that validates, installs, packages or launches a plug-in.

``manifest.json``, ``config.json`` and ``config.example.json`` may be missing, written
by an editor that adds a BOM, or broken by hand; what a folder holds is counted the same
way for the build and the install summaries.
"""

from __future__ import annotations

import fnmatch
import json
import os
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

__all__ = [
    "AUTH_FILE",
    "BUILD_STAMP",
    "CONFIG_EXAMPLE_FILE",
    "CONFIG_FILE",
    "INSTALL_STAMP",
    "SCRATCH",
    "THIRD_PARTY_DIRS",
    "USER_FILES",
    "USER_STATE",
    "build_output_problem",
    "count_files",
    "executable_problem",
    "never_shipped",
    "read_json_object",
    "shipped_bytecode",
    "stamp_path",
    "user_state",
]

CONFIG_FILE = "config.json"
CONFIG_EXAMPLE_FILE = "config.example.json"
# Written by the plug-in itself (OAuth tokens, for instance).
AUTH_FILE = "auth.json"
# The user's settings file and the plug-in's tokens, by name.
USER_FILES = (CONFIG_FILE, AUTH_FILE)
# Name patterns of user state, matched against every file and folder name at any depth.
USER_STATE = (
    CONFIG_FILE, AUTH_FILE, "credentials.json", "token.json",  # settings and tokens
    ".env", ".env.*", "*.key", "*.pem", "*.p12", "*.pfx",       # secrets and keys
    ".cache",                                                    # caches (whole folders)
    "*.log", "*.log.[0-9]*",                                     # logs, rotated logs
)
# Never shipped and not worth keeping: byte code, and temporary files such as the one the
# runtime writes before it renames it over config.json (.config-XXXXXXXX.tmp).
SCRATCH = ("*.tmp", ".DS_Store")
THIRD_PARTY_DIRS = ("libs", "_internal")
BUILD_STAMP = ".gassist-build.json"
INSTALL_STAMP = ".gassist-install.json"


def _matches(relative: PurePosixPath, patterns: tuple[str, ...]) -> str | None:
    """The first pattern a part of ``relative`` matches, outside third-party folders."""
    parts = relative.parts
    if parts and parts[0] in THIRD_PARTY_DIRS:
        return None
    for part in parts:
        for pattern in patterns:
            if fnmatch.fnmatchcase(part.lower(), pattern):
                return pattern
    return None


def user_state(relative: PurePosixPath) -> str | None:
    """The :data:`USER_STATE` pattern ``relative`` (a path in a plug-in folder) matches."""
    return _matches(relative, USER_STATE)


def never_shipped(relative: PurePosixPath, *, bytecode: str | None = None) -> str | None:
    """Why ``relative`` is never shipped (the pattern it matches), or None when it may be.

    Args:
        relative: A path inside a plug-in folder.
        bytecode: The cache tag a build compiled its byte code for
            (:func:`shipped_bytecode`): ``__pycache__/*.<tag>.pyc`` files then ship.
    """
    if relative.as_posix() == INSTALL_STAMP:
        return INSTALL_STAMP
    if bytecode is not None and relative.parts.count("__pycache__") == 1 and (
            relative.name == "__pycache__"  # the folder itself: its files are judged one by one
            or (relative.parent.name == "__pycache__"
                and relative.name.endswith(f".{bytecode}.pyc"))):
        return _matches(relative, USER_STATE) or _matches(relative, SCRATCH)
    # Other byte code is written by the engine's own Python, inside libs/ too.
    if "__pycache__" in relative.parts or relative.suffix in (".pyc", ".pyo"):
        return "__pycache__"
    return _matches(relative, USER_STATE) or _matches(relative, SCRATCH)


def executable_problem(folder: Path, executable: str) -> str | None:
    """Why the manifest's ``executable`` may not be started from ``folder``, or None.

    The rule every command applies (validate, build, install, package, call/chat/check):
    the path is relative, has no ``..``, and, links resolved, stays inside the folder.
    Whether the file exists is checked separately.
    """
    posix = PurePosixPath(executable.replace("\\", "/"))
    if posix.is_absolute() or PureWindowsPath(executable).drive:
        return f"{json.dumps(executable)} must be relative to the plug-in folder"
    if ".." in posix.parts:
        return f"{json.dumps(executable)} must stay inside the plug-in folder"
    real = Path(os.path.realpath(folder.joinpath(*posix.parts)))
    if not real.is_relative_to(Path(os.path.realpath(folder))):
        return (f"{json.dumps(executable)} is a link to {real}, outside the plug-in folder;"
                " it must stay inside the plug-in folder")
    return None


def stamp_path(folder: Path) -> Path | None:
    """The build stamp in ``folder``: in ``libs/`` (source builds) or beside the executable."""
    for path in (folder / "libs" / BUILD_STAMP, folder / BUILD_STAMP):
        if path.is_file():
            return path
    return None


def shipped_bytecode(folder: Path) -> str | None:
    """The cache tag (``cpython-312``) of the byte code a source build compiled, or None."""
    path = stamp_path(folder)
    stamp = read_json_object(path) if path is not None else None
    tag = stamp.get("bytecode") if stamp is not None else None
    return tag if isinstance(tag, str) and tag else None


def build_output_problem(folder: Path) -> str | None:
    """Why ``folder`` is not a folder ``gassist-build build`` made, or None when it is."""
    if (folder / INSTALL_STAMP).is_file():
        return (f"{folder} is an installed copy (it holds a user's settings); use the folder"
                " `gassist-build build` made (dist/<name>)")
    path = stamp_path(folder)
    stamp = read_json_object(path) if path is not None else None
    if stamp is None:
        return (f"{folder} was not made by `gassist-build build` (it has no {BUILD_STAMP});"
                " build the plug-in and use dist/<name>, or pass --force to take the folder"
                " as it is")
    if stamp.get("name") != folder.name:
        return (f"{folder} was built as {stamp.get('name')!r}, not {folder.name!r}; rebuild"
                " it, or pass --force")
    return None


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
