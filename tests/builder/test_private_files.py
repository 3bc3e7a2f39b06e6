# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Issue 10 item 15: secrets, logs and the runtime's temp files never ship, at any depth;
``package`` and ``install`` take only what ``gassist-build build`` made (or ``--force``)."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from gassist_build.build import build_plugin
from gassist_build.errors import InstallError, PackageError
from gassist_build.install import install_plugin
from gassist_build.package import package_plugin

from .test_build import write_plugin
from .test_install import make_dist

CLI = [sys.executable, "-m", "gassist_build.cli"]
# What an author's or a user's folder collects: settings, keys, logs, the runtime's
# atomic-save temp file (sdk/gassist_sdk/_config.py: .config-XXXX.tmp), caches.
PRIVATE = {
    "helpers/config.json": '{"api_key": "sk-private-1"}',
    "helpers/auth.json": '{"token": "t-private-2"}',
    ".env": "API_KEY=private-3\n",
    ".env.local": "API_KEY=private-4\n",
    "gemini-api.key": "private-5\n",
    "certs/client.pem": "-----BEGIN PRIVATE KEY-----\n",
    "hello.log": "2026 api call with private-6\n",
    "hello.log.1": "older private-7\n",
    ".config-k2j4h1.tmp": '{"api_key": "private-8"}',
    ".cache/answers.json": '{"private": 9}',
}


def test_package_leaves_out_secrets_logs_and_temp_files_at_every_depth(tmp_path: Path) -> None:
    dist = make_dist(tmp_path, extra=PRIVATE)
    # A public certificate bundle that a dependency (certifi, for requests) needs.
    (dist / "libs" / "certifi").mkdir()
    (dist / "libs" / "certifi" / "cacert.pem").write_text("-----BEGIN CERTIFICATE-----\n")
    result = package_plugin(dist, tmp_path / "out")
    with zipfile.ZipFile(result.archive) as zf:
        names = set(zf.namelist())
        blob = b"".join(zf.read(n) for n in names)
    assert not {f"hello/{rel}" for rel in PRIVATE} & names
    assert b"private-" not in blob
    assert "hello/libs/certifi/cacert.pem" in names
    assert set(result.skipped) == set(PRIVATE)


def test_build_leaves_secrets_out_of_the_plugins_own_packages(tmp_path: Path) -> None:
    src = write_plugin(tmp_path / "fixture")
    (src / "helpers").mkdir()
    (src / "helpers" / "__init__.py").write_text("")
    for rel, text in PRIVATE.items():
        if rel.startswith("helpers/"):
            (src / rel).write_text(text)
    (src / "helpers" / ".env").write_text("API_KEY=private-3\n")
    (src / "helpers" / "deploy.key").write_text("private-5\n")
    (src / "helpers" / "debug.log").write_text("private-6\n")
    result = build_plugin(src, out=tmp_path / "dist")
    shipped = sorted(p.relative_to(result.path).as_posix() for p in result.path.rglob("*")
                     if p.is_file())
    assert "helpers/__init__.py" in shipped
    # Only the module itself and the byte code the build compiled from it.
    assert not [s for s in shipped if s.startswith("helpers/") and s != "helpers/__init__.py"
                and not s.startswith("helpers/__pycache__/__init__.")]
    for path in result.path.rglob("*"):
        if path.is_file():
            assert b"private-" not in path.read_bytes(), path
    assert any("helpers/config.json" in w for w in result.warnings)


def test_package_refuses_a_source_folder_unless_forced(tmp_path: Path) -> None:
    dist = make_dist(tmp_path, stamp=False)  # the shape, but `build` did not make it
    with pytest.raises(PackageError, match=r"not made by `gassist-build build`.*--force"):
        package_plugin(dist, tmp_path / "out")
    forced = subprocess.run([*CLI, "package", str(dist), "--out", str(tmp_path / "out"),
                             "--force"], capture_output=True, text=True, timeout=60)
    assert forced.returncode == 0, forced.stderr
    assert (tmp_path / "out" / "hello-1.0.0.zip").is_file()


def test_package_refuses_an_installed_folder(tmp_path: Path) -> None:
    installed = install_plugin(make_dist(tmp_path, example={"k": ""}), tmp_path / "plugins")
    (installed.path / "config.json").write_text('{"k": "users-own-private"}')
    with pytest.raises(PackageError, match="installed"):
        package_plugin(installed.path, tmp_path / "out")


def test_install_refuses_a_folder_build_did_not_make_unless_forced(tmp_path: Path) -> None:
    dist = make_dist(tmp_path, stamp=False)
    plugins = tmp_path / "plugins"
    with pytest.raises(InstallError, match=r"not made by `gassist-build build`.*--force"):
        install_plugin(dist, plugins)
    assert not (plugins / "hello").exists()
    forced = subprocess.run([*CLI, "install", str(dist), "--plugins-dir", str(plugins),
                             "--force"], capture_output=True, text=True, timeout=60)
    assert forced.returncode == 0, forced.stderr
    assert (plugins / "hello" / "plugin.py").is_file()


def test_build_writes_the_stamp_package_and_install_look_for(tmp_path: Path) -> None:
    built = build_plugin(write_plugin(tmp_path / "fixture"), out=tmp_path / "dist")
    stamp = json.loads((built.path / "libs" / ".gassist-build.json").read_text())
    assert stamp["name"] == "fixture" and stamp["version"] == "2.0.0"
    assert package_plugin(built.path, tmp_path / "out").files == built.files
    assert install_plugin(built.path, tmp_path / "plugins").path.is_dir()
