# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""`check` passes correct plug-ins, in both protocols, and pins down what is wrong
with the others — each item measured against the running plug-in."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from gassist_build.host import PluginProcess, Timeouts, load_plugin_spec
from gassist_build.host.scorecard import Scorecard, run_check

from .conftest import ZOO

pytestmark = pytest.mark.e2e

# Short waits for plug-ins that never answer; a healthy pong takes milliseconds.
QUICK = Timeouts(initialize=1.5, ping_deadline=0.5)
_CARDS: dict[str, Scorecard] = {}


def _check(name: str, tmp_path: Path, **options: object) -> Scorecard:
    options.setdefault("timeouts", QUICK)
    options.setdefault("call_timeout", 1.5)
    return run_check(ZOO / name, log_dir=tmp_path, **options)  # type: ignore[arg-type]


def _default_check(name: str, tmp_path: Path) -> Scorecard:
    # Several tests read the same scorecard; run each plug-in once.
    if name not in _CARDS:
        _CARDS[name] = _check(name, tmp_path)
    return _CARDS[name]


def _statuses(card: Scorecard) -> dict[str, str]:
    return {item.key: item.status for item in card.items}


def test_good_v2_plugin_passes_every_item(tmp_path: Path) -> None:
    card = _check("v2_good", tmp_path)
    statuses = _statuses(card)
    assert card.ok
    assert statuses.pop("call:reset_counter") == "skip"  # tagged "write"
    assert set(statuses.values()) == {"pass"}, card.to_dict()
    busy = card.item("ping_busy")
    assert "while slow ran" in busy.detail and busy.value is not None and busy.value < 1.0
    assert card.item("invalid_json").detail.startswith("answered error -32700")
    assert card.starts == 1


@pytest.mark.parametrize("name", ["v1_good", "v1_tethered"])
def test_good_v1_plugins_pass_and_ping_items_are_skipped(tmp_path: Path, name: str) -> None:
    card = _check(name, tmp_path)
    assert card.ok
    statuses = _statuses(card)
    assert statuses.pop("ping_idle") == statuses.pop("ping_busy") == "skip"
    # v1_tethered's functions take no parameters, so there is nothing to get wrong.
    assert statuses.pop("bad_arguments") == ("pass" if name == "v1_good" else "skip")
    assert set(statuses.values()) == {"pass"}, card.to_dict()


@pytest.mark.parametrize("protocol", ["v2", "v1"])
def test_plugin_built_on_our_sdk_passes_in_both_protocols(tmp_path: Path,
                                                          protocol: str) -> None:
    # V1 has no ping, so the slow function would only cost time there.
    skip = ["slow"] if protocol == "v1" else []
    card = _check("sdk_good", tmp_path, protocol=protocol, skip=skip)
    assert card.ok, card.to_dict()
    assert card.protocol == protocol
    assert {i.status for i in card.items} <= {"pass", "skip"}, card.to_dict()


def test_nvidia_style_plugin_is_reported_precisely(tmp_path: Path) -> None:
    card = _check("nvidia_style", tmp_path, skip=["deep_search"])
    statuses = _statuses(card)
    assert not card.ok
    busy = card.item("ping_busy")
    assert busy.status == "fail"
    assert "while slow_report ran" in busy.detail
    assert "handles one message at a time" in busy.detail
    assert busy.value is not None and busy.value > 1.0  # the pong waited for the command
    unknown = card.item("unknown_function")
    assert unknown.status == "warn"
    assert "error response instead of an `error` notification" in unknown.detail
    assert card.item("invalid_json").status == "warn"
    assert "dropped it silently" in card.item("invalid_json").detail
    assert statuses["call:deep_search"] == "skip"
    # Everything it does right passes.
    for key in ("manifest", "start", "initialize", "ping_idle", "call:get_status",
                "call:search_web", "call:slow_report", "bad_arguments", "stdout", "shutdown"):
        assert statuses[key] == "pass", (key, card.item(key))


@pytest.mark.parametrize(("name", "key", "text"), [
    ("bad_json", "call:hello", "reply is not valid JSON"),
    ("bad_json", "stdout", "b\"{'jsonrpc': '2.0'"),
    ("floods_stdout", "stdout", "stray bytes on stdout (not a length-prefixed frame): "
                                "b'DEBUG step 0"),
    ("object_data", "call:gpu_temp", "complete.data is an object, not text"),
    ("exits_at_start", "start", "the plug-in exited with code 1"),
    ("no_initialize", "start", "no reply to initialize within 1.5 s"),
    ("v1_no_end", "start", "reply not terminated by <<END>>"),
    ("ignores_pings", "ping_idle", "no answer to ping within 1.5 s"),
    ("hangs", "call:freeze", "no reply to execute freeze within 1.5 s"),
    ("v1_fragile", "invalid_json", "the plug-in exited with code 1 after an invalid JSON frame"),
])
def test_broken_plugins_fail_the_right_item(tmp_path: Path, name: str, key: str,
                                            text: str) -> None:
    card = _default_check(name, tmp_path)
    item = card.item(key)
    assert item.status == "fail", item
    assert text in item.detail
    assert not card.ok


def test_failed_start_shows_the_stderr_tail(tmp_path: Path) -> None:
    card = _default_check("exits_at_start", tmp_path)
    assert "ModuleNotFoundError" in card.stderr_tail
    assert [i.key for i in card.items] == ["manifest", "start"]


def test_skip_list_keeps_functions_from_being_called(tmp_path: Path) -> None:
    card = _check("v1_good", tmp_path, skip=["count", "start_chat"])
    assert card.item("call:count").status == "skip"
    assert card.item("call:count").detail == "skipped (--skip)"
    assert card.item("call:greet").status == "pass"


def test_benchmark_echo_plugin_with_generated_manifest_passes(tmp_path: Path) -> None:
    folder = tmp_path / "echo"
    folder.mkdir()
    shutil.copy(ZOO.parent.parent / "bench" / "echo_plugin.py", folder / "plugin.py")
    manifest = subprocess.run([sys.executable, "plugin.py", "--manifest"], cwd=folder,
                              capture_output=True, check=True, timeout=30).stdout
    (folder / "manifest.json").write_bytes(manifest)
    card = run_check(folder, log_dir=tmp_path / "logs", call_timeout=5.0)
    assert card.ok, card.to_dict()
    assert card.item("manifest").status == "pass"
    assert card.item("ping_busy").status == "pass"
    assert card.item("call:boom").status == "warn"  # fails on purpose, cleanly


SAMPLES = sorted(p.parent.name for p in (ZOO.parent.parent / "plugins").glob("*/manifest.json"))


@pytest.mark.parametrize("protocol", ["v2", "v1"])
@pytest.mark.parametrize("name", SAMPLES)
def test_every_sample_plugin_starts_answers_and_stops(tmp_path: Path, name: str,
                                                      protocol: str) -> None:
    # Handshake, liveness and shutdown only: sample functions may need accounts
    # or the network, which tests never touch.
    spec = load_plugin_spec(ZOO.parent.parent / "plugins" / name)
    process = PluginProcess(spec, protocol=protocol, log_dir=tmp_path, watchdog=False)
    try:
        started = process.start()
        assert started.success, (started.error, started.stderr_tail)
        if protocol == "v2":
            assert process.ping().answered
        unknown = process.execute("gassist_check_no_such_function", {}, timeout=5.0)
        assert unknown.failure == "plugin", unknown.error
    finally:
        report = process.shutdown()
    assert report.step == "message" and report.exit_code == 0
    assert process.violations == []
