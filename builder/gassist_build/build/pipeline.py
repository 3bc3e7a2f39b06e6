# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Build a plug-in folder into ``dist/<name>/``, ready to drop into the G-Assist plug-ins folder.

The steps every build shares live here; what differs between the two modes is a
:class:`~gassist_build.build.mode.BuildMode`:

* ``source`` (what V2 engines run, :mod:`.source`): ``plugin.py`` and the plug-in's
  other top-level modules, ``manifest.json`` (``executable: "plugin.py"``) and
  ``libs/`` with ``gassist_sdk`` and the ``requirements.txt`` dependencies;
* ``exe`` (:mod:`.exe`): a PyInstaller executable ``g-assist-plugin-<name>``,
  named in the manifest's ``executable``.

Both regenerate the manifest from the code and validate it first, ship
``config.example.json`` and never ``config.json`` (:mod:`.config`), and assemble
everything in a staging folder that is moved into ``dist/`` only when every step
succeeded: a failed build leaves the previous ``dist/<name>`` as it was.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from .. import _platform
from .._files import (
    BUILD_STAMP,
    CONFIG_EXAMPLE_FILE,
    build_output_problem,
    count_files,
    never_shipped,
    read_json_object,
)
from .._steps import StepLog, StepTime, format_size
from .._swap import FolderSwap
from .._tree import inside, plugin_modules, walk_files
from ..errors import BuildError
from ..manifest.probe import ManifestCommandError, render_manifest, run_manifest_command
from .config import shipped_example
from .exe import ExeMode
from .mode import BuildJob, BuildMode, Mode
from .pip import requirement_lines
from .source import SourceMode
from .target import BuildTarget, TargetName, build_target
from .verify import check_loads_isolated

__all__ = ["DEFAULT_OUT", "WINDOWS_CI_JOB", "BuildResult", "build_plugin", "plugin_modules"]

# Where each mode builds by default: an exe build never replaces a source build.
DEFAULT_OUT: dict[Mode, Path] = {"source": Path("dist"), "exe": Path("dist") / "exe"}
# The CI job that builds the Windows .exe of every sample plug-in.
WINDOWS_CI_JOB = "`tests and exe builds (windows)` in .github/workflows/ci.yml"

@dataclass
class BuildResult:
    """What :func:`build_plugin` produced.

    Attributes:
        name: The plug-in's invocation name (the folder name under ``dist/``).
        version: Its version (from the manifest).
        mode: ``"source"`` or ``"exe"``.
        onefile: One-file executable (``exe`` mode only).
        path: The built folder, ``<out>/<name>``.
        executable: The manifest's ``executable`` (relative to ``path``).
        files: Number of files in ``path``.
        size: Their total size in bytes.
        seconds: Wall time of the whole build.
        steps: Each step with its time.
        warnings: Things the author should look at (the build still succeeded).
        spec: The generated PyInstaller spec file (``exe`` mode only).
    """

    name: str
    version: str
    mode: Mode
    onefile: bool
    path: Path
    executable: str
    files: int
    size: int
    seconds: float
    steps: list[StepTime] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    spec: Path | None = None

    def summary(self) -> str:
        """What was built, where, how big and how long it took."""
        kind = {"source": "source", "exe": "one-file executable" if self.onefile
                else "one-folder executable"}[self.mode]
        text = (
            f"Built {self.name} {self.version} ({kind}) in {self.seconds:.1f} s → {self.path}\n"
            f"  {self.files} files, {format_size(self.size)}; executable: {self.executable}"
        )
        if self.spec is not None:
            text += f"\n  PyInstaller spec: {self.spec}"
        if self.warnings:
            text += f"\n  {len(self.warnings)} warning(s) above"
        return text


def _check_inputs(src: Path, modules: list[Path], log: StepLog) -> None:
    """Refuse links that leave ``src`` and names Windows misreads; say what stays out.

    The same rule (:mod:`gassist_build._tree`) applies again when the files are copied;
    checking here first covers the exe mode too, where PyInstaller reads the code.
    """
    for name in (CONFIG_EXAMPLE_FILE, "requirements.txt"):
        if (src / name).is_symlink():
            inside(src, src / name, BuildError)

    def left_out(relative: PurePosixPath) -> str | None:
        pattern = never_shipped(relative)
        if pattern is not None and pattern != "__pycache__":
            log.warn(f"{relative.as_posix()} is not shipped (it matches {pattern!r}: settings,"
                     " keys, caches, logs and temporary files never leave your folder)")
        return pattern

    for module in modules:
        for _ in walk_files(src, BuildError, start=module, skip=left_out):
            pass


def _build_mode(mode: Mode, onefile: bool, target: TargetName | None) -> BuildMode:
    if mode not in ("source", "exe"):
        raise BuildError(f"unknown mode {mode!r}; use 'source' or 'exe'")
    if onefile and mode != "exe":
        raise BuildError("--onefile only applies to --mode exe")
    if target is not None and mode == "exe":
        raise BuildError("--target only applies to --mode source: PyInstaller makes an"
                         " executable for the OS it runs on; build the Windows .exe on"
                         f" Windows (CI: {WINDOWS_CI_JOB})")
    return ExeMode(onefile=onefile) if mode == "exe" else SourceMode()


def _check_plugin_folder(src: Path) -> None:
    if not src.is_dir():
        raise BuildError(f"{src} is not a folder")
    if not (src / "plugin.py").is_file():
        raise BuildError(
            f"{src} has no plugin.py, so it is not a plug-in folder; create one with"
            " `gassist-build new NAME`"
        )


def _validate(manifest: dict[str, Any], folder: Path | None) -> list[str]:
    from ..manifest.validate import check_manifest

    problems = check_manifest(manifest, folder=folder)
    return [f"{p.severity}: {p.path}: {p.message}" for p in problems]


def _warn_on_drift(src: Path, manifest: dict[str, Any], log: StepLog) -> None:
    """Warn when the source folder's manifest.json is not the one generated from its code."""
    on_disk_path = src / "manifest.json"
    if not on_disk_path.is_file():
        return
    on_disk = read_json_object(on_disk_path)
    if on_disk is None or on_disk != manifest:
        log.warn(f"{on_disk_path} differs from the manifest generated from plugin.py; the"
                 f" build ships the generated one (update yours with `gassist-build manifest"
                 f" {src}`)")


def _generate_manifest(src: Path, log: StepLog) -> dict[str, Any]:
    """The manifest generated from the code, its content validated; its name checked."""
    try:
        manifest = run_manifest_command(src, isolated=False)
    except ManifestCommandError as exc:
        raise BuildError(
            f"could not get the manifest from {src / 'plugin.py'}: the plug-in fails to"
            f" load. Fix the error below, then build again.\n{exc}"
        ) from None
    findings = _validate(manifest, None)
    errors = [f for f in findings if f.startswith("error")]
    if errors:
        raise BuildError("the manifest generated from plugin.py has errors:\n  "
                         + "\n  ".join(errors))
    for finding in findings:
        log.warn("manifest " + finding)
    problem = _platform.invocation_name_problem(str(manifest.get("name") or ""))
    if problem:
        raise BuildError(f"the plug-in's name cannot be its folder name: {problem}")
    _warn_on_drift(src, manifest, log)
    return manifest


def _finish_stage(stage: Path, manifest: dict[str, Any], example: bytes | None,
                  mode: Mode, bytecode: str | None) -> None:
    """Add manifest.json, config.example.json and the build stamp, then validate the folder.

    The stamp (what ``package`` and ``install`` look for) goes into ``libs/``, the
    build's own folder, in a source build, and beside the executable otherwise.
    """
    (stage / "manifest.json").write_text(render_manifest(manifest), encoding="utf-8")
    if example is not None:
        (stage / CONFIG_EXAMPLE_FILE).write_bytes(example)
    stamp = {"builtBy": "gassist-build", "name": manifest.get("name"),
             "version": manifest.get("version"), "mode": mode}
    if bytecode is not None:
        stamp["bytecode"] = bytecode
    home = stage / "libs" if (stage / "libs").is_dir() else stage
    (home / BUILD_STAMP).write_text(render_manifest(stamp), encoding="utf-8")
    errors = [f for f in _validate(manifest, stage) if f.startswith("error")]
    if errors:
        raise BuildError("the built plug-in does not pass validation:\n  "
                         + "\n  ".join(errors))


def _check_target(src: Path, final: Path) -> None:
    """Refuse a ``final`` folder the build must not replace: only a build output may go."""
    if not final.exists() and not final.is_symlink():
        return
    real, source = final.resolve(), src.resolve()
    if real == source or real in source.parents:
        raise BuildError(f"--out {final.parent} would replace the plug-in's own folder {src}"
                         " with the build; use another folder, e.g. --out dist")
    problem = build_output_problem(final)
    if problem is not None:
        raise BuildError(f"{final} exists and is not a build output, so the build will not"
                         f" replace it: {problem.split(';')[0]}. Use another --out (e.g. dist)"
                         " or remove that folder first")


def _move_into_place(stage: Path, final: Path) -> None:
    """Replace ``final`` with ``stage``; ``final`` is never left half-written."""
    final.parent.mkdir(parents=True, exist_ok=True)
    with FolderSwap(final, staging="incoming", aside="old") as swap:
        try:
            swap.recover()
        except OSError as exc:
            why = exc.strerror or exc
            raise BuildError(f"an interrupted build left folders beside {final} that could not"
                             f" be put back ({why}); nothing was changed") from None
        try:
            os.rename(stage, swap.staging)
        except OSError:
            # Another file system: copy beside the target first, then rename.
            shutil.copytree(stage, swap.staging, symlinks=True)
        try:
            swap.commit()
        except OSError as exc:
            why = _platform.locked_hint(final) if isinstance(exc, PermissionError) \
                else str(exc.strerror or exc)
            raise BuildError(f"could not replace {final}, which was left as it was: {why}") \
                from None
    swap.remove_old()


def _clean_work_dir(work: Path, scratch: tuple[str, ...], *, default: bool) -> None:
    """Remove the staging folder and the mode's scratch files."""
    shutil.rmtree(work / "stage", ignore_errors=True)
    for name in scratch:
        path = work / name
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    # Leave no empty build/<name>/ (or our default build/) behind after a source build.
    for folder in (work, work.parent) if default else (work,):
        with contextlib.suppress(OSError):
            folder.rmdir()


def build_plugin(
    src: str | Path,
    mode: Mode = "source",
    out: str | Path | None = None,
    *,
    onefile: bool = False,
    target: TargetName | None = None,
    engine_python: str | None = None,
    work_dir: str | Path | None = None,
    offline: bool = False,
    pip_args: Sequence[str] = (),
    log: StepLog | None = None,
) -> BuildResult:
    """Build the plug-in in ``src`` into ``<out>/<name>/``.

    Args:
        src: The plug-in folder (holds ``plugin.py``).
        mode: ``"source"`` or ``"exe"``.
        out: Folder that receives ``<name>/``; defaults to ``dist`` for a source build
            and ``dist/exe`` for an exe build (:data:`DEFAULT_OUT`), so that neither
            replaces the other.
        onefile: With ``mode="exe"``, one self-unpacking file instead of a folder.
        target: ``"windows"``: a source build for G-Assist on Windows from any OS
            (Windows wheels in ``libs/``); None: for this machine.
        engine_python: The engine's Python version ``"X.Y"`` (byte code is shipped
            when it is the build's own; with ``target="windows"``, the wheels are
            chosen for it); see :func:`gassist_build.build.target.build_target`.
        work_dir: Scratch folder (staging, PyInstaller spec and work files);
            defaults to ``build/<name>`` beside ``out`` (beside ``dist`` for the
            default ``out``).
        offline: Install dependencies from the distributions installed in this
            Python environment instead of a package index.
        pip_args: Extra arguments for ``pip install`` (``--find-links DIR``...).
        log: Receives progress and warnings (silent if omitted).

    Returns:
        A :class:`BuildResult`.

    Raises:
        BuildError: The build failed; ``<out>/<name>`` was left as it was.
    """
    started = time.perf_counter()
    log = log or StepLog()
    src = Path(src).resolve()
    default_out = out is None
    out = (DEFAULT_OUT.get(mode, DEFAULT_OUT["source"]) if out is None else Path(out)).resolve()
    builder = _build_mode(mode, onefile, target)
    aim: BuildTarget = build_target(target, engine_python)
    with log.step("Read the plug-in folder"):
        _check_plugin_folder(src)
        modules = plugin_modules(src)
        _check_inputs(src, modules, log)
        requirements = requirement_lines(src)
    with log.step("Generate and check the manifest"):
        manifest = _generate_manifest(src, log)
        name = str(manifest.get("name") or "")
    with log.step("Check the config (secrets stay out)"):
        example = shipped_example(src, log)

    final = out / name
    _check_target(src, final)
    work_root = Path("dist").resolve().parent if default_out else out.parent
    work = Path(work_dir).resolve() if work_dir is not None else work_root / "build" / name
    job = BuildJob(src, name, modules, requirements, work, offline, pip_args, log, aim)
    stage = work / "stage" / name
    shutil.rmtree(stage.parent, ignore_errors=True)
    stage.mkdir(parents=True)
    try:
        staged = builder.stage(job, stage)
        with log.step("Write manifest.json and check the result"):
            manifest["executable"] = staged.executable
            _finish_stage(stage, manifest, example, mode, staged.bytecode)
        if mode == "source" and not aim.cross:
            with log.step("Load the build in the engine's isolation (standard library and"
                          " libs/ only)"):
                check_loads_isolated(stage, src, requirements)
        elif mode == "source":
            log.note("the Windows build's loading is not checked here: its libs/ holds"
                     " Windows packages; check it on Windows with `gassist-build check`")
        with log.step(f"Move into {final}"):
            _move_into_place(stage, final)
    finally:
        _clean_work_dir(work, builder.scratch, default=work_dir is None)

    if mode == "exe" and sys.platform != "win32":
        log.warn(f"this is a {'macOS' if sys.platform == 'darwin' else 'Linux'} executable"
                 " (PyInstaller builds for the OS it runs on), not a Windows .exe for"
                 " G-Assist: build on Windows, or take the .exe the Windows CI job builds"
                 f" ({WINDOWS_CI_JOB}, artifact gassist-plugins-windows-exe); or ship"
                 " a source build (`--target windows`)")
    files, size = count_files(final)
    return BuildResult(
        name=name, version=str(manifest.get("version") or ""), mode=mode, onefile=onefile,
        path=final, executable=staged.executable, files=files, size=size,
        seconds=time.perf_counter() - started, steps=list(log.steps),
        warnings=list(log.warnings), spec=staged.spec,
    )
