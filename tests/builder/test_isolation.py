# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""The engine's view of a plug-in's Python: only the standard library and its libs/."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path, PureWindowsPath

from gassist_build import _isolation
from gassist_build._platform import user_cache_dir


def test_the_runtime_copy_holds_only_the_runtime_and_is_reused(tmp_path: Path) -> None:
    first = _isolation.runtime_copy(tmp_path)
    assert [p.name for p in first.iterdir()] == ["gassist_sdk"]
    assert (first / "gassist_sdk" / "__init__.py").is_file()
    assert not list(first.rglob("__pycache__"))
    assert _isolation.runtime_copy(tmp_path) == first
    assert [p for p in tmp_path.iterdir() if p.name.startswith(".incoming")] == []


def test_the_cache_is_the_users_own_never_the_shared_temp_folder() -> None:
    posix = user_cache_dir(environ={"HOME": "/home/ada"}, windows=False)
    assert posix == Path("/home/ada/.cache/gassist-build")
    xdg = user_cache_dir(environ={"XDG_CACHE_HOME": "/c"}, windows=False)
    assert xdg == Path("/c/gassist-build")
    windows = user_cache_dir(environ={"LOCALAPPDATA": r"C:\Users\ada\AppData\Local"},
                             windows=True)
    assert PureWindowsPath(str(windows)) == PureWindowsPath(
        r"C:\Users\ada\AppData\Local\gassist-build\cache")


def test_an_isolated_plugin_sees_its_libs_and_the_runtime_but_not_this_environment(
        tmp_path: Path) -> None:
    folder = tmp_path / "probe"
    (folder / "libs" / "mine").mkdir(parents=True)
    (folder / "libs" / "mine" / "__init__.py").write_text("")
    (folder / "plugin.py").write_text(
        "import importlib.util as u\n"
        "print([n for n in ('mine', 'gassist_sdk', 'pytest', 'click', 'sitecustomize')"
        " if u.find_spec(n)])\n")
    base = {**os.environ, "PYTHONPATH": str(Path(__file__).parent),
            "PYTHONHOME": "/nowhere", "PYTHONSTARTUP": "/nowhere/startup.py"}
    isolation = _isolation.engine_isolation(folder, base=base)
    assert isolation.isolated and isolation.runtime_added is not None
    assert "PYTHONHOME" not in isolation.env and "PYTHONSTARTUP" not in isolation.env
    out = subprocess.run([sys.executable, *isolation.python_flags, "plugin.py"], cwd=folder,
                         env=isolation.env, capture_output=True, text=True, timeout=60,
                         check=True).stdout
    assert out.strip() == "['mine', 'gassist_sdk']"
    dev = _isolation.engine_isolation(folder, isolated=False)
    out = subprocess.run([sys.executable, *dev.python_flags, "plugin.py"], cwd=folder,
                         env=dev.env, capture_output=True, text=True, timeout=60,
                         check=True).stdout
    assert "pytest" in out and "mine" in out


def test_no_python_variable_of_the_developer_reaches_an_isolated_plugin(tmp_path: Path) -> None:
    base = {"PATH": "/usr/bin", "PYTHONINSPECT": "1", "PYTHONWARNINGS": "error",
            "PYTHONBREAKPOINT": "pdb.set_trace", "VIRTUAL_ENV": "/venv"}
    extra = {"GASSIST_LOG_DIR": "/logs", "PYTHONIOENCODING": "utf-8",
             "PYTHONPATH": "/elsewhere", "PYTHONSTARTUP": "/elsewhere/run.py"}
    env = _isolation.engine_isolation(tmp_path, base=base, extra=extra).env
    python = {k: v for k, v in env.items() if k.startswith("PYTHON")}
    runtime = str(_isolation.runtime_copy())
    assert python == {"PYTHONIOENCODING": "utf-8", "PYTHONNOUSERSITE": "1",
                      "PYTHONPATH": os.pathsep.join([str(tmp_path / "libs"), runtime])}
    assert env["GASSIST_LOG_DIR"] == "/logs" and "VIRTUAL_ENV" not in env
