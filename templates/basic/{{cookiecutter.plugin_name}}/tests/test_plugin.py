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
    assert "1–5" in result.text


def test_missing_argument_is_rejected(client: PluginClient) -> None:
    assert not client.call("greet").success


def test_the_secret_never_reaches_the_user(client: PluginClient) -> None:
    result = client.call("account")
    assert result.success
    assert KEY not in result.full_text
    assert KEY not in client.call("greet", name="Ada").full_text


def test_the_first_call_works_without_any_config(config_file: Path) -> None:
    with PluginClient(plugin) as client:
        result = client.call("greet", name="Ada", times=2)
        assert result.success
        assert result.text == "Hello, Ada! Hello, Ada!"
    assert not config_file.exists()
    assert not (HERE / "config.json").exists()  # nothing written into the plug-in folder


def test_account_says_where_the_key_goes(config_file: Path) -> None:
    with PluginClient(plugin) as client:
        result = client.call("account")
    assert not result.success
    assert "api_key" in result.text and str(config_file) in result.text


def test_manifest_lists_the_commands() -> None:
    functions = {f["name"]: f for f in plugin.manifest()["functions"]}
    assert functions["greet"]["required"] == ["name"]
    assert "account" in functions


def test_manifest_on_disk_matches_the_code() -> None:
    # After changing a command, regenerate it: gassist-build manifest .
    done = subprocess.run([sys.executable, "plugin.py", "--manifest", "--check"], cwd=HERE,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_config_example_is_current_and_has_no_secret() -> None:
    printed = subprocess.run([sys.executable, "plugin.py", "--config-example"], cwd=HERE,
                             capture_output=True, text=True, check=True).stdout
    assert json.loads(printed) == json.loads((HERE / "config.example.json").read_text())
    assert json.loads(printed)["api_key"] == ""
