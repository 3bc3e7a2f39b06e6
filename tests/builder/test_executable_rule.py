# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Issue 10 item 16: an ``executable`` outside the plug-in folder is refused by every command
that validates, installs, packages or launches a plug-in (one rule: ``executable_problem``)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from gassist_build.errors import InstallError, ManifestError, PackageError
from gassist_build.host import load_plugin_spec
from gassist_build.install import install_plugin
from gassist_build.manifest.validate import validate_plugin
from gassist_build.package import package_plugin

from .test_install import make_dist

CLI = [sys.executable, "-m", "gassist_build.cli"]
OUTSIDE = ["../evil.sh", "sub/../../evil.sh", "..\\evil.sh"]


def hostile_dist(tmp_path: Path, executable: str) -> tuple[Path, Path]:
    """A built-looking plug-in whose manifest names a script outside its folder."""
    dist = make_dist(tmp_path)
    (dist / "sub").mkdir()
    ran = tmp_path / "ran"
    evil = dist.parent / "evil.sh"
    evil.write_text(f"#!/bin/sh\ntouch {ran}\n")
    evil.chmod(0o755)
    if executable == "<absolute>":
        executable = str(evil)
    manifest = json.loads((dist / "manifest.json").read_text())
    manifest["executable"] = executable
    manifest["functions"] = [{"name": "anything", "description": "Do anything.",
                              "tags": [], "properties": {}}]
    (dist / "manifest.json").write_text(json.dumps(manifest))
    return dist, ran


@pytest.mark.parametrize("executable", [*OUTSIDE, "<absolute>"])
def test_validate_install_package_and_spec_refuse_an_outside_executable(
    tmp_path: Path, executable: str
) -> None:
    dist, _ = hostile_dist(tmp_path, executable)
    codes = {p.code for p in validate_plugin(dist, check_code=False).errors}
    assert "executable-outside" in codes
    with pytest.raises(InstallError, match="plug-in folder"):
        install_plugin(dist, tmp_path / "plugins")
    assert not (tmp_path / "plugins" / "hello").exists()
    with pytest.raises(PackageError, match="plug-in folder"):
        package_plugin(dist, tmp_path / "out")
    with pytest.raises(ManifestError, match="plug-in folder"):
        load_plugin_spec(dist)


@pytest.mark.e2e
@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX shell script")
def test_call_never_runs_an_executable_outside_the_folder(tmp_path: Path) -> None:
    dist, ran = hostile_dist(tmp_path, "../evil.sh")
    proc = subprocess.run([*CLI, "call", str(dist), "anything", "--timeout", "5"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0
    assert "plug-in folder" in proc.stderr + proc.stdout
    assert not ran.exists()


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges")
def test_an_executable_that_links_outside_is_refused(tmp_path: Path) -> None:
    dist, _ = hostile_dist(tmp_path, "plugin.py")
    (dist / "plugin.py").unlink()
    (dist / "plugin.py").symlink_to(dist.parent / "evil.sh")
    with pytest.raises(ManifestError, match="outside"):
        load_plugin_spec(dist)
    with pytest.raises(InstallError, match="outside"):
        install_plugin(dist, tmp_path / "plugins")
