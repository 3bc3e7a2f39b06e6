# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""``build`` replaces only a folder it made: never the plug-in's sources, never an install."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from gassist_build.build import build_plugin
from gassist_build.errors import BuildError

from .test_build import write_plugin


def test_out_pointing_at_the_plugins_own_parent_leaves_the_sources_alone(tmp_path: Path) -> None:
    src = write_plugin(tmp_path / "fixture")
    (src / "NOTES.md").write_text("my notes", encoding="utf-8")
    with pytest.raises(BuildError, match="would replace the plug-in's own folder"):
        build_plugin(src, "source", tmp_path, offline=True)
    assert (src / "NOTES.md").read_text(encoding="utf-8") == "my notes"


def test_out_pointing_at_an_installed_copy_keeps_the_users_settings(tmp_path: Path) -> None:
    src = write_plugin(tmp_path / "src" / "fixture")
    plugins = tmp_path / "plugins"
    installed = plugins / "fixture"
    installed.mkdir(parents=True)
    (installed / ".gassist-install.json").write_text("{}", encoding="utf-8")
    (installed / "config.json").write_text(json.dumps({"api_key": "mine"}), encoding="utf-8")
    with pytest.raises(BuildError, match="is not a build output"):
        build_plugin(src, "source", plugins, offline=True)
    assert json.loads((installed / "config.json").read_text(encoding="utf-8")) == {
        "api_key": "mine"}


def test_a_folder_of_something_else_is_not_replaced(tmp_path: Path) -> None:
    src = write_plugin(tmp_path / "src" / "fixture")
    other = tmp_path / "out" / "fixture"
    other.mkdir(parents=True)
    (other / "thesis.tex").write_text("years of work", encoding="utf-8")
    with pytest.raises(BuildError, match="is not a build output"):
        build_plugin(src, "source", tmp_path / "out", offline=True)
    assert (other / "thesis.tex").is_file()


def test_a_previous_build_is_replaced(tmp_path: Path) -> None:
    src = write_plugin(tmp_path / "src" / "fixture")
    first = build_plugin(src, "source", tmp_path / "dist", offline=True)
    again = build_plugin(src, "source", tmp_path / "dist", offline=True)
    assert first.path == again.path and (again.path / "plugin.py").is_file()
