# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Issue 10, item 10: a plug-in that stops reading its stdin never hangs the host.

Requests are written by a thread of their own, so neither the caller nor the
watchdog waits on a full pipe; a write that stays blocked fails the call and
the plug-in is killed like a hung one.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from gassist_build.host import CallOutcome, PluginProcess

from .conftest import FAST
from .hostile import hostile_plugin

pytestmark = pytest.mark.e2e

Start = Callable[..., PluginProcess]
# Far more than a pipe holds (64 KiB on Linux, 4 KiB on some systems).
_BLOB = "x" * 400_000

_STOPS_READING = """
def initialize(msg):
    answer_initialize("stops_reading")(msg)
    time.sleep(3600)  # never reads stdin again (nor answers pings)

serve({"initialize": initialize})
"""


def _in_thread(work: Callable[[], CallOutcome], wait: float) -> CallOutcome | None:
    """Run ``work`` on a thread; None when it is still blocked after ``wait`` seconds."""
    box: list[CallOutcome] = []
    thread = threading.Thread(target=lambda: box.append(work()), daemon=True)
    thread.start()
    thread.join(wait)
    return box[0] if box else None


@pytest.mark.parametrize("watchdog", [False, True], ids=["no-watchdog", "watchdog"])
def test_call_to_a_plugin_that_stops_reading_stdin_fails_and_kills_it(
        start_plugin: Start, tmp_path: Path, watchdog: bool) -> None:
    folder = hostile_plugin(tmp_path, "stops_reading", _STOPS_READING)
    process = start_plugin(folder, watchdog=watchdog,
                           timeouts=FAST.scaled(execute=30.0, stdin_write=0.5))
    began = time.monotonic()
    result = _in_thread(lambda: process.execute("hello", {"blob": _BLOB}), wait=10.0)
    assert result is not None, "execute is still blocked writing to the plug-in's stdin"
    assert time.monotonic() - began < 3.0
    assert not result.success
    if watchdog:
        # Whichever notices first: the stalled write (0.5 s) or the missed pings (1.4 s).
        assert result.failure in ("timeout", "watchdog")
    else:
        assert result.failure == "timeout"
        assert "stopped reading its stdin" in (result.error or "")
    assert process.wait_exited(5.0)
    assert not process.alive


def test_call_command_honours_timeout_when_stdin_is_not_read(tmp_path: Path) -> None:
    folder = hostile_plugin(tmp_path, "stops_reading", _STOPS_READING)
    # Three big values: one command-line argument may hold at most 128 KiB.
    pairs = [f"{key}={'y' * 120_000}" for key in ("a", "b", "c")]
    began = time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "gassist_build.cli", "call", str(folder), "hello", *pairs,
             "--timeout", "1", "--log-dir", str(tmp_path / "logs")],
            capture_output=True, text=True, timeout=30)
    except subprocess.TimeoutExpired:
        pytest.fail("gassist-build call hung on a plug-in that stopped reading stdin")
    assert time.monotonic() - began < 15.0
    assert done.returncode == 1
    assert "✗ failed (timeout)" in done.stderr
    assert "stopped reading its stdin" in done.stderr


def test_writer_queues_at_once_and_reports_a_write_that_stays_blocked() -> None:
    import os

    from gassist_build.host.writer import StdinWriter

    read_end, write_end = os.pipe()
    stalls: list[tuple[int, float]] = []
    writer = StdinWriter(os.fdopen(write_end, "wb", buffering=0), 0.2,
                         lambda unwritten, seconds: stalls.append((unwritten, seconds)))
    writer.start()
    began = time.monotonic()
    assert writer.send(b"x" * 1_000_000)  # nobody reads: far more than the pipe holds
    assert writer.send(b"next")
    assert time.monotonic() - began < 0.1  # queued, not written
    deadline = time.monotonic() + 5
    while not stalls and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(stalls) == 1
    unwritten, seconds = stalls[0]
    assert 0 < unwritten <= 1_000_000 and seconds >= 0.2
    assert writer.blocked_for() >= 0.2
    os.close(read_end)  # the reader goes away: the write fails, the writer ends
    writer.close()
    deadline = time.monotonic() + 5
    while writer.send(b"more") and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not writer.send(b"more")
