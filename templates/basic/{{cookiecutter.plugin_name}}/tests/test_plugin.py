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

KEY = "test-key-0123456789"
HERE = Path(__file__).resolve().parents[1]


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # Tests use a config file of their own: never the developer's config.json.
    path = tmp_path / "config.json"
    monkeypatch.setenv("GASSIST_CONFIG", str(path))
    return path


@pytest.fixture
def client(config_file: Path) -> Iterator[PluginClient]:
    config_file.write_text(json.dumps({"api_key": KEY, "greeting": "Hi"}))
    with PluginClient(plugin) as running:
        yield running


def test_greet_uses_the_configured_greeting(client: PluginClient) -> None:
    result = client.call("greet", name="Ada")
    assert result.success
    assert result.text == "Hi, Ada!"


def test_greet_repeats(client: PluginClient) -> None:
    assert client.call("greet", name="Ada", times=2).text == "Hi, Ada! Hi, Ada!"


def test_out_of_range_is_a_friendly_failure(client: PluginClient) -> None:
    result = client.call("greet", name="Ada", times=9)
    assert not result.success
    assert "1 to 5" in result.text


def test_missing_argument_is_rejected(client: PluginClient) -> None:
    assert not client.call("greet").success


def test_the_secret_never_reaches_the_user(client: PluginClient) -> None:
    assert KEY not in client.call("greet", name="Ada").full_text


def test_without_config_it_asks_for_the_key_then_runs_the_call(config_file: Path) -> None:
    with PluginClient(plugin) as client:
        asked = client.call("greet", name="Ada", times=2)
        # Setup instructions, and the conversation stays open for the answer.
        assert not asked.success and asked.keep_session
        assert "api_key" in asked.text and str(config_file) in asked.text
        assert not config_file.exists()

        # Pasting the key saves it and replays the call with its arguments.
        done = client.input(KEY)
        assert done.success and not done.keep_session
        assert done.text == "Hello, Ada! Hello, Ada!"
        assert KEY not in done.full_text

    saved = json.loads(config_file.read_text())
    assert saved["api_key"] == KEY
    assert not (HERE / "config.json").exists()  # nothing written into the plug-in folder


def test_key_value_paste_and_cancel(config_file: Path) -> None:
    with PluginClient(plugin) as client:
        assert client.call("greet", name="Ada").keep_session
        cancelled = client.input("cancel")
        assert cancelled.success and not cancelled.keep_session
        assert not config_file.exists()

        assert client.call("greet", name="Grace").keep_session
        done = client.input(f"api_key={KEY}\ngreeting=Hey")
        assert done.text == "Hey, Grace!"


def test_manifest_lists_the_command() -> None:
    functions = {f["name"]: f for f in plugin.manifest()["functions"]}
    assert functions["greet"]["required"] == ["name"]


def test_config_example_is_current_and_has_no_secret() -> None:
    printed = subprocess.run([sys.executable, "plugin.py", "--config-example"], cwd=HERE,
                             capture_output=True, text=True, check=True).stdout
    assert json.loads(printed) == json.loads((HERE / "config.example.json").read_text())
    assert json.loads(printed)["api_key"] == ""
