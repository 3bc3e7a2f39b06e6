# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""Freeze a plug-in into an executable with PyInstaller, from a generated spec file.

The spec is written into the build folder (``build/<name>/<name>.spec``) so that a
user can read, commit and re-run it by hand (``pyinstaller build/hello/hello.spec``).
Choices, and why:

* console subsystem: the engine talks to the plug-in over stdin/stdout, which a
  windowed (``--noconsole``) executable does not have;
* no UPX: compressed executables start slower and trip anti-virus scanners;
* stripped symbols where the platform has ``strip`` (not on Windows);
* one folder by default: a one-file executable unpacks itself to a temporary
  folder on every start, which costs start-up time on each launch;
* hidden imports discovered from the code (every submodule of ``gassist_sdk``
  and each ``importlib.import_module("...")`` / ``__import__("...")`` with a
  literal name in the plug-in) and from the requirements (every top-level module
  they installed: ``gassist_sdk.http`` imports ``requests`` by name only, on the
  first request, which a byte-code scan cannot see), never hand-listed;
* PyInstaller runs in a child process with ``PYTHONHASHSEED=0`` so that two
  builds of the same sources give the same bytes.
"""

from __future__ import annotations

import ast
import os
import pkgutil
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

__all__ = ["FreezePlan", "discover_hidden_imports", "installed_top_level", "render_spec",
           "run_pyinstaller"]

# Not needed by a console plug-in, and large.
_EXCLUDES = ("tkinter", "_tkinter", "turtle", "turtledemo", "idlelib", "pydoc_data")
_RUNNER = "import sys, PyInstaller.__main__ as m; m.run(sys.argv[1:])"


@dataclass(frozen=True)
class FreezePlan:
    """Everything the spec file needs.

    Attributes:
        script: The plug-in's ``plugin.py``.
        exe_base: Executable name without ``.exe`` (``g-assist-plugin-<name>``).
        search_paths: Folders to import from (plug-in folder, the runtime, ``deps/``).
        hidden_imports: Modules PyInstaller cannot see in the byte code.
        onefile: One self-unpacking file instead of a folder.
        strip: Strip symbols from binaries.
    """

    script: Path
    exe_base: str
    search_paths: tuple[Path, ...]
    hidden_imports: tuple[str, ...]
    onefile: bool
    strip: bool


def _literal_imports(tree: ast.AST) -> set[str]:
    """Module names passed as string literals to ``import_module`` or ``__import__``."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        first = node.args[0]
        if (
            name in ("import_module", "__import__")
            and isinstance(first, ast.Constant)
            and isinstance(first.value, str)
            and not first.value.startswith(".")
        ):
            found.add(first.value)
    return found


def installed_top_level(deps: Path) -> set[str]:
    """The importable top-level modules pip installed into ``deps``.

    A namespace package (a folder without ``__init__.py``, such as ``google``) is
    not importable code by itself: its sub-packages (``google.genai``) are named
    instead. Metadata, scripts and byte-code folders are skipped.
    """
    found: set[str] = set()
    if not deps.is_dir():
        return found
    for entry in sorted(deps.iterdir()):
        name = entry.name
        if name.startswith((".", "_")):  # private modules: their packages import them
            continue
        if entry.is_dir():
            if name.endswith((".dist-info", ".egg-info", ".data")) or name in ("bin", "Scripts",
                                                                               "__pycache__"):
                continue
            if not name.isidentifier():
                continue
            if (entry / "__init__.py").is_file():
                found.add(name)
            else:  # a namespace package: its parts
                found |= {f"{name}.{part}" for part in installed_top_level(entry)}
        elif entry.suffix == ".py" and entry.stem.isidentifier():
            found.add(entry.stem)
        elif entry.suffix in (".so", ".pyd") and name.split(".")[0].isidentifier():
            found.add(name.split(".")[0])
    return found


def discover_hidden_imports(plugin_modules: list[Path], runtime_dir: Path,
                            deps: Path | None = None) -> list[str]:
    """Modules a frozen plug-in needs that PyInstaller's byte-code scan misses.

    Args:
        plugin_modules: The plug-in's own ``.py`` files.
        runtime_dir: The ``gassist_sdk`` package folder; all its submodules are
            included because the runtime imports some lazily (platform-specific code).
        deps: Where the requirements were installed for freezing: their top-level
            modules are included, because a plug-in (or ``gassist_sdk.http``) may
            import them by name only.

    Returns:
        Sorted module names.
    """
    found: set[str] = {"gassist_sdk"}
    for info in pkgutil.walk_packages([str(runtime_dir)], prefix="gassist_sdk."):
        # The in-memory test client is for the author's tests, never for the plug-in.
        if info.name != "gassist_sdk.testing":
            found.add(info.name)
    for module in plugin_modules:
        try:
            tree = ast.parse(module.read_bytes(), filename=str(module))
        except SyntaxError:
            continue  # the manifest step already reported it
        found |= _literal_imports(tree)
    if deps is not None:
        found |= installed_top_level(deps)
    return sorted(found)


def render_spec(plan: FreezePlan) -> str:
    """The text of a readable PyInstaller spec file for ``plan``."""
    paths = ",\n".join(f"        {str(p)!r}" for p in plan.search_paths)
    hidden = ",\n".join(f"        {name!r}" for name in plan.hidden_imports)
    excludes = ", ".join(repr(name) for name in _EXCLUDES)
    header = f'''# -*- mode: python ; coding: utf-8 -*-
# PyInstaller spec for the G-Assist plug-in {plan.exe_base!r}.
# Generated by `gassist-build build --mode exe{" --onefile" if plan.onefile else ""}`;
# rebuild by hand with:  PYTHONHASHSEED=0 pyinstaller --noconfirm <this file>
# Console subsystem (the engine talks over stdin/stdout), no UPX, hidden imports
# discovered from the code by gassist-build.

a = Analysis(
    [{str(plan.script)!r}],
    pathex=[
{paths},
    ],
    hiddenimports=[
{hidden},
    ],
    excludes=[{excludes}],
    noarchive=False,
)
pyz = PYZ(a.pure)
'''
    common = f"""    name={plan.exe_base!r},
    console=True,
    debug=False,
    strip={plan.strip!r},
    upx=False,"""
    if plan.onefile:
        body = f"""
exe = EXE(
    pyz,
    a.scripts,
    a.binaries,
    a.datas,
    [],
{common}
    runtime_tmpdir=None,
)
"""
    else:
        body = f"""
exe = EXE(
    pyz,
    a.scripts,
    [],
    exclude_binaries=True,
{common}
)
coll = COLLECT(
    exe,
    a.binaries,
    a.datas,
    strip={plan.strip!r},
    upx=False,
    name={plan.exe_base!r},
)
"""
    return header + body


def can_strip() -> bool:
    """Whether binaries can be stripped here (never on Windows, where it breaks them)."""
    return sys.platform != "win32" and shutil.which("strip") is not None


def run_pyinstaller(spec: Path, dist_path: Path, work_path: Path) -> tuple[int, str]:
    """Run PyInstaller on ``spec`` in a child process with a fixed hash seed.

    Returns:
        The exit status and PyInstaller's combined output (for error messages).
    """
    env = dict(os.environ, PYTHONHASHSEED="0", PYTHONIOENCODING="utf-8")
    args = [
        sys.executable,
        "-c",
        _RUNNER,
        str(spec),
        "--noconfirm",
        "--clean",
        "--log-level",
        "WARN",
        "--distpath",
        str(dist_path),
        "--workpath",
        str(work_path),
    ]
    proc = subprocess.run(
        args,
        cwd=spec.parent,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        check=False,
    )
    return proc.returncode, proc.stdout.decode("utf-8", "replace")
