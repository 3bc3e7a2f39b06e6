# SPDX-License-Identifier: Apache-2.0
# Copyright {{ cookiecutter.author }}
"""Tests for the {{ cookiecutter.plugin_name }} plug-in, through gassist-sdk's in-memory client."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from gassist_sdk.testing import PluginClient

from plugin import plugin

HERE = Path(__file__).resolve().parents[1]


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # Tests use a config file of their own: never the developer's config.json.
    path = tmp_path / "config.json"
    monkeypatch.setenv("GASSIST_CONFIG", str(path))
    return path


@pytest.fixture
def client(config_file: Path) -> Iterator[PluginClient]:
    config_file.write_text(json.dumps({"max_turns": 3}))
    with PluginClient(plugin) as running:
        yield running


def test_a_conversation_stays_open_until_bye(client: PluginClient) -> None:
    opened = client.call("chat", topic="cats")
    assert opened.success and opened.keep_session
    assert "cats" in opened.text

    turn = client.input("They sleep a lot")
    assert turn.success and turn.keep_session
    assert "They sleep a lot" in turn.full_text
    assert turn.chunks == ["About cats: "]

    closed = client.input("bye")
    assert closed.success and not closed.keep_session
    assert "1 message" in closed.text


def test_the_conversation_ends_after_max_turns(client: PluginClient) -> None:
    client.call("chat", topic="dogs")
    assert client.input("one").keep_session
    assert client.input("two").keep_session
    last = client.input("three")
    assert not last.keep_session
    assert "Bye" in last.text


def test_input_without_a_conversation_is_refused(client: PluginClient) -> None:
    assert not client.input("hello?").success


def test_no_config_file_means_the_defaults(config_file: Path) -> None:
    with PluginClient(plugin) as running:
        assert running.call("chat", topic="tea").success
        for turn in range(9):
            assert running.input(f"message {turn}").keep_session
        assert not running.input("the tenth").keep_session
    assert not config_file.exists()


def test_a_bad_setting_is_fixed_in_the_conversation(config_file: Path) -> None:
    config_file.write_text(json.dumps({"max_turns": "lots"}))
    with PluginClient(plugin) as running:
        asked = running.call("chat", topic="tea")
        assert not asked.success and asked.keep_session
        assert "max_turns" in asked.text and str(config_file) in asked.text

        # The pasted fix is saved, then the chat starts with its original topic.
        started = running.input("max_turns=2")
        assert started.success and started.keep_session
        assert "Let's talk about tea" in started.text
    assert json.loads(config_file.read_text()) == {"max_turns": 2}
    assert not (HERE / "config.json").exists()  # nothing written into the plug-in folder


def test_v1_engines_get_the_same_conversation(config_file: Path) -> None:
    with PluginClient(plugin, protocol="v1") as v1:
        assert v1.call("chat", topic="tea").keep_session
        assert not v1.input("bye").keep_session


def test_config_example_is_current() -> None:
    printed = subprocess.run([sys.executable, "plugin.py", "--config-example"], cwd=HERE,
                             capture_output=True, text=True, check=True).stdout
    assert json.loads(printed) == json.loads((HERE / "config.example.json").read_text())


def test_manifest_on_disk_matches_the_code() -> None:
    # After changing a command, regenerate it: gassist-build manifest .
    done = subprocess.run([sys.executable, "plugin.py", "--manifest", "--check"], cwd=HERE,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
