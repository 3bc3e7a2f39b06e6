# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Where NVIDIA's capture folders are, and the newest capture in them.

``videos_folder`` is the one place that knows how each platform names the user's
Videos folder; everything else works on the folders it (or config.json) gives.
Stdlib only, and cheap to import.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

__all__ = ["CHART", "CLIP", "SCREENSHOT", "CaptureKind", "default_folders", "expand_folders",
           "newest_capture", "videos_folder"]

# FOLDERID_Videos, {18989B1D-99B5-455B-841C-AB7C74E4DDFC}, as GUID fields.
_FOLDERID_VIDEOS = (0x18989B1D, 0x99B5, 0x455B, (0x84, 0x1C, 0xAB, 0x7C, 0x74, 0xE4, 0xDD, 0xFC))
_KF_FLAG_DEFAULT = 0


class CaptureKind:
    """One kind of capture: what it is called and which file endings it has."""

    __slots__ = ("label", "name", "subfolder", "suffixes")

    def __init__(self, name: str, suffixes: tuple[str, ...], subfolder: str, label: str) -> None:
        self.name = name
        self.suffixes = suffixes
        self.subfolder = subfolder  # under <Videos>/NVIDIA when no folders are configured
        self.label = label  # what the user is told, e.g. "screenshot (.png or .jpg)"


# Charts are written by G-Assist itself into Videos\NVIDIA\G-Assist; clips and
# screenshots by the NVIDIA app (ShadowPlay) into Videos\NVIDIA\<game>.
CHART = CaptureKind("chart", (".csv",), "G-Assist", "chart (.csv)")
CLIP = CaptureKind("clip", (".mp4",), "", "ShadowPlay clip (.mp4)")
SCREENSHOT = CaptureKind("screenshot", (".png", ".jpg", ".jpeg"), "", "screenshot (.png or .jpg)")


def _known_videos_folder(shell32: Any = None, ole32: Any = None) -> str | None:
    """The Videos known folder from the Windows shell (it may have been moved to another drive).

    ``shell32``/``ole32`` are the DLLs; tests pass fakes with the same two functions.
    """
    import ctypes

    class GUID(ctypes.Structure):
        _fields_ = [("Data1", ctypes.c_uint32), ("Data2", ctypes.c_uint16),
                    ("Data3", ctypes.c_uint16), ("Data4", ctypes.c_ubyte * 8)]

    if shell32 is None or ole32 is None:
        windll = ctypes.windll  # type: ignore[attr-defined]
        shell32, ole32 = windll.shell32, windll.ole32
        shell32.SHGetKnownFolderPath.argtypes = [
            ctypes.POINTER(GUID), ctypes.c_uint32, ctypes.c_void_p,
            ctypes.POINTER(ctypes.c_void_p)]
        shell32.SHGetKnownFolderPath.restype = ctypes.c_long
        ole32.CoTaskMemFree.argtypes = [ctypes.c_void_p]
        ole32.CoTaskMemFree.restype = None
    data1, data2, data3, data4 = _FOLDERID_VIDEOS
    guid = GUID(data1, data2, data3, (ctypes.c_ubyte * 8)(*data4))
    buffer = ctypes.c_void_p()
    result = shell32.SHGetKnownFolderPath(ctypes.pointer(guid), _KF_FLAG_DEFAULT, None,
                                          ctypes.pointer(buffer))
    try:
        if result != 0 or not buffer.value:
            return None
        return ctypes.wstring_at(buffer.value) or None
    finally:
        if buffer.value:
            ole32.CoTaskMemFree(buffer)


def videos_folder(*, platform: str | None = None, environ: Mapping[str, str] | None = None,
                  home: Path | None = None,
                  known_folder: Callable[[], str | None] | None = None) -> Path:
    """The user's Videos folder, resolved the way each platform does it.

    On Windows the shell's Videos known folder (users and companies redirect it,
    e.g. to ``D:\\Videos`` or OneDrive), falling back to ``%USERPROFILE%\\Videos``;
    elsewhere ``~/Videos``. The arguments exist so tests can play another platform.
    """
    platform = sys.platform if platform is None else platform
    environ = os.environ if environ is None else environ
    if platform == "win32":
        lookup = _known_videos_folder if known_folder is None else known_folder
        try:
            found = lookup()
        except (OSError, AttributeError, ValueError):
            found = None
        if found:
            return Path(found)
        profile = environ.get("USERPROFILE")
        if profile:
            return Path(profile) / "Videos"
    return (Path.home() if home is None else home) / "Videos"


def default_folders(kind: CaptureKind, videos: Path | None = None) -> list[Path]:
    """Where NVIDIA's software saves this kind of capture."""
    nvidia = (videos_folder() if videos is None else videos) / "NVIDIA"
    return [nvidia / kind.subfolder] if kind.subfolder else [nvidia]


def expand_folders(configured: Iterable[str]) -> list[Path]:
    """config.json's folders with ``~`` and ``%VAR%``/``$VAR`` expanded; blanks dropped."""
    return [Path(os.path.expandvars(os.path.expanduser(text.strip())))
            for text in configured if text and text.strip()]


def newest_capture(kind: CaptureKind, folders: Iterable[Path]) -> Path | None:
    """The most recently modified file of this kind in the folders or their direct subfolders.

    Folders that do not exist or cannot be read (or no OS could open: a NUL in the
    path) are skipped, as are files that vanish while we look (a capture being
    written and renamed).
    """
    best: tuple[float, str] | None = None
    best_path: Path | None = None
    for folder in folders:
        for candidate in _files_in(folder):
            if candidate.suffix.lower() not in kind.suffixes:
                continue
            try:
                stat = candidate.stat()
            except (OSError, ValueError):
                continue
            key = (stat.st_mtime, candidate.name)
            if best is None or key > best:
                best, best_path = key, candidate
    return best_path


def _files_in(folder: Path) -> Iterable[Path]:
    """Files directly in ``folder`` and in each of its subfolders (the per-game folders)."""
    try:
        entries = list(os.scandir(folder))
    except (OSError, ValueError):  # ValueError: a NUL in the path
        return
    for entry in entries:
        try:
            if entry.is_file():
                yield Path(entry.path)
            elif entry.is_dir():
                with os.scandir(entry.path) as inner:
                    for item in inner:
                        if item.is_file():
                            yield Path(item.path)
        except OSError:
            continue
