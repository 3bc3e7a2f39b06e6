# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""What a source build is for: the engine's platform and its bundled Python's version.

By default a build is for this machine and the Python running the build. ``--target
windows`` builds for G-Assist on Windows from any OS: pip installs Windows wheels
(``--platform win_amd64 --python-version X.Y --only-binary=:all:``) for the engine's
Python, :data:`DEFAULT_ENGINE_PYTHON` unless ``--engine-python`` says otherwise or, on
Windows, the Python bundled with G-Assist is found
(:func:`gassist_build._platform.rise_python_version`).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from typing import Literal

from .. import _platform
from ..errors import BuildError

__all__ = ["DEFAULT_ENGINE_PYTHON", "BuildTarget", "TargetName", "build_target"]

TargetName = Literal["windows"]
# The Python G-Assist's RISE engine bundles, when it cannot be detected on this machine.
DEFAULT_ENGINE_PYTHON = "3.12"
_VERSION = re.compile(r"^3\.\d{1,2}$")


@dataclass(frozen=True)
class BuildTarget:
    """The platform and Python a build is for.

    Attributes:
        windows: Windows wheels for G-Assist (``--target windows``); False: this machine.
        python: The engine's Python version, ``"X.Y"``.
        detected: Where ``python`` came from (shown in the build's log).
    """

    windows: bool
    python: str
    detected: str

    @property
    def cross(self) -> bool:
        """Whether ``libs/`` holds packages for another OS than this one."""
        return self.windows and sys.platform != "win32"

    @property
    def compiles_here(self) -> bool:
        """Whether this interpreter writes byte code the engine's Python reads."""
        return self.python == _this_python()

    def pip_args(self) -> list[str]:
        """pip options that select wheels for this target (none for this machine)."""
        if not self.windows:
            return []
        return ["--platform", "win_amd64", "--python-version", self.python,
                "--implementation", "cp", "--only-binary=:all:"]


def _this_python() -> str:
    return f"{sys.version_info.major}.{sys.version_info.minor}"


def build_target(target: TargetName | None, engine_python: str | None, *,
                 windows_host: bool | None = None) -> BuildTarget:
    """The :class:`BuildTarget` for ``--target`` and ``--engine-python``.

    Args:
        target: ``"windows"``, or None for this machine.
        engine_python: ``"X.Y"``, or None for the default (see the module docstring).
        windows_host: Pretend to run on Windows or not (tests); defaults to the real OS.

    Raises:
        BuildError: An unknown target or a malformed version.
    """
    if target not in (None, "windows"):
        raise BuildError(f"unknown --target {target!r}; use 'windows' (or leave it out to build"
                         " for this machine)")
    if engine_python is not None and not _VERSION.match(engine_python):
        raise BuildError(f"--engine-python {engine_python!r} is not a Python version like"
                         f" {DEFAULT_ENGINE_PYTHON}")
    if engine_python is not None:
        return BuildTarget(target == "windows", engine_python, "--engine-python")
    if target != "windows":
        return BuildTarget(False, _this_python(), "the Python running the build")
    on_windows = sys.platform == "win32" if windows_host is None else windows_host
    found = _platform.rise_python_version() if on_windows else None
    if found is not None:
        return BuildTarget(True, found, "the Python bundled with G-Assist")
    return BuildTarget(True, DEFAULT_ENGINE_PYTHON, "the default")
