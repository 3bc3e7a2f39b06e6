# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""``gassist-build package --submission``: what the G-Assist hackathon asks for, or a refusal."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

GASSIST_BUILD = [sys.executable, "-m", "gassist_build.cli"]

README = """# weather

## Setup

1. Put your key in config.json.

## Example prompts

- "What's the weather in Paris?"
- "Will it rain tomorrow in Oslo?"
- "/weather forecast for Rome"
"""
SECRET = "sk-live-0123456789"


def run_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*GASSIST_BUILD, *map(str, args)], capture_output=True, text=True,
                          timeout=120, check=False)


def make_plugin(root: Path, *, exe: bool = False) -> tuple[Path, Path]:
    """A source folder (with a developer config.json holding a secret) and its build."""
    src = root / "plugins" / "weather"
    src.mkdir(parents=True)
    (src / "plugin.py").write_text("# weather\n")
    (src / "requirements.txt").write_text("requests\n")
    (src / "README.md").write_text(README)
    (src / "LICENSE").write_text("Apache License 2.0\n")
    example = {"api_key": "", "units": "metric", "station": "home-42",
               "auth": {"client_secret": "put-yours-here"}}
    (src / "config.example.json").write_text(json.dumps(example))
    (src / "config.json").write_text(json.dumps({**example, "api_key": SECRET}))
    (src / "config.schema.json").write_text(json.dumps(
        {"type": "object", "properties": {"station": {"type": "string", "writeOnly": True}}}))
    (src / "plugin.log").write_text(f"key={SECRET}\n")
    (src / ".env").write_text(f"API_KEY={SECRET}\n")
    dist = root / "dist" / ("exe" if exe else "") / "weather"
    dist.mkdir(parents=True)
    executable = "weather.exe" if exe else "plugin.py"
    (dist / executable).write_bytes(b"MZ binary" if exe else b"# weather\n")
    (dist / "manifest.json").write_text(json.dumps(
        {"manifestVersion": 1, "name": "weather", "version": "0.2.0",
         "executable": executable, "functions": []}))
    (dist / "config.example.json").write_text(json.dumps(example))
    (dist / ".gassist-build.json").write_text(json.dumps(
        {"builtBy": "gassist-build", "name": "weather", "version": "0.2.0",
         "mode": "exe" if exe else "source"}))
    return src, dist


def test_a_complete_plugin_gives_every_piece_and_no_secret(tmp_path: Path) -> None:
    src, dist = make_plugin(tmp_path)
    result = run_cli("package", dist, "--submission", "--source", src)
    assert result.returncode == 0, result.stderr
    folder = tmp_path / "dist" / "weather-0.2.0-submission"
    assert sorted(p.name for p in folder.iterdir()) == [
        "EXECUTABLE.md", "LICENSE", "README.md", "config.json", "manifest.json", "plugin.py",
        "requirements.txt"]
    template = json.loads((folder / "config.json").read_text())
    assert template == {"api_key": "", "units": "metric", "station": "",
                        "auth": {"client_secret": ""}}
    assert "auth.client_secret, station" in result.stdout  # a writeOnly key is a secret too
    for path in folder.iterdir():
        assert SECRET not in path.read_text()
    note = (folder / "EXECUTABLE.md").read_text()
    assert ".github/workflows/ci.yml" in note and "windows-latest" in note


def test_an_exe_build_ships_its_executable(tmp_path: Path) -> None:
    src, dist = make_plugin(tmp_path, exe=True)
    out = tmp_path / "out"
    result = run_cli("package", dist, "--submission", "--source", src, "--out", out)
    assert result.returncode == 0, result.stderr
    folder = out / "weather-0.2.0-submission"
    assert (folder / "weather.exe").read_bytes() == b"MZ binary"
    assert not (folder / "EXECUTABLE.md").exists()


def test_the_plugins_other_modules_and_packages_travel_with_plugin_py(tmp_path: Path) -> None:
    # A sample keeps its HTTP calls in a client module; a submission with plugin.py alone
    # failed to start with ModuleNotFoundError.
    src, dist = make_plugin(tmp_path)
    (src / "weather_api.py").write_text("URL = 'https://api.example'\n")
    (src / "parts").mkdir()
    (src / "parts" / "__init__.py").write_text("")
    (src / "parts" / "units.py").write_text("C = 'celsius'\n")
    (src / "parts" / "__pycache__").mkdir()
    (src / "parts" / "__pycache__" / "units.cpython-311.pyc").write_bytes(b"\0")
    (src / "test_weather.py").write_text("def test(): pass\n")
    (src / "tests").mkdir()
    (src / "tests" / "__init__.py").write_text("")
    example = json.loads((src / "config.example.json").read_text())
    example["//api_key"] = "Your key from https://weather.example/account"
    (src / "config.example.json").write_text(json.dumps(example))
    (dist / "config.example.json").write_text(json.dumps(example))
    result = run_cli("package", dist, "--submission", "--source", src)
    assert result.returncode == 0, result.stderr
    folder = tmp_path / "dist" / "weather-0.2.0-submission"
    assert (folder / "weather_api.py").read_text() == "URL = 'https://api.example'\n"
    assert sorted(p.name for p in (folder / "parts").iterdir()) == ["__init__.py", "units.py"]
    assert not (folder / "test_weather.py").exists() and not (folder / "tests").exists()
    # The description of a secret setting is kept, and the note names the setting itself.
    template = json.loads((folder / "config.json").read_text())
    assert template["//api_key"] == "Your key from https://weather.example/account"
    assert "//api_key" not in result.stdout


def test_every_missing_piece_is_listed_and_nothing_written(tmp_path: Path) -> None:
    src, dist = make_plugin(tmp_path)
    (src / "LICENSE").unlink()
    (src / "requirements.txt").unlink()
    (src / "README.md").write_text("# weather\n\nSay \"hello\".\n")
    result = run_cli("package", dist, "--submission", "--source", src)
    assert result.returncode == 4
    for piece in ("requirements.txt", "LICENSE", "setup steps", "0 example prompt"):
        assert piece in result.stderr
    assert not (tmp_path / "dist" / "weather-0.2.0-submission").exists()


def test_a_secret_copied_into_the_readme_is_refused(tmp_path: Path) -> None:
    src, dist = make_plugin(tmp_path)
    (src / "README.md").write_text(README + f"\nMy key: {SECRET}\n")
    result = run_cli("package", dist, "--submission", "--source", src)
    assert result.returncode == 4
    assert "README.md" in result.stderr and SECRET not in result.stderr + result.stdout


def test_a_write_only_setting_copied_into_the_code_is_refused(tmp_path: Path) -> None:
    # "station" is no secret by its name; config.schema.json marks it writeOnly.
    src, dist = make_plugin(tmp_path)
    config = json.loads((src / "config.json").read_text())
    (src / "config.json").write_text(json.dumps({**config, "station": "st-private-7731"}))
    (src / "plugin.py").write_text('# weather\nSTATION = "st-private-7731"\n')
    result = run_cli("package", dist, "--submission", "--source", src)
    assert result.returncode == 4
    assert "plugin.py" in result.stderr
    assert "st-private-7731" not in result.stderr + result.stdout


@pytest.mark.parametrize("args", [["--submission"], ["--source", "plugins/hello"]])
def test_submission_and_source_go_together(tmp_path: Path, args: list[str]) -> None:
    _, dist = make_plugin(tmp_path)
    result = run_cli("package", dist, *args)
    assert result.returncode == 2
    assert "--source" in result.stderr


def test_the_readme_rule() -> None:
    from gassist_build.package import readme_problems

    assert readme_problems(README) == []
    assert len(readme_problems("# x\n## Installation\n- \"a b\"\n- \"c d\"\n")) == 1
    text = "# x\n### How to install\n* “one two”\n1. \"three\"\n2) \"four\"\n"
    assert readme_problems(text) == []
