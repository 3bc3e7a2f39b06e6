# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Install and uninstall keep every file a user or the plug-in wrote into an installed
folder, not only those on the USER_STATE list: whatever the install did not ship is the
user's (tokens.json, history.db, a data/ folder). Files the old install shipped, and the
new one drops, go."""

from __future__ import annotations

import json
from pathlib import Path

from gassist_build.install import install_plugin, uninstall_plugin

from .test_install import leftovers, make_dist
from .test_user_state import (
    USER_FILES,
    add_user_files,
    assert_files,
    assert_user_files,
    write_files,
)

UNLISTED = {
    "tokens.json": '{"access": "user-token"}',
    "history.db": "user history\n",
    "settings.json": '{"theme": "dark"}',
    "oauth_token.json": '{"refresh": "r"}',
    "cache.sqlite": "rows\n",
    "data/notes/today.txt": "user notes\n",
    "libs/gassist_sdk/user-extra.txt": "written beside shipped files\n",
}


def add_unlisted(folder: Path) -> None:
    write_files(folder, UNLISTED)


def assert_unlisted(folder: Path) -> None:
    assert_files(folder, UNLISTED)


def test_reinstall_keeps_files_the_install_did_not_ship(tmp_path: Path) -> None:
    plugins = tmp_path / "plugins"
    v1 = make_dist(tmp_path, example={"k": ""}, extra={"old_helper.py": "# v1 only\n"})
    install_plugin(v1, plugins)
    target = plugins / "hello"
    shipped = json.loads((target / ".gassist-install.json").read_text())["shipped"]
    assert "plugin.py" in shipped and "old_helper.py" in shipped
    add_user_files(target)
    add_unlisted(target)

    result = install_plugin(make_dist(tmp_path, version="2.0.0", example={"k": ""}), plugins)
    assert result.config == "kept"
    assert_unlisted(target)
    assert_user_files(target)
    assert (target / "plugin.py").read_text() == "# hello 2.0.0\n"
    assert not (target / "old_helper.py").exists()  # shipped by v1, dropped by v2
    assert leftovers(plugins) == []

    # and again: what was kept is still not "shipped" by the second install
    install_plugin(make_dist(tmp_path, version="3.0.0", example={"k": ""}), plugins)
    assert_unlisted(target)
    assert_user_files(target)


def test_a_user_file_wins_over_a_newly_shipped_one(tmp_path: Path) -> None:
    plugins = tmp_path / "plugins"
    install_plugin(make_dist(tmp_path), plugins)
    (plugins / "hello" / "settings.json").write_text('{"mine": true}')
    install_plugin(make_dist(tmp_path, version="2.0.0",
                             extra={"settings.json": '{"shipped": true}'}), plugins)
    assert (plugins / "hello" / "settings.json").read_text() == '{"mine": true}'


def test_uninstall_keeps_unlisted_files_and_reinstall_finds_them(tmp_path: Path) -> None:
    plugins = tmp_path / "plugins"
    dist = make_dist(tmp_path, example={"k": ""})
    install_plugin(dist, plugins)
    target = plugins / "hello"
    add_user_files(target)
    add_unlisted(target)

    result = uninstall_plugin("hello", plugins)
    assert result.kept_config
    assert "tokens.json" in result.kept and "data" in result.kept
    assert_unlisted(target)
    assert_user_files(target)
    assert not (target / "plugin.py").exists()
    assert not (target / "manifest.json").exists()

    install_plugin(dist, plugins)
    assert_unlisted(target)
    assert_user_files(target)
    assert (target / "plugin.py").is_file()

    uninstall_plugin("hello", plugins, purge=True)
    assert not target.exists()


def test_an_old_install_without_a_shipped_list_keeps_only_user_state(tmp_path: Path) -> None:
    plugins = tmp_path / "plugins"
    install_plugin(make_dist(tmp_path, example={"k": ""}), plugins)
    target = plugins / "hello"
    (target / ".gassist-install.json").write_text(
        json.dumps({"name": "hello", "version": "1.0.0"}) + "\n")
    add_user_files(target)
    add_unlisted(target)
    install_plugin(make_dist(tmp_path, version="2.0.0", example={"k": ""}), plugins)
    assert_user_files(target)
    assert not (target / "tokens.json").exists()
    assert set(USER_FILES) <= {p.relative_to(target).as_posix()
                               for p in target.rglob("*") if p.is_file()}
