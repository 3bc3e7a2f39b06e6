# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Source mode (what V2 engines run): ``plugin.py`` and the plug-in's other top-level modules,
with ``libs/`` holding the ``gassist_sdk`` runtime and the ``requirements.txt`` dependencies
(the engine puts ``libs`` first on ``PYTHONPATH``)."""

from __future__ import annotations

import compileall
import py_compile
import sys
from pathlib import Path

from .._files import never_shipped
from .._tree import copy_tree
from ..errors import BuildError
from .mode import RUNTIME, BuildJob, Mode, Staged, runtime_dir
from .pip import pip_install

__all__ = ["SourceMode"]

_COMPILED_SUFFIXES = (".so", ".pyd", ".dylib", ".dll")


def _compiled_parts(libs: Path) -> dict[str, list[str]]:
    """Top-level packages in ``libs`` that hold compiled extension files."""
    found: dict[str, list[str]] = {}
    for path in sorted(libs.rglob("*")):
        if path.is_file() and (path.suffix in _COMPILED_SUFFIXES or ".so." in path.name):
            top = path.relative_to(libs).parts[0]
            found.setdefault(top, []).append(path.name)
    return found


def _compile(stage: Path, job: BuildJob) -> str | None:
    """Write ``__pycache__`` byte code for everything staged, if the engine's Python reads it.

    Hash-checked ``.pyc`` files stay valid when the folder is copied (no timestamps) and
    give the same bytes on every build.
    """
    if not job.target.compiles_here:
        job.log.warn(
            f"no byte code shipped: the engine's Python is {job.target.python}"
            f" ({job.target.detected}) but this build runs Python {sys.version_info.major}."
            f"{sys.version_info.minor}; the engine compiles plugin.py and libs/ on each start"
            " when it cannot write there. Build with Python"
            f" {job.target.python} to ship byte code"
        )
        return None
    ok = compileall.compile_dir(
        stage, quiet=1, workers=1, stripdir=str(stage),
        invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH,
    )
    if not ok:
        raise BuildError(f"compiling the byte code in {stage} failed; a file in libs/ or the"
                         " plug-in's code has a syntax error for this Python")
    return sys.implementation.cache_tag


def _copy_plugin_code(src: Path, modules: list[Path], dest: Path) -> None:
    for module in modules:
        copy_tree(src, dest, BuildError, start=module, skip=never_shipped)


class SourceMode:
    """Stage ``plugin.py`` + ``libs/``; the engine runs ``plugin.py`` with its own Python."""

    name: Mode = "source"
    # Only needed while pip runs; an exe build keeps its work folder for the spec.
    scratch: tuple[str, ...] = ("wheelhouse", "requirements.txt")

    def stage(self, job: BuildJob, stage: Path) -> Staged:
        """Install the requirements into ``stage/libs``, then copy the runtime and the code."""
        libs = stage / "libs"
        target = job.target
        if job.requirements:
            where = f" for Windows, Python {target.python}" if target.windows else ""
            with job.log.step(f"Install {len(job.requirements)} requirement(s) into libs/"
                              f"{where} (pip)"):
                pip_install(job.requirements, libs, job.work, offline=job.offline,
                            pip_args=job.pip_args, platform_args=target.pip_args())
            for package, compiled in _compiled_parts(libs).items():
                built_for = (f"Windows, Python {target.python}" if target.windows else
                             f"{sys.platform}, Python {sys.version_info.major}."
                             f"{sys.version_info.minor}")
                job.log.warn(
                    f"dependency {package} ships compiled parts ({', '.join(compiled[:3])}"
                    f"{', ...' if len(compiled) > 3 else ''}): they only load in the Python"
                    f" version and OS they were built for ({built_for}); the engine's bundled"
                    " Python must match" + ("" if target.windows else
                                            " (build with --target windows for G-Assist)")
                )
        with job.log.step("Copy the runtime and the plug-in's code"):
            libs.mkdir(exist_ok=True)
            copy_tree(runtime_dir(), libs / RUNTIME, BuildError, skip=never_shipped)
            _copy_plugin_code(job.src, job.modules, stage)
        with job.log.step(f"Compile byte code for Python {target.python}"):
            bytecode = _compile(stage, job)
        return Staged("plugin.py", bytecode=bytecode)
