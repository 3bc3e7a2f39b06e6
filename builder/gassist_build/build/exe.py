# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Exe mode: a PyInstaller executable ``g-assist-plugin-<name>`` (one folder by default,
``onefile`` optional), frozen from a spec file kept in the work folder (:mod:`.freeze`)."""

from __future__ import annotations

import shutil
from pathlib import Path

from .. import _platform
from .._tree import copy_tree
from ..errors import BuildError
from . import freeze
from .mode import BuildJob, Mode, Staged, runtime_dir
from .pip import output_tail, pip_install

__all__ = ["ExeMode"]


class ExeMode:
    """Stage a frozen executable and the files PyInstaller collected beside it.

    Args:
        onefile: One self-unpacking file instead of a folder.
    """

    name: Mode = "exe"
    # The spec, PyInstaller's work files and deps/ stay, so the spec can be re-run by hand.
    scratch: tuple[str, ...] = ()

    def __init__(self, *, onefile: bool = False) -> None:
        self.onefile = onefile

    def stage(self, job: BuildJob, stage: Path) -> Staged:
        """Install the requirements for freezing, write the spec, freeze and copy the result."""
        exe_base = _platform.executable_name(job.name, windows=False)
        executable = _platform.executable_name(job.name)
        search_paths = [job.src, runtime_dir().parent]
        deps: Path | None = None
        if job.requirements:
            deps = job.work / "deps"
            shutil.rmtree(deps, ignore_errors=True)
            with job.log.step(f"Install {len(job.requirements)} requirement(s) for freezing"
                              " (pip)"):
                pip_install(job.requirements, deps, job.work, offline=job.offline,
                            pip_args=job.pip_args)
            search_paths.append(deps)
        with job.log.step("Write the PyInstaller spec"):
            plan = freeze.FreezePlan(
                script=job.src / "plugin.py",
                exe_base=exe_base,
                search_paths=tuple(search_paths),
                hidden_imports=tuple(freeze.discover_hidden_imports(
                    [m for m in job.modules if m.is_file()], runtime_dir(), deps)),
                onefile=self.onefile,
                strip=freeze.can_strip(),
            )
            spec = job.work / f"{job.name}.spec"
            spec.write_text(freeze.render_spec(plan), encoding="utf-8")
        frozen = job.work / "pyinstaller-dist"
        with job.log.step("Freeze with PyInstaller" + (" (one file)" if self.onefile else "")):
            status, output = freeze.run_pyinstaller(spec, frozen, job.work / "pyinstaller")
            if status != 0:
                raise BuildError(f"PyInstaller failed (exit status {status}):\n"
                                 f"{output_tail(output)}")
            if self.onefile:
                shutil.copy2(frozen / executable, stage / executable)
            else:
                copy_tree(frozen / exe_base, stage, BuildError)
        return Staged(executable, spec)
