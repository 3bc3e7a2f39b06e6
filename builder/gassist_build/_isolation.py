# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Run a plug-in's Python the way the engine's bundled Python runs it.

G-Assist starts ``plugin.py`` with its own interpreter: the standard library, the
plug-in's ``libs/`` first on ``PYTHONPATH``, nothing else. A plug-in tested with the
developer's virtual environment can import packages the engine will never see, so
every tool that runs plug-in code (``call``, ``chat``, ``check``, ``validate``,
``manifest``, ``build``'s final check) asks this module for the same isolation:

* the interpreter runs with ``-S`` (no ``site``: no site-packages, no ``.pth``
  files, no user site), like an embedded Python whose ``._pth`` file leaves
  ``import site`` off;
* ``PYTHONPATH`` is ``<plugin>/libs`` alone (the developer's own value is dropped),
  and the variables that would reach other code (``PYTHONHOME``, ``PYTHONSTARTUP``,
  ``PYTHONUSERBASE``...) are removed;
* a source folder that was never built has no ``libs/gassist_sdk``; it gets a copy
  of this gassist-build's runtime (and only that) after ``libs``, so it still
  starts, and the caller warns that its requirements are not importable
  (:func:`unbuilt_warning`).

``--dev`` (``isolated=False``) keeps the current environment instead, with ``libs``
first on ``PYTHONPATH`` as before.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ._files import BUILD_STAMP
from ._platform import user_cache_dir
from .errors import LaunchError

__all__ = [
    "ISOLATED_FLAGS",
    "RUNTIME",
    "Isolation",
    "engine_isolation",
    "has_runtime",
    "is_built",
    "runtime_copy",
    "runtime_dir",
    "unbuilt_warning",
]

RUNTIME = "gassist_sdk"
# No site module: only the standard library and PYTHONPATH are importable.
ISOLATED_FLAGS: tuple[str, ...] = ("-S",)
# Besides every PYTHON* variable of the developer's (the engine sets none), these point a
# Python at a virtual environment.
_DROPPED = ("VIRTUAL_ENV", "__PYVENV_LAUNCHER__")
# Never taken from `extra` either: they would import or run code outside the plug-in.
_UNSAFE = ("PYTHONHOME", "PYTHONSTARTUP", "PYTHONUSERBASE", "PYTHONEXECUTABLE",
           "PYTHONPLATLIBDIR", "PYTHONINSPECT", "PYTHONSAFEPATH")


def runtime_dir() -> Path:
    """The folder of the ``gassist_sdk`` runtime package this Python imports.

    Raises:
        LaunchError: The runtime is not installed in this Python.
    """
    spec = importlib.util.find_spec(RUNTIME)
    if spec is None or spec.origin is None:
        raise LaunchError("the gassist_sdk runtime is not installed in this Python; install"
                          " gassist-sdk (pip install gassist-sdk) and try again")
    return Path(spec.origin).parent


def is_built(folder: Path) -> bool:
    """Whether ``folder`` is what ``gassist-build build`` made (it has a build stamp)."""
    return (folder / "libs" / BUILD_STAMP).is_file() or (folder / BUILD_STAMP).is_file()


def has_runtime(folder: Path) -> bool:
    """Whether ``folder/libs`` holds its own copy of the runtime."""
    return (folder / "libs" / RUNTIME / "__init__.py").is_file()


def _fingerprint(source: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(source.rglob("*.py")):
        stat = path.stat()
        digest.update(f"{path.relative_to(source).as_posix()}:{stat.st_size}:"
                      f"{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def runtime_copy(cache: Path | None = None) -> Path:
    """A folder holding a copy of this gassist-build's runtime and nothing else.

    Putting the runtime's parent folder on ``PYTHONPATH`` would expose every
    package installed beside it (site-packages), so the package is copied once
    per version of its files into a cache folder and reused.

    Args:
        cache: Parent folder for the copies (default: ``runtime`` in the user's own
            cache folder, :func:`gassist_build._platform.user_cache_dir`).

    Returns:
        The folder to put on ``PYTHONPATH`` (it contains ``gassist_sdk/``).
    """
    source = runtime_dir()
    root = cache or user_cache_dir() / "runtime"
    target = root / _fingerprint(source)
    if (target / RUNTIME / "__init__.py").is_file():
        return target
    root.mkdir(parents=True, exist_ok=True)
    incoming = Path(tempfile.mkdtemp(prefix=".incoming-", dir=root))
    try:
        shutil.copytree(source, incoming / RUNTIME,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        try:
            os.rename(incoming, target)
        except OSError:
            # Another process made the same copy first: use that one.
            if not (target / RUNTIME / "__init__.py").is_file():
                raise
    finally:
        shutil.rmtree(incoming, ignore_errors=True)
    return target


@dataclass(frozen=True)
class Isolation:
    """How to start a plug-in's Python.

    Attributes:
        python_flags: Interpreter options before the script (``-S`` when isolated).
        env: The whole environment for the process.
        runtime_added: The folder with a copy of the runtime that was put on
            ``PYTHONPATH`` because the plug-in has none of its own (None when it has).
        isolated: Whether the developer's packages are hidden.
    """

    python_flags: tuple[str, ...]
    env: dict[str, str]
    runtime_added: Path | None
    isolated: bool


def engine_isolation(folder: Path, *, isolated: bool = True,
                     base: Mapping[str, str] | None = None,
                     extra: Mapping[str, str] | None = None,
                     paths: Sequence[Path] = ()) -> Isolation:
    """The interpreter flags and environment for running ``folder``'s plug-in.

    Args:
        folder: The plug-in folder (``libs/`` is looked for in it).
        isolated: Hide the developer's packages (the engine's view); False keeps
            the current environment with ``libs`` first on ``PYTHONPATH``.
        base: Environment to start from (default: ``os.environ``); isolated, its
            ``PYTHON*`` variables are dropped.
        extra: Variables set last (``GASSIST_LOG_DIR``, ``PYTHONIOENCODING``...);
            isolated, they cannot set ``PYTHONPATH`` or a variable that runs or
            imports code from elsewhere (``PYTHONHOME``, ``PYTHONSTARTUP``...).
        paths: More folders for ``PYTHONPATH`` after ``libs`` (tests use it for
            fixtures of their own).
    """
    env = dict(os.environ if base is None else base)
    entries = [str(folder / "libs"), *map(str, paths)]
    runtime_added = None
    if isolated:
        for name in [n for n in env if n.upper().startswith("PYTHON") or n in _DROPPED]:
            del env[name]
        if not has_runtime(folder):
            runtime_added = runtime_copy()
            entries.append(str(runtime_added))
    else:
        inherited = env.get("PYTHONPATH", "")
        if inherited:
            entries.append(inherited)
    env.update(extra or {})
    if isolated:
        for name in _UNSAFE:
            env.pop(name, None)
        env["PYTHONNOUSERSITE"] = "1"
    env["PYTHONPATH"] = os.pathsep.join(entries)
    flags = ISOLATED_FLAGS if isolated else ()
    return Isolation(python_flags=flags, env=env, runtime_added=runtime_added,
                     isolated=isolated)


def unbuilt_warning(folder: Path) -> str | None:
    """The warning for running ``folder`` isolated although it was never built, or None."""
    if is_built(folder) or has_runtime(folder):
        return None
    requirements = folder / "requirements.txt"
    wanted = []
    if requirements.is_file():
        for line in requirements.read_text(encoding="utf-8", errors="replace").splitlines():
            line = line.split("#", 1)[0].strip()
            if line and not line.startswith("-") and not line.lower().startswith(RUNTIME):
                wanted.append(line)
    text = (f"{folder} is a source folder, not a build: it runs with only the standard"
            " library and this gassist-build's runtime")
    if wanted:
        text += f", so its requirements ({', '.join(wanted)}) cannot be imported"
    return text + (f". Run `gassist-build build {folder}` and test dist/<name>, or pass"
                   " --dev to use this environment's packages")
