# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""`gassist-build call`, `chat` and `check` as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from gassist_build.cli import cli

from .conftest import ZOO

pytestmark = pytest.mark.e2e


def _run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_call_prints_the_reply_and_exits_0(tmp_path: Path) -> None:
    result = _run("call", str(ZOO / "v2_good"), "greet", "name=Ada Lovelace", "times=2",
                  "--log-dir", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert result.stdout == "Hello, Ada Lovelace! Hello, Ada Lovelace!\n"
    assert "✓ v2_good.greet succeeded" in result.stderr


def test_call_with_json_arguments_in_protocol_v1(tmp_path: Path) -> None:
    result = _run("call", str(ZOO / "v1_good"), "greet", "--json", '{"name": "Grace"}',
                  "--log-dir", str(tmp_path))
    assert result.exit_code == 0
    assert result.stdout == "Hello, Grace!\n"


def test_call_failure_exits_1_with_the_reason(tmp_path: Path) -> None:
    result = _run("call", str(ZOO / "exits_at_start"), "hello", "--log-dir", str(tmp_path))
    assert result.exit_code == 1
    assert "✗ failed (crash): the plug-in exited with code 1" in result.stderr
    assert "ModuleNotFoundError" in result.stderr
    reported = _run("call", str(ZOO / "v2_good"), "greet", "--log-dir", str(tmp_path))
    assert reported.exit_code == 1
    assert "warning: missing required parameter(s): name" in reported.stderr
    assert "✗ failed (plugin): greet needs 'name'" in reported.stderr


@pytest.mark.parametrize(("args", "message"), [
    (["greet", "times=many"], "times expects an integer, got 'many'"),
    (["shout"], "v2_good has no function 'shout' in manifest.json (functions: greet, count"),
    (["greet", "--json", "{oops"], "--json is not valid JSON"),
])
def test_call_usage_errors_exit_2(args: list[str], message: str) -> None:
    result = _run("call", str(ZOO / "v2_good"), *args)
    assert result.exit_code == 2
    assert message in result.output


def test_call_streams_text_live(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "gassist_build.cli", "call", str(ZOO / "v2_good"), "count",
         "n=6", "--log-dir", str(tmp_path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None
    first = proc.stdout.read(2)
    # The plug-in needs 0.6 s for six numbers: the first one is printed long before.
    still_running = proc.poll() is None
    rest, _ = proc.communicate(timeout=20)
    assert first == b"1 "
    assert still_running
    assert first + rest == b"1 2 3 4 5 6 done\n"
    assert proc.returncode == 0


def test_check_json_for_machines(tmp_path: Path) -> None:
    result = _run("check", str(ZOO / "v1_good"), "--json", "--log-dir", str(tmp_path))
    assert result.exit_code == 0
    card = json.loads(result.stdout)
    assert card["ok"] is True and card["protocol"] == "v1"
    assert card["counts"]["fail"] == 0
    assert {i["key"] for i in card["items"]} >= {"manifest", "start", "call:greet", "shutdown"}


def test_check_table_for_people_exits_1_on_failure(tmp_path: Path) -> None:
    result = CliRunner(env={"COLUMNS": "200"}).invoke(
        cli, ["check", str(ZOO / "object_data"), "--log-dir", str(tmp_path)])
    assert result.exit_code == 1
    assert "FAIL" in result.stdout and "complete.data is an object" in result.stdout
    assert "FAILED —" in result.stdout


def test_chat_from_a_pipe(plugins_dir: Callable[..., Path], tmp_path: Path) -> None:
    root = plugins_dir("v2_good", "v1_good", "never_completes")
    (root / "not_a_plugin").mkdir()
    script = "\n".join([
        "/v2_good count n=2",
        "/v2_good start_chat",
        "how are you?",
        "bye",
        "no session now",
        "/never_completes hello",
        "/v1_good greet name=Ada",
        "/quit",
        "/v1_good greet name=never-reached",
    ]) + "\n"
    env = dict(os.environ, COLUMNS="120")
    began = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "gassist_build.cli", "chat", "--plugins-dir", str(root),
         "--timeout", "1", "--log-dir", str(tmp_path / "logs")],
        input=script, capture_output=True, text=True, timeout=60, env=env)
    out = done.stdout
    assert done.returncode == 0, done.stderr
    assert time.monotonic() - began < 30
    assert "not loaded: not_a_plugin: no manifest.json in this folder" in out
    assert "v2_good> 1 2 done" in out
    assert "v2_good keeps the session: type your reply" in out
    assert "v2_good> You said: how are you?" in out
    assert "v2_good> Bye!" in out
    assert "no plug-in is waiting for input" in out
    assert "✗ failed (timeout): no reply to execute hello within 1 s" in out
    assert "v1_good> Hello, Ada!" in out
    assert "never-reached" not in out.split("> /quit")[1]
    assert "v2_good: stopped (message" in out
