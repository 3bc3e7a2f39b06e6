# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Issue 10, item 12: the host watches the process itself, not only its stdout.

A plug-in that exits while a child of its own (in its own session, or a
grandchild in its group) keeps stdout open is noticed at once; the child is
killed and reported as a finding.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from gassist_build.host import PluginProcess
from gassist_build.host.scorecard import run_check

from .conftest import FAST
from .hostile import hostile_plugin, running, wait_for_pid

pytestmark = [pytest.mark.e2e,
              pytest.mark.skipif(sys.platform != "linux", reason="reads /proc for pids")]

Start = Callable[..., PluginProcess]

# `crash` starts a child that inherits stdout, then exits without an answer;
# `hello` starts one and answers (the plug-in exits at shutdown).
_LEAVES_A_CHILD = """
NEW_SESSION = {new_session}

def spawn():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"],
                             start_new_session=NEW_SESSION)
    with open(os.path.join(LOG_DIR, "child.pid"), "w") as handle:
        handle.write(str(child.pid))

def execute(msg):
    spawn()
    if msg["params"]["function"] == "crash":
        sys.stderr.write("leaves_a_child: exiting, child keeps stdout\\n")
        sys.stderr.flush()
        os._exit(3)
    complete(msg.get("id"), "hello")

serve({{"initialize": answer_initialize("leaves_a_child", ("hello", "crash")),
       "ping": answer_ping, "execute": execute}})
"""


def _plugin(root: Path, new_session: bool) -> Path:
    return hostile_plugin(root, "leaves_a_child",
                          _LEAVES_A_CHILD.format(new_session=new_session), ("hello", "crash"))


@pytest.mark.parametrize("new_session", [True, False], ids=["own-session", "grandchild"])
def test_crash_is_noticed_at_once_though_a_child_keeps_stdout_open(
        start_plugin: Start, tmp_path: Path, new_session: bool) -> None:
    process = start_plugin(_plugin(tmp_path, new_session),
                           timeouts=FAST.scaled(execute=10.0))
    began = time.monotonic()
    result = process.execute("crash")
    assert time.monotonic() - began < 5.0  # not the 10 s call timeout
    assert result.failure == "crash", result.error
    assert result.exit_code == 3
    assert "leaves_a_child: exiting" in result.stderr_tail
    child = wait_for_pid(tmp_path / "logs" / "child.pid")
    assert f"pid {child}" in (result.error or "")
    assert "left" in (result.error or "")
    deadline = time.monotonic() + 5
    while running(child) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not running(child)


def test_call_command_stops_a_leftover_child_quickly(tmp_path: Path) -> None:
    folder = _plugin(tmp_path, new_session=True)
    began = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "gassist_build.cli", "call", str(folder), "hello",
         "--log-dir", str(tmp_path / "logs")],
        capture_output=True, text=True, timeout=60)
    took = time.monotonic() - began
    child = wait_for_pid(tmp_path / "logs" / "child.pid")
    alive = running(child)
    if alive:
        subprocess.run(["kill", str(child)], check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "hello\n"
    assert took < 6.0, done.stderr  # was ~15 s: exit was noticed only at stdout's end
    assert not alive
    assert f"pid {child}" in done.stderr and "left" in done.stderr


def test_check_reports_a_dead_plugin_as_crashed_not_hung(tmp_path: Path) -> None:
    folder = _plugin(tmp_path, new_session=True)
    card = run_check(folder, skip=["hello"], call_timeout=8.0, log_dir=tmp_path / "logs")
    item = card.item("call:crash")
    assert item.status == "fail"
    assert "→ crash: the plug-in exited with code 3" in item.detail, item.detail
    assert item.value is not None and item.value < 5.0  # not the 8 s call timeout
    assert not running(wait_for_pid(tmp_path / "logs" / "child.pid"))


def test_check_fails_shutdown_when_the_plugin_leaves_a_child_running(tmp_path: Path) -> None:
    folder = _plugin(tmp_path, new_session=True)
    card = run_check(folder, skip=["crash"], call_timeout=8.0, log_dir=tmp_path / "logs")
    child = wait_for_pid(tmp_path / "logs" / "child.pid")
    assert card.item("call:hello").status == "pass"
    item = card.item("shutdown")
    assert item.status == "fail", item.detail
    assert f"pid {child}" in item.detail and "left running" in item.detail
    # SIGKILL is not waited for: on a loaded machine (parallel tests) death takes a moment.
    deadline = time.monotonic() + 2.0
    while running(child) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not running(child)
