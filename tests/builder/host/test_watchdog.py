# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""The watchdog pings like the engine and kills a plug-in that stops answering,
within 2 ping periods + 1 deadline; healthy plug-ins are left alone."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from gassist_build.host import HostEvent, PluginProcess, Timeouts
from gassist_build.host.emulator import Emulator

from .conftest import FAST

pytestmark = pytest.mark.e2e

Start = Callable[..., PluginProcess]
# Killing and noticing the exit takes a moment beyond the watchdog's decision.
_TEARDOWN = 0.5


def _bound(t: Timeouts) -> float:
    assert t.ping_interval is not None
    return t.max_missed_pings * t.ping_interval + t.ping_deadline


def test_hung_plugin_is_killed_within_two_pings_and_a_deadline(
        start_plugin: Start, events: list[HostEvent]) -> None:
    process = start_plugin("hangs", timeouts=FAST.scaled(execute=30.0))
    result = process.execute("freeze")
    assert result.failure == "watchdog"
    assert result.elapsed <= _bound(FAST) + _TEARDOWN
    assert "watchdog: missed 2 consecutive pings (none answered within 0.4 s)" in (
        result.error or "")
    assert "killed by SIGKILL" in (result.error or "") or result.exit_code != 0
    assert "hangs: freezing now" in result.stderr_tail
    misses = [e.message for e in events if e.kind == "watchdog"]
    assert misses == ["no answer to ping within 0.4 s (miss 1 of 2)",
                      "no answer to ping within 0.4 s (miss 2 of 2)"]


def test_plugin_ignoring_pings_is_killed_while_idle(start_plugin: Start) -> None:
    process = start_plugin("ignores_pings")
    began = time.monotonic()
    assert process.wait_exited(_bound(FAST) + 2.0)
    assert time.monotonic() - began <= _bound(FAST) + _TEARDOWN
    assert process.end_reason is not None and "missed 2 consecutive pings" in process.end_reason


def test_threaded_plugin_survives_a_long_command(start_plugin: Start) -> None:
    process = start_plugin("v2_good")
    result = process.execute("slow", {"seconds": 1.6})  # > the kill bound of 1.4 s
    assert result.success, result.error
    assert process.alive


def test_single_threaded_plugin_is_killed_during_a_long_command(start_plugin: Start) -> None:
    # NVIDIA-style dispatch answers the ping only after the 1.2 s command.
    process = start_plugin("nvidia_style", timeouts=FAST.scaled(ping_interval=0.3,
                                                                ping_deadline=0.2))
    result = process.execute("slow_report")
    assert result.failure == "watchdog"


@pytest.mark.parametrize(("liveness", "survives"), [(True, True), (False, False)])
def test_streaming_keeps_a_busy_plugin_alive_only_if_messages_count(
        start_plugin: Start, liveness: bool, survives: bool) -> None:
    # deep_search streams a dot every 0.15 s, like NVIDIA's Gemini plug-in.
    timeouts = FAST.scaled(ping_interval=0.3, ping_deadline=0.25,
                           any_message_is_liveness=liveness)
    process = start_plugin("nvidia_style", timeouts=timeouts)
    result = process.execute("deep_search")
    assert result.success is survives
    if not survives:
        assert result.failure == "watchdog"


def test_input_not_acknowledged_in_time_is_killed(start_plugin: Start) -> None:
    process = start_plugin("nvidia_style", timeouts=FAST.scaled(ping_interval=None))
    result = process.send_input("anyone there?")
    assert result.failure == "timeout"
    assert "input was not acknowledged within 0.5 s" in (result.error or "")
    assert process.wait_exited(5)


def test_emulator_restarts_a_killed_plugin_on_the_next_call(
        plugins_dir: Callable[..., Path], tmp_path: Path) -> None:
    with Emulator(plugins_dir("hangs"), timeouts=FAST.scaled(execute=30.0),
                  log_dir=tmp_path) as emulator:
        assert emulator.call("hangs", "freeze", {}).failure == "watchdog"
        after = emulator.call("hangs", "hello", {})
        assert after.success and after.text == "Hello from hangs!"
        assert emulator.plugins["hangs"].starts == 2


@pytest.mark.slow
def test_engine_intervals_kill_a_hung_plugin_within_five_seconds(start_plugin: Start) -> None:
    engine = Timeouts()  # ping every 2 s, 1 s deadline, 2 misses
    assert _bound(engine) == 5.0
    process = start_plugin("hangs", timeouts=engine)
    result = process.execute("freeze")
    assert result.failure == "watchdog"
    assert result.elapsed <= _bound(engine) + _TEARDOWN


def test_tethered_v1_plugin_is_killed_when_heartbeats_stop(start_plugin: Start) -> None:
    process = start_plugin("v1_tethered", timeouts=FAST.scaled(heartbeat_timeout=0.6))
    time.sleep(1.0)  # longer than the timeout: heartbeats keep it alive
    assert process.alive
    assert process.execute("go_quiet").success
    began = time.monotonic()
    assert process.wait_exited(5)
    assert time.monotonic() - began <= 0.6 + 0.25 + _TEARDOWN
    assert "tethered plug-in silent for more than 0.6 s" in (process.end_reason or "")
