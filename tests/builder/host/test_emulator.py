# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Discovery, the registry, routing of chat lines and argument conversion."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from gassist_build.errors import ArgumentError
from gassist_build.host import FunctionSpec
from gassist_build.host.emulator import (
    Emulator,
    coerce_arguments,
    discover,
    parse_command,
)

from .conftest import FAST, ZOO

FUNCTION = FunctionSpec(
    name="tune",
    properties={
        "name": {"type": "string"}, "level": {"type": "integer"}, "gain": {"type": "number"},
        "loud": {"type": "boolean"}, "tags": {"type": "array"},
        "mode": {"type": "string", "enum": ["quiet", "balanced", "turbo"]},
    },
    required=("name",),
)


@pytest.mark.parametrize(("word", "expected"), [
    ("name=Ada Lovelace", {"name": "Ada Lovelace"}),
    ("level=3", {"level": 3}),
    ("gain=2", {"gain": 2}),
    ("gain=0.5", {"gain": 0.5}),
    ("loud=yes", {"loud": True}),
    ("loud=false", {"loud": False}),
    # The runtime's own words: "y"/"n" were refused here while the plug-in accepted them.
    ("loud=y", {"loud": True}),
    ("loud=N", {"loud": False}),
    ("tags=a, b", {"tags": ["a", "b"]}),
    ('tags=["x", 1]', {"tags": ["x", 1]}),
    ("level=-2", {"level": -2}),
])
def test_values_follow_the_manifest_types(word: str, expected: dict[str, object]) -> None:
    args, _ = coerce_arguments(FUNCTION, ["name=n", word])
    assert {k: v for k, v in args.items() if k in expected} == expected


@pytest.mark.parametrize(("word", "message"), [
    ("level=three", "level expects an integer, got 'three'"),
    ("gain=fast", "gain expects a number, got 'fast'"),
    ("loud=maybe", "loud expects true or false, got 'maybe'"),
    ("tags=[1,", "tags: '[1,' is not valid JSON"),
    ("level", "'level' is not key=value"),
])
def test_bad_values_are_refused_with_the_reason(word: str, message: str) -> None:
    with pytest.raises(ArgumentError, match=message.replace("[", r"\[")):
        coerce_arguments(FUNCTION, [word])


def test_suspicious_arguments_are_warned_about_not_refused() -> None:
    args, warnings = coerce_arguments(FUNCTION, ["mode=warp", "colour=red"])
    assert args == {"mode": "warp", "colour": "red"}
    assert warnings == ["mode='warp' is not one of ['quiet', 'balanced', 'turbo']",
                        "'colour' is not a parameter of tune in manifest.json",
                        "missing required parameter(s): name"]


def test_json_arguments_merge_under_key_value_words() -> None:
    args, _ = coerce_arguments(FUNCTION, ["level=2"], '{"name": "Ada", "level": 1}')
    assert args == {"name": "Ada", "level": 2}
    with pytest.raises(ArgumentError, match="--json must be a JSON object"):
        coerce_arguments(FUNCTION, [], "[1]")


def test_command_lines_are_parsed_with_shell_quoting() -> None:
    command = parse_command('/hello greet name="Ada Lovelace" times=2')
    assert (command.plugin, command.function, command.words) == (
        "hello", "greet", ["name=Ada Lovelace", "times=2"])
    assert parse_command("/hello").function is None
    with pytest.raises(ArgumentError, match="commands look like"):
        parse_command("hello greet")


def test_discovery_loads_the_zoo_and_rejects_nothing_silently() -> None:
    found = discover(ZOO)
    folders = {p.name for p in ZOO.iterdir() if p.is_dir() and not p.name.startswith((".", "__"))}
    assert {"v2_good", "v1_good", "nvidia_style", "hangs", "sdk_good"} <= folders
    assert set(found.plugins) == folders  # every plug-in folder loads; none is skipped
    assert found.rejected == {}


def test_discovery_reports_unloadable_folders_with_reasons(tmp_path: Path) -> None:
    (tmp_path / "no_manifest").mkdir()
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "manifest.json").write_text('{"manifestVersion": 1, "functions": [}')
    bad_name = tmp_path / "con"
    bad_name.mkdir()
    (bad_name / "manifest.json").write_text(json.dumps(
        {"manifestVersion": 1, "executable": "plugin.py", "persistent": False,
         "functions": []}))
    (bad_name / "plugin.py").write_text("")
    found = discover(tmp_path)
    assert found.plugins == {}
    assert found.rejected["no_manifest"] == ["no manifest.json in this folder"]
    assert any("JSON" in reason for reason in found.rejected["broken"])
    assert any("reserved" in reason.lower() for reason in found.rejected["con"])


@pytest.mark.e2e
def test_persistent_plugins_start_at_load_others_on_first_call(
        plugins_dir: Callable[..., Path], tmp_path: Path) -> None:
    with Emulator(plugins_dir("v2_good", "v1_good"), timeouts=FAST, log_dir=tmp_path) as emu:
        assert emu.start_persistent() == {}
        v2, v1 = emu.plugins["v2_good"], emu.plugins["v1_good"]
        assert v2.process is not None and v2.process.alive  # persistent: true
        assert v1.process is None  # persistent: false waits for its first call
        assert emu.call("v1_good", "greet", {"name": "Ada"}).success
        assert v1.process is not None and v1.process.alive
    assert not v2.process.alive and not v1.process.alive


@pytest.mark.e2e
def test_chat_lines_route_calls_and_passthrough(plugins_dir: Callable[..., Path],
                                                tmp_path: Path) -> None:
    with Emulator(plugins_dir("v2_good", "v1_good"), timeouts=FAST, log_dir=tmp_path) as emu:
        with pytest.raises(ArgumentError, match="no plug-in is waiting for input"):
            emu.run_line("hello?")
        assert emu.run_line("/V2_GOOD greet name=Ada times=2").text == \
            "Hello, Ada! Hello, Ada!"
        emu.run_line("/v2_good start_chat")
        assert emu.active_session == "v2_good"
        assert emu.run_line("how are you").text == "You said: how are you"
        emu.run_line("/v1_good start_chat")  # a new call takes the session over
        assert emu.active_session == "v1_good"
        assert emu.run_line("bye").text == "Bye!"
        assert emu.active_session is None
        with pytest.raises(ArgumentError, match="v2_good has no function 'nope'"):
            emu.run_line("/v2_good nope")
        with pytest.raises(ArgumentError, match=r"no plug-in called 'ghost' \(loaded: "):
            emu.run_line("/ghost hello")


@pytest.mark.e2e
def test_a_setup_prompt_keeps_the_session_so_the_key_can_be_pasted(tmp_path: Path) -> None:
    """A failed `complete` with keep_session (our SDK's setup prompt) keeps the conversation."""
    plugin = tmp_path / "plugins" / "keyed"
    plugin.mkdir(parents=True)
    (plugin / "plugin.py").write_text(
        "from dataclasses import dataclass\n"
        "from gassist_sdk import Context, Plugin, setting\n\n"
        "@dataclass\nclass Config:\n"
        "    token: str = setting(description='Service token', secret=True)\n\n"
        "plugin = Plugin('keyed', description='Needs a token', config=Config)\n\n"
        "@plugin.command()\ndef status(ctx: Context) -> str:\n"
        "    '''Report the status.'''\n"
        "    return 'all good'\n\n"
        "if __name__ == '__main__':\n    plugin.run()\n", encoding="utf-8")
    from gassist_build.manifest.probe import run_manifest_command

    (plugin / "manifest.json").write_text(json.dumps(run_manifest_command(plugin)),
                                          encoding="utf-8")
    with Emulator(tmp_path / "plugins", timeouts=FAST, log_dir=tmp_path / "logs") as emu:
        asked = emu.run_line("/keyed status")
        assert not asked.success and asked.keep_session and "needs to be set up" in asked.data
        assert emu.active_session == "keyed"
        replayed = emu.run_line("tok-123456")
        assert replayed.success and replayed.text.endswith("all good")
        assert emu.active_session is None
    assert json.loads((plugin / "config.json").read_text()) == {"token": "tok-123456"}
