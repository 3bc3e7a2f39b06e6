# SPDX-License-Identifier: Apache-2.0
# Copyright {{ cookiecutter.author }}
"""Tests for the {{ cookiecutter.plugin_name }} plug-in against a local HTTP server (pytest-httpserver)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from gassist_sdk.testing import PluginClient
from pytest_httpserver import HTTPServer

from plugin import plugin

KEY = "test-key-0123456789"
HERE = Path(__file__).resolve().parents[1]
PARIS = {"city": "Paris", "days": [
    {"date": "2026-11-26", "summary": "Rain", "high_c": 9, "low_c": 4},
    {"date": "2026-11-27", "summary": "Sun", "high_c": 11, "low_c": 3},
]}


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # Tests use a config file of their own: never the developer's config.json.
    path = tmp_path / "config.json"
    monkeypatch.setenv("GASSIST_CONFIG", str(path))
    return path


@pytest.fixture
def configure(config_file: Path) -> Callable[..., None]:
    def write(**values: object) -> None:
        config_file.write_text(json.dumps(values))

    return write


@pytest.fixture
def client(httpserver: HTTPServer, configure: Callable[..., None]) -> Iterator[PluginClient]:
    configure(api_url=httpserver.url_for("/v1"), api_key=KEY, timeout_s=5)
    with PluginClient(plugin) as running:
        yield running


def test_forecast_calls_the_api_with_the_key(httpserver: HTTPServer,
                                             client: PluginClient) -> None:
    httpserver.expect_request(
        "/v1/forecast",
        query_string={"city": "Paris", "days": "2"},
        headers={"Authorization": f"Bearer {KEY}"},
    ).respond_with_json(PARIS)
    result = client.call("forecast", city="Paris", days=2)
    assert result.success, result.text
    assert result.text == "**Paris**\n- 2026-11-26: Rain, 4–9 °C\n- 2026-11-27: Sun, 3–11 °C"
    assert KEY not in result.full_text


@pytest.mark.parametrize(
    ("status", "expected"),
    [(401, "refused the api_key"), (404, "does not know"), (429, "too often"),
     (500, "HTTP 500")],
)
def test_api_failures_become_plain_messages(httpserver: HTTPServer, client: PluginClient,
                                            status: int, expected: str) -> None:
    httpserver.expect_request("/v1/forecast").respond_with_data("nope", status=status)
    result = client.call("forecast", city="Atlantis")
    assert not result.success
    assert expected in result.text


def test_without_a_key_it_asks_for_one_then_answers(httpserver: HTTPServer,
                                                   configure: Callable[..., None],
                                                   config_file: Path) -> None:
    configure(api_url=httpserver.url_for("/v1"))
    with PluginClient(plugin) as client:
        asked = client.call("forecast", city="Paris", days=2)
        # Setup instructions, and the conversation stays open for the answer.
        assert not asked.success and asked.keep_session
        assert "api_key" in asked.text and str(config_file) in asked.text
        assert httpserver.log == []  # no request without a key

        httpserver.expect_request(
            "/v1/forecast", query_string={"city": "Paris", "days": "2"},
            headers={"Authorization": f"Bearer {KEY}"},
        ).respond_with_json(PARIS)
        done = client.input(KEY)  # the bare key: it is the only thing missing
        assert done.success, done.text
        assert not done.keep_session
        assert done.text.startswith("**Paris**")  # the original call, with its arguments
        assert KEY not in done.full_text

    saved = json.loads(config_file.read_text())
    assert saved == {"api_url": httpserver.url_for("/v1"), "api_key": KEY}
    assert not (HERE / "config.json").exists()  # nothing written into the plug-in folder


def test_a_bad_setting_is_explained(configure: Callable[..., None]) -> None:
    configure(api_key=KEY, timeout_s=600)
    with PluginClient(plugin) as client:
        result = client.call("forecast", city="Paris")
    assert not result.success and result.keep_session
    assert "timeout_s" in result.text
    assert KEY not in result.full_text


def test_an_unreachable_service(configure: Callable[..., None]) -> None:
    configure(api_url="http://127.0.0.1:9", api_key=KEY, timeout_s=2)
    with PluginClient(plugin) as client:
        result = client.call("forecast", city="Paris")
    assert not result.success
    assert "could not reach" in result.text


def test_config_example_is_current_and_has_no_secret() -> None:
    printed = subprocess.run([sys.executable, "plugin.py", "--config-example"], cwd=HERE,
                             capture_output=True, text=True, check=True).stdout
    assert json.loads(printed) == json.loads((HERE / "config.example.json").read_text())
    assert json.loads(printed)["api_key"] == ""


def test_manifest_on_disk_matches_the_code() -> None:
    # After changing a command, regenerate it: gassist-build manifest .
    done = subprocess.run([sys.executable, "plugin.py", "--manifest", "--check"], cwd=HERE,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
