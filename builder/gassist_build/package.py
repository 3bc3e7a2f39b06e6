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
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from . import _platform
from ._files import build_output_problem, executable_problem, never_shipped
from ._steps import format_size
from ._tree import walk_files
from .errors import PackageError

__all__ = ["PackageResult", "package_plugin"]

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

    def left_out(relative: PurePosixPath) -> str | None:
        pattern = never_shipped(relative)
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
