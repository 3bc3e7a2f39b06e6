# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Pack a built plug-in into a shareable, reproducible zip with a SHA-256 checksum.

The archive holds one top-level folder named after the plug-in, so unzipping it
into the plug-ins folder installs it. The same input always gives the same
bytes: entries are sorted, timestamps fixed (``SOURCE_DATE_EPOCH`` when set,
else 1980-01-01, the earliest a zip can hold), permissions normalised and the
compression level pinned. A ``config.json`` is never packed: it holds the
packer's own settings and possibly secrets.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from . import _platform
from ._files import USER_FILES
from ._steps import format_size
from .errors import PackageError

__all__ = ["PackageResult", "package_plugin"]

_EARLIEST_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
# Never shipped to other people, whatever the folder holds.
_NEVER_PACKED = frozenset(USER_FILES)


@dataclass(frozen=True)
class PackageResult:
    """The archive written by :func:`package_plugin`.

    Attributes:
        archive: Path of ``<name>-<version>.zip``.
        checksum_file: Path of ``<name>-<version>.zip.sha256`` (``sha256sum`` format).
        sha256: Hex digest of the archive.
        files: Number of files packed.
        size: Size of the archive in bytes.
        skipped: Files left out because they hold user settings.
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
            text += "\nLeft out (user settings, never shared): " + ", ".join(self.skipped)
        return text


def _zip_time() -> tuple[int, int, int, int, int, int]:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        stamp = time.gmtime(max(int(epoch), 315532800))  # not before 1980 (zip's epoch)
        return (stamp.tm_year, stamp.tm_mon, stamp.tm_mday, stamp.tm_hour, stamp.tm_min,
                stamp.tm_sec - stamp.tm_sec % 2)
    return _EARLIEST_ZIP_TIME


def _read_version(dist: Path) -> str:
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
    version = manifest.get("version") if isinstance(manifest, dict) else None
    if not isinstance(version, str) or not version.strip():
        raise PackageError(f"{manifest_path} has no version; set one in Plugin(..., version=)")
    return version


def _packed_files(dist: Path) -> tuple[list[Path], list[str]]:
    """The files to pack, in archive order, and the user-settings files left out."""
    entries: list[Path] = []
    skipped: list[str] = []
    for path in sorted(dist.rglob("*"), key=lambda p: p.relative_to(dist).as_posix()):
        relative = path.relative_to(dist)
        if path.is_symlink():
            raise PackageError(f"{path} is a symbolic link; a shared plug-in must hold real"
                               " files")
        if not path.is_file():
            continue
        if relative.as_posix() in _NEVER_PACKED:
            skipped.append(relative.as_posix())
            continue
        if "__pycache__" in relative.parts:
            continue
        entries.append(path)
    return entries, skipped


def _write_zip(archive: Path, dist: Path, entries: list[Path]) -> None:
    """Write ``entries`` under ``<name>/`` into ``archive`` with fixed times and modes."""
    date_time = _zip_time()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for path in entries:
            info = zipfile.ZipInfo(f"{dist.name}/{path.relative_to(dist).as_posix()}", date_time)
            executable = path.stat().st_mode & stat.S_IXUSR
            info.external_attr = (stat.S_IFREG | (0o755 if executable else 0o644)) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so the permission bits above are honoured
            zf.writestr(info, path.read_bytes(), compresslevel=9)


def package_plugin(dist: str | Path, out: str | Path | None = None) -> PackageResult:
    """Write ``<name>-<version>.zip`` and its ``.sha256`` for a built plug-in folder.

    Args:
        dist: The built plug-in (``dist/<name>``), holding manifest.json.
        out: Folder for the archive; defaults to the folder holding ``dist``.

    Raises:
        PackageError: ``dist`` is not a built plug-in or the archive cannot be written.
    """
    dist = Path(dist).resolve()
    version = _read_version(dist)
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
