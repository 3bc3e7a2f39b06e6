# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""What a build mode is given and what it must do: the interface between the build's shared
steps (:mod:`.pipeline`) and its two modes (:mod:`.source`, :mod:`.exe`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

from .._isolation import RUNTIME, runtime_dir
from .._steps import StepLog
from .target import BuildTarget

__all__ = ["RUNTIME", "BuildJob", "BuildMode", "Mode", "Staged", "runtime_dir"]

Mode = Literal["source", "exe"]


@dataclass(frozen=True)
class BuildJob:
    """The plug-in being built, as read and checked by the shared steps.

    Attributes:
        src: The plug-in folder.
        name: Its invocation name (from the generated manifest).
        modules: Its own code (:func:`gassist_build.build.plugin_modules`).
        requirements: ``requirements.txt`` lines to install (the runtime left out).
        work: Scratch folder (pip's files, the PyInstaller spec and work files).
        offline: Install requirements from this Python's distributions only.
        pip_args: Extra arguments for ``pip install``.
        log: Receives steps and warnings.
        target: The platform and engine Python the build is for.
    """

    src: Path
    name: str
    modules: list[Path]
    requirements: list[str]
    work: Path
    offline: bool
    pip_args: Sequence[str]
    log: StepLog
    target: BuildTarget


@dataclass(frozen=True)
class Staged:
    """What a mode put into the staging folder.

    Attributes:
        executable: The manifest's ``executable``, relative to the plug-in folder.
        spec: The PyInstaller spec it wrote, if any.
        bytecode: The cache tag of the byte code shipped beside the sources
            (``cpython-312``), or None when none was compiled.
    """

    executable: str
    spec: Path | None = None
    bytecode: str | None = None


class BuildMode(Protocol):
    """One way of turning a plug-in folder into what the engine runs."""

    #: The mode's name, as ``--mode`` spells it.
    name: Mode
    #: Names in the work folder to delete once the build is over.
    scratch: tuple[str, ...]

    def stage(self, job: BuildJob, stage: Path) -> Staged:
        """Put the plug-in's code, runtime and dependencies into ``stage``.

        The shared steps then add ``manifest.json`` and ``config.example.json``.

        Raises:
            BuildError: A step failed; nothing outside the work folder was touched.
        """
        ...
