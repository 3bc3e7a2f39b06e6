# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Issue 10 item 17: install and uninstall keep a user's files (settings, tokens, keys,
caches, logs), and an install or uninstall killed half-way loses nothing: the next run
finishes or undoes it from what it left behind."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from gassist_build.install import install_plugin, uninstall_plugin

from .test_install import leftovers, make_dist, run_cli

USER_FILES = {
    "config.json": '{"k": "user-value"}',
    "auth.json": '{"refresh_token": "user-token"}',
    "gemini-api.key": "user-key\n",
    ".cache/models/index.json": '{"cached": true}',
    "hello.log": "yesterday's log\n",
}


def write_files(folder: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text)


def assert_files(folder: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        assert (folder / rel).read_text() == text, rel


def add_user_files(folder: Path) -> None:
    write_files(folder, USER_FILES)


def assert_user_files(folder: Path) -> None:
    assert_files(folder, USER_FILES)


def test_reinstall_keeps_keys_caches_tokens_and_logs(tmp_path: Path) -> None:
    plugins = tmp_path / "plugins"
    install_plugin(make_dist(tmp_path, example={"k": ""}), plugins)
    add_user_files(plugins / "hello")
    result = install_plugin(make_dist(tmp_path, version="2.0.0", example={"k": ""}), plugins)
    assert result.config == "kept"
    assert_user_files(plugins / "hello")
    assert (plugins / "hello" / "plugin.py").read_text() == "# hello 2.0.0\n"
    assert leftovers(plugins) == []


def test_uninstall_keeps_every_user_file_unless_purged(tmp_path: Path) -> None:
    plugins = tmp_path / "plugins"
    install_plugin(make_dist(tmp_path, example={"k": ""}), plugins)
    add_user_files(plugins / "hello")
    result = uninstall_plugin("hello", plugins)
    assert result.kept_config
    assert_user_files(plugins / "hello")
    assert not (plugins / "hello" / "plugin.py").exists()
    assert "auth.json" in result.summary()
    install_plugin(make_dist(tmp_path, example={"k": ""}), plugins)
    assert_user_files(plugins / "hello")
    uninstall_plugin("hello", plugins, purge=True)
    assert not (plugins / "hello").exists()


# Runs install or uninstall in a child process that dies (os._exit, as a kill would)
# right after the first folder rename, leaving its scratch folders behind.
KILLED_AFTER_FIRST_RENAME = textwrap.dedent("""
    import os, sys
    from gassist_build import _platform
    from gassist_build.install import install_plugin, uninstall_plugin
    real = _platform.rename_dir
    def rename_then_die(src, dst):
        real(src, dst)
        os._exit(137)
    _platform.rename_dir = rename_then_die
    if sys.argv[1] == "install":
        install_plugin(sys.argv[2], sys.argv[3])
    else:
        uninstall_plugin("hello", sys.argv[3])
""")


def kill_after_first_rename(command: str, dist: Path, plugins: Path) -> None:
    proc = subprocess.run([sys.executable, "-c", KILLED_AFTER_FIRST_RENAME, command,
                           str(dist), str(plugins)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 137, proc.stderr


@pytest.mark.e2e
def test_an_install_killed_between_its_renames_loses_nothing(tmp_path: Path) -> None:
    plugins = tmp_path / "plugins"
    install_plugin(make_dist(tmp_path, example={"k": ""}), plugins)
    add_user_files(plugins / "hello")
    v2 = make_dist(tmp_path, version="2.0.0", example={"k": "", "new": 1})
    kill_after_first_rename("install", v2, plugins)
    assert not (plugins / "hello").exists()  # the state the kill left: both folders aside
    assert leftovers(plugins)

    again = run_cli("install", str(v2), "--plugins-dir", str(plugins))
    assert again.returncode == 0, again.stderr
    assert "interrupted" in again.stderr
    assert json.loads((plugins / "hello" / "config.json").read_text()) == {
        "k": "user-value", "new": 1}
    for rel in USER_FILES:
        if rel != "config.json":
            assert (plugins / "hello" / rel).read_text() == USER_FILES[rel]
    assert (plugins / "hello" / "plugin.py").read_text() == "# hello 2.0.0\n"
    assert leftovers(plugins) == []


@pytest.mark.e2e
def test_an_uninstall_killed_half_way_keeps_the_users_files(tmp_path: Path) -> None:
    plugins = tmp_path / "plugins"
    dist = make_dist(tmp_path, example={"k": ""})
    install_plugin(dist, plugins)
    add_user_files(plugins / "hello")
    kill_after_first_rename("uninstall", dist, plugins)
    assert not (plugins / "hello").exists()

    result = install_plugin(dist, plugins)
    assert result.config == "kept"
    assert_user_files(plugins / "hello")
    assert leftovers(plugins) == []
