# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Issue 10 item 14: symbolic links in a plug-in folder are never followed out of it.

One rule for build, package and install: a link whose target is outside the folder is
refused with a message naming it; a link to something inside the folder is copied as
what it points to (a real file or folder), never as a link.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from gassist_build.build import build_plugin
from gassist_build.errors import BuildError, InstallError, PackageError
from gassist_build.install import install_plugin
from gassist_build.package import package_plugin

from .test_build import write_plugin
from .test_install import make_dist

SECRET = b"root:x:0:0:outside-secret\n"
CLI = [sys.executable, "-m", "gassist_build.cli"]

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges")


def outside(tmp_path: Path) -> tuple[Path, Path]:
    """A file and a folder outside every plug-in folder of the test."""
    folder = tmp_path / "elsewhere"
    (folder / "etc").mkdir(parents=True)
    (folder / "etc" / "passwd").write_bytes(SECRET)
    return folder / "etc" / "passwd", folder / "etc"


def no_secret_in(folder: Path) -> None:
    for path in folder.rglob("*"):
        assert not path.is_symlink(), path
        if path.is_file():
            assert SECRET not in path.read_bytes(), path


def test_build_refuses_a_module_linked_to_a_file_outside(tmp_path: Path) -> None:
    passwd, _ = outside(tmp_path)
    src = write_plugin(tmp_path / "fixture")
    (src / "evil.py").symlink_to(passwd)
    with pytest.raises(BuildError, match=r"evil\.py is a link to .*outside"):
        build_plugin(src, out=tmp_path / "dist")
    assert not (tmp_path / "dist").exists()


def test_build_of_a_package_linking_a_folder_outside_is_a_clean_error(tmp_path: Path) -> None:
    _, etc = outside(tmp_path)
    src = write_plugin(tmp_path / "fixture")
    (src / "pkg").mkdir()
    (src / "pkg" / "__init__.py").write_text("")
    (src / "pkg" / "etc").symlink_to(etc, target_is_directory=True)
    proc = subprocess.run([*CLI, "build", str(src), "--out", str(tmp_path / "dist")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 5, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "pkg/etc is a link to" in proc.stderr and "outside" in proc.stderr
    assert not (tmp_path / "dist").exists()


def test_links_inside_the_folder_are_built_as_real_files(tmp_path: Path) -> None:
    src = write_plugin(tmp_path / "fixture")
    (src / "shared").mkdir()
    (src / "shared" / "table.txt").write_text("rows\n")
    (src / "helpers.py").write_text("VALUE = 1\n")
    (src / "pkg").mkdir()
    (src / "pkg" / "__init__.py").write_text("")
    (src / "pkg" / "alias.py").symlink_to("../helpers.py")
    (src / "pkg" / "data").symlink_to("../shared", target_is_directory=True)
    dist = build_plugin(src, out=tmp_path / "dist").path
    assert (dist / "pkg" / "alias.py").read_text() == "VALUE = 1\n"
    assert (dist / "pkg" / "data" / "table.txt").read_text() == "rows\n"
    no_secret_in(dist)


def test_a_folder_link_that_loops_is_refused(tmp_path: Path) -> None:
    src = write_plugin(tmp_path / "fixture")
    (src / "pkg").mkdir()
    (src / "pkg" / "__init__.py").write_text("")
    (src / "pkg" / "again").symlink_to(".", target_is_directory=True)
    with pytest.raises(BuildError, match=r"pkg/again .*loop"):
        build_plugin(src, out=tmp_path / "dist")


def test_package_refuses_a_link_leaving_the_folder(tmp_path: Path) -> None:
    passwd, etc = outside(tmp_path)
    dist = make_dist(tmp_path)
    (dist / "libs" / "passwd").symlink_to(passwd)
    with pytest.raises(PackageError, match=r"libs/passwd is a link to .*outside"):
        package_plugin(dist, tmp_path / "out")
    (dist / "libs" / "passwd").unlink()
    (dist / "libs" / "etc").symlink_to(etc, target_is_directory=True)
    with pytest.raises(PackageError, match=r"libs/etc is a link to .*outside"):
        package_plugin(dist, tmp_path / "out")
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.zip"))


def test_package_packs_a_link_inside_the_folder_as_the_file(tmp_path: Path) -> None:
    dist = make_dist(tmp_path)
    (dist / "libs" / "alias.py").symlink_to("../plugin.py")
    archive = package_plugin(dist, tmp_path / "out").archive
    with zipfile.ZipFile(archive) as zf:
        assert zf.read("hello/libs/alias.py") == zf.read("hello/plugin.py")


def test_install_refuses_a_link_leaving_the_folder(tmp_path: Path) -> None:
    _, etc = outside(tmp_path)
    dist = make_dist(tmp_path)
    (dist / "libs" / "etc").symlink_to(etc, target_is_directory=True)
    with pytest.raises(InstallError, match=r"libs/etc is a link to .*outside"):
        install_plugin(dist, tmp_path / "plugins")
    assert not (tmp_path / "plugins" / "hello").exists()
    assert [p for p in (tmp_path / "plugins").iterdir()] == []


def test_install_copies_a_link_inside_the_folder_as_a_file(tmp_path: Path) -> None:
    dist = make_dist(tmp_path)
    (dist / "libs" / "alias.py").symlink_to(os.path.join("..", "plugin.py"))
    installed = install_plugin(dist, tmp_path / "plugins").path
    assert not (installed / "libs" / "alias.py").is_symlink()
    assert (installed / "libs" / "alias.py").read_text() == "# hello 1.0.0\n"
