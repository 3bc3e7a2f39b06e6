# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""One plug-in process over real pipes, in both protocols: handshake, streaming,
passthrough, pings, shutdown, launch environment."""

from __future__ import annotations

import json
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from gassist_build.host import PluginProcess

from .conftest import ZOO

pytestmark = pytest.mark.e2e

Start = Callable[..., PluginProcess]


def test_v2_handshake_returns_the_plugins_info(start_plugin: Start) -> None:
    process = start_plugin("v2_good")
    assert process.protocol == "v2"
    assert process.info["name"] == "v2_good"
    assert process.info["protocol_version"] == "2.0"
    assert "greet" in {c["name"] for c in process.info["commands"]}


def test_v1_handshake_is_the_initialize_pseudo_function(start_plugin: Start) -> None:
    process = start_plugin("v1_good")
    assert process.protocol == "v1"
    assert process.info == {"success": True, "message": "v1_good ready"}


@pytest.mark.parametrize("name", ["v2_good", "v1_good"])
def test_chunks_are_delivered_as_they_arrive(start_plugin: Start, name: str) -> None:
    process = start_plugin(name)
    seen: list[tuple[float, str]] = []
    result = process.execute("count", {"n": 3},
                             on_chunk=lambda c: seen.append((time.monotonic(), c)))
    done = time.monotonic()
    assert result.success, result.error
    assert [chunk for _, chunk in seen] == ["1 ", "2 ", "3 "]
    assert result.text == "1 2 3 done"
    # The plug-in sleeps 0.1 s after each chunk: the first one reached us
    # well before the call ended, not in a batch at the end.
    assert done - seen[0][0] >= 0.2
    assert result.first_chunk_after is not None and result.first_chunk_after < result.elapsed


@pytest.mark.parametrize("name", ["v2_good", "v1_good"])
def test_passthrough_session_turns(start_plugin: Start, name: str) -> None:
    process = start_plugin(name)
    opened = process.execute("start_chat")
    assert opened.success and opened.keep_session
    turn = process.send_input("hello there")
    assert turn.success and turn.keep_session
    assert turn.text == "You said: hello there"
    closed = process.send_input("bye")
    assert closed.success and not closed.keep_session and closed.text == "Bye!"


def test_ping_echoes_the_timestamp(start_plugin: Start) -> None:
    ping = start_plugin("v2_good").ping()
    assert ping.answered and ping.echoed
    assert ping.latency is not None and ping.latency < 0.4


@pytest.mark.parametrize("name", ["v2_good", "v1_good", "sdk_good"])
def test_shutdown_message_is_honoured(start_plugin: Start, name: str) -> None:
    process = start_plugin(name)
    report = process.shutdown()
    assert report.step == "message"
    assert report.exit_code == 0
    assert report.elapsed < 1.0
    assert not process.alive


def test_shutdown_escalates_when_the_message_is_ignored(start_plugin: Start) -> None:
    # A plug-in stuck in a command reads neither the shutdown message nor EOF.
    process = start_plugin("hangs")
    process.begin_execute("freeze")
    time.sleep(0.1)
    report = process.shutdown()
    assert report.step in ("terminate", "kill")
    assert not process.alive
    assert report.elapsed < 1.0 + 0.5 + 0.5 + 1.0  # each step is bounded


def test_stderr_goes_to_the_log_not_the_protocol(start_plugin: Start, tmp_path: Path) -> None:
    process = start_plugin("v2_good")
    assert process.execute("greet", {"name": "Ada"}).text == "Hello, Ada!"
    process.shutdown()
    log = (tmp_path / "logs" / "v2_good.stderr.log").read_text()
    assert "v2_good: ready (diagnostics go to stderr)" in log
    assert process.violations == []


def test_launch_environment_matches_the_engine(start_plugin: Start, tmp_path: Path) -> None:
    process = start_plugin("v2_good")
    where = json.loads(process.execute("where").text)
    assert where["cwd"] == str(ZOO / "v2_good")
    assert where["pythonpath"][0] == str(ZOO / "v2_good" / "libs")
    assert where["log_dir"] == str(tmp_path / "logs")


def _shell_launched_copy(tmp_path: Path, script: str) -> Path:
    folder = tmp_path / "shell_launched"
    shutil.copytree(ZOO / "v2_good", folder, ignore=shutil.ignore_patterns("__pycache__"))
    (folder / "launch.sh").write_text(script)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["executable"] = "launch.sh"
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder


@pytest.mark.skipif(sys.platform == "win32", reason="shell scripts are the POSIX launcher")
def test_shell_script_launcher_and_process_tree_kill(start_plugin: Start,
                                                     tmp_path: Path) -> None:
    # No `exec`: the shell stays the parent, so killing must reach the whole tree.
    folder = _shell_launched_copy(tmp_path, '"$GASSIST_TEST_PYTHON" plugin.py\n')
    process = start_plugin(folder, env={"GASSIST_TEST_PYTHON": sys.executable})
    where = json.loads(process.execute("where").text)
    assert where["pid"] != process.pid  # the plug-in is the shell's child
    process.kill("test: stop the tree")
    assert process.wait_exited(5)
    from .test_platform import _gone
    assert _gone(where["pid"])


def test_a_launch_failure_is_a_result_not_an_exception(tmp_path: Path) -> None:
    folder = tmp_path / "missing_exe"
    folder.mkdir()
    (folder / "manifest.json").write_text(json.dumps(
        {"manifestVersion": 1, "executable": "g-assist-plugin-x.exe", "persistent": False,
         "functions": []}))
    from gassist_build.host import load_plugin_spec
    result = PluginProcess(load_plugin_spec(folder), log_dir=tmp_path).start()
    assert not result.success and result.failure == "host"
    assert "'g-assist-plugin-x.exe' named in manifest.json is not in" in (result.error or "")
