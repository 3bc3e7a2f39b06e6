# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Install a plug-in's ``requirements.txt`` with ``pip install --target``, for either build mode.

Online from the package index pip is configured for, or offline (``--offline``) from
wheels of the distributions installed in this Python (:mod:`.wheelhouse`).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from ..errors import BuildError
from .wheelhouse import canonical_name, read_requirement_names, wheelhouse_from_environment

__all__ = ["REQUIREMENTS_FILE", "output_tail", "pip_install", "requirement_lines"]

REQUIREMENTS_FILE = "requirements.txt"
_OUTPUT_TAIL = 2500
_NO_MATCH = re.compile(r"No matching distribution found for (\S+)(?: \(from ([^)]+)\))?")


def output_tail(text: str) -> str:
    """The end of a tool's output, short enough for an error message."""
    text = text.strip()
    if len(text) > _OUTPUT_TAIL:
        text = "…" + text[-_OUTPUT_TAIL:]
    return text


def _describe(platform_args: Sequence[str]) -> str:
    """``win_amd64, Python 3.12`` from the ``--platform`` / ``--python-version`` options."""
    values = dict(zip(platform_args[::2], platform_args[1::2], strict=False))
    return f"{values.get('--platform', '?')}, Python {values.get('--python-version', '?')}"


def requirement_lines(src: Path) -> list[str]:
    """requirements.txt lines to install; the runtime itself is bundled separately."""
    path = src / REQUIREMENTS_FILE
    if not path.is_file():
        return []
    lines: list[str] = []
    for raw in path.read_text(encoding="utf-8-sig").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        requirement = read_requirement_names([line])
        if requirement and canonical_name(requirement[0].name) == "gassist-sdk":
            continue
        lines.append(line)
    return lines


def pip_install(
    lines: list[str],
    target: Path,
    work: Path,
    *,
    offline: bool,
    pip_args: Sequence[str],
    platform_args: Sequence[str] = (),
) -> None:
    """``pip install --target`` the requirements; raise BuildError with pip's own error.

    Args:
        lines: Requirement lines (:func:`requirement_lines`).
        target: Folder that receives the packages.
        work: Scratch folder for ``requirements.txt`` and the offline ``wheelhouse/``.
        offline: Install only from the distributions installed in this Python.
        pip_args: Extra arguments for ``pip install``.
        platform_args: Options selecting another platform's wheels
            (:meth:`gassist_build.build.target.BuildTarget.pip_args`).
    """
    requirements = work / "requirements.txt"
    requirements.write_text("\n".join(lines) + "\n", encoding="utf-8")
    command = [
        sys.executable, "-m", "pip", "install",
        "--target", str(target),
        "--requirement", str(requirements),
        "--no-compile",  # byte code is written by the engine's own Python
        "--disable-pip-version-check",
        "--no-input",
    ]
    if offline:
        wheelhouse = work / "wheelhouse"
        shutil.rmtree(wheelhouse, ignore_errors=True)
        wheelhouse_from_environment(read_requirement_names(lines), wheelhouse)
        # --isolated: no user/site pip configuration can add an index behind our back.
        command += ["--isolated", "--no-index", "--find-links", str(wheelhouse)]
    command += [*platform_args, *pip_args]
    proc = subprocess.run(
        command, stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False,
        env=dict(os.environ, PYTHONIOENCODING="utf-8"),
    )
    if proc.returncode != 0:
        output = proc.stderr or proc.stdout
        missing = _NO_MATCH.findall(output)
        if platform_args and missing:
            wanted, needed_by = missing[-1]
            raise BuildError(
                f"no wheel of {wanted}{f' (needed by {needed_by})' if needed_by else ''} for"
                f" {_describe(platform_args)} was found"
                f"{' among the offline wheels (--offline)' if offline else ''}: G-Assist"
                " cannot build packages from source, so each requirement needs a wheel for"
                f" the engine's platform. Choose a version of {wanted} that has one (or a"
                " pure-Python alternative), or pass --find-links DIR with such wheels."
                f" pip said:\n{output_tail(output)}"
            )
        hint = (
            " (offline: only packages installed in this Python environment are available)"
            if offline else ""
        )
        raise BuildError(
            f"pip could not install the plug-in's {REQUIREMENTS_FILE}{hint}; the build"
            f" stopped and wrote nothing. pip said:\n{output_tail(output)}"
        )
    # Console scripts of dependencies are of no use inside a plug-in.
    shutil.rmtree(target / "bin", ignore_errors=True)
