# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Every broken plug-in of the zoo is diagnosed precisely, and the emulator recovers:
the next call restarts the plug-in, and the next plug-in works."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from gassist_build.host import HostEvent
from gassist_build.host.emulator import Emulator

from .conftest import FAST

pytestmark = pytest.mark.e2e


@pytest.fixture
def emulator(plugins_dir: Callable[..., Path], tmp_path: Path,
             events: list[HostEvent]) -> Iterator[Emulator]:
    root = plugins_dir("v2_good", "v1_good", "bad_json", "v1_no_end", "exits_at_start",
                       "floods_stdout", "object_data", "no_initialize", "never_completes",
                       "nvidia_style")
    with Emulator(root, timeouts=FAST.scaled(execute=1.0), log_dir=tmp_path / "logs",
                  on_event=events.append) as emu:
        yield emu


def _healthy(emulator: Emulator) -> None:
    """The emulator is still usable: good plug-ins in both protocols answer."""
    assert emulator.call("v2_good", "greet", {"name": "Ada"}).text == "Hello, Ada!"
    assert emulator.call("v1_good", "greet", {"name": "Ada"}).text == "Hello, Ada!"


def test_invalid_json_reply_is_shown_and_the_stream_survives(emulator: Emulator) -> None:
    result = emulator.call("bad_json", "hello", {})
    assert result.failure == "protocol"
    assert "reply is not valid JSON (Expecting property name enclosed in double quotes" \
        in (result.error or "")
    assert "b\"{'jsonrpc': '2.0', 'method': 'complete'" in (result.error or "")
    process = emulator.plugins["bad_json"].process
    assert process is not None and process.ping().answered  # still in sync
    _healthy(emulator)


def test_missing_end_marker_is_named(emulator: Emulator) -> None:
    result = emulator.call("v1_no_end", "hello", {})
    assert not result.success
    assert "did not start" in (result.error or "")
    assert ("reply not terminated by <<END>>: b'{\"success\": true, \"message\": \"ready\"}'"
            in (result.error or ""))
    _healthy(emulator)


def test_crash_at_start_shows_exit_code_and_stderr(emulator: Emulator) -> None:
    result = emulator.call("exits_at_start", "hello", {})
    assert result.failure == "crash"
    assert result.exit_code == 1
    assert "exited with code 1" in (result.error or "")
    assert "ModuleNotFoundError: No module named 'gassist_zoo_dependency_that_is_not_installed'" \
        in result.stderr_tail
    again = emulator.call("exits_at_start", "hello", {})
    assert again.failure == "crash"
    assert emulator.plugins["exits_at_start"].starts == 2  # each call tries a fresh start
    _healthy(emulator)


def test_stdout_prints_are_a_violation_with_the_bytes(emulator: Emulator,
                                                       events: list[HostEvent]) -> None:
    result = emulator.call("floods_stdout", "hello", {})
    assert result.failure == "protocol"
    assert "stray bytes on stdout (not a length-prefixed frame): b'DEBUG step 0" \
        in (result.error or "")
    violations = [e for e in events if e.kind == "violation" and e.plugin == "floods_stdout"]
    assert len(violations) == 1  # one report for the whole run of prints
    process = emulator.plugins["floods_stdout"].process
    assert process is not None and process.alive and process.ping().answered
    _healthy(emulator)


def test_object_as_complete_data_is_rejected_with_the_value(emulator: Emulator) -> None:
    result = emulator.call("object_data", "gpu_temp", {})
    assert result.failure == "protocol"
    assert result.error is not None and result.error.startswith(
        'complete.data is an object, not text: {"temperature_c": 41, "fan": "auto"}')
    _healthy(emulator)


def test_unanswered_initialize_times_out_and_is_killed(emulator: Emulator) -> None:
    result = emulator.call("no_initialize", "hello", {})
    assert result.failure == "timeout"
    assert "no reply to initialize within 1.5 s" in (result.error or "")
    process = emulator.plugins["no_initialize"].process
    assert process is not None and process.wait_exited(5)
    _healthy(emulator)


def test_call_that_never_completes_is_killed_and_restarted(emulator: Emulator) -> None:
    result = emulator.call("never_completes", "hello", {})
    assert result.failure == "timeout"
    assert "no reply to execute hello within 1 s" in (result.error or "")
    assert 1.0 <= result.elapsed < 2.0
    first = emulator.plugins["never_completes"].process
    assert first is not None and first.wait_exited(5)
    emulator.call("never_completes", "hello", {})
    assert emulator.plugins["never_completes"].starts == 2
    _healthy(emulator)


def test_error_response_instead_of_notification_is_flagged(emulator: Emulator) -> None:
    hosted = emulator.plugins["nvidia_style"]
    assert hosted.ensure_running() is None
    assert hosted.process is not None
    result = hosted.process.execute("no_such_function", {})
    assert result.failure == "plugin" and result.error_code == -32601
    assert any("error response instead of an `error` notification" in p
               for p in result.problems)
