# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Issue 10, item 13: oversize frames named as such, exactly one final per
request, a capped stderr log, and no plug-in outliving a signalled host."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from gassist_build.host import PluginProcess
from gassist_build.host.dialects import V2Dialect
from gassist_build.host.stderrlog import STDERR_LOG_LIMIT

from .conftest import FAST
from .hostile import hostile_plugin, running

Start = Callable[..., PluginProcess]
_OVERSIZE = 11 * 1024 * 1024  # over the 10 MiB frame limit

_SENDS_AN_OVERSIZE_FRAME_ONCE = f"""
calls = []

def execute(msg):
    calls.append(msg)
    if len(calls) == 1:
        sys.stdout.buffer.write(struct.pack(">I", {_OVERSIZE}) + b"{{" + b" " * ({_OVERSIZE} - 1))
        sys.stdout.buffer.flush()
    complete(msg.get("id"), "small enough")

serve({{"initialize": answer_initialize("oversize"), "ping": answer_ping, "execute": execute}})
"""

_COMPLETES_TWICE = """
def execute(msg):
    complete(msg.get("id"), "first")
    complete(msg.get("id"), "second")

serve({"initialize": answer_initialize("completes_twice"), "ping": answer_ping,
       "execute": execute})
"""

_FLOODS_STDERR = """
def execute(msg):
    line = b"e" * 1023 + b"\\n"
    for _ in range(6 * 1024):  # 6 MiB
        sys.stderr.buffer.write(line)
    sys.stderr.flush()
    complete(msg.get("id"), "logged a lot")

serve({"initialize": answer_initialize("floods_stderr"), "ping": answer_ping,
       "execute": execute})
"""

# Answers pings, never completes, ignores shutdown, end of stdin and SIGTERM.
_STUBBORN = """
import signal
signal.signal(signal.SIGTERM, signal.SIG_IGN)
with open(os.path.join(LOG_DIR, "plugin.pid"), "w") as handle:
    handle.write(str(os.getpid()))
handlers = {"initialize": answer_initialize("stubborn"), "ping": answer_ping}
while True:
    header = sys.stdin.buffer.read(4)
    if len(header) < 4:
        break
    msg = json.loads(sys.stdin.buffer.read(struct.unpack(">I", header)[0]))
    handler = handlers.get(msg.get("method"))
    if handler is not None:
        handler(msg)
time.sleep(3600)
"""


def test_oversize_frame_is_named_with_its_size_and_the_limit() -> None:
    dialect = V2Dialect()
    import struct
    events = dialect.feed(struct.pack(">I", _OVERSIZE) + b"{" + b" " * 100)
    assert len(events) == 1
    message = getattr(events[0], "message", "")
    assert message.startswith("oversize frame")
    assert f"{_OVERSIZE} bytes" in message and "10485760" in message
    assert "stray" not in message


@pytest.mark.e2e
def test_oversize_frame_fails_the_call_as_oversize_and_the_stream_stays_in_sync(
        start_plugin: Start, tmp_path: Path) -> None:
    process = start_plugin(hostile_plugin(tmp_path, "oversize", _SENDS_AN_OVERSIZE_FRAME_ONCE),
                           timeouts=FAST.scaled(execute=20.0))
    result = process.execute("hello")
    assert result.failure == "protocol"
    assert "oversize frame" in (result.error or "") and f"{_OVERSIZE} bytes" in (
        result.error or "")
    assert "stray bytes" not in (result.error or "")
    again = process.execute("hello")
    assert again.success and again.text == "small enough"


@pytest.mark.e2e
def test_a_second_complete_for_one_request_is_a_violation(
        start_plugin: Start, tmp_path: Path) -> None:
    process = start_plugin(hostile_plugin(tmp_path, "completes_twice", _COMPLETES_TWICE))
    result = process.execute("hello")
    assert result.success and result.text == "first"
    process.shutdown()
    assert any("second 'complete' for request_id" in v for v in process.violations), (
        process.violations)


@pytest.mark.e2e
def test_call_command_fails_on_a_double_complete(tmp_path: Path) -> None:
    folder = hostile_plugin(tmp_path, "completes_twice", _COMPLETES_TWICE)
    done = subprocess.run(
        [sys.executable, "-m", "gassist_build.cli", "call", str(folder), "hello",
         "--log-dir", str(tmp_path / "logs")], capture_output=True, text=True, timeout=60)
    assert done.stdout == "first\n"
    assert done.returncode == 1, done.stderr
    assert "second 'complete' for request_id" in done.stderr
    assert "exactly one" in done.stderr


@pytest.mark.e2e
def test_stderr_log_is_capped_and_says_so(start_plugin: Start, tmp_path: Path) -> None:
    process = start_plugin(hostile_plugin(tmp_path, "floods_stderr", _FLOODS_STDERR),
                           timeouts=FAST.scaled(execute=20.0))
    result = process.execute("hello")
    assert result.success, result.error
    process.shutdown()
    log = tmp_path / "logs" / "floods_stderr.stderr.log"
    assert log.stat().st_size < STDERR_LOG_LIMIT + 4096
    text = log.read_text()
    assert f"stderr log capped at {STDERR_LOG_LIMIT} bytes" in text
    assert "byte(s) of stderr were dropped" in text


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        with (task / "children").open() as handle:
            found += [int(word) for word in handle.read().split()]
    return found


@pytest.mark.e2e
@pytest.mark.skipif(sys.platform != "linux", reason="finds the plug-in through /proc")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_signalled_call_command_stops_its_plugin(tmp_path: Path, sig: int) -> None:
    folder = hostile_plugin(tmp_path, "stubborn", _STUBBORN)
    host = subprocess.Popen(
        [sys.executable, "-m", "gassist_build.cli", "call", str(folder), "hello",
         "--timeout", "60", "--log-dir", str(tmp_path / "logs")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    pid_file = tmp_path / "logs" / "plugin.pid"
    deadline = time.monotonic() + 20
    while not (pid_file.exists() and pid_file.read_text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    plugin = int(pid_file.read_text())
    time.sleep(0.5)  # the call is in flight
    assert plugin in _children(host.pid)
    signalled = time.monotonic()
    host.send_signal(sig)
    try:
        host.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        host.kill()
        raise
    took = time.monotonic() - signalled
    deadline = time.monotonic() + 2
    while running(plugin) and time.monotonic() < deadline:
        time.sleep(0.02)
    outlived = running(plugin)
    if outlived:
        os.kill(plugin, signal.SIGKILL)
    assert not outlived, "the plug-in outlived gassist-build"
    assert took < 2.0  # killed at once, not through the 4 s polite shutdown
    assert host.returncode != 0
