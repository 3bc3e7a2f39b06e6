# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Pack a built plug-in into a shareable, reproducible zip with a SHA-256 checksum.

The archive holds one top-level folder named after the plug-in, so unzipping it
into the plug-ins folder installs it. The same input always gives the same
bytes: entries are sorted, timestamps fixed (``SOURCE_DATE_EPOCH`` when set,
else 1980-01-01, the earliest a zip can hold), permissions normalised and the
compression level pinned. Only a folder ``gassist-build build`` made is packed
(``force`` takes any other), under the one link and name rule of
:mod:`gassist_build._tree`; settings, keys, logs, caches and temporary files
(:func:`gassist_build._files.never_shipped`) are left out at every depth.

:func:`package_submission` writes instead the folder a G-Assist hackathon submission
asks for, from the build and its source folder, and refuses while a piece is missing.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from . import _platform
from ._files import (
    CONFIG_EXAMPLE_FILE,
    CONFIG_FILE,
    build_output_problem,
    executable_problem,
    never_shipped,
    read_json_object,
    shipped_bytecode,
)
from ._secrets import declared_secret_keys, filled_keys, secret_keys, secret_values
from ._steps import format_size
from ._tree import plugin_modules, walk_files
from .errors import PackageError

__all__ = [
    "EXE_NOTE_FILE",
    "MIN_EXAMPLE_PROMPTS",
    "PackageResult",
    "SubmissionResult",
    "package_plugin",
    "package_submission",
    "readme_problems",
]

_EARLIEST_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class PackageResult:
    """The archive written by :func:`package_plugin`.

    Attributes:
        archive: Path of ``<name>-<version>.zip``.
        checksum_file: Path of ``<name>-<version>.zip.sha256`` (``sha256sum`` format).
        sha256: Hex digest of the archive.
        files: Number of files packed.
        size: Size of the archive in bytes.
        skipped: Files left out because they are never shipped (settings, keys, logs...).
    """

    archive: Path
    checksum_file: Path
    sha256: str
    files: int
    size: int
    skipped: tuple[str, ...]

    def summary(self) -> str:
        """What was written, for the user."""
        text = (
            f"Wrote {self.archive} ({self.files} files, {format_size(self.size)})\n"
            f"sha256 {self.sha256}  (also in {self.checksum_file.name})"
        )
        if self.skipped:
            text += ("\nLeft out (settings, keys, logs, temporary files; never shared): "
                     + ", ".join(self.skipped))
        return text


def _zip_time() -> tuple[int, int, int, int, int, int]:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        stamp = time.gmtime(max(int(epoch), 315532800))  # not before 1980 (zip's epoch)
        return (stamp.tm_year, stamp.tm_mon, stamp.tm_mday, stamp.tm_hour, stamp.tm_min,
                stamp.tm_sec - stamp.tm_sec % 2)
    return _EARLIEST_ZIP_TIME


def _read_version(dist: Path, *, force: bool) -> str:
    """The version in ``dist/manifest.json``, after checking ``dist`` is a built plug-in."""
    manifest_path = dist / "manifest.json"
    if not manifest_path.is_file():
        raise PackageError(f"{dist} has no manifest.json; package a folder made by"
                           " `gassist-build build`")
    try:
        manifest = json.loads(manifest_path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PackageError(
            f"{manifest_path} is not valid JSON ({exc}); rebuild the plug-in"
        ) from None
    problem = _platform.invocation_name_problem(dist.name)
    if problem:
        raise PackageError(problem)
    executable = manifest.get("executable") if isinstance(manifest, dict) else None
    outside = executable_problem(dist, executable) if isinstance(executable, str) else None
    if outside:
        raise PackageError(f"{manifest_path}: executable {outside}; nothing was packed")
    problem = None if force else build_output_problem(dist)
    if problem:
        raise PackageError(problem)
    version = manifest.get("version") if isinstance(manifest, dict) else None
    if not isinstance(version, str) or not version.strip():
        raise PackageError(f"{manifest_path} has no version; set one in Plugin(..., version=)")
    return version


def _packed_files(dist: Path) -> tuple[list[tuple[PurePosixPath, Path]], list[str]]:
    """The files to pack (archive name, real file), in archive order, and those left out."""
    skipped: list[str] = []
    bytecode = shipped_bytecode(dist)  # the byte code a build compiled ships with it

    def left_out(relative: PurePosixPath) -> str | None:
        pattern = never_shipped(relative, bytecode=bytecode)
        if pattern is not None and pattern != "__pycache__":
            skipped.extend(_files_below(dist, relative))
        return pattern

    entries = list(walk_files(dist, PackageError, skip=left_out))
    return entries, sorted(skipped)


def _files_below(dist: Path, relative: PurePosixPath) -> list[str]:
    path = dist / relative.as_posix()
    if path.is_dir() and not path.is_symlink():
        return [p.relative_to(dist).as_posix() for p in path.rglob("*") if p.is_file()]
    return [relative.as_posix()]


def _write_zip(archive: Path, dist: Path, entries: list[tuple[PurePosixPath, Path]]) -> None:
    """Write ``entries`` under ``<name>/`` into ``archive`` with fixed times and modes."""
    date_time = _zip_time()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for relative, path in entries:
            info = zipfile.ZipInfo(f"{dist.name}/{relative.as_posix()}", date_time)
            executable = path.stat().st_mode & stat.S_IXUSR
            info.external_attr = (stat.S_IFREG | (0o755 if executable else 0o644)) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so the permission bits above are honoured
            zf.writestr(info, path.read_bytes(), compresslevel=9)


def package_plugin(dist: str | Path, out: str | Path | None = None, *,
                   force: bool = False) -> PackageResult:
    """Write ``<name>-<version>.zip`` and its ``.sha256`` for a built plug-in folder.

    Args:
        dist: The built plug-in (``dist/<name>``), holding manifest.json.
        out: Folder for the archive; defaults to the folder holding ``dist``.
        force: Pack a folder that ``gassist-build build`` did not make.

    Raises:
        PackageError: ``dist`` is not a built plug-in or the archive cannot be written.
    """
    dist = Path(dist).resolve()
    version = _read_version(dist, force=force)
    out_dir = Path(out).resolve() if out is not None else dist.parent
    archive = out_dir / f"{dist.name}-{version}.zip"
    if archive.is_relative_to(dist):
        raise PackageError("--out must not be inside the plug-in folder being packed")
    entries, skipped = _packed_files(dist)
    partial = archive.with_name(archive.name + ".partial")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        _write_zip(partial, dist, entries)
        os.replace(partial, archive)
        digest = hashlib.sha256(archive.read_bytes()).hexdigest()
        checksum_file = archive.with_name(archive.name + ".sha256")
        checksum_file.write_text(f"{digest}  {archive.name}\n", encoding="utf-8")
    except OSError as exc:
        raise PackageError(f"cannot write {archive}: {exc.strerror or exc}") from None
    finally:
        partial.unlink(missing_ok=True)
    return PackageResult(
        archive=archive,
        checksum_file=checksum_file,
        sha256=digest,
        files=len(entries),
        size=archive.stat().st_size,
        skipped=tuple(skipped),
    )


# --- Hackathon submission -------------------------------------------------------------

#: Where the Windows ``.exe`` comes from when the build at hand is not one.
EXE_NOTE_FILE = "EXECUTABLE.md"
#: The config schema a template writes beside the example (``writeOnly`` marks a secret).
CONFIG_SCHEMA_FILE = "config.schema.json"
_LICENSE_NAMES = ("LICENSE", "LICENSE.txt", "LICENSE.md", "COPYING")
_SETUP_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+.*\b(setup|set up|install\w*)\b", re.I | re.M)
_PROMPT_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+.*?(\"[^\"\n]{2,}\"|“[^”\n]{2,}”)", re.M)
#: A README needs this many list items holding a quoted prompt.
MIN_EXAMPLE_PROMPTS = 3


@dataclass(frozen=True)
class SubmissionResult:
    """The folder written by :func:`package_submission`.

    Attributes:
        folder: ``<name>-<version>-submission/``.
        files: Names of the files written, sorted.
        blanked: Secret settings whose values were blanked in ``config.json``.
    """

    folder: Path
    files: tuple[str, ...]
    blanked: tuple[str, ...]

    def summary(self) -> str:
        """What was written, for the user."""
        text = f"Wrote {self.folder}: " + ", ".join(self.files)
        if self.blanked:
            text += "\nconfig.json is a template: blank values for " + ", ".join(self.blanked)
        if EXE_NOTE_FILE in self.files:
            text += (f"\nNo Windows .exe in this build; {EXE_NOTE_FILE} says where it comes"
                     " from")
        return text


def readme_problems(text: str) -> list[str]:
    """What a submission README lacks: setup steps and example prompts.

    The rule: a Markdown heading containing "Setup", "Set up" or "Install" (any case),
    and at least :data:`MIN_EXAMPLE_PROMPTS` list items holding a quoted prompt
    (``- "What's the weather in Paris?"``).
    """
    problems = []
    if not _SETUP_HEADING.search(text):
        problems.append('README.md has no setup steps (a heading such as "## Setup" or'
                        ' "## Installation")')
    prompts = len(_PROMPT_ITEM.findall(text))
    if prompts < MIN_EXAMPLE_PROMPTS:
        problems.append(f"README.md has {prompts} example prompt(s); list at least"
                        f' {MIN_EXAMPLE_PROMPTS}, one per line, quoted: - "hello to Ada"')
    return problems


def _blank_secrets(example: dict[str, Any], keys: list[str]) -> dict[str, Any]:
    """A copy of ``example`` with the values of the dotted ``keys`` set to ``""``."""
    template = json.loads(json.dumps(example))
    for dotted in keys:
        *parents, last = dotted.split(".")
        node: Any = template
        for part in parents:
            node = node.get(part) if isinstance(node, dict) else None
        if isinstance(node, dict) and last in node:
            node[last] = ""
    return template


def _exe_note(name: str) -> str:
    return (
        f"# Where the {name} executable comes from\n\n"
        "This build is not a Windows `.exe`. Build one on Windows with\n\n"
        f"    gassist-build build plugins/{name} --mode exe\n\n"
        "or take it from the `windows` job (windows-latest) of `.github/workflows/ci.yml`,\n"
        "which builds every sample plug-in as an executable and uploads them as the\n"
        "`gassist-plugins-windows-exe` artifact.\n"
    )


def _submission_files(dist: Path, source: Path) -> tuple[dict[str, bytes], list[str], list[str]]:
    """The files of a submission by name, the blanked secret keys, and what is missing."""
    missing: list[str] = []
    files: dict[str, bytes] = {}
    for name in ("plugin.py", "requirements.txt"):
        if (source / name).is_file():
            files[name] = (source / name).read_bytes()
        else:
            missing.append(f"{name} (in {source})")
    # The plug-in's other modules and packages (a client module beside plugin.py), as a
    # source build ships them: plugin.py alone would not run.
    for module in plugin_modules(source) if source.is_dir() else []:
        for relative, real in walk_files(source, PackageError, start=module,
                                         skip=lambda rel: never_shipped(rel)):
            files.setdefault(relative.as_posix(), real.read_bytes())
    manifest = read_json_object(dist / "manifest.json")
    if manifest is None:
        missing.append(f"manifest.json (in {dist}; run `gassist-build build {source}`)")
    else:
        files["manifest.json"] = (dist / "manifest.json").read_bytes()
    example_path = next((p for p in (dist / CONFIG_EXAMPLE_FILE, source / CONFIG_EXAMPLE_FILE)
                         if p.is_file()), None)
    example = read_json_object(example_path) if example_path is not None else {}
    if example is None:
        missing.append(f"a valid {CONFIG_EXAMPLE_FILE} (the one in {example_path.parent} is"
                       " not a JSON object)")
        blanked: list[str] = []
    else:
        schema = read_json_object(source / CONFIG_SCHEMA_FILE) or {}
        # "//webhook_key" in the template is the setting's description, not a secret.
        secrets = sorted({*(k for k in secret_keys(example) if not k.startswith("//")),
                          *(declared_secret_keys(schema) or [])})
        blanked = filled_keys(example, secrets)
        files[CONFIG_FILE] = (json.dumps(_blank_secrets(example, secrets), indent=2)
                              + "\n").encode("utf-8")
    executable = manifest.get("executable") if manifest is not None else None
    if isinstance(executable, str) and executable.lower().endswith(".exe"):
        exe = dist / executable
        if exe.is_file():
            files[PurePosixPath(executable.replace("\\", "/")).name] = exe.read_bytes()
        else:
            missing.append(f"{executable} (the manifest's executable, in {dist})")
    else:
        files[EXE_NOTE_FILE] = _exe_note(dist.name).encode("utf-8")
    readme = source / "README.md"
    if readme.is_file():
        problems = readme_problems(readme.read_text(encoding="utf-8-sig", errors="replace"))
        missing.extend(problems)
        files["README.md"] = readme.read_bytes()
    else:
        missing.append(f"README.md (in {source}), with setup steps and example prompts")
    licence = next((source / n for n in _LICENSE_NAMES if (source / n).is_file()), None)
    if licence is None:
        missing.append(f"LICENSE (in {source}; for example the Apache-2.0 or MIT text)")
    else:
        files[licence.name] = licence.read_bytes()
    return files, blanked, missing


def _leaked_secrets(source: Path, files: dict[str, bytes]) -> list[str]:
    """Names of ``files`` that hold a secret value of the developer's ``config.json``."""
    config = read_json_object(source / CONFIG_FILE)
    if config is None:
        return []
    # The same keys the template blanks: named as secrets, or declared writeOnly.
    schema = read_json_object(source / CONFIG_SCHEMA_FILE) or {}
    keys = sorted({*secret_keys(config), *(declared_secret_keys(schema) or [])})
    values = [v.encode("utf-8") for v in secret_values(config, keys)]
    return sorted(name for name, data in files.items() if any(v in data for v in values))


def package_submission(dist: str | Path, source: str | Path, out: str | Path | None = None,
                       *, force: bool = False) -> SubmissionResult:
    """Write the folder a G-Assist hackathon submission asks for.

    It holds ``plugin.py`` and the plug-in's other modules and packages,
    ``requirements.txt``, ``manifest.json``, ``config.json`` (the
    ``config.example.json`` template with every secret value blank: keys named as secrets,
    and those ``config.schema.json`` marks ``writeOnly``), the Windows ``.exe``
    of an exe build or :data:`EXE_NOTE_FILE` saying where it comes from, ``README.md``
    (with setup steps and example prompts: :func:`readme_problems`) and the licence.
    Nothing is written unless every piece is there; the developer's ``config.json``,
    logs and ``.env`` files are never read into it.

    Args:
        dist: The built plug-in (``dist/<name>`` or ``dist/exe/<name>``).
        source: The plug-in's source folder (``plugins/<name>``).
        out: Folder that receives ``<name>-<version>-submission/``; defaults to the
            folder holding ``dist``.
        force: Take a ``dist`` that ``gassist-build build`` did not make.

    Raises:
        PackageError: a piece is missing (all of them are listed), a file holds a secret,
            or the folder cannot be written.
    """
    dist, source = Path(dist).resolve(), Path(source).resolve()
    version = _read_version(dist, force=force)
    if not source.is_dir():
        raise PackageError(f"--source {source} is not a folder; pass the plug-in's source"
                           " folder (plugins/<name>)")
    files, blanked, missing = _submission_files(dist, source)
    if missing:
        raise PackageError("the submission is incomplete; nothing was written. Missing:\n  - "
                           + "\n  - ".join(missing))
    leaked = _leaked_secrets(source, files)
    if leaked:
        raise PackageError("a secret value of your config.json appears in "
                           + ", ".join(leaked) + "; remove it, then package again")
    out_dir = Path(out).resolve() if out is not None else dist.parent
    folder = out_dir / f"{dist.name}-{version}-submission"
    if folder.is_relative_to(dist) or folder.is_relative_to(source):
        raise PackageError("--out must not be inside the plug-in folders being packed")
    partial = folder.with_name(folder.name + ".partial")
    try:
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        for name, data in files.items():
            (partial / name).parent.mkdir(parents=True, exist_ok=True)
            (partial / name).write_bytes(data)
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(partial, folder)
    except OSError as exc:
        raise PackageError(f"cannot write {folder}: {exc.strerror or exc}") from None
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return SubmissionResult(folder=folder, files=tuple(sorted(files)), blanked=tuple(blanked))
