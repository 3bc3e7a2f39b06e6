# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""A wheel of the project, installed (not editable) into a fresh venv, works offline.

The wheel is built from a copy of the sources (the checkout stays untouched) with
the dev environment's setuptools, then installed with ``pip --no-index``: that the
install succeeds at all shows the runtime distribution pulls in no third-party
package. The builder's dependencies (the ``build`` extra) are lent to the fresh
venv from this environment's site-packages by a ``.pth`` line, which comes after
the venv's own site-packages, so ``gassist_build`` and its templates are the
wheel's.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("pyproject.toml", "README.md", "LICENSE", "sdk", "builder", "templates")
BUILDER_DEPS = {"click", "rich", "jsonschema", "cookiecutter"}

pytestmark = pytest.mark.slow


def _run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None
         ) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, f"{args}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    scratch = tmp_path_factory.mktemp("wheel")
    source = scratch / "src"
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        else:
            source.mkdir(exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    _run(sys.executable, "-m", "pip", "wheel", "--quiet", "--disable-pip-version-check",
         "--no-deps", "--no-build-isolation", "--wheel-dir", scratch / "dist", source,
         cwd=scratch)
    (built,) = (scratch / "dist").glob("gassist_sdk-*.whl")
    return built


@pytest.fixture(scope="module")
def fresh_venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("venv") / "env"
    venv.create(home, with_pip=False)
    python = home / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    _run(sys.executable, "-m", "pip", "--python", python, "install", "--quiet",
         "--disable-pip-version-check", "--no-index", wheel, cwd=home)
    return home


def _venv_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    scripts = home / ("Scripts" if os.name == "nt" else "bin")
    env["PATH"] = f"{scripts}{os.pathsep}{env.get('PATH', '')}"
    return env


def _lend_builder_deps(home: Path) -> None:
    """Make this environment's click, rich, ... importable in ``home``'s venv."""
    python = home / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    purelib = subprocess.run([str(python), "-c", "import sysconfig; "
                              "print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    # A bare path line: the dev environment's own .pth files (its editable
    # install of this project) are not run, so they cannot shadow the wheel.
    (Path(purelib) / "zz_builder_deps.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")


def test_the_wheel_carries_the_templates_and_the_builder_deps_only_as_an_extra(
        wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        (metadata,) = [n for n in names if n.endswith(".dist-info/METADATA")]
        meta = Parser().parsestr(archive.read(metadata).decode("utf-8"))
    for template in ("basic", "passthrough-chat", "service"):
        base = f"gassist_build/templates/{template}/"
        assert base + "cookiecutter.json" in names
        assert base + "{{cookiecutter.plugin_name}}/plugin.py" in names
        assert base + "{{cookiecutter.plugin_name}}/.gitignore" in names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    requires = meta.get_all("Requires-Dist") or []
    assert not [r for r in requires if "extra ==" not in r], requires
    build_extra = {r.split(">")[0].split(";")[0].strip() for r in requires
                   if "extra == \"build\"" in r}
    assert build_extra == BUILDER_DEPS


def test_runtime_from_the_wheel_is_stdlib_only(fresh_venv: Path) -> None:
    python = fresh_venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    done = _run(python, "-c", "import sys, gassist_sdk, gassist_sdk.testing; "
                "import json; print(gassist_sdk.__file__); print(json.dumps(sorted(sys.modules)))",
                cwd=fresh_venv, env=_venv_env(fresh_venv))
    where, modules = done.stdout.splitlines()
    assert Path(where).resolve().is_relative_to(fresh_venv.resolve())
    assert not BUILDER_DEPS & set(json.loads(modules))


def test_gassist_build_new_and_validate_from_the_wheel(fresh_venv: Path,
                                                        tmp_path: Path) -> None:
    _lend_builder_deps(fresh_venv)
    env = _venv_env(fresh_venv)
    python = fresh_venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    cli = shutil.which("gassist-build", path=env["PATH"])
    assert cli is not None and Path(cli).parent == python.parent
    where = _run(python, "-c", "import gassist_build.scaffold as s; print(s.templates_dir())",
                 cwd=tmp_path, env=env).stdout.strip()
    assert Path(where).resolve().is_relative_to(fresh_venv.resolve()), where

    _run(cli, "new", "demoplug", "--no-input", cwd=tmp_path, env=env)
    manifest = json.loads((tmp_path / "demoplug" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["functions"]
    _run(cli, "validate", "demoplug", cwd=tmp_path, env=env)
