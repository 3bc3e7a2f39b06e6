# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""`check` passes correct plug-ins, in both protocols, and pins down what is wrong
with the others — each item measured against the running plug-in."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from gassist_build.errors import ArgumentError
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
    statuses = _statuses(card)
    # boom raises RuntimeError, not CommandError: a bug the user would see as a failure.
    assert statuses.pop("call:boom") == "fail"
    assert "raised an unexpected exception: boom failed unexpectedly (RuntimeError)" in (
        card.item("call:boom").detail)
    assert set(statuses.values()) == {"pass"}, card.to_dict()
    assert card.item("manifest_sync").detail == "manifest.json is what plugin.py --manifest prints"


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


_SDK_PLUGIN = '''\
from gassist_sdk import CommandError, Plugin

plugin = Plugin("sums", version="1.0.0", description="Greets Ada and divides numbers.")


@plugin.command
def greet(name: str) -> str:
    """Greets Ada, and only Ada.

    Args:
        name: Who to greet.
    """
    if name != "Ada":
        raise CommandError(f"I only greet Ada, not {name}.")
    return f"Hello, {name}!"


@plugin.command
def divide(a: int, b: int) -> str:
    """Divides a by b.

    Args:
        a: The dividend.
        b: The divisor.
    """
    return str(a // b)


if __name__ == "__main__":
    plugin.run()
'''


@pytest.fixture(scope="module")
def sums(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SDK plug-in whose manifest.json is what its code generates."""
    folder = tmp_path_factory.mktemp("sdk") / "sums"
    folder.mkdir()
    (folder / "plugin.py").write_text(_SDK_PLUGIN, encoding="utf-8")
    manifest = subprocess.run([sys.executable, "plugin.py", "--manifest"], cwd=folder,
                              capture_output=True, check=True, timeout=30).stdout
    (folder / "manifest.json").write_bytes(manifest)
    return folder


def test_a_command_error_is_no_failure_but_an_unexpected_exception_is(
        tmp_path: Path, sums: Path) -> None:
    card = run_check(sums, log_dir=tmp_path, call_timeout=5.0,
                     samples={"greet": {"name": "Ada"}, "divide": {"b": "0"}})
    statuses = _statuses(card)
    assert statuses["manifest_sync"] == "pass"
    assert statuses["call:greet"] == "pass"
    assert "name': 'Ada'" in card.item("call:greet").detail
    divide = card.item("call:divide")
    assert divide.status == "fail"
    assert "'b': 0" in divide.detail  # "0" converted to the manifest's integer
    assert "raised an unexpected exception: divide failed unexpectedly (ZeroDivisionError)" \
        in divide.detail
    assert "raise CommandError" in divide.detail
    assert not card.ok
    # Without samples: greet's generated name is refused with a CommandError (a clean
    # failure, not a bug) and divide(1, 1) works.
    card = run_check(sums, log_dir=tmp_path, call_timeout=5.0)
    assert card.item("call:greet").status == "warn"
    assert "I only greet Ada, not test." in card.item("call:greet").detail
    assert card.item("call:divide").status == "pass"
    assert card.ok, card.to_dict()


def test_manifest_that_differs_from_the_code_fails(tmp_path: Path, sums: Path) -> None:
    folder = Path(shutil.copytree(sums, tmp_path / "sums"))
    manifest = folder / "manifest.json"
    manifest.write_text(manifest.read_text().replace("Divides a by b.", "Divides."))
    card = run_check(folder, log_dir=tmp_path, call_timeout=5.0, skip=["greet", "divide"])
    item = card.item("manifest_sync")
    assert (item.status, item.measured) == ("fail", "2 line(s) differ")
    assert "was generated but the code changed since" in item.detail
    assert f"run: gassist-build manifest {folder}" in item.detail
    assert card.item("manifest").status == "pass"  # the validator alone cannot see it
    assert not card.ok


def test_a_hand_written_manifest_may_differ_from_the_code(tmp_path: Path, sums: Path) -> None:
    # As NVIDIA's examples are: written by hand, richer than what the code generates.
    folder = Path(shutil.copytree(sums, tmp_path / "sums"))
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["functions"][1]["description"] = "Divides two whole numbers."
    (folder / "manifest.json").write_text(json.dumps(manifest))
    card = run_check(folder, log_dir=tmp_path, call_timeout=5.0, skip=["greet", "divide"])
    item = card.item("manifest_sync")
    assert item.status == "pass"
    assert "written by hand" in item.detail and "gassist-build manifest" in item.detail
    assert card.ok


@pytest.mark.parametrize(("samples", "message"), [
    ({"greeet": {"name": "Ada"}}, "'greeet', which sums does not declare; did you mean 'greet'?"),
    ({"greet": {"nam": "Ada"}}, "'nam': greet has no such parameter; did you mean 'name'?"),
    ({"divide": {"a": "many"}}, "a expects an integer, got 'many'"),
])
def test_sample_arguments_are_checked_against_the_manifest(
        tmp_path: Path, sums: Path, samples: dict, message: str) -> None:
    with pytest.raises(ArgumentError) as caught:
        run_check(sums, log_dir=tmp_path, samples=samples)
    assert message in str(caught.value)


def test_check_cli_takes_samples_and_refuses_malformed_ones(tmp_path: Path, sums: Path) -> None:
    from click.testing import CliRunner
    from gassist_build.cli import cli

    runner = CliRunner()
    result = runner.invoke(cli, ["check", "--json", "--log-dir", str(tmp_path), str(sums),
                                 "--sample", "greet:name=Ada", "--skip", "divide"])
    assert result.exit_code == 0, result.output
    assert "Hello, Ada!" in result.output
    result = runner.invoke(cli, ["check", str(sums), "--sample", "greet=Ada"])
    assert result.exit_code == 2
    assert "'greet=Ada' is not FUNCTION:KEY=VALUE" in result.output
    result = runner.invoke(cli, ["check", str(sums), "--sample", "great:name=Ada"])
    assert result.exit_code == 2
    assert "did you mean 'greet'?" in result.output


def test_a_dependency_missing_from_libs_fails_the_manifest_item_unless_dev(
        tmp_path: Path, sums: Path) -> None:
    # click is in this environment, not in the unbuilt folder's (absent) libs/.
    folder = Path(shutil.copytree(sums, tmp_path / "sums"))
    plugin_py = folder / "plugin.py"
    plugin_py.write_text("import click  # noqa: F401\n" + plugin_py.read_text())
    card = run_check(folder, log_dir=tmp_path, call_timeout=5.0, skip=["greet", "divide"])
    item = card.item("manifest")
    assert item.status == "fail"
    assert "ModuleNotFoundError: No module named 'click'" in item.detail
    assert "run gassist-build build" in item.detail and "--dev" in item.detail
    assert not card.ok
    card = run_check(folder, log_dir=tmp_path, call_timeout=5.0, skip=["greet", "divide"],
                     isolated=False)
    assert card.item("manifest").status == "pass", card.to_dict()


def test_writes_are_skipped_unless_include_writes_is_given(tmp_path: Path) -> None:
    from click.testing import CliRunner
    from gassist_build.cli import cli

    def reset_counter_item(*flags: str) -> dict:
        result = CliRunner().invoke(cli, ["check", "--json", "--log-dir", str(tmp_path),
                                          str(ZOO / "v2_good"), "--skip", "slow", *flags])
        assert result.exit_code == 0, result.output
        card = json.loads(result.output)
        return next(item for item in card["items"] if item["key"] == "call:reset_counter")

    skipped = reset_counter_item()
    assert skipped["status"] == "skip"
    assert skipped["detail"] == "tagged write: may change real state"
    called = reset_counter_item("--include-writes")
    assert called["status"] == "pass"
    assert "'counter reset'" in called["detail"]
