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
import ctypes
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PureWindowsPath
from typing import Any

from .errors import LaunchError

__all__ = [
    "INVOCATION_NAME",
    "PLUGINS_DIR_ENV",
    "WINDOWS_RESERVED_NAMES",
    "JobAccounting",
    "JobLimits",
    "LaunchError",
    "Leftover",
    "Platform",
    "PosixPlatform",
    "WindowsPlatform",
    "current_platform",
    "default_plugins_dir",
    "executable_name",
    "invocation_name_problem",
    "locked_hint",
    "rename_dir",
    "rise_python_version",
    "user_cache_dir",
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

    def launch_command(self, folder: Path, executable: str, python: str,
                       python_flags: Sequence[str] = ()) -> list[str]:
        """The argv that starts ``executable`` from the plug-in ``folder``.

        Args:
            folder: The plug-in folder (also the working directory).
            executable: The manifest's ``executable``, relative to ``folder``.
            python: The interpreter that runs ``.py`` plug-ins (the engine's
                bundled Python; here, the current one).
            python_flags: Interpreter options placed before the script
                (:data:`gassist_build._isolation.ISOLATED_FLAGS`).

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
            return [python, *python_flags, str(path)]
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

    def adopt(self, proc: subprocess.Popen[bytes]) -> None:
        """Take charge of a process just started, so that its tree can be found later."""

    def leftovers(self, proc: subprocess.Popen[bytes], *, pipes_open: bool) -> list[Leftover]:
        """Processes of ``proc``'s tree still running after ``proc`` exited.

        Args:
            proc: A process that has exited (and been waited for).
            pipes_open: Its stdout or stderr has not reached its end, so some
                process still holds it.
        """
        return []

    def kill_leftovers(self, proc: subprocess.Popen[bytes], leftovers: list[Leftover]) -> None:
        """Kill what :meth:`leftovers` found."""

    def release(self, proc: subprocess.Popen[bytes]) -> None:
        """Forget an exited process (and free what :meth:`adopt` held for it)."""


@dataclass(frozen=True)
class Leftover:
    """A process a plug-in started that still runs after the plug-in exited.

    Attributes:
        pid: Its process id, when known.
        command: Its command line, or what is known of it.
    """

    pid: int | None
    command: str

    def describe(self) -> str:
        """``pid 12 (python child.py)``, or the command alone without a pid."""
        return f"pid {self.pid} ({self.command})" if self.pid is not None else self.command


class PosixPlatform(Platform):
    """Linux and macOS: process groups and signals."""

    name = "posix"

    def __init__(self, runner: CommandRunner = _run_quietly, proc_root: str = "/proc") -> None:
        super().__init__(runner)
        self._proc_root = proc_root
        self._pipes: dict[int, frozenset[str]] = {}

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

    def adopt(self, proc: subprocess.Popen[bytes]) -> None:
        # The pipes identify the tree's processes that left its group (a new session).
        links = set()
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            if stream is not None:
                with contextlib.suppress(OSError, ValueError):
                    links.add(f"pipe:[{os.fstat(stream.fileno()).st_ino}]")
        self._pipes[proc.pid] = frozenset(links)

    def leftovers(self, proc: subprocess.Popen[bytes], *, pipes_open: bool) -> list[Leftover]:
        pipes = self._pipes.get(proc.pid, frozenset()) if pipes_open else frozenset()
        if os.path.isdir(self._proc_root):
            return _proc_scan(self._proc_root, proc.pid, pipes)
        # No /proc (macOS): the group is all that can be seen.
        try:
            os.killpg(proc.pid, 0)
        except OSError:
            return []
        return [Leftover(None, f"processes in its process group {proc.pid}")]

    def kill_leftovers(self, proc: subprocess.Popen[bytes], leftovers: list[Leftover]) -> None:
        with contextlib.suppress(OSError):
            os.killpg(proc.pid, signal.SIGKILL)
        for leftover in leftovers:
            if leftover.pid is not None:
                with contextlib.suppress(OSError):
                    os.kill(leftover.pid, signal.SIGKILL)

    def release(self, proc: subprocess.Popen[bytes]) -> None:
        self._pipes.pop(proc.pid, None)

    @staticmethod
    def _signal_group(proc: subprocess.Popen[bytes], sig: int) -> None:
        try:
            os.killpg(proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            # The leader is gone (group empty) or was reaped: signal it alone.
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(sig)


class _BasicLimits(ctypes.Structure):
    _fields_ = [("PerProcessUserTimeLimit", ctypes.c_int64),
                ("PerJobUserTimeLimit", ctypes.c_int64),
                ("LimitFlags", ctypes.c_uint32),
                ("MinimumWorkingSetSize", ctypes.c_size_t),
                ("MaximumWorkingSetSize", ctypes.c_size_t),
                ("ActiveProcessLimit", ctypes.c_uint32),
                ("Affinity", ctypes.c_size_t),
                ("PriorityClass", ctypes.c_uint32),
                ("SchedulingClass", ctypes.c_uint32)]


class _IoCounters(ctypes.Structure):
    _fields_ = [(name, ctypes.c_uint64) for name in (
        "ReadOperationCount", "WriteOperationCount", "OtherOperationCount",
        "ReadTransferCount", "WriteTransferCount", "OtherTransferCount")]


class JobLimits(ctypes.Structure):
    """``JOBOBJECT_EXTENDED_LIMIT_INFORMATION``."""

    _fields_ = [("BasicLimitInformation", _BasicLimits),
                ("IoInfo", _IoCounters),
                ("ProcessMemoryLimit", ctypes.c_size_t),
                ("JobMemoryLimit", ctypes.c_size_t),
                ("PeakProcessMemoryUsed", ctypes.c_size_t),
                ("PeakJobMemoryUsed", ctypes.c_size_t)]


class JobAccounting(ctypes.Structure):
    """``JOBOBJECT_BASIC_ACCOUNTING_INFORMATION``."""

    _fields_ = [("TotalUserTime", ctypes.c_int64),
                ("TotalKernelTime", ctypes.c_int64),
                ("ThisPeriodTotalUserTime", ctypes.c_int64),
                ("ThisPeriodTotalKernelTime", ctypes.c_int64),
                ("TotalPageFaultCount", ctypes.c_uint32),
                ("TotalProcesses", ctypes.c_uint32),
                ("ActiveProcesses", ctypes.c_uint32),
                ("TotalTerminatedProcesses", ctypes.c_uint32)]


class WindowsPlatform(Platform):
    """Windows: ``cmd /c`` for batch files; a Job Object holds each plug-in's tree.

    Every plug-in process is put in a Job Object that kills what it holds when
    closed (``KILL_ON_JOB_CLOSE``), so whatever the plug-in starts is stopped
    with it, and what is still running after it exited is counted. Without a
    job (``kernel32`` unavailable, or assigning the process failed) trees are
    stopped with ``taskkill /T``.

    Args:
        runner: Runs ``taskkill``.
        comspec: The command interpreter for batch files.
        kernel32: The kernel32 functions (``ctypes.WinDLL("kernel32")`` on
            Windows by default; tests pass a fake).
    """

    name = "windows"
    # Values of the Win32 constants, so this class also loads (and is tested) elsewhere.
    CREATE_NEW_PROCESS_GROUP = 0x00000200
    CREATE_NO_WINDOW = 0x08000000
    JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE = 0x00002000
    JOB_BASIC_ACCOUNTING = 1  # JobObjectBasicAccountingInformation
    JOB_EXTENDED_LIMITS = 9  # JobObjectExtendedLimitInformation

    def __init__(
        self, runner: CommandRunner = _run_quietly, comspec: str | None = None,
        kernel32: Any = None,
    ) -> None:
        super().__init__(runner)
        self._comspec = comspec or os.environ.get("COMSPEC", "cmd.exe")
        if kernel32 is None and sys.platform == "win32":
            kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
        self._kernel32 = kernel32
        self._jobs: dict[int, Any] = {}

    def _native_command(self, path: Path, suffix: str) -> list[str]:
        if suffix in (".bat", ".cmd"):
            return [self._comspec, "/d", "/c", str(path)]
        if suffix == ".sh":
            raise LaunchError(f"{path.name} is a shell script; on Windows use launch.bat")
        return [str(path)]

    def popen_options(self) -> dict[str, Any]:
        return {"creationflags": self.CREATE_NEW_PROCESS_GROUP | self.CREATE_NO_WINDOW}

    def adopt(self, proc: subprocess.Popen[bytes]) -> None:
        k32 = self._kernel32
        if k32 is None:
            return
        job = k32.CreateJobObjectW(None, None)
        if not job:
            return
        limits = JobLimits()
        limits.BasicLimitInformation.LimitFlags = self.JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE
        # A process started before this point is outside the job: the moment
        # between creation and assignment is the one gap (Popen cannot start it suspended).
        handle = int(getattr(proc, "_handle", 0))
        if (k32.SetInformationJobObject(job, self.JOB_EXTENDED_LIMITS, ctypes.byref(limits),
                                        ctypes.sizeof(limits))
                and k32.AssignProcessToJobObject(job, handle)):
            self._jobs[proc.pid] = job
        else:
            k32.CloseHandle(job)

    def terminate_tree(self, proc: subprocess.Popen[bytes]) -> None:
        # Console programs ignore WM_CLOSE, so a polite request is taskkill
        # without /F on the tree; it is followed by kill_tree if ignored.
        self._runner(["taskkill", "/T", "/PID", str(proc.pid)])

    def kill_tree(self, proc: subprocess.Popen[bytes]) -> None:
        job = self._jobs.get(proc.pid)
        if job is not None and self._kernel32.TerminateJobObject(job, 1):
            return
        if self._runner(["taskkill", "/F", "/T", "/PID", str(proc.pid)]) != 0:
            with contextlib.suppress(OSError):
                proc.kill()

    def leftovers(self, proc: subprocess.Popen[bytes], *, pipes_open: bool) -> list[Leftover]:
        job = self._jobs.get(proc.pid)
        if job is None:
            return []
        counts = JobAccounting()
        if not self._kernel32.QueryInformationJobObject(
                job, self.JOB_BASIC_ACCOUNTING, ctypes.byref(counts), ctypes.sizeof(counts),
                None):
            return []
        active = counts.ActiveProcesses
        return [Leftover(None, f"{active} process(es) it started")] if active else []

    def kill_leftovers(self, proc: subprocess.Popen[bytes], leftovers: list[Leftover]) -> None:
        job = self._jobs.get(proc.pid)
        if job is not None:
            self._kernel32.TerminateJobObject(job, 1)

    def release(self, proc: subprocess.Popen[bytes]) -> None:
        job = self._jobs.pop(proc.pid, None)
        if job is not None:
            self._kernel32.CloseHandle(job)  # KILL_ON_JOB_CLOSE: nothing of the tree survives


def _proc_scan(root: str, group: int, pipes: frozenset[str]) -> list[Leftover]:
    """Live processes in process group ``group`` or holding one of ``pipes`` (Linux)."""
    found = []
    me = os.getpid()
    for entry in os.scandir(root):
        if not entry.name.isdigit() or int(entry.name) == me:
            continue
        try:
            with open(os.path.join(entry.path, "stat"), encoding="utf-8",
                      errors="replace") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            if fields[0] == "Z":
                continue  # exited; only reaping is left
            held = int(fields[2]) == group or (bool(pipes) and _holds(entry.path, pipes))
            if held:
                found.append(Leftover(int(entry.name), _command_line(entry.path)))
        except (OSError, IndexError, ValueError):
            continue  # gone meanwhile, or not ours to look at
    return found


def _holds(process_dir: str, pipes: frozenset[str]) -> bool:
    for fd in os.scandir(os.path.join(process_dir, "fd")):
        with contextlib.suppress(OSError):
            if os.readlink(fd.path) in pipes:
                return True
    return False


def _command_line(process_dir: str) -> str:
    with contextlib.suppress(OSError):
        with open(os.path.join(process_dir, "cmdline"), "rb") as handle:
            words = handle.read().rstrip(b"\0").split(b"\0")
        text = " ".join(w.decode("utf-8", errors="replace") for w in words)
        if text:
            return text if len(text) <= 80 else text[:77] + "..."
    return "?"


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


def user_cache_dir(
    *, environ: Mapping[str, str] | None = None, windows: bool | None = None
) -> Path:
    """gassist-build's cache folder, private to the user (code is run from it).

    ``%LOCALAPPDATA%\\gassist-build\\cache`` on Windows; ``$XDG_CACHE_HOME/gassist-build``
    or ``~/.cache/gassist-build`` elsewhere. Never the shared temp folder: another user
    could plant code there for us to run.

    Args:
        environ: Environment to read (defaults to ``os.environ``).
        windows: Pretend to be (or not to be) on Windows; defaults to the real platform.
    """
    env = os.environ if environ is None else environ
    if windows is None:
        windows = sys.platform == "win32"
    if windows:
        local = env.get("LOCALAPPDATA") or str(
            PureWindowsPath(env.get("USERPROFILE") or str(Path.home()), "AppData", "Local"))
        return Path(str(PureWindowsPath(local, "gassist-build", "cache")))
    cache_home = env.get("XDG_CACHE_HOME") or str(Path(env.get("HOME") or Path.home(), ".cache"))
    return Path(cache_home, "gassist-build")


_RISE_PYTHON_SUBDIR = ("NVIDIA Corporation", "nvtopps", "rise", "python")
# python312.dll / python312._pth / python312.zip: the embeddable distribution's files.
_EMBEDDED_NAME = re.compile(r"^python(3)(\d{1,2})(?:\.dll|\._pth|\.zip)$", re.IGNORECASE)


def rise_python_version(*, environ: Mapping[str, str] | None = None) -> str | None:
    """The version (``"3.12"``) of the Python bundled with G-Assist (RISE), or None.

    The engine ships Python's embeddable distribution in
    ``%PROGRAMDATA%\\NVIDIA Corporation\\nvtopps\\rise\\python\\``; its
    ``pythonXY.dll`` / ``pythonXY._pth`` file names carry the version. Only meaningful
    on Windows; tests pass a fake ``PROGRAMDATA`` on any OS.

    Args:
        environ: Environment to read (defaults to ``os.environ``).
    """
    env = os.environ if environ is None else environ
    program_data = env.get("PROGRAMDATA") or env.get("ALLUSERSPROFILE") or r"C:\ProgramData"
    folder = Path(program_data, *_RISE_PYTHON_SUBDIR)
    try:
        names = sorted(entry.name for entry in folder.iterdir())
    except OSError:
        return None
    for name in names:
        match = _EMBEDDED_NAME.match(name)
        if match:
            return f"{match.group(1)}.{match.group(2)}"
    return None


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
