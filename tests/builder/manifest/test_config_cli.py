# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""``gassist-build config`` through click's CliRunner, against plug-ins on the real SDK.

Each plug-in is a real ``plugin.py`` run as a subprocess (``--config-example`` and
``--config-schema``), exactly as the command runs it for users.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from gassist_build.cli import cli

pytestmark = pytest.mark.e2e

CANARY = "CANARY-gb-5d0e8c4a-do-not-leak"

WEATHER = '''
from dataclasses import dataclass

from gassist_sdk import Context, Plugin, setting


@dataclass
class WeatherConfig:
    api_key: str = setting(description="API key of the weather service", secret=True,
                           help="https://weather.example/keys")
    units: str = setting("metric", description="{units}")
    days: int = setting(3, description="Days to forecast")


plugin = Plugin("weather", description="Weather", config=WeatherConfig)


@plugin.command()
def forecast(city: str, ctx: Context) -> str:
    """Forecast for a city."""
    return city


if __name__ == "__main__":
    plugin.run()
'''

NO_CONFIG = '''
from gassist_sdk import Plugin

plugin = Plugin("plain", description="No settings at all")


@plugin.command()
def hello() -> str:
    """Say hello."""
    return "hello"


if __name__ == "__main__":
    plugin.run()
'''


def _plugin(folder: Path, source: str, **fields: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    text = source.replace("{units}", fields.get("units", "metric or imperial"))
    (folder / "plugin.py").write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["config", *args], catch_exceptions=False)
    return result.exit_code, result.output


def _printed(folder: Path, flag: str) -> str:
    proc = subprocess.run([sys.executable, "plugin.py", flag], cwd=folder, capture_output=True,
                          text=True, check=True, timeout=30)
    return proc.stdout


def test_writes_both_files_exactly_as_the_plugin_prints_them(tmp_path: Path) -> None:
    folder = _plugin(tmp_path / "weather", WEATHER)
    code, out = _run(str(folder))
    assert code == 0, out
    example = (folder / "config.example.json").read_text(encoding="utf-8")
    schema = (folder / "config.schema.json").read_text(encoding="utf-8")
    assert f"wrote {folder / 'config.example.json'}" in out
    assert f"wrote {folder / 'config.schema.json'}" in out
    # Indent 2, keys in the plug-in's order, one trailing newline.
    assert example == json.dumps(json.loads(_printed(folder, "--config-example")), indent=2,
                                 ensure_ascii=False) + "\n"
    assert schema == json.dumps(json.loads(_printed(folder, "--config-schema")), indent=2,
                                ensure_ascii=False) + "\n"
    assert json.loads(example)["api_key"] == ""
    assert json.loads(example)["//api_key"] == (
        "API key of the weather service (https://weather.example/keys) [secret]")
    assert json.loads(schema)["properties"]["api_key"]["writeOnly"] is True
    assert not (folder / "config.json").exists()

    code, out = _run(str(folder))
    assert code == 0 and "are up to date" in out


def test_check_reports_missing_and_stale_files_with_a_diff_and_writes_nothing(
        tmp_path: Path) -> None:
    folder = _plugin(tmp_path / "weather", WEATHER)
    code, out = _run(str(folder), "--check")
    assert code == 1
    assert f"{folder / 'config.example.json'} does not exist" in out
    assert f"run: gassist-build config {folder}" in out
    assert not (folder / "config.example.json").exists()
    assert not (folder / "config.schema.json").exists()

    assert _run(str(folder))[0] == 0
    before = (folder / "config.schema.json").read_bytes()
    _plugin(folder, WEATHER, units="Unit system: metric or imperial")  # the code changed
    code, out = _run(str(folder), "--check")
    assert code == 1
    assert '-  "//units": "metric or imperial",' in out
    assert '+  "//units": "Unit system: metric or imperial",' in out
    assert f"{folder / 'config.example.json'} is not up to date" in out
    assert f"{folder / 'config.schema.json'} is not up to date" in out
    assert (folder / "config.schema.json").read_bytes() == before

    assert _run(str(folder))[0] == 0
    assert _run(str(folder), "--check") == (
        0, f"config.example.json and config.schema.json in {folder} are up to date\n")


def test_windows_line_endings_are_not_staleness(tmp_path: Path) -> None:
    folder = _plugin(tmp_path / "weather", WEATHER)
    assert _run(str(folder))[0] == 0
    for name in ("config.example.json", "config.schema.json"):
        path = folder / name
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert _run(str(folder), "--check")[0] == 0


def test_a_plugin_without_config_gets_a_message_and_nothing_is_written(tmp_path: Path) -> None:
    folder = _plugin(tmp_path / "plain", NO_CONFIG)
    for args in ([str(folder)], [str(folder), "--check"]):
        code, out = _run(*args)
        assert code == 0
        assert "declares no config" in out and "nothing was written" in out
    assert sorted(p.name for p in folder.iterdir()) == ["plugin.py"]

    (folder / "config.example.json").write_text("{}\n")  # left from an older version
    code, out = _run(str(folder))
    assert code == 0 and "config.example.json no longer match the code" in out
    assert (folder / "config.example.json").read_text() == "{}\n"


def test_a_broken_plugin_is_a_clear_error_and_existing_files_stay(tmp_path: Path) -> None:
    folder = _plugin(tmp_path / "weather", WEATHER)
    assert _run(str(folder))[0] == 0
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    (folder / "plugin.py").write_text("import weather_api_that_is_not_installed\n")
    code, out = _run(str(folder))
    assert code == 1
    assert "`plugin.py --config-example` exited with status 1" in out
    assert "ModuleNotFoundError" in out
    assert {p.name: p.read_bytes() for p in folder.iterdir() if p.name != "plugin.py"} == {
        name: data for name, data in before.items() if name != "plugin.py"}


def test_the_secret_in_config_json_never_reaches_the_files_or_the_output(
        tmp_path: Path) -> None:
    folder = _plugin(tmp_path / "weather", WEATHER)
    (folder / "config.json").write_text(json.dumps({"api_key": CANARY, "days": 5}))
    results = [_run(str(folder), "--check"), _run(str(folder)), _run(str(folder), "--check")]
    assert [code for code, _ in results] == [1, 0, 0]
    for _, out in results:
        assert CANARY not in out
    for name in ("config.example.json", "config.schema.json"):
        text = (folder / name).read_text(encoding="utf-8")
        assert CANARY not in text
        assert '"days": 5' not in text  # the user's values are not the example's either
    assert json.loads((folder / "config.json").read_text()) == {"api_key": CANARY, "days": 5}


LEAKY = '''
import json
import sys

# A plug-in (not on our SDK) whose example copies the real config.json: the guard must stop it.
with open("config.json", encoding="utf-8") as handle:
    config = json.load(handle)
if sys.argv[1:] == ["--config-example"]:
    print(json.dumps({"token": config["token"]}))
elif sys.argv[1:] == ["--config-schema"]:
    print(json.dumps({"type": "object",
                      "properties": {"token": {"type": "string", "writeOnly": True}}}))
'''


def test_a_generated_file_holding_a_secret_is_refused(tmp_path: Path) -> None:
    folder = _plugin(tmp_path / "leaky", LEAKY)
    (folder / "config.json").write_text(json.dumps({"token": CANARY}))
    code, out = _run(str(folder))
    assert code == 1
    assert "config.example.json generated by plugin.py would contain a secret value" in out
    assert "nothing was written" in out
    assert CANARY not in out
    assert sorted(p.name for p in folder.iterdir()) == ["config.json", "plugin.py"]


def test_a_missing_interpreter_is_a_clear_error(tmp_path: Path) -> None:
    folder = _plugin(tmp_path / "weather", WEATHER)
    code, out = _run(str(folder), "--python", str(tmp_path / "no-such-python"))
    assert code == 1
    assert "cannot run" in out and "no-such-python" in out
