# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Everything the emulator does differently on Windows, in one place.

How a plug-in's ``executable`` becomes a command line, how its process is
started so that its whole tree can be stopped, and how that tree is stopped.
Both platforms are plain classes so that the Windows branch can be exercised
on Linux with a fake command runner.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path, PureWindowsPath
from typing import Any

from .errors import LaunchError

__all__ = [
    "INVOCATION_NAME",
    "PLUGINS_DIR_ENV",
    "WINDOWS_RESERVED_NAMES",
    "LaunchError",
    "Platform",
    "PosixPlatform",
    "WindowsPlatform",
    "current_platform",
    "default_plugins_dir",
    "executable_name",
    "invocation_name_problem",
    "locked_hint",
    "rename_dir",
]

# Runs a helper command (taskkill) and returns its exit status.
CommandRunner = Callable[[Sequence[str]], int]


def _run_quietly(args: Sequence[str]) -> int:
    return subprocess.run(
        list(args), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
    ).returncode


class Platform:
    """Launch and stop plug-in processes the way the engine does on one OS."""

    name = "generic"

    def __init__(self, runner: CommandRunner = _run_quietly) -> None:
        self._runner = runner

    def launch_command(self, folder: Path, executable: str, python: str) -> list[str]:
        """The argv that starts ``executable`` from the plug-in ``folder``.

        Args:
            folder: The plug-in folder (also the working directory).
            executable: The manifest's ``executable``, relative to ``folder``.
            python: The interpreter that runs ``.py`` plug-ins (the engine's
                bundled Python; here, the current one).

        Raises:
            LaunchError: The file is missing or cannot run on this platform.
        """
        path = folder / executable
        if not path.is_file():
            raise LaunchError(
                f"executable {executable!r} named in manifest.json is not in {folder}"
            )
        suffix = path.suffix.lower()
        if suffix == ".py":
            return [python, str(path)]
        return self._native_command(path, suffix)

    def _native_command(self, path: Path, suffix: str) -> list[str]:  # pragma: no cover
        raise NotImplementedError

    def popen_options(self) -> dict[str, Any]:
        """Extra ``subprocess.Popen`` arguments that put the child in its own group."""
        raise NotImplementedError  # pragma: no cover

    def terminate_tree(self, proc: subprocess.Popen[bytes]) -> None:
        """Ask the process and its children to stop."""
        raise NotImplementedError  # pragma: no cover

    def kill_tree(self, proc: subprocess.Popen[bytes]) -> None:
        """Stop the process and its children at once."""
        raise NotImplementedError  # pragma: no cover


class PosixPlatform(Platform):
    """Linux and macOS: process groups and signals."""

    name = "posix"

    def _native_command(self, path: Path, suffix: str) -> list[str]:
        if suffix in (".bat", ".cmd"):
            sibling = path.with_suffix(".sh")
            if sibling.is_file():
                return ["/bin/sh", str(sibling)]
            raise LaunchError(
                f"{path.name} is a Windows batch file; put a {sibling.name} beside it to run"
                " this plug-in here"
            )
        if suffix == ".sh":
            return ["/bin/sh", str(path)]
        with path.open("rb") as handle:
            head = handle.read(2)
        if head == b"MZ":
            raise LaunchError(
                f"{path.name} is a Windows executable; it runs only on Windows (build it there,"
                " or run the plug-in from source)"
            )
        if head == b"#!" and not os.access(path, os.X_OK):
            return ["/bin/sh", str(path)]
        if not os.access(path, os.X_OK):
            raise LaunchError(f"{path.name} is not executable (chmod +x {path.name})")
        return [str(path)]

    def popen_options(self) -> dict[str, Any]:
        # A new session makes the child a process-group leader, so its whole
        # tree can be signalled together.
        return {"start_new_session": True}

    def terminate_tree(self, proc: subprocess.Popen[bytes]) -> None:
        self._signal_group(proc, signal.SIGTERM)

    def kill_tree(self, proc: subprocess.Popen[bytes]) -> None:
        self._signal_group(proc, signal.SIGKILL)

    @staticmethod
    def _signal_group(proc: subprocess.Popen[bytes], sig: int) -> None:
        try:
            os.killpg(proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            # The leader is gone (group empty) or was reaped: signal it alone.
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(sig)


class WindowsPlatform(Platform):
    """Windows: ``cmd /c`` for batch files, ``taskkill /T`` for process trees."""

    name = "windows"
    # Values of the Win32 constants, so this class also loads (and is tested) elsewhere.
    CREATE_NEW_PROCESS_GROUP = 0x00000200
    CREATE_NO_WINDOW = 0x08000000

    def __init__(
        self, runner: CommandRunner = _run_quietly, comspec: str | None = None
    ) -> None:
        super().__init__(runner)
        self._comspec = comspec or os.environ.get("COMSPEC", "cmd.exe")

    def _native_command(self, path: Path, suffix: str) -> list[str]:
        if suffix in (".bat", ".cmd"):
            return [self._comspec, "/d", "/c", str(path)]
        if suffix == ".sh":
            raise LaunchError(f"{path.name} is a shell script; on Windows use launch.bat")
        return [str(path)]

    def popen_options(self) -> dict[str, Any]:
        return {"creationflags": self.CREATE_NEW_PROCESS_GROUP | self.CREATE_NO_WINDOW}

    def terminate_tree(self, proc: subprocess.Popen[bytes]) -> None:
        # Console programs ignore WM_CLOSE, so a polite request is taskkill
        # without /F on the tree; it is followed by kill_tree if ignored.
        self._runner(["taskkill", "/T", "/PID", str(proc.pid)])

    def kill_tree(self, proc: subprocess.Popen[bytes]) -> None:
        if self._runner(["taskkill", "/F", "/T", "/PID", str(proc.pid)]) != 0:
            with contextlib.suppress(OSError):
                proc.kill()


def current_platform() -> Platform:
    """The platform object for the running interpreter."""
    return WindowsPlatform() if sys.platform == "win32" else PosixPlatform()


# Names, folders and file-system moves for building and installing plug-ins. Windows
# facts live here so the rest of the builder stays free of platform branches.

INVOCATION_NAME = re.compile(r"^[a-zA-Z][a-zA-Z0-9_-]*$")
# Device names Windows reserves in every folder, whatever the extension or case.
WINDOWS_RESERVED_NAMES = frozenset(
    ["con", "prn", "aux", "nul"]
    + [f"com{i}" for i in range(1, 10)]
    + [f"lpt{i}" for i in range(1, 10)]
)
# Where the G-Assist engine looks for plug-ins, below %PROGRAMDATA%.
WINDOWS_PLUGINS_SUBDIR = ("NVIDIA Corporation", "nvtopps", "rise", "plugins")
PLUGINS_DIR_ENV = "GASSIST_PLUGINS_DIR"
# Longer names cannot be folder names once the engine's folder, the executable's
# "g-assist-plugin-" prefix and the install's scratch suffix are added (file systems
# allow 255 bytes a name, Windows paths about 260 characters).
MAX_NAME_LENGTH = 64


def invocation_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a plug-in's invocation (folder) name, or None if it can.

    Users call a plug-in by its folder name ("Hey hello, ..."), and the engine only
    accepts names matching ``^[a-zA-Z][a-zA-Z0-9_-]*$`` that Windows can create.
    """
    if not name:
        return "the name is empty"
    if not INVOCATION_NAME.match(name):
        return (
            f"{name!r} is not a valid plug-in name: start with a letter, then use only"
            " letters, digits, '_' and '-' (users say it aloud: 'Hey <name>, ...')"
        )
    if len(name) > MAX_NAME_LENGTH:
        return (f"the name {name[:20]!r}... is too long ({len(name)} characters); use at most"
                f" {MAX_NAME_LENGTH}")
    if name.lower() in WINDOWS_RESERVED_NAMES:
        return f"{name!r} is reserved by Windows (CON, PRN, AUX, NUL, COM1-9, LPT1-9)"
    return None


def executable_name(plugin_name: str, *, windows: bool | None = None) -> str:
    """File name of a plug-in built as an executable: ``g-assist-plugin-<name>[.exe]``."""
    if windows is None:
        windows = sys.platform == "win32"
    return f"g-assist-plugin-{plugin_name}" + (".exe" if windows else "")


def default_plugins_dir(
    *, environ: Mapping[str, str] | None = None, windows: bool | None = None
) -> Path:
    """The folder ``gassist-build install`` writes to when none is given.

    ``GASSIST_PLUGINS_DIR`` wins everywhere. Otherwise on Windows it is the engine's
    folder, ``%PROGRAMDATA%\\NVIDIA Corporation\\nvtopps\\rise\\plugins``; elsewhere (no
    engine exists) a local folder, ``$XDG_DATA_HOME/gassist/plugins`` or
    ``~/.local/share/gassist/plugins``, that the emulator can run plug-ins from.

    Args:
        environ: Environment to read (defaults to ``os.environ``).
        windows: Pretend to be (or not to be) on Windows; defaults to the real platform.
    """
    env = os.environ if environ is None else environ
    if windows is None:
        windows = sys.platform == "win32"
    override = env.get(PLUGINS_DIR_ENV)
    if override:
        return Path(override)
    if windows:
        program_data = env.get("PROGRAMDATA") or env.get("ALLUSERSPROFILE") or r"C:\ProgramData"
        # Joined with Windows rules even when faked elsewhere (tests), then made a real path.
        return Path(str(PureWindowsPath(program_data, *WINDOWS_PLUGINS_SUBDIR)))
    data_home = env.get("XDG_DATA_HOME") or str(
        Path(env.get("HOME") or Path.home(), ".local", "share")
    )
    return Path(data_home, "gassist", "plugins")


# Windows refuses to rename a folder while a file in it is open; anti-virus scanners
# open new files for a moment, so a failed rename is retried briefly before the
# failure is taken as "the plug-in is running".
_RENAME_RETRIES = 5
_RENAME_PAUSE_S = 0.1


def rename_dir(src: Path, dst: Path) -> None:
    """Rename folder ``src`` to ``dst`` (same file system; ``dst`` must not exist).

    Raises:
        PermissionError: The folder is locked (on Windows: a program in it is running)
            or not writable.
        OSError: Any other failure.
    """
    for attempt in range(_RENAME_RETRIES if sys.platform == "win32" else 1):
        try:
            os.rename(src, dst)
            return
        except PermissionError:
            if attempt == _RENAME_RETRIES - 1 or sys.platform != "win32":
                raise
            time.sleep(_RENAME_PAUSE_S)


def locked_hint(folder: Path) -> str:
    """What to tell the user when ``folder`` cannot be moved because it is in use."""
    return (
        f"{folder} is in use: close G-Assist (or stop the plug-in if it is running),"
        " then try again"
    )
