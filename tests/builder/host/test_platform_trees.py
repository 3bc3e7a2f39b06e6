# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Issue 10, item 12, per OS: a plug-in's whole tree is found and stopped.

Windows runs here with a fake kernel32 (Job Objects); the POSIX scan reads a
fake ``/proc``.
"""

from __future__ import annotations

import ctypes
import os
import sys
from pathlib import Path
from typing import Any

import pytest
from gassist_build._platform import (
    JobAccounting,
    JobLimits,
    Leftover,
    PosixPlatform,
    WindowsPlatform,
)


class _FakeProcess:
    pid = 4242
    _handle = 77

    def __init__(self) -> None:
        self.killed = False

    def kill(self) -> None:
        self.killed = True


class FakeKernel32:
    """The Job Object functions of kernel32, recorded."""

    def __init__(self, active: int = 0, assign_ok: bool = True) -> None:
        self.active = active
        self.assign_ok = assign_ok
        self.calls: list[tuple[Any, ...]] = []
        self.limit_flags = 0
        self.open_jobs: set[int] = set()

    def CreateJobObjectW(self, attributes: Any, name: Any) -> int:
        self.open_jobs.add(900)
        return 900

    def SetInformationJobObject(self, job: int, kind: int, info: Any,
                                size: int) -> int:
        limits = info._obj
        assert isinstance(limits, JobLimits) and size == ctypes.sizeof(JobLimits)
        self.calls.append(("limits", job, kind))
        self.limit_flags = limits.BasicLimitInformation.LimitFlags
        return 1

    def AssignProcessToJobObject(self, job: int, handle: int) -> int:
        self.calls.append(("assign", job, handle))
        return 1 if self.assign_ok else 0

    def TerminateJobObject(self, job: int, code: int) -> int:
        self.calls.append(("terminate", job, code))
        self.active = 0
        return 1

    def QueryInformationJobObject(self, job: int, kind: int, info: Any, size: int,
                                  returned: Any) -> int:
        counts = info._obj
        assert isinstance(counts, JobAccounting) and kind == 1
        counts.ActiveProcesses = self.active
        return 1

    def CloseHandle(self, handle: int) -> int:
        self.calls.append(("close", handle))
        self.open_jobs.discard(handle)
        return 1


def _runner(calls: list[list[str]]) -> Any:
    def run(args: Any) -> int:
        calls.append(list(args))
        return 0
    return run


def test_windows_puts_each_plugin_in_a_job_that_kills_its_tree() -> None:
    kernel32 = FakeKernel32()
    taskkill: list[list[str]] = []
    platform = WindowsPlatform(runner=_runner(taskkill), kernel32=kernel32)
    proc = _FakeProcess()
    platform.adopt(proc)  # type: ignore[arg-type]
    assert ("assign", 900, 77) in kernel32.calls
    assert kernel32.limit_flags & WindowsPlatform.JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE
    platform.kill_tree(proc)  # type: ignore[arg-type]
    assert ("terminate", 900, 1) in kernel32.calls
    assert taskkill == []  # the job reaches every process, however it was started
    platform.release(proc)  # type: ignore[arg-type]
    assert kernel32.open_jobs == set()


def test_windows_reports_and_kills_processes_left_in_the_job() -> None:
    kernel32 = FakeKernel32(active=2)
    platform = WindowsPlatform(runner=_runner([]), kernel32=kernel32)
    proc = _FakeProcess()
    platform.adopt(proc)  # type: ignore[arg-type]
    leftovers = platform.leftovers(proc, pipes_open=True)  # type: ignore[arg-type]
    assert [item.describe() for item in leftovers] == ["2 process(es) it started"]
    platform.kill_leftovers(proc, leftovers)  # type: ignore[arg-type]
    assert platform.leftovers(proc, pipes_open=False) == []  # type: ignore[arg-type]


def test_windows_without_a_job_falls_back_to_taskkill() -> None:
    kernel32 = FakeKernel32(assign_ok=False)
    taskkill: list[list[str]] = []
    platform = WindowsPlatform(runner=_runner(taskkill), kernel32=kernel32)
    proc = _FakeProcess()
    platform.adopt(proc)  # type: ignore[arg-type]
    assert kernel32.open_jobs == set()  # the job that could not hold it is closed
    platform.kill_tree(proc)  # type: ignore[arg-type]
    assert taskkill == [["taskkill", "/F", "/T", "/PID", "4242"]]
    assert platform.leftovers(proc, pipes_open=True) == []  # type: ignore[arg-type]


def _fake_process(root: Path, pid: int, group: int, fds: dict[str, str],
                  state: str = "S", command: bytes = b"python\0child.py\0") -> None:
    folder = root / str(pid)
    (folder / "fd").mkdir(parents=True)
    (folder / "stat").write_text(f"{pid} (py) thing) {state} 1 {group} {group} 0\n")
    (folder / "cmdline").write_bytes(command)
    for fd, target in fds.items():
        os.symlink(target, folder / "fd" / fd)


@pytest.mark.skipif(sys.platform == "win32", reason="builds a fake /proc with symlinks")
def test_posix_finds_the_group_and_the_holders_of_its_pipes(tmp_path: Path) -> None:
    proc = _FakeProcess()
    _fake_process(tmp_path, 10, group=4242, fds={})  # a grandchild in its group
    _fake_process(tmp_path, 11, group=11, fds={"1": "pipe:[555]"})  # own session, holds stdout
    _fake_process(tmp_path, 12, group=12, fds={"1": "pipe:[999]"})  # someone else's pipe
    _fake_process(tmp_path, 13, group=4242, fds={}, state="Z")  # exited
    (tmp_path / "self").mkdir()
    platform = PosixPlatform(proc_root=str(tmp_path))
    platform._pipes[proc.pid] = frozenset({"pipe:[555]"})
    found = platform.leftovers(proc, pipes_open=True)  # type: ignore[arg-type]
    assert sorted(found, key=lambda item: item.pid or 0) == [
        Leftover(10, "python child.py"), Leftover(11, "python child.py")]
    # With its pipes at their end, only the group is looked at.
    assert platform.leftovers(proc, pipes_open=False) == [  # type: ignore[arg-type]
        Leftover(10, "python child.py")]
