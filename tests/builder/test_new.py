# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""``gassist-build new``: command-line answers, validated prompts, defaults off a terminal."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from gassist_build.cli import cli
from gassist_build.cli import new as new_module
from gassist_build.scaffold import TEMPLATES, render_template


def _run(tmp_path: Path, *args: str, env: dict[str, str] | None = None
         ) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gassist_build.cli", "new", *args, "-o", str(tmp_path)],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120,
        env={**os.environ, **(env or {})}, check=False)


def test_key_value_answers_and_the_piped_stdin_notice(tmp_path: Path) -> None:
    done = _run(tmp_path, "weather", "description=Weather by city", "author=Ada")
    assert done.returncode == 0, done.stderr
    assert "stdin is not a terminal" in done.stderr
    manifest = json.loads((tmp_path / "weather" / "manifest.json").read_text())
    assert manifest["description"] == "Weather by city"
    assert "Copyright Ada" in (tmp_path / "weather" / "plugin.py").read_text()


@pytest.mark.parametrize("answer", ["version=one", "colour=blue", "nokey", "plugin_name=x"])
def test_bad_command_line_answers_are_usage_errors(tmp_path: Path, answer: str) -> None:
    result = CliRunner().invoke(cli, ["new", "w", answer, "-o", str(tmp_path)])
    assert result.exit_code == 2
    assert "ANSWERS" in result.output
    assert not (tmp_path / "w").exists()


def test_prompts_skip_the_name_and_reask_bad_answers(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(new_module, "_stdin_is_terminal", lambda: True)
    monkeypatch.setattr(new_module, "git_author", lambda: "Grace Hopper")
    # description, author (git's name is the default), version: bad, then good.
    result = CliRunner().invoke(cli, ["new", "greeter", "-o", str(tmp_path)],
                                input="Says hi\n\nnot a version\n1.2.0\n")
    assert result.exit_code == 0, result.output
    assert "Invocation name" not in result.output
    assert "[Grace Hopper]" in result.output
    assert "not a version such as 0.1.0" in result.output
    manifest = json.loads((tmp_path / "greeter" / "manifest.json").read_text())
    assert manifest["description"] == "Says hi" and manifest["version"] == "1.2.0"
    assert "Copyright Grace Hopper" in (tmp_path / "greeter" / "plugin.py").read_text()


def test_author_defaults_to_git_user_name_and_works_without_git(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / ".gitconfig").write_text("[user]\n\tname = Ada Lovelace\n")
    env = {"HOME": str(home), "GIT_CONFIG_GLOBAL": str(home / ".gitconfig")}
    assert _run(tmp_path, "one", env=env).returncode == 0
    assert "Copyright Ada Lovelace" in (tmp_path / "one" / "plugin.py").read_text()

    no_git = _run(tmp_path, "two", env={"PATH": str(tmp_path / "empty")})
    assert no_git.returncode == 0, no_git.stderr
    assert "Copyright Your Name" in (tmp_path / "two" / "plugin.py").read_text()


@pytest.mark.parametrize("template", TEMPLATES)
def test_dev_requirements_cover_what_the_tests_import(template: str, tmp_path: Path) -> None:
    folder = render_template("p", template, tmp_path)
    lines = (folder / "requirements-dev.txt").read_text().splitlines()
    wanted = {line.split(">")[0].split("[")[0] for line in lines
              if line and not line.startswith("#")}
    assert {"gassist-sdk", "pytest"} <= wanted
    if "pytest_httpserver" in (folder / "tests" / "test_plugin.py").read_text():
        assert {"pytest-httpserver", "-r requirements.txt"} <= wanted
    assert "pip install -r requirements-dev.txt" in (folder / "README.md").read_text()


def test_generated_tests_fail_when_the_manifest_drifts(tmp_path: Path) -> None:
    folder = render_template("drift", "basic", tmp_path)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["functions"][0]["description"] = "edited by hand"
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-k", "manifest_on_disk"],
        cwd=folder, capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    assert done.returncode == 1, done.stdout
    assert "gassist-build manifest" in done.stdout
