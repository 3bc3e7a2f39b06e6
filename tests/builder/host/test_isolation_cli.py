# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""`call`, `check` and `chat` run a plug-in as G-Assist does: only stdlib and its libs/."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

_PLUGIN = '''\
from gassist_sdk import Plugin
{top}
plugin = Plugin("weather", version="1.0.0", description="Tells the weather.")


@plugin.command()
def forecast(city: str = "Paris") -> str:
    """Tell the forecast for a city.

    Args:
        city: The city to look up.
    """
    import requests
    import os
    print("looking up", city, file=__import__("sys").stderr)
    return f"{{city}}: sunny ({{requests.__name__}}, {{os.environ.get('GASSIST_CONFIG', '-')}})"


if __name__ == "__main__":
    plugin.run()
'''


def _gassist(*args: str, stdin: str | None = None, cwd: Path | None = None
             ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gassist_build.cli", *args], input=stdin,
                          capture_output=True, text=True, timeout=120, cwd=cwd)


def _plugin(folder: Path, top: str = "") -> Path:
    folder.mkdir(parents=True)
    (folder / "libs").mkdir()
    (folder / "plugin.py").write_text(_PLUGIN.format(top=top), encoding="utf-8")
    (folder / "requirements.txt").write_text("requests\n", encoding="utf-8")
    made = _gassist("manifest", str(folder), "--dev")
    assert made.returncode == 0, made.stderr
    return folder


@pytest.fixture(scope="module")
def weather(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _plugin(tmp_path_factory.mktemp("iso") / "weather")


def test_call_fails_in_isolation_naming_the_missing_module(weather: Path,
                                                          tmp_path: Path) -> None:
    result = _gassist("call", str(weather), "forecast", "city=Oslo", "--log-dir", str(tmp_path))
    assert result.returncode == 1, result.stderr
    # the warning about an unbuilt folder, once
    assert result.stderr.count("is a source folder, not a build") == 1
    assert "requirements (requests) cannot be imported" in result.stderr
    # the evidence: the plug-in's own frame and the missing module, the log in full
    assert "No module named 'requests'" in result.stderr
    assert f'File "{weather / "plugin.py"}"' in result.stderr
    assert "_runner.py" not in result.stderr
    assert f"plug-in log: {(tmp_path / 'weather.log').resolve()}" in result.stderr


def test_call_dev_uses_this_environment_and_config_sets_gassist_config(
        weather: Path, tmp_path: Path) -> None:
    config = tmp_path / "other.json"
    config.write_text("{}", encoding="utf-8")
    result = _gassist("call", str(weather), "forecast", "city=Oslo", "--dev",
                      "--config", str(config), "--log-dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"Oslo: sunny (requests, {config.resolve()})\n"
    assert "source folder" not in result.stderr
    # the plug-in's own stderr (its print()) reaches the terminal, with the log's full path
    assert "looking up Oslo" in result.stderr
    assert str((tmp_path / "weather.stderr.log").resolve()) in result.stderr


def test_call_suggests_close_function_and_parameter_names(weather: Path,
                                                          tmp_path: Path) -> None:
    wrong_function = _gassist("call", str(weather), "forcast")
    assert wrong_function.returncode == 2
    assert "did you mean 'forecast'?" in wrong_function.stderr
    wrong_param = _gassist("call", str(weather), "forecast", "cty=Oslo", "--dev",
                           "--log-dir", str(tmp_path))
    assert "'cty' is not a parameter of forecast" in wrong_param.stderr
    assert "did you mean 'city'?" in wrong_param.stderr


def test_check_fails_in_isolation_when_libs_lack_an_import_and_dev_passes(
        tmp_path: Path) -> None:
    folder = _plugin(tmp_path / "weather", top="import requests  # noqa: F401\n")
    isolated = _gassist("check", str(folder), "--json")
    assert isolated.returncode == 1, isolated.stdout
    assert "No module named 'requests'" in isolated.stdout
    dev = _gassist("check", str(folder), "--json", "--dev")
    assert dev.returncode == 0, dev.stdout
    assert json.loads(dev.stdout)


def test_chat_hosts_one_folder_and_reload_restarts_it(weather: Path) -> None:
    script = "/weather forecast city=Oslo\n/reload\n/weather forecast\n/quit\n"
    result = _gassist("chat", str(weather), "--dev", stdin=script)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "weather> Oslo: sunny (requests" in result.stdout
    assert result.stdout.count("G-Assist emulator: 1 plug-in(s)") == 2
    assert "weather> Paris: sunny (requests" in result.stdout
    isolated = _gassist("chat", "--plugins-dir", str(weather.parent),
                        stdin="/weather forecast\n/quit\n")
    assert isolated.returncode == 0
    assert "is a source folder, not a build" in isolated.stdout
    assert "No module named 'requests'" in isolated.stdout
    assert f'File "{weather / "plugin.py"}"' in isolated.stdout


def test_check_warns_about_an_unbuilt_folder_and_passes_config_to_the_plugin(
        weather: Path, tmp_path: Path) -> None:
    config = tmp_path / "other.json"
    config.write_text("{}", encoding="utf-8")
    result = _gassist("check", str(weather), "--dev", "--config", str(config),
                      "--log-dir", str(tmp_path), "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "is a source folder" not in result.stderr  # --dev: nothing is hidden
    assert json.loads(result.stdout)["ok"] is True
    isolated = _gassist("check", str(weather), "--log-dir", str(tmp_path))
    assert isolated.stderr.count("is a source folder, not a build") == 1


def test_call_of_a_function_the_manifest_lacks_says_to_regenerate_it(tmp_path: Path) -> None:
    folder = _plugin(tmp_path / "weather")
    radar = '@plugin.command()\ndef radar() -> str:\n    """Show the radar."""\n    return "r"\n'
    code = _PLUGIN.format(top="").replace('if __name__ == "__main__":',
                                          radar + '\n\nif __name__ == "__main__":')
    (folder / "plugin.py").write_text(code, encoding="utf-8")
    result = _gassist("call", str(folder), "radar")
    assert result.returncode == 2
    assert f"gassist-build manifest {folder}" in result.stderr
