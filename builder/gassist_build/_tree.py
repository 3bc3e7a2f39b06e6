# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Walk and copy a plug-in folder under one rule, for build, package and install.

* A symbolic link whose target lies outside the folder is refused, naming the link
  and its target: its content (``/etc/passwd``, a whole ``/etc``) never ships.
* A link to a file or folder inside the folder is taken as what it points to: it is
  copied (or packed) as a real file or folder, never as a link. A folder link that
  leads back to a folder it is in is refused as a loop.
* A name that Windows or a Windows unzip would read differently (a backslash, a colon
  as in drive letters and NTFS streams, control characters) is refused.

Errors are raised as the caller's :class:`~gassist_build.errors.ToolError` subclass, so
each command keeps its own exit code.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath

from .errors import ToolError

__all__ = ["copy_tree", "inside", "name_problem", "plugin_modules", "walk_files"]

# Folders of a plug-in that are never part of it.
_NOT_PLUGIN_DIRS = frozenset(
    {"tests", "test", "libs", "build", "dist", "venv", "env", "node_modules", "__pycache__"}
)


# Says why a file (relative to the walked folder) is left out, or None to keep it.
Skip = Callable[[PurePosixPath], "str | None"]


def name_problem(name: str) -> str | None:
    """Why a file name cannot travel to Windows unchanged, or None when it can."""
    if "\\" in name:
        return "holds a backslash, which Windows reads as a folder separator"
    if ":" in name:
        return "holds a colon, which Windows reads as a drive letter or a data stream"
    if any(ord(c) < 32 for c in name):
        return "holds a control character"
    return None


def inside(root: Path, path: Path, error: type[ToolError]) -> Path:
    """The real path of ``path`` after checking it stays inside ``root``.

    Raises:
        error: ``path`` is (or passes through) a link leaving ``root``, or is a
            link to nothing.
    """
    real = Path(os.path.realpath(path))
    shown = _shown(root, path)
    if not real.is_relative_to(Path(os.path.realpath(root))):
        raise error(f"{shown} is a link to {real}, outside {root}; a plug-in folder must"
                    " hold the file itself (copy it in instead of linking)")
    if path.is_symlink() and not real.exists():
        raise error(f"{shown} is a link to {real}, which does not exist")
    return real


def _shown(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def walk_files(
    root: Path, error: type[ToolError], *, start: Path | None = None, skip: Skip | None = None,
) -> Iterator[tuple[PurePosixPath, Path]]:
    """Every file below ``start`` (default ``root``), sorted, under the rule above.

    Args:
        root: The plug-in folder: links may point anywhere inside it, never outside.
        error: The exception to raise for a refused link or name.
        start: A file or folder inside ``root`` to walk instead of all of it.
        skip: Leaves out a file or folder (given relative to ``root``) when it says why.

    Yields:
        ``(path relative to root, real file to read)``.

    Raises:
        error: A link leaves ``root`` or loops, or a name cannot travel to Windows.
    """
    start = root if start is None else start
    relative = PurePosixPath() if start == root else PurePosixPath(_shown(root, start))
    yield from _walk(root, start, relative, error, skip, ())


def _walk(root: Path, path: Path, relative: PurePosixPath, error: type[ToolError],
          skip: Skip | None, seen: tuple[Path, ...]) -> Iterator[tuple[PurePosixPath, Path]]:
    if relative.parts:
        problem = name_problem(relative.name)
        if problem:
            raise error(f"{relative.as_posix()!r} cannot be shipped: its name {problem};"
                        " rename it")
        if skip is not None and skip(relative) is not None:
            return
    real = inside(root, path, error)
    if not real.is_dir():
        if real.is_file():
            yield relative, real
        return
    if real in seen:
        raise error(f"{relative.as_posix()} is a link back to a folder it is in (a loop);"
                    " remove it")
    for child in sorted(os.listdir(path)):
        yield from _walk(root, path / child, relative / child, error, skip, (*seen, real))


def copy_tree(root: Path, dest: Path, error: type[ToolError], *, start: Path | None = None,
              skip: Skip | None = None) -> None:
    """Copy what :func:`walk_files` yields to ``dest / <path relative to root>``.

    Links inside ``root`` come out as real files; the arguments are those of
    :func:`walk_files`.
    """
    dest.mkdir(parents=True, exist_ok=True)
    for relative, real in walk_files(root, error, start=start, skip=skip):
        target = dest.joinpath(*relative.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(real, target)


def plugin_modules(src: Path) -> list[Path]:
    """The plug-in's own code: top-level ``.py`` modules and packages, tests excluded."""
    found: list[Path] = []
    for path in sorted(src.iterdir()):
        name = path.name
        if name.startswith("."):
            continue
        if path.is_file() and path.suffix == ".py":
            if name == "conftest.py" or name == "setup.py" or name.startswith("test_") \
                    or name.endswith("_test.py"):
                continue
            found.append(path)
        elif path.is_dir() and (path / "__init__.py").is_file() and name not in _NOT_PLUGIN_DIRS:
            found.append(path)
    return found
