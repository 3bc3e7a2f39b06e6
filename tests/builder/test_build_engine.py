# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""``build`` checks its result as the engine will run it, and builds for the engine's platform.

A plug-in whose ``requirements.txt`` misses a package it imports loads in the author's
virtual environment and dies in G-Assist: the build fails instead and says what to add.
``--target windows`` fills ``libs/`` with Windows wheels for the engine's Python (tested with
local wheels only: no test touches the network).
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from gassist_build import _platform
from gassist_build.build import build_plugin
from gassist_build.build.target import DEFAULT_ENGINE_PYTHON, build_target
from gassist_build.errors import BuildError

from .test_build import CLI, write_plugin

THIS_PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"
OTHER_PYTHON = "3.99" if THIS_PYTHON != "3.99" else "3.98"


def build_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, "build", *args], capture_output=True, text=True, timeout=180,
                          cwd=cwd)


# -- the build loads in the engine's isolation ------------------------------------------


@pytest.mark.e2e
def test_a_missing_requirement_fails_the_build_and_names_it(tmp_path: Path) -> None:
    src = write_plugin(tmp_path / "fixture", "import requests", requirements="")
    proc = build_cli(str(src), "--offline", "--out", str(tmp_path / "dist"))
    assert proc.returncode == 5, proc.stderr
    err = " ".join(proc.stderr.split())
    assert "`import requests` fails" in err
    assert "No line of requirements.txt provides it — add requests" in err
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "dist" / "fixture").exists()

    # With the requirement the same build passes, and the result loads from libs/ alone.
    (src / "requirements.txt").write_text("requests\n")
    proc = build_cli(str(src), "--offline", "--out", str(tmp_path / "dist"))
    assert proc.returncode == 0, proc.stderr
    assert "Load the build in the engine's isolation" in proc.stderr
    assert (tmp_path / "dist" / "fixture" / "libs" / "requests" / "__init__.py").is_file()


def test_a_module_missing_from_an_installed_package_names_its_requirement(
        tmp_path: Path) -> None:
    src = write_plugin(tmp_path / "fixture", "import helpers.missing_part")
    (src / "helpers").mkdir()
    (src / "helpers" / "__init__.py").write_text("")
    # The source folder loads (helpers/ is there); pretend libs/ lost the submodule:
    # the hint reads libs/*.dist-info to name where the package came from.
    from gassist_build.build.verify import missing_import_hint

    libs = tmp_path / "libs"
    info = libs / "helpers_dist-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: helpers-dist\nVersion: 1.0\n")
    (info / "RECORD").write_text("helpers/__init__.py,,\nhelpers_dist-1.0.dist-info/RECORD,,\n")
    hint = missing_import_hint("helpers.missing_part", libs, ["helpers-dist>=1"])
    assert "distribution helpers-dist (requirement 'helpers-dist>=1')" in hint
    assert "not helpers.missing_part" in hint
    assert "no line of requirements.txt provides it" in missing_import_hint(
        "no_such_module_anywhere", libs, [])


def test_manifest_drift_is_a_warning_with_the_fix(tmp_path: Path) -> None:
    src = write_plugin(tmp_path / "fixture")
    (src / "manifest.json").write_text(json.dumps({"name": "fixture", "functions": []}))
    result = build_plugin(src, out=tmp_path / "dist")
    drift = [w for w in result.warnings if "differs from the manifest generated" in w]
    assert drift and f"gassist-build manifest {src}" in drift[0]

    proc = subprocess.run([*CLI, "manifest", str(src)], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    again = build_plugin(src, out=tmp_path / "dist")
    assert not [w for w in again.warnings if "differs from the manifest" in w]


# -- byte code for the engine's Python ---------------------------------------------------


def test_byte_code_is_shipped_for_the_engines_python_only(tmp_path: Path) -> None:
    src = write_plugin(tmp_path / "fixture")
    same = build_plugin(src, out=tmp_path / "dist", engine_python=THIS_PYTHON)
    tag = sys.implementation.cache_tag
    assert (same.path / "__pycache__" / f"plugin.{tag}.pyc").is_file()
    stamp = json.loads((same.path / "libs" / ".gassist-build.json").read_text())
    assert stamp["bytecode"] == tag
    # The shipped byte code is valid: the engine's Python imports it without rewriting.
    proc = subprocess.run([sys.executable, "-S", "-B", "-c",
                           "import sys; sys.path.insert(0, 'libs'); import gassist_sdk;"
                           " print(gassist_sdk.__spec__.cached)"],
                          cwd=same.path, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr

    other = build_plugin(src, out=tmp_path / "dist2", engine_python=OTHER_PYTHON)
    assert not list(other.path.rglob("*.pyc"))
    assert any(f"engine's Python is {OTHER_PYTHON}" in w and "no byte code" in w
               for w in other.warnings)
    assert "bytecode" not in json.loads(
        (other.path / "libs" / ".gassist-build.json").read_text())


# -- --target windows ----------------------------------------------------------------------


def test_the_target_picks_the_engines_python(tmp_path: Path) -> None:
    assert build_target(None, None).python == THIS_PYTHON
    windows = build_target("windows", None, windows_host=False)
    assert windows.python == DEFAULT_ENGINE_PYTHON
    assert windows.pip_args() == ["--platform", "win_amd64", "--python-version",
                                  DEFAULT_ENGINE_PYTHON, "--implementation", "cp",
                                  "--only-binary=:all:"]
    assert build_target("windows", "3.11").pip_args()[3] == "3.11"
    assert build_target(None, None).pip_args() == []
    with pytest.raises(BuildError, match="not a Python version"):
        build_target("windows", "312")


def test_the_python_bundled_with_g_assist_is_detected(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = {"PROGRAMDATA": str(tmp_path)}
    assert _platform.rise_python_version(environ=env) is None
    bundled = tmp_path / "NVIDIA Corporation" / "nvtopps" / "rise" / "python"
    bundled.mkdir(parents=True)
    (bundled / "python3.dll").write_bytes(b"")
    (bundled / "python.exe").write_bytes(b"")
    assert _platform.rise_python_version(environ=env) is None
    (bundled / "python311._pth").write_text("python311.zip\n.\n")
    assert _platform.rise_python_version(environ=env) == "3.11"

    monkeypatch.setenv("PROGRAMDATA", str(tmp_path))
    found = build_target("windows", None, windows_host=True)
    assert (found.python, found.detected) == ("3.11", "the Python bundled with G-Assist")
    # Elsewhere there is no engine to look at: the documented default.
    assert build_target("windows", None, windows_host=False).python == DEFAULT_ENGINE_PYTHON


def tiny_wheel(tmp_path: Path) -> Path:
    """A pure-Python wheel ``tinydep`` in a local folder (no index involved)."""
    project = tmp_path / "tinydep-src"
    (project / "tinydep").mkdir(parents=True)
    (project / "tinydep" / "__init__.py").write_text("VALUE = 'tiny'\n")
    (project / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n'
        '[project]\nname = "tinydep"\nversion = "1.0"\n'
        '[tool.setuptools]\npackages = ["tinydep"]\n')
    wheels = tmp_path / "wheels"
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-index",
                           "--no-build-isolation", "--no-deps", "-w", str(wheels),
                           str(project)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return wheels


@pytest.mark.e2e
def test_windows_target_installs_pure_wheels_and_refuses_linux_only_ones(tmp_path: Path) -> None:
    wheels = tiny_wheel(tmp_path)
    [wheel] = wheels.glob("*.whl")
    assert wheel.name.endswith("-py3-none-any.whl")
    # Imported when called (this environment has no tinydep to generate the manifest with).
    src = write_plugin(tmp_path / "fixture", "def later():\n    import tinydep\n",
                       requirements="tinydep==1.0\n")
    proc = build_cli(str(src), "--target", "windows", "--engine-python", "3.12", "--offline",
                     "--find-links", str(wheels), "--out", str(tmp_path / "dist"))
    assert proc.returncode == 0, proc.stderr
    libs = tmp_path / "dist" / "fixture" / "libs"
    assert (libs / "tinydep" / "__init__.py").is_file()
    with zipfile.ZipFile(wheel) as zf:
        assert "tinydep/__init__.py" in zf.namelist()
    assert "for Windows, Python 3.12" in proc.stderr

    # requests needs charset-normalizer, installed here as a Linux-only compiled wheel:
    # no Windows wheel of it exists offline, and the build says so, naming it.
    (src / "requirements.txt").write_text("requests\n")
    proc = build_cli(str(src), "--target", "windows", "--engine-python", "3.12", "--offline",
                     "--out", str(tmp_path / "dist"))
    assert proc.returncode == 5
    err = " ".join(proc.stderr.split())
    assert "for win_amd64, Python 3.12 was found" in err
    assert "charset" in err.lower() or "requests" in err
    assert (libs / "tinydep" / "__init__.py").is_file()  # the previous build is left as it was


def test_windows_target_is_for_source_builds_only(tmp_path: Path) -> None:
    src = write_plugin(tmp_path / "fixture")
    with pytest.raises(BuildError, match=r"--target only applies to --mode source.*ci\.yml"):
        build_plugin(src, "exe", tmp_path / "dist", target="windows")


def test_a_builds_own_byte_code_may_ship_and_other_byte_code_never(tmp_path: Path) -> None:
    from pathlib import PurePosixPath

    from gassist_build._files import never_shipped, shipped_bytecode

    src = write_plugin(tmp_path / "fixture")
    built = build_plugin(src, out=tmp_path / "dist", engine_python=THIS_PYTHON)
    tag = shipped_bytecode(built.path)
    assert tag == sys.implementation.cache_tag
    ours = PurePosixPath(f"libs/gassist_sdk/__pycache__/__init__.{tag}.pyc")
    assert never_shipped(ours, bytecode=tag) is None
    assert never_shipped(ours) == "__pycache__"
    assert never_shipped(PurePosixPath("__pycache__/plugin.cpython-27.pyc"),
                         bytecode=tag) == "__pycache__"
    assert never_shipped(PurePosixPath("plugin.pyc"), bytecode=tag) == "__pycache__"
    assert shipped_bytecode(src) is None


@pytest.mark.slow
@pytest.mark.e2e
def test_source_and_exe_builds_keep_their_own_folders(tmp_path: Path) -> None:
    src = write_plugin(tmp_path / "fixture")
    assert build_cli(str(src), cwd=tmp_path).returncode == 0
    exe = build_cli(str(src), "--mode", "exe", cwd=tmp_path)
    assert exe.returncode == 0, exe.stderr
    source_dist, exe_dist = tmp_path / "dist" / "fixture", tmp_path / "dist" / "exe" / "fixture"
    assert (source_dist / "plugin.py").is_file()
    assert (exe_dist / _platform.executable_name("fixture")).is_file()
    assert (tmp_path / "build" / "fixture" / "fixture.spec").is_file()
    if sys.platform != "win32":
        err = " ".join(exe.stderr.split())
        assert "not a Windows .exe" in err and ".github/workflows/ci.yml" in err
    for n, built in enumerate((source_dist, exe_dist)):
        plugins = tmp_path / f"plugins{n}"
        proc = subprocess.run([*CLI, "install", str(built), "--plugins-dir", str(plugins)],
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
        proc = subprocess.run([*CLI, "package", str(built), "--out", str(tmp_path / f"zip{n}")],
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
