# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Build a plug-in folder into ``dist/<name>/``, ready to drop into the G-Assist plug-ins folder.

Two modes:

* ``source`` (what V2 engines run): ``plugin.py`` and the plug-in's other
  top-level modules, ``manifest.json`` (``executable: "plugin.py"``) and
  ``libs/`` with ``gassist_sdk`` and the ``requirements.txt`` dependencies
  (the engine puts ``libs`` first on ``PYTHONPATH``);
* ``exe``: a PyInstaller executable ``g-assist-plugin-<name>`` (one folder by
  default, ``onefile`` optional), named in the manifest's ``executable``.

Both regenerate the manifest from the code and validate it first, ship
``config.example.json`` and never ``config.json`` (it may hold the author's
secrets), and assemble everything in a staging folder that is moved into
``dist/`` only when every step succeeded: a failed build leaves the previous
``dist/<name>`` as it was.

A plug-in with typed config (``Plugin(..., config=...)``) says itself which
keys are secret (``plugin.py --config-schema`` marks them ``writeOnly``), and
the shipped ``config.example.json`` is the one its code prints
(``--config-example``, secrets empty). For other plug-ins the secrets are
guessed from the key names and their own ``config.example.json`` is shipped.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import click
from rich.console import Console

from . import freeze
from .. import _platform
from .._steps import StepLog, StepTime, format_size
from .wheelhouse import canonical_name, read_requirement_names, wheelhouse_from_environment
from ..errors import BuildError
from ..manifest.probe import (
    EXIT_NO_CONFIG,
    ManifestCommandError,
    render_manifest,
    run_manifest_command,
    run_plugin_json,
)

__all__ = [
    "BuildResult",
    "DeclaredConfig",
    "build_plugin",
    "declared_config",
    "plugin_modules",
    "secret_keys",
]

Mode = Literal["source", "exe"]
CONFIG_FILE = "config.json"
CONFIG_EXAMPLE_FILE = "config.example.json"
REQUIREMENTS_FILE = "requirements.txt"
_RUNTIME = "gassist_sdk"
# Folders of a plug-in that are never part of it.
_NOT_PLUGIN_DIRS = frozenset(
    {"tests", "test", "libs", "build", "dist", "venv", "env", "node_modules", "__pycache__"}
)
_COMPILED_SUFFIXES = (".so", ".pyd", ".dylib", ".dll")
# Words that make a config key a secret: client_secret, BOT_TOKEN, webhook_key, api_key...
_SECRET_WORDS = frozenset({"secret", "token", "password", "passwd", "key", "apikey", "credentials"})
_OUTPUT_TAIL = 2500


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


def secret_keys(config: Any, prefix: str = "") -> list[str]:
    """Keys of a config object whose names mark them as secrets, dotted when nested.

    A key is a secret when its last word (split at ``_``, ``-`` and camelCase) is
    one of secret, token, password, passwd, key, apikey, credentials, or when it
    contains "secret" or "password": ``TWITCH_CLIENT_SECRET``, ``BOT_TOKEN``,
    ``webhook_key``, ``apiKey`` are secrets; ``token_url`` and ``model`` are not.
    """
    found: list[str] = []
    if not isinstance(config, dict):
        return found
    for key, value in config.items():
        dotted = f"{prefix}{key}"
        words = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", str(key)).lower().replace("-", "_")
        parts = [w for w in words.split("_") if w]
        lowered = str(key).lower()
        if (parts and parts[-1] in _SECRET_WORDS) or "secret" in lowered or "password" in lowered:
            found.append(dotted)
        elif isinstance(value, dict):
            found.extend(secret_keys(value, dotted + "."))
    return found


@dataclass
class DeclaredConfig:
    """A plug-in's typed config, as its code declares it.

    Attributes:
        secrets: Keys marked ``secret=True`` (``writeOnly`` in the schema).
        example: The ``config.example.json`` document the code prints.
    """

    secrets: list[str]
    example: dict[str, Any]


def declared_config(src: str | Path) -> DeclaredConfig | None:
    """Ask the plug-in for its typed config (``plugin.py --config-schema`` / ``--config-example``).

    Returns:
        The declaration, or None for a plug-in without typed config (the runtime
        then exits with status :data:`EXIT_NO_CONFIG`).

    Raises:
        BuildError: ``plugin.py`` failed otherwise, or printed a bad document.
    """
    src = Path(src)
    try:
        schema = run_plugin_json(src, "--config-schema")
    except ManifestCommandError as exc:
        if exc.returncode == EXIT_NO_CONFIG:
            return None
        raise BuildError(f"could not get the config declared by {src / 'plugin.py'}:\n{exc}") \
            from None
    properties = schema.get("properties")
    if not isinstance(properties, dict):
        raise BuildError(f"`plugin.py --config-schema` in {src} printed a schema without"
                         " \"properties\"; is gassist_sdk in libs/ older than this tool?")
    secrets = [key for key, entry in properties.items()
               if isinstance(entry, dict) and entry.get("writeOnly") is True]
    try:
        example = run_plugin_json(src, "--config-example")
    except ManifestCommandError as exc:
        raise BuildError(f"could not get config.example.json from {src / 'plugin.py'}:\n{exc}") \
            from None
    return DeclaredConfig(secrets=secrets, example=example)


def _filled(value: Any) -> bool:
    """A value that is more than the empty placeholder of its type."""
    return value not in ("", None, 0, False) and value != [] and value != {}


def _lookup(config: dict[str, Any], dotted: str) -> Any:
    value: Any = config
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


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


def _runtime_dir() -> Path:
    spec = importlib.util.find_spec(_RUNTIME)
    if spec is None or spec.origin is None:
        raise BuildError("the gassist_sdk runtime is not installed in this Python; install"
                         " gassist-sdk (pip install -e .) and build again")
    return Path(spec.origin).parent


def _tail(text: str) -> str:
    text = text.strip()
    if len(text) > _OUTPUT_TAIL:
        text = "…" + text[-_OUTPUT_TAIL:]
    return text


def _requirement_lines(src: Path) -> list[str]:
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


def _pip_install(
    lines: list[str],
    target: Path,
    work: Path,
    *,
    offline: bool,
    pip_args: Sequence[str],
) -> None:
    """``pip install --target`` the requirements; raise BuildError with pip's own error."""
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
    command += list(pip_args)
    proc = subprocess.run(
        command, stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False,
        env=dict(os.environ, PYTHONIOENCODING="utf-8"),
    )
    if proc.returncode != 0:
        hint = (
            " (offline: only packages installed in this Python environment are available)"
            if offline else ""
        )
        raise BuildError(
            f"pip could not install the plug-in's {REQUIREMENTS_FILE}{hint}; the build"
            f" stopped and wrote nothing. pip said:\n{_tail(proc.stderr or proc.stdout)}"
        )
    # Console scripts of dependencies are of no use inside a plug-in.
    shutil.rmtree(target / "bin", ignore_errors=True)


def _compiled_parts(libs: Path) -> dict[str, list[str]]:
    """Top-level packages in ``libs`` that hold compiled extension files."""
    found: dict[str, list[str]] = {}
    for path in sorted(libs.rglob("*")):
        if path.is_file() and (path.suffix in _COMPILED_SUFFIXES or ".so." in path.name):
            top = path.relative_to(libs).parts[0]
            found.setdefault(top, []).append(path.name)
    return found


def _copy_runtime(dest: Path) -> None:
    shutil.copytree(
        _runtime_dir(), dest / _RUNTIME, ignore=shutil.ignore_patterns("__pycache__", "*.py[co]")
    )


def _copy_plugin_code(modules: list[Path], dest: Path) -> None:
    for module in modules:
        if module.is_dir():
            shutil.copytree(module, dest / module.name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.py[co]"))
        else:
            shutil.copy2(module, dest / module.name)


def _read_example(example: Path) -> dict[str, Any]:
    try:
        data = json.loads(example.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BuildError(f"{example} is not valid JSON: {exc}") from None
    return data if isinstance(data, dict) else {}


def _check_config(src: Path, log: StepLog) -> bytes | None:
    """The bytes of the config.example.json to ship, after checking it carries no secret values.

    With typed config it is generated from the code; otherwise the plug-in's own file is
    shipped and its secrets are guessed from the key names (:func:`secret_keys`).
    """
    example = src / CONFIG_EXAMPLE_FILE
    declared = declared_config(src)
    try:
        on_disk = _read_example(example) if example.is_file() else None
    except BuildError as exc:
        if declared is None:
            raise
        # Not shipped anyway: the build ships the example generated from the code.
        log.warn(f"{exc.message}; regenerate it with `gassist-build config {src}`")
        on_disk = None
    if declared is not None:
        generated = {key: declared.example.get(key) for key in declared.secrets}
        leaked = [key for key, value in generated.items() if _filled(value)]
        if leaked:  # the runtime never does this; a last guard before shipping it to everyone
            raise BuildError(f"`plugin.py --config-example` printed values for secrets"
                             f" ({', '.join(leaked)}); nothing was built")
        secrets = declared.secrets
    else:
        secrets = secret_keys(on_disk) if on_disk is not None else []
    if on_disk is not None:
        filled = [key for key in secrets if _filled(_lookup(on_disk, key))]
        if filled:
            raise BuildError(
                f"{example} has values for secrets ({', '.join(filled)}); it is meant to be"
                " shared with every user, so leave them empty (\"\") and put your own in"
                f" {CONFIG_FILE}"
                + (f" (regenerate it with `gassist-build config {src}`)" if declared else "")
            )
    if declared is not None:
        if on_disk is not None and on_disk != declared.example:
            log.warn(f"{example} does not match the config declared in plugin.py; the build"
                     f" ships the generated one (update yours with `gassist-build config {src}`)")
        if (src / CONFIG_FILE).is_file():
            log.note(f"{CONFIG_FILE} is not shipped (it holds your settings); users get"
                     f" {CONFIG_EXAMPLE_FILE}, generated from plugin.py")
        return render_manifest(declared.example).encode("utf-8")
    if on_disk is not None:
        if (src / CONFIG_FILE).is_file():
            log.note(f"{CONFIG_FILE} is not shipped (it holds your settings); users get"
                     f" {CONFIG_EXAMPLE_FILE}")
        return example.read_bytes()
    if (src / CONFIG_FILE).is_file():
        log.warn(
            f"{CONFIG_FILE} is not shipped because it may hold secrets; add a"
            f" {CONFIG_EXAMPLE_FILE} (secrets empty) so users know what to fill in"
        )
    return None


def _validate(manifest: dict[str, Any], folder: Path | None) -> list[str]:
    from ..manifest.validate import check_manifest

    problems = check_manifest(manifest, folder=folder)
    return [f"{p.severity}: {p.path}: {p.message}" for p in problems]


def _generate_manifest(src: Path, log: StepLog) -> dict[str, Any]:
    try:
        manifest = run_manifest_command(src)
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
    return manifest


def _move_into_place(stage: Path, final: Path) -> None:
    """Replace ``final`` with ``stage``; ``final`` is never left half-written."""
    final.parent.mkdir(parents=True, exist_ok=True)
    incoming = final.parent / f".{final.name}.incoming-{os.getpid()}"
    old = final.parent / f".{final.name}.old-{os.getpid()}"
    shutil.rmtree(incoming, ignore_errors=True)
    try:
        os.rename(stage, incoming)
    except OSError:
        # Another file system: copy beside the target first, then rename.
        shutil.copytree(stage, incoming, symlinks=True)
    try:
        if final.exists():
            _platform.rename_dir(final, old)
        _platform.rename_dir(incoming, final)
    except OSError as exc:
        if old.exists() and not final.exists():
            os.rename(old, final)
        shutil.rmtree(incoming, ignore_errors=True)
        why = _platform.locked_hint(final) if isinstance(exc, PermissionError) \
            else str(exc.strerror or exc)
        raise BuildError(f"could not replace {final}, which was left as it was: {why}") from None
    shutil.rmtree(old, ignore_errors=True)


def _clean_work_dir(work: Path, mode: Mode, *, default: bool) -> None:
    """Remove scratch files; an exe build keeps its spec (and PyInstaller's work files)."""
    shutil.rmtree(work / "stage", ignore_errors=True)
    if mode == "source":
        shutil.rmtree(work / "wheelhouse", ignore_errors=True)
        (work / "requirements.txt").unlink(missing_ok=True)
    # Leave no empty build/<name>/ (or our default build/) behind after a source build.
    for folder in (work, work.parent) if default else (work,):
        with contextlib.suppress(OSError):
            folder.rmdir()


def _count(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def build_plugin(
    src: str | Path,
    mode: Mode = "source",
    out: str | Path = "dist",
    *,
    onefile: bool = False,
    work_dir: str | Path | None = None,
    offline: bool = False,
    pip_args: Sequence[str] = (),
    log: StepLog | None = None,
) -> BuildResult:
    """Build the plug-in in ``src`` into ``<out>/<name>/``.

    Args:
        src: The plug-in folder (holds ``plugin.py``).
        mode: ``"source"`` or ``"exe"``.
        out: Folder that receives ``<name>/``.
        onefile: With ``mode="exe"``, one self-unpacking file instead of a folder.
        work_dir: Scratch folder (staging, PyInstaller spec and work files);
            defaults to ``build/<name>`` beside ``out``.
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
    out = Path(out).resolve()
    if mode not in ("source", "exe"):
        raise BuildError(f"unknown mode {mode!r}; use 'source' or 'exe'")
    if onefile and mode != "exe":
        raise BuildError("--onefile only applies to --mode exe")

    with log.step("Read the plug-in folder"):
        if not src.is_dir():
            raise BuildError(f"{src} is not a folder")
        if not (src / "plugin.py").is_file():
            raise BuildError(
                f"{src} has no plugin.py, so it is not a plug-in folder; create one with"
                " `gassist-build new NAME`"
            )
        modules = plugin_modules(src)
        requirements = _requirement_lines(src)

    with log.step("Generate and check the manifest"):
        manifest = _generate_manifest(src, log)
        name = str(manifest.get("name") or "")
        problem = _platform.invocation_name_problem(name)
        if problem:
            raise BuildError(f"the plug-in's name cannot be its folder name: {problem}")
        version = str(manifest.get("version") or "")

    with log.step("Check the config (secrets stay out)"):
        example = _check_config(src, log)

    work = Path(work_dir).resolve() if work_dir is not None else out.parent / "build" / name
    stage_root = work / "stage"
    stage = stage_root / name
    shutil.rmtree(stage_root, ignore_errors=True)
    stage.mkdir(parents=True)
    spec_path: Path | None = None
    try:
        if mode == "source":
            libs = stage / "libs"
            if requirements:
                with log.step(f"Install {len(requirements)} requirement(s) into libs/ (pip)"):
                    _pip_install(requirements, libs, work, offline=offline, pip_args=pip_args)
                for package, compiled in _compiled_parts(libs).items():
                    log.warn(
                        f"dependency {package} ships compiled parts ({', '.join(compiled[:3])}"
                        f"{', ...' if len(compiled) > 3 else ''}): they only load in the same"
                        f" Python version and OS as this build ({sys.version_info.major}."
                        f"{sys.version_info.minor}, {sys.platform}); the engine's bundled"
                        " Python must match"
                    )
            with log.step("Copy the runtime and the plug-in's code"):
                libs.mkdir(exist_ok=True)
                _copy_runtime(libs)
                _copy_plugin_code(modules, stage)
            executable = "plugin.py"
        else:
            exe_base = _platform.executable_name(name, windows=False)
            executable = _platform.executable_name(name)
            search_paths = [src, _runtime_dir().parent]
            if requirements:
                deps = work / "deps"
                shutil.rmtree(deps, ignore_errors=True)
                with log.step(f"Install {len(requirements)} requirement(s) for freezing (pip)"):
                    _pip_install(requirements, deps, work, offline=offline, pip_args=pip_args)
                search_paths.append(deps)
            with log.step("Write the PyInstaller spec"):
                plan = freeze.FreezePlan(
                    script=src / "plugin.py",
                    exe_base=exe_base,
                    search_paths=tuple(search_paths),
                    hidden_imports=tuple(freeze.discover_hidden_imports(
                        [m for m in modules if m.is_file()], _runtime_dir())),
                    onefile=onefile,
                    strip=freeze.can_strip(),
                )
                spec_path = work / f"{name}.spec"
                spec_path.write_text(freeze.render_spec(plan), encoding="utf-8")
            frozen = work / "pyinstaller-dist"
            with log.step("Freeze with PyInstaller" + (" (one file)" if onefile else "")):
                status, output = freeze.run_pyinstaller(spec_path, frozen, work / "pyinstaller")
                if status != 0:
                    raise BuildError(f"PyInstaller failed (exit status {status}):\n"
                                     f"{_tail(output)}")
                if onefile:
                    shutil.copy2(frozen / executable, stage / executable)
                else:
                    for item in (frozen / exe_base).iterdir():
                        if item.is_dir():
                            shutil.copytree(item, stage / item.name, symlinks=True)
                        else:
                            shutil.copy2(item, stage / item.name)

        with log.step("Write manifest.json and check the result"):
            manifest["executable"] = executable
            (stage / "manifest.json").write_text(render_manifest(manifest), encoding="utf-8")
            if example is not None:
                (stage / CONFIG_EXAMPLE_FILE).write_bytes(example)
            errors = [f for f in _validate(manifest, stage) if f.startswith("error")]
            if errors:
                raise BuildError("the built plug-in does not pass validation:\n  "
                                 + "\n  ".join(errors))

        final = out / name
        with log.step(f"Move into {final}"):
            _move_into_place(stage, final)
    finally:
        _clean_work_dir(work, mode, default=work_dir is None)

    files, size = _count(final)
    return BuildResult(
        name=name,
        version=version,
        mode=mode,
        onefile=onefile,
        path=final,
        executable=executable,
        files=files,
        size=size,
        seconds=time.perf_counter() - started,
        steps=list(log.steps),
        warnings=list(log.warnings),
        spec=spec_path,
    )
