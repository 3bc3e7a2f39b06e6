# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Issue 10 item 18: names that the file system or a Windows unzip would get wrong are
refused with a message: very long plug-in names, and file names holding a backslash,
a colon (drive letters, NTFS streams) or control characters."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from gassist_build.build import build_plugin
from gassist_build.errors import BuildError, InstallError, PackageError
from gassist_build.install import install_plugin
from gassist_build.package import package_plugin

from .test_build import write_plugin
from .test_install import make_dist

CLI = [sys.executable, "-m", "gassist_build.cli"]


@pytest.mark.e2e
@pytest.mark.parametrize("length", [240, 300])
def test_new_refuses_a_very_long_name_without_a_traceback(tmp_path: Path, length: int) -> None:
    proc = subprocess.run([*CLI, "new", "a" * length, "--no-input", "-o", str(tmp_path)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 5, proc.stderr
    assert "Traceback" not in proc.stderr and "too long" in proc.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("length", [240, 300])
def test_build_refuses_a_very_long_name(tmp_path: Path, length: int) -> None:
    src = write_plugin(tmp_path / "src", name="b" * length)
    with pytest.raises(BuildError, match="too long"):
        build_plugin(src, out=tmp_path / "dist")
    assert not (tmp_path / "dist").exists()


@pytest.mark.skipif(sys.platform == "win32", reason="these names cannot exist on Windows")
@pytest.mark.parametrize("bad", ["..\\..\\evil.bat", "C:evil.bat", "data:stream", "bell\x07.py"])
def test_file_names_windows_would_misread_are_refused(tmp_path: Path, bad: str) -> None:
    dist = make_dist(tmp_path)
    (dist / "libs" / bad).write_text("x")
    with pytest.raises(PackageError, match="name"):
        package_plugin(dist, tmp_path / "out")
    with pytest.raises(InstallError, match="name"):
        install_plugin(dist, tmp_path / "plugins")
    src = write_plugin(tmp_path / "src")
    (src / "pkg").mkdir()
    (src / "pkg" / "__init__.py").write_text("")
    (src / "pkg" / bad).write_text("x")
    with pytest.raises(BuildError, match="name"):
        build_plugin(src, out=tmp_path / "dist")
