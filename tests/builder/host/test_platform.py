# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""How executables become command lines and how process trees are stopped, per OS.

The Windows branch runs here with a fake command runner (no Windows on CI's Linux).
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from gassist_build._platform import LaunchError, PosixPlatform, WindowsPlatform


def _file(folder: Path, name: str, data: bytes = b"", executable: bool = False) -> Path:
    path = folder / name
    path.write_bytes(data)
    if executable:
        path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def test_python_plugin_runs_with_the_given_interpreter(tmp_path: Path) -> None:
    _file(tmp_path, "plugin.py")
    for platform in (PosixPlatform(), WindowsPlatform(runner=lambda a: 0)):
        assert platform.launch_command(tmp_path, "plugin.py", "/opt/py") == [
            "/opt/py", str(tmp_path / "plugin.py")]


def test_missing_executable_names_the_file(tmp_path: Path) -> None:
    expected = re.escape("'plugin.py' named in manifest.json is not in")
    with pytest.raises(LaunchError, match=expected):
        PosixPlatform().launch_command(tmp_path, "plugin.py", sys.executable)


def test_windows_runs_batch_files_through_cmd(tmp_path: Path) -> None:
    _file(tmp_path, "launch.bat", b"@echo off\r\n")
    _file(tmp_path, "g-assist-plugin-x.exe", b"MZ\x90\x00")
    platform = WindowsPlatform(runner=lambda a: 0, comspec="C:\\Windows\\cmd.exe")
    assert platform.launch_command(tmp_path, "launch.bat", "py") == [
        "C:\\Windows\\cmd.exe", "/d", "/c", str(tmp_path / "launch.bat")]
    assert platform.launch_command(tmp_path, "g-assist-plugin-x.exe", "py") == [
        str(tmp_path / "g-assist-plugin-x.exe")]
    flags = platform.popen_options()["creationflags"]
    assert flags & WindowsPlatform.CREATE_NEW_PROCESS_GROUP
    assert flags & WindowsPlatform.CREATE_NO_WINDOW


def test_posix_refuses_windows_only_executables_clearly(tmp_path: Path) -> None:
    _file(tmp_path, "launch.bat", b"@echo off\r\n")
    _file(tmp_path, "g-assist-plugin-x.exe", b"MZ\x90\x00", executable=True)
    platform = PosixPlatform()
    expected = re.escape("Windows batch file; put a launch.sh beside it")
    with pytest.raises(LaunchError, match=expected):
        platform.launch_command(tmp_path, "launch.bat", sys.executable)
    with pytest.raises(LaunchError, match="Windows executable"):
        platform.launch_command(tmp_path, "g-assist-plugin-x.exe", sys.executable)


def test_posix_uses_a_sibling_shell_script_for_launch_bat(tmp_path: Path) -> None:
    _file(tmp_path, "launch.bat", b"@echo off\r\n")
    _file(tmp_path, "launch.sh", b"exec true\n")
    assert PosixPlatform().launch_command(tmp_path, "launch.bat", sys.executable) == [
        "/bin/sh", str(tmp_path / "launch.sh")]


def test_posix_native_executable_must_be_executable(tmp_path: Path) -> None:
    _file(tmp_path, "tool", b"\x7fELF")
    with pytest.raises(LaunchError, match=r"not executable \(chmod \+x tool\)"):
        PosixPlatform().launch_command(tmp_path, "tool", sys.executable)
    (tmp_path / "tool").chmod(0o755)
    assert PosixPlatform().launch_command(tmp_path, "tool", sys.executable) == [
        str(tmp_path / "tool")]


class _FakeProcess:
    pid = 4242

    def __init__(self) -> None:
        self.killed = False

    def kill(self) -> None:
        self.killed = True


def test_windows_kills_the_tree_with_taskkill_and_falls_back() -> None:
    calls: list[list[str]] = []
    status = {"code": 0}

    def runner(args: object) -> int:
        calls.append(list(args))  # type: ignore[call-overload]
        return status["code"]

    platform = WindowsPlatform(runner=runner)
    proc = _FakeProcess()
    platform.terminate_tree(proc)  # type: ignore[arg-type]
    platform.kill_tree(proc)  # type: ignore[arg-type]
    assert calls == [["taskkill", "/T", "/PID", "4242"], ["taskkill", "/F", "/T", "/PID", "4242"]]
    assert not proc.killed
    status["code"] = 128  # taskkill missing or refused: TerminateProcess on the leader
    platform.kill_tree(proc)  # type: ignore[arg-type]
    assert proc.killed


@pytest.mark.skipif(os.name != "posix", reason="process groups are POSIX")
def test_posix_kill_tree_reaches_grandchildren(tmp_path: Path) -> None:
    pid_file = tmp_path / "child.pid"
    script = f"import os, subprocess, sys, time\n" \
             f"child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n" \
             f"open({str(pid_file)!r}, 'w').write(str(child.pid))\n" \
             f"time.sleep(60)\n"
    platform = PosixPlatform()
    proc = subprocess.Popen([sys.executable, "-c", script], **platform.popen_options())
    deadline = time.monotonic() + 10
    while not pid_file.exists() or not pid_file.read_text():
        assert time.monotonic() < deadline
        time.sleep(0.02)
    grandchild = int(pid_file.read_text())
    platform.kill_tree(proc)  # type: ignore[arg-type]
    proc.wait(5)
    assert _gone(grandchild)


def _gone(pid: int, wait: float = 5.0) -> bool:
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/status") as handle:
                if "\nState:\tZ" in handle.read():
                    return True  # a zombie has exited; only reaping is left
        except FileNotFoundError:
            return True
        time.sleep(0.02)
    return False
