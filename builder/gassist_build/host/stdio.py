# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""A plug-in as an OS process, knowing nothing of the protocol it speaks.

:class:`ChildProcess` launches a plug-in the way the engine does (working
directory = the plug-in folder, ``<plugin>/libs`` on ``PYTHONPATH``, stderr to
its own log file), writes to its stdin, reads its stdout on a thread, notices
its exit and stops it step by step. How a process tree is started and stopped
on each OS is :mod:`gassist_build._platform`'s business.
"""

from __future__ import annotations

import atexit
import contextlib
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from .._isolation import Isolation, engine_isolation
from .._platform import Leftover, Platform, current_platform
from ..errors import LaunchError
from .results import Timeouts
from .spec import PluginSpec
from .stderrlog import StderrLog, read_to_end
from .writer import StdinWriter

__all__ = [
    "ChildEvents",
    "ChildProcess",
    "ExitRecord",
    "default_log_dir",
    "describe_exit",
    "describe_leftovers",
    "processes",
]

STDERR_TAIL_LINES = 20
# After exit, how long stdout/stderr may take to reach their end before the
# processes holding them are looked for; and after those are killed.
_DRAIN_GRACE = 0.5
_KILLED_GRACE = 2.0
# Stdout closed: how long the process may take to exit before it is killed.
_LINGER_GRACE = 2.0


class ChildEvents(Protocol):
    """What the process's threads report. Stdout comes first; ``on_exit`` last."""

    def on_stdout(self, data: bytes) -> None:
        """Bytes arrived on stdout."""

    def on_stdout_closed(self) -> None:
        """Stdout reached end of stream."""

    def on_lingering(self) -> None:
        """Stdout closed but the process keeps running (it is killed next)."""

    def on_leftovers(self, leftovers: list[Leftover]) -> None:
        """The process exited but processes it started still run (they are killed next)."""

    def on_exit(self, code: int) -> None:
        """The process has exited with ``code``."""

    def on_write_stalled(self, unwritten: int, seconds: float) -> None:
        """A write to stdin has been blocked for ``seconds`` (it stopped reading)."""


class ExitRecord:
    """How a process ended: its exit code and, when the host (or a crash) ended it, why.

    The first reason given wins: the shutdown that follows a watchdog kill does
    not rename it.

    Attributes:
        leftovers: Processes it started that were still running when it
            exited (and were killed).
    """

    def __init__(self) -> None:
        self.exited = threading.Event()
        self.code: int | None = None
        self.leftovers: list[Leftover] = []
        self._reason: tuple[str, str] | None = None
        self._lock = threading.Lock()

    @property
    def reason(self) -> str | None:
        """Why the host ended the process, if it did."""
        return self._reason[1] if self._reason else None

    @property
    def category(self) -> str:
        """The failure category of calls cut short: the reason's, else ``"crash"``."""
        return self._reason[0] if self._reason else "crash"

    def give_reason(self, category: str, reason: str) -> None:
        """Record why the process is being ended (ignored once a reason is recorded)."""
        with self._lock:
            if self._reason is None:
                self._reason = (category, reason)

    def describe(self) -> str:
        """How it ended, written for a person."""
        described = describe_exit(self.code)
        if self._reason is not None:
            text = f"{self._reason[1]} ({described})"
        else:
            text = f"the plug-in {described}"
        if self.leftovers:
            text += f"; {describe_leftovers(self.leftovers)}"
        return text


def describe_leftovers(leftovers: list[Leftover]) -> str:
    """``it left pid 12 (python child.py) running; killed`` for the findings."""
    shown = ", ".join(item.describe() for item in leftovers)
    return (f"it left {shown} running after it exited (holding its pipes or in its process"
            " group); killed — stop the processes a plug-in starts before it exits")


class ChildProcess:
    """One launched plug-in process and its pipes.

    Four threads serve it: a writer (stdin, :mod:`.writer`), a stdout reader, a
    stderr copier (:mod:`.stderrlog`) and a waiter on the process itself, so
    its exit is noticed even while a child it started keeps stdout open. The
    waiter then kills what the process left running (see
    :meth:`Platform.leftovers <gassist_build._platform.Platform.leftovers>`).

    Args:
        spec: The plug-in's manifest.
        log_dir: Folder for ``<name>.stderr.log``; also passed to the plug-in as
            ``GASSIST_LOG_DIR`` so its own log files land there.
        platform: How to launch and stop processes (the current OS by default).
        python: Interpreter for ``plugin.py`` (the current one by default).
        env: Extra environment variables for the plug-in.
        write_limit: Seconds a write to stdin may stay blocked before
            :meth:`ChildEvents.on_write_stalled` is told.
        isolated: Run ``plugin.py`` as the engine's bundled Python does: only the
            standard library and the plug-in's ``libs/`` importable
            (:func:`gassist_build._isolation.engine_isolation`); False (``--dev``)
            keeps this environment with ``libs`` first on ``PYTHONPATH``.
    """

    def __init__(self, spec: PluginSpec, *, log_dir: Path, platform: Platform | None = None,
                 python: str | None = None, env: dict[str, str] | None = None,
                 write_limit: float = 5.0, isolated: bool = True) -> None:
        self.spec = spec
        self.log_dir = log_dir
        self.log_path = log_dir / f"{spec.name}.stderr.log"
        self._platform = platform or current_platform()
        self._python = python or sys.executable
        self._extra_env = env or {}
        self.isolated = isolated
        self.proc: subprocess.Popen[bytes] | None = None
        self._log = StderrLog(self.log_path)
        self._reader: threading.Thread | None = None
        self._writer: StdinWriter | None = None
        self._write_limit = write_limit
        self._exit_seen = threading.Event()

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc is not None else None

    def isolation(self) -> Isolation:
        """The interpreter flags and environment the plug-in starts with.

        Isolated, the plug-in sees the standard library, its ``libs/`` and (for a
        source folder without its own) a copy of the runtime; either way
        ``GASSIST_LOG_DIR`` is the log folder and ``env`` is applied last.
        """
        extra = {"GASSIST_LOG_DIR": str(self.log_dir), **self._extra_env}
        return engine_isolation(self.spec.folder, isolated=self.isolated, extra=extra)

    def environment(self) -> dict[str, str]:
        """The plug-in's whole environment (see :meth:`isolation`)."""
        return self.isolation().env

    def launch(self, events: ChildEvents) -> None:
        """Start the process and the threads that serve it. Raises :class:`LaunchError`."""
        isolation = self.isolation()
        argv = self._platform.launch_command(self.spec.folder, self.spec.executable,
                                             self._python, isolation.python_flags)
        env = isolation.env
        self._log.open(f"gassist-build started {argv}")
        try:
            proc = subprocess.Popen(
                argv,
                cwd=self.spec.folder,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
                bufsize=0,
                **self._platform.popen_options(),
            )
        except OSError as exc:
            self._log.close()
            raise LaunchError(f"cannot start {argv[0]}: {exc.strerror or exc}") from exc
        self.proc = proc
        self._platform.adopt(proc)
        processes.add(self)
        assert proc.stdin is not None and proc.stderr is not None
        name = self.spec.name
        self._log.attach(proc.stderr, name)
        self._writer = StdinWriter(proc.stdin, self._write_limit, events.on_write_stalled, name)
        self._writer.start()
        self._reader = _thread(self._read_loop, events, f"gassist-reader-{name}")
        _thread(self._wait_loop, events, f"gassist-waiter-{name}")

    def write(self, data: bytes) -> bool:
        """Queue bytes for stdin and return at once; False when stdin is closed or broken.

        The bytes are written by a thread of their own, so a plug-in that stops
        reading blocks no caller (see :mod:`.writer`).
        """
        return self._writer is not None and self._writer.send(data)

    def stdin_blocked_for(self) -> float:
        """Seconds a write to stdin has been blocked (0 when none is)."""
        return self._writer.blocked_for() if self._writer is not None else 0.0

    def close_stdin(self) -> None:
        """Close stdin after what is queued (a plug-in reading it sees end of stream)."""
        if self._writer is not None:
            self._writer.close()

    def kill_tree(self) -> None:
        """Kill the process and everything it started."""
        if self.proc is not None:
            self._platform.kill_tree(self.proc)

    def stop(self, timeouts: Timeouts, wait_exit: Callable[[float], bool]) -> str:
        """Escalate until the process ends: wait, close stdin, terminate, kill.

        Call after asking the plug-in to exit. Each step waits at most its
        :class:`Timeouts` grace (through ``wait_exit``) before the next.

        Returns:
            The step that ended it: ``message``, ``stdin``, ``terminate`` or ``kill``.
        """
        proc = self.proc
        assert proc is not None
        if wait_exit(timeouts.shutdown_grace):
            return "message"
        self.close_stdin()
        if wait_exit(timeouts.stdin_close_grace):
            return "stdin"
        self._platform.terminate_tree(proc)
        if wait_exit(timeouts.terminate_grace):
            return "terminate"
        self._platform.kill_tree(proc)
        wait_exit(5.0)
        return "kill"

    def join_reader(self, timeout: float) -> None:
        """Wait for the reader thread to finish."""
        if self._reader is not None:
            self._reader.join(timeout)

    def stderr_tail(self, lines: int = STDERR_TAIL_LINES) -> str:
        """The last lines this process wrote to stderr (and the host's notes)."""
        return self._log.tail(lines)

    def _read_loop(self, events: ChildEvents) -> None:
        proc = self.proc
        assert proc is not None and proc.stdout is not None
        read_to_end(proc.stdout, events.on_stdout)
        events.on_stdout_closed()
        if not self._exit_seen.wait(_LINGER_GRACE):
            # stdout closed but the process lingers: the engine would lose it too.
            events.on_lingering()

    def _wait_loop(self, events: ChildEvents) -> None:
        proc = self.proc
        assert proc is not None
        code = proc.wait()
        self._exit_seen.set()
        # What it wrote before exiting is read first; pipes still open after a
        # moment are held by processes it started.
        drained = self._drained(_DRAIN_GRACE)
        leftovers = self._platform.leftovers(proc, pipes_open=not drained)
        if leftovers:
            events.on_leftovers(leftovers)
            self._log.note(describe_leftovers(leftovers))
            self._platform.kill_leftovers(proc, leftovers)
            self._drained(_KILLED_GRACE)
        self._platform.release(proc)
        if self._writer is not None:
            self._writer.close()
        self._log.close()
        processes.discard(self)
        events.on_exit(code)

    def _drained(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        self.join_reader(timeout)
        stderr_done = self._log.join(max(0.0, deadline - time.monotonic()))
        return stderr_done and not (self._reader is not None and self._reader.is_alive())


def _thread(target: Callable[[ChildEvents], None], events: ChildEvents,
            name: str) -> threading.Thread:
    thread = threading.Thread(target=target, args=(events,), name=name, daemon=True)
    thread.start()
    return thread


class _Running:
    """The plug-in processes this interpreter started that have not exited yet."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._children: set[ChildProcess] = set()
        self._hooked = False

    def add(self, child: ChildProcess) -> None:
        with self._lock:
            self._children.add(child)
            if not self._hooked:
                # A host that exits without stopping its plug-ins must not leave them running.
                atexit.register(self.kill_all)
                self._hooked = True

    def discard(self, child: ChildProcess) -> None:
        with self._lock:
            self._children.discard(child)

    def kill_all(self) -> int:
        """Kill the tree of every plug-in still running; how many there were."""
        with self._lock:
            children = list(self._children)
        for child in children:
            with contextlib.suppress(OSError):
                child.kill_tree()
        return len(children)


#: Every plug-in process started here and still running (killed at interpreter exit).
processes = _Running()


def describe_exit(code: int | None) -> str:
    """``exited with code 3`` / ``was killed by SIGKILL`` / ``is still running``."""
    if code is None:
        return "is still running"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"was killed by {name} (exit code {code})"
    return f"exited with code {code}"


def default_log_dir() -> Path:
    """Where plug-in stderr logs go unless told otherwise."""
    import tempfile

    return Path(tempfile.gettempdir()) / "gassist-build" / "logs"
